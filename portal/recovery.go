package portal

import (
	"crypto/rand"
	"strings"
)

const (
	// recoveryCodeCount is how many codes a set holds.
	recoveryCodeCount = 10
	// recoveryAlphabet leaves out 0, 1, i, l and o, which people misread.
	recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	// recoveryGroups × recoveryGroupLen characters: 12 × log2(31) ≈ 59 bits each.
	recoveryGroups   = 3
	recoveryGroupLen = 4
)

// newRecoveryCode returns a code written xxxx-xxxx-xxxx.
func newRecoveryCode() string {
	var b strings.Builder
	for g := range recoveryGroups {
		if g > 0 {
			b.WriteByte('-')
		}
		for range recoveryGroupLen {
			b.WriteByte(recoveryAlphabet[randIndex(len(recoveryAlphabet))])
		}
	}
	return b.String()
}

// randIndex returns a uniform random number in [0, n) for n ≤ 256, rejecting the
// bytes that would bias it.
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// normalizeRecoveryCode turns what a person typed into the code's canonical form
// (lower case, no spaces or hyphens) and reports whether it has a recovery code's
// shape at all.
func normalizeRecoveryCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '-' || r == ' ':
		case r < 128 && strings.ContainsRune(recoveryAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	n := b.String()
	return n, len(n) == recoveryGroups*recoveryGroupLen
}
