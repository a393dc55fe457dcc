package client_test

// A hostile or broken portal, staged with httptest: its answers are
// well-formed HTTP built to mislead, stall or break the client (issue 14).

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// Given a portal whose error message echoes the code that was sent, the
// error's text carries only the stable code, never the portal's words.
func TestErrorTextIsTheCodeNotThePortalsMessage(t *testing.T) {
	t.Parallel()
	const echoed = "482913"
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 403, `{"error":{"code":"reauth_required","message":"Code `+echoed+` needs your password"}}`)
	})
	c := newTestClient(t, s.URL, time.Second)
	_, err := c.RegenerateRecoveryCodes(context.Background(), echoed)
	if !errors.Is(err, client.ErrReauthRequired) {
		t.Fatalf("err = %v, want ErrReauthRequired", err)
	}
	if strings.Contains(err.Error(), echoed) || strings.Contains(err.Error(), "password") {
		t.Fatalf("the error's text carries the portal's message: %q", err.Error())
	}
	if !strings.Contains(err.Error(), "reauth_required") || !strings.Contains(err.Error(), "403") {
		t.Fatalf("the error's text %q does not name the code and status", err.Error())
	}
}

// An error "code" that is not a code (digits, spaces, capitals: text that
// could be an echo of what was sent) is not the portal's error form.
func TestAnErrorCodeThatIsNotACodeIsRefused(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"482913", "Wrong code 482913", "invalid code", "INVALID_CODE", "x\u00e9", strings.Repeat("a", 65)} {
		s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 422, `{"error":{"code":"`+code+`","message":"m"}}`)
		})
		c := newTestClient(t, s.URL, time.Second)
		_, err := c.ConfirmTOTPEnrollment(context.Background(), "enr", "482913")
		wantNetworkError(t, err, client.KindNotPortal)
		if strings.Contains(err.Error(), "482913") || strings.Contains(client.CodeOf(err), "482913") {
			t.Fatalf("code %q: the error carries it: %q", code, err.Error())
		}
	}
}

// Given a portal whose clock is 2 h ahead and that asks, as an HTTP-date,
// for a retry one second after its own Date, a GET is retried (the wait is
// a second, not two hours).
func TestRetryAfterDateOnThePortalsClock(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		portal := time.Now().Add(2 * time.Hour).UTC()
		w.Header().Set("Date", portal.Format(http.TimeFormat))
		w.Header().Set("Retry-After", portal.Add(time.Second).Format(http.TimeFormat))
		jsonAnswer(w, 503, `{"error":{"code":"unavailable","message":"m"}}`)
	})
	c := newTestClient(t, s.URL, 5*time.Second)
	_, err := c.GetTime(context.Background())
	if !errors.Is(err, client.ErrServerError) {
		t.Fatalf("err = %v, want ErrServerError", err)
	}
	if n := s.count(); n < 2 {
		t.Fatalf("%d attempts: the Retry-After date was read against this computer's clock", n)
	}
}

// Given a portal that answers 503 Retry-After: 1 only after 0.95 s, a GET
// takes at most the whole call's cap (twice the 2 s timeout by default,
// or CallTimeout), retries and their waits included, and ends with the
// portal's answer rather than a timeout. Without the cap it took 4
// attempts and 6.8 s.
func TestTheWholeCallIsCapped(t *testing.T) {
	t.Parallel()
	slow503 := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(950 * time.Millisecond)
		w.Header().Set("Retry-After", "1")
		jsonAnswer(w, 503, `{"error":{"code":"unavailable","message":"m"}}`)
	}
	for name, tc := range map[string]struct {
		callTimeout, limit time.Duration
		attempts           int
	}{
		"default cap": {0, 4 * time.Second, 2},
		"CallTimeout": {1500 * time.Millisecond, 1500 * time.Millisecond, 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, slow503)
			c, err := client.New(client.Options{Address: s.URL, Timeout: 2 * time.Second, CallTimeout: tc.callTimeout})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.GetSecurity(context.Background())
			took := time.Since(start)
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.Status != 503 {
				t.Fatalf("err = %v, want the portal's 503", err)
			}
			if took > tc.limit+300*time.Millisecond || s.count() != tc.attempts {
				t.Fatalf("%d attempts in %v; want %d within %v", s.count(), took, tc.attempts, tc.limit)
			}
		})
	}
}

