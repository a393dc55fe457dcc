package portal

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/internal/rfc6238"
	"github.com/partnersecurity/partnersecurity/internal/testclock"
)

// refCode is the 6-digit SHA-1 code of a base32 secret at t, from an RFC
// 6238 implementation independent of the code under test (which uses
// pquerna/otp), so tests compute codes as a phone would.
func refCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := rfc6238.AppCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCheckTOTPWindowReplayAndDiagnosis checks the policy step by step against
// codes computed by the reference implementation.
func TestCheckTOTPWindowReplayAndDiagnosis(t *testing.T) {
	secret := newTOTPSecret()
	now := testclock.Epoch
	cur := timeStep(now)
	codeAt := func(steps int) string { return refCode(t, secret, now.Add(time.Duration(steps)*30*time.Second)) }

	for _, d := range []int{-1, 0, 1} {
		c := checkTOTP(secret, codeAt(d), now, -1)
		if c.verdict != codeAccepted || c.step != cur+int64(d) {
			t.Errorf("step %+d: got %+v, want accepted at step %d", d, c, cur+int64(d))
		}
		if c := checkTOTP(secret, codeAt(d), now, cur+int64(d)); c.verdict != codeReused {
			t.Errorf("step %+d with that step accepted before: got %+v, want reused", d, c)
		}
		if c := checkTOTP(secret, codeAt(d), now, cur+1); c.verdict != codeReused {
			t.Errorf("step %+d with a later step accepted before: got %+v, want reused", d, c)
		}
	}
	for _, d := range []int{-11, -5, -2, 2, 7, 11} {
		c := checkTOTP(secret, codeAt(d), now, -1)
		if c.verdict != codeWrong || !c.diagnosed || c.offsetSteps != d {
			t.Errorf("step %+d: got %+v, want wrong with offset %d", d, c, d)
		}
	}
	if c := checkTOTP(secret, codeAt(-12), now, -1); c.verdict != codeWrong {
		t.Errorf("step -12: got %+v, want wrong", c)
	}
}

// TestOTPAuthURI checks the Key URI an authenticator reads.
func TestOTPAuthURI(t *testing.T) {
	secret := newTOTPSecret()
	if len(secret) != 32 || strings.Contains(secret, "=") {
		t.Fatalf("secret %d characters, padded=%v; want 32 unpadded", len(secret), strings.Contains(secret, "="))
	}
	got := otpauthURI("Partner Portal", "reseller@example.com", secret)
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Errorf("scheme/host %s/%s", u.Scheme, u.Host)
	}
	if want := "/Partner%20Portal:reseller%40example.com"; u.EscapedPath() != want {
		t.Errorf("label %s, want %s", u.EscapedPath(), want)
	}
	q := u.Query()
	for k, want := range map[string]string{"secret": secret, "issuer": "Partner Portal", "algorithm": "SHA1", "digits": "6", "period": "30"} {
		if q.Get(k) != want {
			t.Errorf("%s=%q, want %q", k, q.Get(k), want)
		}
	}
	if strings.Contains(got, "+") {
		t.Errorf("URI %s writes a space as +", strings.ReplaceAll(got, secret, "SECRET"))
	}
}

func TestRecoveryCodeShape(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := newRecoveryCode()
		n, ok := normalizeRecoveryCode(c)
		if !ok || len(c) != 14 || seen[n] {
			t.Fatalf("bad or repeated recovery code")
		}
		seen[n] = true
		if m, ok := normalizeRecoveryCode(" " + strings.ToUpper(strings.ReplaceAll(c, "-", " ")) + " "); !ok || m != n {
			t.Fatalf("typed variant does not normalize to the code")
		}
	}
	for _, bad := range []string{"", "abcd", "abcd-efgh-jkm0", "abcd-efgh-jkmnp", "ab¢d-efgh-jkmn"} {
		if _, ok := normalizeRecoveryCode(bad); ok {
			t.Errorf("%q accepted as a recovery code", bad)
		}
	}
}
