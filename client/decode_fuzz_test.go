package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary answers to the decoder for every result type:
// it must never panic, and must return nil or one of the package's typed
// errors, whose message never quotes the body.
func FuzzDecode(f *testing.F) {
	seeds := []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"token":"t","expires_at":"2030-01-01T00:00:00Z","account":{"id":"a","username":"u","name":"N","company":"C"}}`},
		{200, "application/json", `{"mfa_required":true,"mfa_token":"m","expires_at":"2030-01-01T00:00:00Z"}`},
		{200, "application/json", `{"two_factor":{"required":true,"configured":true,"configured_at":"2025-01-01T00:00:00Z","recovery_codes_remaining":10}}`},
		{201, "application/json", `{"enrollment_id":"e","secret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","otpauth_uri":"otpauth://totp/I:A?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=I","issuer":"I","account_name":"A","algorithm":"SHA1","digits":6,"period":30,"expires_at":"2030-01-01T00:00:00Z"}`},
		{200, "application/json", `{"two_factor":{"required":true,"configured":true,"configured_at":null,"recovery_codes_remaining":10},"recovery_codes":["abcd-efgh-jkmn"]}`},
		{200, "application/json", `{"events":[{"id":1,"type":"signed_in","at":"2025-01-01T00:00:00Z","client_address":"127.0.0.1","detail":"x"}]}`},
		{200, "application/json; charset=utf-8", `{"time":"2025-01-02T03:04:05.123456789Z"}`},
		{204, "", ``},
		{422, "application/json", `{"error":{"code":"invalid_code","message":"Wrong.","attempts_remaining":3,"clock_offset_seconds":-150}}`},
		{401, "application/json", `{"error":{"code":"code_reused","message":"Used.","attempts_remaining":0}}`},
		{429, "application/json", `{"error":{"code":"rate_limited","message":"Wait.","retry_after_seconds":99999999999}}`},
		{503, "text/html", `<html>down</html>`},
		{200, "text/html", `<html>shop</html>`},
		{200, "application/json", `{"time":`},
		{302, "", ``},
		{999, "application/json", `{}`},
		{401, "application/json", `{"error":null}`},
		{422, "application/problem+json", `{"error":{"code":"invalid_code","message":"\u0000\u001b[31m","clock_offset_seconds":9223372036854775807}}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ct, "120", []byte(s.body))
	}
	outs := []func() validator{
		func() validator { return nil },
		func() validator { return &loginAnswer{} },
		func() validator { return &Session{} },
		func() validator { return &Account{} },
		func() validator { return &SecurityStatus{} },
		func() validator { return &Enrollment{} },
		func() validator { return &RecoveryCodes{} },
		func() validator { return &SecurityEvents{} },
		func() validator { return &PortalTime{} },
		func() validator { return &Health{} },
	}
	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		h.Set("Retry-After", retryAfter)
		a := answer{status: status, header: h, body: body, host: "portal.example", requestID: "rid", received: time.Now()}
		for _, out := range outs {
			own, err := decode(a, out())
			var ae *APIError
			if own && err != nil && !errors.As(err, &ae) {
				t.Fatalf("an answer decoded as the portal's own gave %v", err)
			}
			if err == nil {
				if status < 200 || status > 299 {
					t.Fatalf("status %d decoded without error", status)
				}
				continue
			}
			checkTypedError(t, err, body, contentType)
		}
		if d := parseRetryAfter(retryAfter, time.Now()); d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v", retryAfter, d)
		}
	})
}

func checkTypedError(t *testing.T, err error, body []byte, contentType string) {
	t.Helper()
	var (
		ne  *NetworkError
		ae  *APIError
		ice *InvalidCodeError
		rl  *RateLimitError
	)
	switch {
	case errors.As(err, &ne):
		if ne.Kind != KindNotPortal || ne.RequestID != "rid" {
			t.Fatalf("decode gave %+v", ne)
		}
		// The message may name the content type, never the body.
		msg := strings.Replace(ne.Error(), printable(contentType, 60), "", 1)
		if len(body) >= 8 && strings.Contains(msg, string(body)) {
			t.Fatalf("error quotes the body: %q", ne.Error())
		}
	case errors.As(err, &ae):
		if ae.RequestID != "rid" || ae.Status < 400 {
			t.Fatalf("decode gave %+v", ae)
		}
		if errors.As(err, &ice) && !errors.Is(err, ErrInvalidCode) {
			t.Fatal("InvalidCodeError does not match ErrInvalidCode")
		}
		if errors.As(err, &rl) && (!errors.Is(err, ErrRateLimited) || rl.RetryAfter < 0 || rl.RetryAfter > maxRetryAfter) {
			t.Fatalf("RateLimitError %+v", rl)
		}
		for _, r := range ae.Error() {
			if r < 0x20 && r != '\t' {
				t.Fatalf("control character in %q", ae.Error())
			}
		}
	default:
		t.Fatalf("decode gave an untyped error %T: %v", err, err)
	}
	if err.Error() == "" {
		t.Fatal("empty error message")
	}
}
