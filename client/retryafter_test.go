package client

import (
	"net/http"
	"testing"
	"time"
)

// Retry-After in seconds: a number too large for any integer type is as
// long a wait as one that fits, not none.
func TestParseRetryAfterSeconds(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"0":                             0,
		"42":                            42 * time.Second,
		" 42 ":                          42 * time.Second,
		"86400":                         maxRetryAfter,
		"86401":                         maxRetryAfter,
		"9223372036854775807":           maxRetryAfter,
		"9223372036854775808":           maxRetryAfter,
		"99999999999999999999":          maxRetryAfter,
		"-5":                            0,
		"+5":                            0, // delay-seconds is digits only
		"5s":                            0,
		"1e3":                           0,
		"Mon, 02 Mar 2026 09:01:30 GMT": 90 * time.Second,
		"Mon, 02 Mar 2026 08:59:00 GMT": 0,
		"Fri, 31 Dec 9999 23:59:59 GMT": maxRetryAfter,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// An HTTP-date Retry-After is a time on the portal's clock, so it is read
// against the answer's Date, not this computer's clock.
func TestRetryAfterDateIsReadAgainstTheAnswersDate(t *testing.T) {
	received := time.Now()
	portal := received.Add(3 * time.Hour).UTC().Truncate(time.Second) // the portal's clock is 3 h ahead
	h := http.Header{}
	h.Set("Date", portal.Format(http.TimeFormat))
	h.Set("Retry-After", portal.Add(time.Minute).Format(http.TimeFormat))
	if got := (answer{header: h, received: received}).retryAfter(""); got != time.Minute {
		t.Fatalf("Retry-After one minute after the answer's Date gave %v", got)
	}
	h.Del("Date") // without a Date, this computer's clock is all there is
	if got := (answer{header: h, received: received}).retryAfter(""); got < 3*time.Hour {
		t.Fatalf("without a Date: %v, want about 3h1m on this computer's clock", got)
	}
}

// The body's retry_after_seconds is read like the header: too large a
// number is the capped wait, and the error form still decodes.
func TestRetryAfterSecondsInTheBody(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	for body, want := range map[string]time.Duration{
		`{"error":{"code":"rate_limited","message":"m","retry_after_seconds":42}}`:                   42 * time.Second,
		`{"error":{"code":"rate_limited","message":"m","retry_after_seconds":9223372036854775807}}`:  maxRetryAfter,
		`{"error":{"code":"rate_limited","message":"m","retry_after_seconds":99999999999999999999}}`: maxRetryAfter,
		`{"error":{"code":"rate_limited","message":"m","retry_after_seconds":-3}}`:                   0,
	} {
		_, err := decode(answer{status: 429, header: h, body: []byte(body), received: time.Now()}, nil)
		rl, ok := err.(*RateLimitError)
		if !ok || rl.RetryAfter != want || rl.Code != "rate_limited" {
			t.Errorf("%s: %#v, want a RateLimitError of %v", body, err, want)
		}
	}
}
