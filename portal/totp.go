package portal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// The TOTP settings every authenticator app honours (DESIGN § Security rules). They
// are fixed here and never left to the library's defaults.
const (
	totpPeriod     = 30 // seconds per time step
	totpDigits     = 6
	totpSecretSize = 20 // bytes: 160 bits, as RFC 4226 recommends for SHA-1
	totpAlgorithm  = "SHA1"
	// totpSkew is how many steps either side of the current one are accepted.
	totpSkew = 1
	// totpDiagnosisSteps is how far beyond the accepted window a refused code is
	// looked for, only to tell the user that the phone's clock is off.
	totpDiagnosisSteps = 10
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// base32NoPad is the secret's written form: RFC 4648 base32 without padding, as
// authenticator apps expect in otpauth URIs.
var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret returns a fresh 160-bit shared secret in base32.
func newTOTPSecret() string {
	b := make([]byte, totpSecretSize)
	rand.Read(b)
	return base32NoPad.EncodeToString(b)
}

// timeStep is the RFC 6238 counter for t.
func timeStep(t time.Time) int64 {
	u := t.Unix()
	if u < 0 {
		return 0
	}
	return u / totpPeriod
}

// codeVerdict is what a code check found.
type codeVerdict int

const (
	codeWrong    codeVerdict = iota // no step in the window matches
	codeReused                      // a step in the window matches, but it is not newer than the last accepted one
	codeAccepted                    // a step in the window newer than the last accepted one matches
)

// codeCheck is the outcome of checking one code.
type codeCheck struct {
	verdict codeVerdict
	step    int64 // the matched step, for codeAccepted and codeReused
	// offsetSteps is set for codeWrong when the code matched a step outside the
	// window: the phone's step minus the portal's.
	offsetSteps int
	diagnosed   bool
}

// checkTOTP checks code against secret (base32) at now, step by step through the
// accepted window so the matched step is known, refusing steps at or before
// lastStep. Every step of the window is computed and compared in constant time,
// so the time taken does not tell which step matched.
func checkTOTP(secret, code string, now time.Time, lastStep int64) codeCheck {
	current := timeStep(now)
	matches := func(step int64) bool {
		if step < 0 {
			return false
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts)
		if err != nil {
			return false
		}
		return subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1
	}
	result := codeCheck{verdict: codeWrong}
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		if !matches(step) {
			continue
		}
		switch {
		case step > lastStep:
			result = codeCheck{verdict: codeAccepted, step: step}
		case result.verdict == codeWrong:
			result = codeCheck{verdict: codeReused, step: step}
		}
	}
	if result.verdict != codeWrong {
		return result
	}
	// Nearest steps first, so the smallest offset explaining the code wins.
	for d := int64(totpSkew + 1); d <= totpSkew+totpDiagnosisSteps; d++ {
		for _, step := range []int64{current - d, current + d} {
			if matches(step) {
				return codeCheck{verdict: codeWrong, offsetSteps: int(step - current), diagnosed: true}
			}
		}
	}
	return result
}

// isTOTPCode reports whether code has the shape of a TOTP code: six ASCII digits.
func isTOTPCode(code string) bool {
	if len(code) != totpDigits {
		return false
	}
	for _, c := range []byte(code) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// otpauthURI is the Key URI an authenticator app reads from the QR code:
// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30.
// Spaces are written %20 (not +), which every app reads alike.
func otpauthURI(issuer, account, secret string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "otpauth://totp/" + esc(issuer) + ":" + esc(account) +
		"?secret=" + secret + "&issuer=" + esc(issuer) +
		"&algorithm=" + totpAlgorithm + "&digits=6&period=30"
}
