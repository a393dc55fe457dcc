package client_test

// A small RFC 6238 implementation, independent of the code under test and
// of the portal's, to compute the codes an authenticator app would show.

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// totpAt is the code of the RFC 6238 SHA-1 TOTP with a 30 s step for key
// at t, with digits digits.
func totpAt(key []byte, t time.Time, digits int) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// code is the 6-digit code for a base32 shared secret at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatalf("shared secret is not base32: %v", err)
	}
	return totpAt(key, at, 6)
}

// RFC 6238 Appendix B, the SHA-1 rows.
func TestTOTPHelperMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for unix, want := range map[int64]string{
		59:          "94287082",
		1111111109:  "07081804",
		1111111111:  "14050471",
		1234567890:  "89005924",
		2000000000:  "69279037",
		20000000000: "65353130",
	} {
		if got := totpAt(key, time.Unix(unix, 0), 8); got != want {
			t.Errorf("T=%d: got %s, want %s", unix, got, want)
		}
	}
}

// And it agrees with oathtool, the reference the UI tests use.
func TestTOTPHelperMatchesOathtool(t *testing.T) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		t.Skip("oathtool is not installed; the RFC 6238 vectors above still check the helper")
	}
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	at := time.Date(2026, 3, 2, 9, 0, 5, 0, time.UTC)
	out, err := exec.Command("oathtool", "--totp", "-b", secret, "--now", at.Format("2006-01-02 15:04:05 UTC")).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	if got, want := code(t, secret, at), strings.TrimSpace(string(out)); got != want {
		t.Fatalf("helper gives a different code than oathtool")
	}
}
