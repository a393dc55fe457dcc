package client

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// answer is one HTTP answer as the decoder sees it: no network involved, so
// it can be fuzzed.
type answer struct {
	status    int
	header    http.Header
	body      []byte
	host      string
	requestID string
	// received is when the answer arrived (this computer's clock).
	received time.Time
}

// validator is a decoded answer that can check what the contract
// requires; a is the answer it came in, for the times to compare with.
type validator interface{ validate(a answer) error }

// decode turns a into out (nil when the call answers 204) or into the typed
// error it stands for. It never panics on any input. own reports whether a
// is the portal's own answer, one the contract describes: a valid result,
// the 204 of a call without one, or the JSON error form. Only such an
// answer's Date is believed; a captive portal's page, a redirect or a
// proxy's error page comes from another clock.
func decode(a answer, out validator) (own bool, err error) {
	switch {
	case a.status >= 200 && a.status < 300:
		if out == nil {
			return a.status == http.StatusNoContent, nil
		}
		if a.status == http.StatusNoContent {
			return false, a.notPortal("the answer is empty", nil)
		}
		if err := a.checkJSON(); err != nil {
			return false, err
		}
		if err := json.Unmarshal(a.body, out); err != nil {
			return false, a.notPortal("the answer is not the JSON the portal sends", err)
		}
		if err := out.validate(a); err != nil {
			return false, a.notPortal(err.Error(), nil)
		}
		return true, nil
	case a.status >= 300 && a.status < 400:
		return false, a.notPortal(fmt.Sprintf("it answered with a redirect (HTTP %d)", a.status), nil)
	case a.status >= 400 && a.status < 600:
		return a.portalError()
	}
	return false, a.notPortal(fmt.Sprintf("it answered with HTTP status %d", a.status), nil)
}

// checkJSON insists on a JSON content type.
func (a answer) checkJSON() error {
	ct := a.header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		if ct == "" {
			ct = "no content type"
		}
		return a.notPortal("it answered with "+printable(ct, 60)+" instead of JSON", nil)
	}
	return nil
}

// errorBody is the contract's error form (schema Error).
type errorBody struct {
	Error *struct {
		Code               string `json:"code"`
		Message            string `json:"message"`
		AttemptsRemaining  *int   `json:"attempts_remaining"`
		ClockOffsetSeconds *int   `json:"clock_offset_seconds"`
		// RetryAfterSeconds is read as text so that a number too large
		// for an int is the capped wait, as in the header.
		RetryAfterSeconds json.Number `json:"retry_after_seconds"`
	} `json:"error"`
}

// portalError decodes a 4xx/5xx answer into its typed error; own is true
// when it holds the contract's error form.
func (a answer) portalError() (own bool, err error) {
	var body errorBody
	if a.checkJSON() != nil || json.Unmarshal(a.body, &body) != nil || body.Error == nil || !isErrorCode(body.Error.Code) {
		switch {
		case a.status >= 500:
			// A proxy's or server's own failure page: the portal is down.
			return false, &APIError{Status: a.status, RequestID: a.requestID, RetryAfter: a.retryAfter("")}
		case a.status == http.StatusTooManyRequests:
			ae := &APIError{Status: a.status, Code: "rate_limited", RequestID: a.requestID, RetryAfter: a.retryAfter("")}
			return false, &RateLimitError{RetryAfter: ae.RetryAfter, APIError: ae}
		}
		return false, a.notPortal(fmt.Sprintf("it answered HTTP %d without the portal's error form", a.status), nil)
	}
	e := body.Error
	ae := &APIError{
		Status:            a.status,
		Code:              e.Code,
		Message:           printable(e.Message, 300),
		RequestID:         a.requestID,
		AttemptsRemaining: nonNegative(e.AttemptsRemaining),
		RetryAfter:        a.retryAfter(e.RetryAfterSeconds),
	}
	switch {
	case ae.Code == "rate_limited" || a.status == http.StatusTooManyRequests:
		return true, &RateLimitError{RetryAfter: ae.RetryAfter, APIError: ae}
	case ae.Code == "invalid_code":
		ice := &InvalidCodeError{AttemptsRemaining: ae.AttemptsRemaining, APIError: ae}
		if s := e.ClockOffsetSeconds; s != nil && *s > -100000 && *s < 100000 {
			d := time.Duration(*s) * time.Second
			ice.ClockOffset = &d
		}
		return true, ice
	}
	return true, ae
}

// isErrorCode reports whether code looks like one of the contract's stable
// codes: lower-case words joined by underscores, at most 64 bytes. Anything
// else (digits, spaces, a sentence) could be an echo of what was sent, and
// the code goes into error text and support details.
func isErrorCode(code string) bool {
	if code == "" || len(code) > 64 || code[0] == '_' || code[len(code)-1] == '_' || strings.Contains(code, "__") {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return true
}

// maxRetryAfter bounds a Retry-After the client believes.
const maxRetryAfter = 24 * time.Hour

// retryAfter is the Retry-After header (seconds or an HTTP-date), else
// the body's retry_after_seconds, else 0.
func (a answer) retryAfter(bodySeconds json.Number) time.Duration {
	d := parseRetryAfter(a.header.Get("Retry-After"), answerTime(a.header, a.received))
	if d == 0 {
		d = parseDelaySeconds(string(bodySeconds))
	}
	return d
}

// parseRetryAfter reads a Retry-After value: delay-seconds, or an
// HTTP-date read against now, which must be the portal's time (the
// answer's Date) since the date is on the portal's clock. It is 0 when
// absent, unreadable or past, and at most maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDigits(v) {
		return parseDelaySeconds(v)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	// Compared before subtracting: Sub saturates, and a date far
	// beyond the cap is the cap.
	if t.After(now.Add(maxRetryAfter)) {
		return maxRetryAfter
	}
	return max(t.Sub(now).Round(time.Second), 0)
}

// parseDelaySeconds reads delay-seconds (digits only) as a wait of at most
// maxRetryAfter: a number too large for any integer is the cap too, like
// any other number above it.
func parseDelaySeconds(v string) time.Duration {
	if !isDigits(v) {
		return 0
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > uint64(maxRetryAfter/time.Second) {
		return maxRetryAfter // only a range error is possible here
	}
	return time.Duration(n) * time.Second
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (a answer) notPortal(detail string, err error) *NetworkError {
	return &NetworkError{Kind: KindNotPortal, Host: a.host, Status: a.status, RequestID: a.requestID, Detail: detail, Err: err}
}

func nonNegative(p *int) *int {
	if p == nil || *p < 0 {
		return nil
	}
	return p
}

// printable cuts s to n runes and drops control characters, so text from
// the other end cannot garble a log line or a dialog.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			b.WriteString("…")
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n--
		}
	}
	return b.String()
}
