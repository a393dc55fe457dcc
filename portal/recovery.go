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
// shape at all. Case is folded in ASCII only, and any other character is
// refused: Unicode's case mapping would let look-alikes in (U+212A KELVIN SIGN
// lower-cases to k), and the contract's pattern allows none of them.
func normalizeRecoveryCode(s string) (string, bool) {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c == '-' || c == ' ':
		case strings.IndexByte(recoveryAlphabet, c) >= 0:
			b.WriteByte(c)
		default: // a byte of a non-ASCII character, or outside the alphabet
			return "", false
		}
	}
	n := b.String()
	return n, len(n) == recoveryGroups*recoveryGroupLen
}
