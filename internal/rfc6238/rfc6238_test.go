package rfc6238

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Every test vector of RFC 6238 Appendix B.
func TestAppendixB(t *testing.T) {
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
		if got := Code(seeds[v.alg], time.Unix(v.unix, 0), 8, hashes[v.alg]); got != v.want {
			t.Errorf("T=%d %s: got %s, want %s", v.unix, v.alg, got, v.want)
		}
	}
}

// AppCode agrees with oathtool, the authenticator the manual walkthrough and
// the UI tests use. make test installs oathtool.
func TestAppCodeMatchesOathtool(t *testing.T) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		t.Fatal("oathtool is not installed (apt-get install oathtool)")
	}
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	for _, at := range []time.Time{time.Date(2026, 3, 2, 9, 0, 5, 0, time.UTC), time.Unix(1111111109, 0), time.Unix(2000000000, 0)} {
		out, err := exec.Command("oathtool", "--totp", "-b", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
		if err != nil {
			t.Fatalf("oathtool: %v", err)
		}
		got, err := AppCode(strings.ToLower(secret), at)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("at %v: AppCode %s, oathtool %s", at, got, want)
		}
	}
}

func TestAppCodeRefusesGarbage(t *testing.T) {
	if _, err := AppCode("not base32!", time.Now()); err == nil {
		t.Error("no error for a secret that is not base32")
	}
}