// dated answers with the Date header the handler sets; offset moves the
// Date away from this computer's clock.
func dated(offset time.Duration, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(offset).UTC().Format(http.TimeFormat))
		h(w, r)
	}
}

// Given a client that has read the portal's clock from a proper answer,
// answers that are not the portal's own (a captive portal's page, a
// redirect, a proxy's 502), with a Date 3 h off, do not move it.
func TestClockIgnoresAnswersThatAreNotThePortals(t *testing.T) {
	t.Parallel()
	const off = 3 * time.Hour
	for name, h := range map[string]http.HandlerFunc{
		"captive portal page": textAnswer("text/html", "<html><body>Sign in to the hotel Wi-Fi</body></html>"),
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://wifi.example/login", http.StatusFound)
		},
		"proxy's 502": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
		},
		"truncated JSON": func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"status":"o`) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hostile := false
			var mu sync.Mutex
			s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				if hostile {
					dated(off, h)(w, r)
					return
				}
				dated(0, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"status":"ok"}`) })(w, r)
			})
			c := newTestClient(t, s.URL, 2*time.Second)
			if _, err := c.GetHealth(context.Background()); err != nil {
				t.Fatal(err)
			}
			before, ok := c.ClockOffset()
			if !ok || before.Abs() > 2*time.Second {
				t.Fatalf("offset %v, %v from a proper answer", before, ok)
			}
			mu.Lock()
			hostile = true
			mu.Unlock()
			if _, err := c.GetHealth(context.Background()); err == nil {
				t.Fatal("the hostile answer was accepted")
			}
			if after, _ := c.ClockOffset(); after != before {
				t.Fatalf("ClockOffset moved from %v to %v", before, after)
			}
		})
	}
}

// Given a precise reading through /time, a later answer with a stale Date
// (a cache's, 3 h old) does not replace it.
func TestClockKeepsThePreciseReading(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/time") {
			jsonAnswer(w, 200, `{"time":"`+time.Now().UTC().Format(time.RFC3339Nano)+`"}`)
			return
		}
		dated(-3*time.Hour, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"status":"ok"}`) })(w, r)
	})
	c := newTestClient(t, s.URL, 2*time.Second)
	measured, err := c.MeasureClock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetHealth(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Clock(); r != measured {
		t.Fatalf("Clock() = %+v after a stale Date; MeasureClock measured %+v", r, measured)
	}
}

// A Date or a /time in year 0001 is not a clock: no reading, and no
// offset of 2562047h (time.Duration's limit).
func TestClockIgnoresImpossibleTimes(t *testing.T) {
	t.Parallel()
	year1 := time.Time{}
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", year1.Format(http.TimeFormat))
		if strings.HasSuffix(r.URL.Path, "/time") {
			jsonAnswer(w, 200, `{"time":"0001-01-01T00:00:01.5Z"}`)
			return
		}
		jsonAnswer(w, 200, `{"status":"ok"}`)
	})
	c := newTestClient(t, s.URL, 2*time.Second)
	if _, err := c.GetHealth(context.Background()); err != nil {
		t.Fatal(err)
	}
	if off, ok := c.ClockOffset(); ok {
		t.Fatalf("ClockOffset = %v from a Date in year 1", off)
	}
	_, err := c.MeasureClock(context.Background())
	wantNetworkError(t, err, client.KindNotPortal)
	if off, ok := c.ClockOffset(); ok {
		t.Fatalf("ClockOffset = %v from a /time in year 1", off)
	}
}

