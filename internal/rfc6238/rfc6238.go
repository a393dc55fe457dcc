// Package rfc6238 computes TOTP codes as written in RFC 6238, independently
// of the portal's implementation (which uses pquerna/otp): the tests of the
// portal and of the client use it to compute the codes an authenticator app
// would show, so that neither checks itself against itself.
package rfc6238

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"strings"
	"time"
)

// Step is the time step of the codes: 30 seconds, the only one every
// authenticator app honours.
const Step = 30 * time.Second

// Code is the TOTP of key at t: HMAC with h over the number of 30 s steps
// since the Unix epoch, dynamically truncated to digits digits.
func Code(key []byte, t time.Time, digits int, h func() hash.Hash) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/int64(Step/time.Second)))
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

// AppCode is the 6-digit SHA-1 code that an authenticator app holding the
// base32 shared secret (padded or not, any case) shows at t.
func AppCode(secret string, t time.Time) (string, error) {
	s := strings.TrimRight(strings.ToUpper(secret), "=")
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("rfc6238: the shared secret is not base32: %w", err)
	}
	return Code(key, t, 6, sha1.New), nil
}
