package portal

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// refTOTP is an RFC 6238 implementation written from the RFC, independent of the
// code under test (which uses pquerna/otp), so tests compute codes as a phone
// would.
func refTOTP(key []byte, t time.Time, digits int, h func() hash.Hash) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(h, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// refCode is the 6-digit SHA-1 code of a base32 secret at t.
func refCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret is not unpadded base32: %v", err)
	}
	return refTOTP(key, at, 6, sha1.New)
}

// TestRefTOTPMatchesRFC6238AppendixB checks the test's own TOTP against every
// test vector of RFC 6238 Appendix B.
func TestRefTOTPMatchesRFC6238AppendixB(t *testing.T) {
	seeds := map[string][]byte{
		"SHA1":   []byte("12345678901234567890"),
		"SHA256": []byte("12345678901234567890123456789012"),
		"SHA512": []byte("1234567890123456789012345678901234567890123456789012345678901234"),
	}
	hashes := map[string]func() hash.Hash{"SHA1": sha1.New, "SHA256": sha256.New, "SHA512": sha512.New}
	vectors := []struct {
		unix int64
		alg  string
		want string
	}{
		{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
	}
	for _, v := range vectors {
		if got := refTOTP(seeds[v.alg], time.Unix(v.unix, 0), 8, hashes[v.alg]); got != v.want {
			t.Errorf("T=%d %s: got %s, want %s", v.unix, v.alg, got, v.want)
		}
	}
}

// TestRefTOTPMatchesOathtool checks the test's TOTP against oathtool, the phone
// stand-in of the manual walkthrough.
func TestRefTOTPMatchesOathtool(t *testing.T) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		t.Fatal("oathtool is not installed (apt-get install oathtool)")
	}
	secret := newTOTPSecret()
	for _, at := range []time.Time{testEpoch, time.Unix(1111111109, 0), time.Unix(2000000000, 0)} {
		out, err := exec.Command("oathtool", "--totp", "-b", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
		if err != nil {
			t.Fatalf("oathtool: %v", err)
		}
		if got, want := refCode(t, secret, at), strings.TrimSpace(string(out)); got != want {
			t.Errorf("at %v: refTOTP %s, oathtool %s", at, got, want)
		}
	}
}

// TestCheckTOTPWindowReplayAndDiagnosis checks the policy step by step against
// codes computed by the reference implementation.
func TestCheckTOTPWindowReplayAndDiagnosis(t *testing.T) {
	secret := newTOTPSecret()
	now := testEpoch
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