// Given answers that lack what the contract requires, or hold what the
// portal never sends, the client refuses them as not the portal's, rather
// than reading them as "2FA off" or "healthy".
func TestRequiredFields(t *testing.T) {
	t.Parallel()
	const tf = `"required":true,"configured":true,"configured_at":"2026-01-01T00:00:00Z"`
	security := func(c *client.Client) error { _, err := c.GetSecurity(context.Background()); return err }
	health := func(c *client.Client) error { _, err := c.GetHealth(context.Background()); return err }
	codes := func(c *client.Client) error {
		_, err := c.RegenerateRecoveryCodes(context.Background(), "123456")
		return err
	}
	tenCodes := `"` + strings.TrimSuffix(strings.Repeat(`abcd-efgh-jkmn","`, 10), `","`) + `"`
	for name, tc := range map[string]struct {
		call func(*client.Client) error
		body string
	}{
		"security {}":                  {security, `{}`},
		"two_factor null":              {security, `{"two_factor":null}`},
		"two_factor {}":                {security, `{"two_factor":{}}`},
		"no configured_at":             {security, `{"two_factor":{"required":false,"configured":false,"recovery_codes_remaining":0}}`},
		"required null":                {security, `{"two_factor":{"required":null,"configured":false,"configured_at":null,"recovery_codes_remaining":0}}`},
		"999 recovery codes":           {security, `{"two_factor":{` + tf + `,"recovery_codes_remaining":999}}`},
		"11 recovery codes":            {security, `{"two_factor":{` + tf + `,"recovery_codes_remaining":11}}`},
		"negative recovery codes":      {security, `{"two_factor":{` + tf + `,"recovery_codes_remaining":-1}}`},
		"health down":                  {health, `{"status":"down"}`},
		"health without status":        {health, `{}`},
		"new codes without two_factor": {codes, `{"recovery_codes":[` + tenCodes + `]}`},
		"one new code":                 {codes, `{"two_factor":{` + tf + `,"recovery_codes_remaining":1},"recovery_codes":["abcd-efgh-jkmn"]}`},
		"a new code of another form":   {codes, `{"two_factor":{` + tf + `,"recovery_codes_remaining":10},"recovery_codes":[` + strings.Replace(tenCodes, "abcd", "ABC0", 1) + `]}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, tc.body) })
			c := newTestClient(t, s.URL, 2*time.Second)
			wantNetworkError(t, tc.call(c), client.KindNotPortal)
		})
	}
	for name, tc := range map[string]struct {
		call func(*client.Client) error
		body string
	}{
		"2FA off":   {security, `{"two_factor":{"required":false,"configured":false,"configured_at":null,"recovery_codes_remaining":0}}`},
		"2FA on":    {security, `{"two_factor":{` + tf + `,"recovery_codes_remaining":10}}`},
		"healthy":   {health, `{"status":"ok","outbox":"waiting"}`},
		"new codes": {codes, `{"two_factor":{` + tf + `,"recovery_codes_remaining":10},"recovery_codes":[` + tenCodes + `]}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, tc.body) })
			if err := tc.call(newTestClient(t, s.URL, 2*time.Second)); err != nil {
				t.Fatalf("a proper answer was refused: %v", err)
			}
		})
	}
}

// Given a portal whose clock is 3 h behind this computer's, a sign-in
// whose expiry has passed on the portal's clock (its Date) is refused and
// its token not kept; one that expires in an hour on the portal's clock,
// though two hours ago on this computer's, is kept.
func TestSignInThatHasAlreadyExpired(t *testing.T) {
	t.Parallel()
	const behind = -3 * time.Hour
	session := func(expires time.Duration) string {
		at := time.Now().Add(behind + expires).UTC().Format(time.RFC3339)
		return `{"token":"tok","expires_at":"` + at + `","account":{"id":"a1","username":"u","name":"N","company":"C"}}`
	}
	for name, tc := range map[string]struct {
		body string
		ok   bool
	}{
		"session expired a minute ago":   {session(-time.Minute), false},
		"session expiring in an hour":    {session(time.Hour), true},
		"code step expired a minute ago": {`{"mfa_required":true,"mfa_token":"m","expires_at":"` + time.Now().Add(behind-time.Minute).UTC().Format(time.RFC3339) + `"}`, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, dated(behind, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, tc.body) }))
			c := newTestClient(t, s.URL, 2*time.Second)
			_, err := c.Login(context.Background(), "u", "pw")
			if tc.ok {
				if err != nil || c.Token() != "tok" {
					t.Fatalf("Login: %v, token kept: %v", err, c.Token() != "")
				}
				return
			}
			wantNetworkError(t, err, client.KindNotPortal)
			if c.Token() != "" {
				t.Fatal("the expired session's token was kept")
			}
		})
	}
	s := newStage(t, dated(behind, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, session(-time.Second)) }))
	c := newTestClient(t, s.URL, 2*time.Second)
	_, err := c.LoginMFA(context.Background(), "m", client.TOTPCode("123456"))
	wantNetworkError(t, err, client.KindNotPortal)
	if c.Token() != "" {
		t.Fatal("the expired session's token was kept")
	}
}

// Given an enrollment answer whose otpauth URI (the QR code) disagrees with
// its fields, or either with the contract (SHA1, 6 digits, 30 s, a 160-bit
// secret, label ISSUER:ACCOUNT), the client refuses it: the QR code and
// the key shown as text must be the same authenticator.
func TestEnrollmentURIMustAgreeWithTheFields(t *testing.T) {
	t.Parallel()
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	const label = "Online%20Data%20Storage%20UK:reseller%40example.com"
	const params = "&issuer=Online%20Data%20Storage%20UK&algorithm=SHA1&digits=6&period=30"
	enrollment := func(fields, uri string) string {
		expires := time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)
		return `{"enrollment_id":"e1","otpauth_uri":"` + uri + `","expires_at":"` + expires + `",` + fields + `}`
	}
	const fields = `"secret":"` + secret + `","issuer":"Online Data Storage UK","account_name":"reseller@example.com","algorithm":"SHA1","digits":6,"period":30`
	good := "otpauth://totp/" + label + "?secret=" + secret + params
	refused := map[string]string{
		"SHA256 and 8 digits in the URI": enrollment(fields, strings.Replace(strings.Replace(good, "SHA1", "SHA256", 1), "digits=6", "digits=8", 1)),
		"period 60 in the URI":           enrollment(fields, strings.Replace(good, "period=30", "period=60", 1)),
		"secret AB":                      enrollment(strings.Replace(fields, secret, "AB", 1), strings.Replace(good, secret, "AB", 1)),
		"secret of 33 characters":        enrollment(strings.Replace(fields, secret, secret+"A", 1), strings.Replace(good, secret, secret+"A", 1)),
		"padded secret":                  enrollment(strings.Replace(fields, secret, secret+"====", 1), strings.Replace(good, secret, secret+"====", 1)),
		"another secret in the URI":      enrollment(fields, strings.Replace(good, secret, "A"+secret[1:], 1)),
		"lower-case secret in the URI":   enrollment(fields, strings.Replace(good, secret, strings.ToLower(secret), 1)),
		"no secret in the URI":           enrollment(fields, strings.Replace(good, "secret="+secret, "x=1", 1)),
		"two secrets in the URI":         enrollment(fields, good+"&secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		"another issuer parameter":       enrollment(fields, strings.Replace(good, "issuer=Online", "issuer=Evil", 1)),
		"no issuer parameter":            enrollment(fields, strings.Replace(good, "&issuer=Online%20Data%20Storage%20UK", "", 1)),
		"another issuer in the label":    enrollment(fields, strings.Replace(good, "totp/Online", "totp/Evil", 1)),
		"another account in the label":   enrollment(fields, strings.Replace(good, "reseller%40", "someone%40", 1)),
		"label without issuer":           enrollment(fields, strings.Replace(good, "Online%20Data%20Storage%20UK:", "", 1)),
		"two colons in the label":        enrollment(fields, strings.Replace(good, ":reseller", ":x:reseller", 1)),
		"a HOTP URI":                     enrollment(fields, strings.Replace(good, "totp", "hotp", 1)),
		"a fragment":                     enrollment(fields, good+"#x"),
		"fields say SHA256":              enrollment(strings.Replace(fields, `"SHA1"`, `"SHA256"`, 1), good),
		"fields say 8 digits":            enrollment(strings.Replace(fields, `"digits":6`, `"digits":8`, 1), good),
		"issuer with a colon":            enrollment(strings.Replace(fields, `"Online Data Storage UK"`, `"Online:Data"`, 1), strings.ReplaceAll(good, "Online%20Data%20Storage%20UK", "Online%3AData")),
		"already expired":                strings.Replace(enrollment(fields, good), time.Now().Add(10*time.Minute).UTC().Format(time.RFC3339), time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), 1),
	}
	accepted := map[string]string{
		"the portal's URI":            enrollment(fields, good),
		"URI without the defaults":    enrollment(fields, "otpauth://totp/"+label+"?secret="+secret+"&issuer=Online%20Data%20Storage%20UK"),
		"parameters in another order": enrollment(fields, "otpauth://totp/"+label+"?issuer=Online%20Data%20Storage%20UK&period=30&digits=6&algorithm=SHA1&secret="+secret),
	}
	run := func(body string, ok bool) func(t *testing.T) {
		return func(t *testing.T) {
			t.Parallel()
			s := newStage(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 201, body) })
			c := newTestClient(t, s.URL, 2*time.Second)
			e, err := c.StartTOTPEnrollment(context.Background(), false, client.Reauth{})
			if ok {
				if err != nil {
					t.Fatalf("a proper enrollment was refused: %v", err)
				}
				return
			}
			wantNetworkError(t, err, client.KindNotPortal)
			if e != nil {
				t.Fatal("an enrollment came back with the error")
			}
			if strings.Contains(err.Error(), secret[:8]) || strings.Contains(err.Error(), "AAAAAAAA") {
				t.Fatalf("the error quotes the secret: %q", err.Error())
			}
		}
	}
	for name, body := range refused {
		t.Run(name, run(body, false))
	}
	for name, body := range accepted {
		t.Run(name, run(body, true))
	}
}

// Given a portal whose answer carries 2 MiB of headers, the client stops
// reading at its header cap and refuses the answer as not a portal's: the
// 1 MiB cap on an answer cannot be escaped through its headers.
func TestHugeHeaders(t *testing.T) {
	t.Parallel()
	pad := strings.Repeat("p", 1000)
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		for i := range 2048 {
			w.Header().Set("X-Pad-"+strconv.Itoa(i), pad)
		}
		jsonAnswer(w, 200, `{"status":"ok"}`)
	})
	c := newTestClient(t, s.URL, 5*time.Second)
	_, err := c.GetHealth(context.Background())
	ne := wantNetworkError(t, err, client.KindNotPortal)
	if !strings.Contains(ne.Error(), "headers") {
		t.Errorf("message %q does not say the headers are too large", ne.Error())
	}
	if s.count() != 1 {
		t.Errorf("an answer with oversized headers was retried: %d requests", s.count())
	}
}

// Given a portal whose sign-in answer holds a token that cannot be sent
// back in an Authorization header (CR/LF, a space, a control or non-ASCII
// byte), the sign-in is refused with a clear error and the token is not
// kept; before, it was kept and every later call failed as "connection
// failed".
func TestTokenThatCannotBeSentBack(t *testing.T) {
	t.Parallel()
	for name, token := range map[string]string{
		"CR LF":     `tok\r\nX-Evil: 1`,
		"LF":        `tok\nx`,
		"space":     `tok en`,
		"NUL":       `tok\u0000`,
		"non-ASCII": `tök`,
		"DEL":       `tok\u007f`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expires := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
				jsonAnswer(w, 200, `{"token":"`+token+`","expires_at":"`+expires+`","account":{"id":"a1","username":"u","name":"N","company":"C"}}`)
			})
			c := newTestClient(t, s.URL, 2*time.Second)
			_, err := c.Login(context.Background(), "u", "pw")
			ne := wantNetworkError(t, err, client.KindNotPortal)
			if !strings.Contains(ne.Error(), "token") {
				t.Errorf("message %q does not name the token", ne.Error())
			}
			if c.Token() != "" {
				t.Fatal("the token was kept")
			}
			_, err = c.LoginMFA(context.Background(), "m", client.TOTPCode("123456"))
			wantNetworkError(t, err, client.KindNotPortal)
			if c.Token() != "" {
				t.Fatal("the token was kept after LoginMFA")
			}
		})
	}
}
