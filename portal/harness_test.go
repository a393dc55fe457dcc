package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/partnersecurity/partnersecurity/api"
	"github.com/partnersecurity/partnersecurity/internal/testclock"
)

// The contract, loaded once; every test request and response is checked
// against it.
var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

func contract(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		specDoc, specErr = openapi3.NewLoader().LoadFromData(api.Spec)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background()); specErr != nil {
			return
		}
		specDoc.Servers = nil // match any host: test servers listen on random ports
		specRouter, specErr = gorillamux.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("load contract: %v", specErr)
	}
	return specDoc, specRouter
}

// testPortal is a real Server on a real SQLite file behind a real HTTP server.
type testPortal struct {
	t     testing.TB
	cfg   Config
	clock *testclock.Clock
	srv   *Server
	http  *httptest.Server
}

// testKey is a fixed secret key so restarts of a test portal find their secrets.
var testKey = bytes.Repeat([]byte{0x42}, SecretKeySize)

func newTestPortal(t testing.TB, tweak ...func(*Config)) *testPortal {
	t.Helper()
	clock := testclock.New()
	cfg := Config{
		DBPath:    filepath.Join(t.TempDir(), "portal.db"),
		SecretKey: testKey,
		Now:       clock.Now,
		Logger:    slog.New(slog.DiscardHandler),
	}
	for _, f := range tweak {
		f(&cfg)
	}
	tp := &testPortal{t: t, cfg: cfg, clock: clock}
	tp.start()
	t.Cleanup(tp.stop)
	return tp
}

func (tp *testPortal) start() {
	tp.t.Helper()
	srv, err := Open(context.Background(), tp.cfg)
	if err != nil {
		tp.t.Fatalf("Open: %v", err)
	}
	tp.srv = srv
	// The HTTP server cmd/portal runs, with its timeouts and limits.
	tp.http = httptest.NewUnstartedServer(srv.Handler())
	tp.http.Config = srv.HTTPServer()
	tp.http.Start()
}

func (tp *testPortal) stop() {
	if tp.http != nil {
		tp.http.Close()
		tp.http = nil
	}
	if tp.srv != nil {
		if err := tp.srv.Close(); err != nil {
			tp.t.Errorf("Close: %v", err)
		}
		tp.srv = nil
	}
}

// restart closes the portal and opens it again on the same database file.
func (tp *testPortal) restart() {
	tp.t.Helper()
	tp.stop()
	tp.start()
}

func (tp *testPortal) createUser(u NewUser) {
	tp.t.Helper()
	if err := tp.srv.CreateUser(context.Background(), u); err != nil {
		tp.t.Fatalf("CreateUser: %v", err)
	}
}

// raw is a request body sent as is, for requests the contract does not allow;
// it is not checked against the contract unless specInvalid asks for a check
// that the contract refuses it too.
type raw struct {
	contentType string
	data        []byte
	specInvalid bool
}

func rawJSON(s string) raw {
	return raw{contentType: "application/json", data: []byte(s), specInvalid: true}
}

// response is an answer, already checked against the contract.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic map.
func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode body: %v", err)
	}
	return m
}

// decode decodes the body into v.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode body: %v", err)
	}
}

// apiErr is an error body.
type apiErr struct {
	Code               string `json:"code"`
	Message            string `json:"message"`
	AttemptsRemaining  *int   `json:"attempts_remaining"`
	ClockOffsetSeconds *int   `json:"clock_offset_seconds"`
	RetryAfterSeconds  int    `json:"retry_after_seconds"`
}

func (r *response) apiError(t testing.TB) apiErr {
	t.Helper()
	var e struct{ Error apiErr }
	r.decode(t, &e)
	return e.Error
}

// seenCodes collects every error code the tests were answered with, so the
// journey test can check that each one in the contract occurs.
var seenCodes sync.Map

// call sends a request to the portal and checks request and response against
// the contract, and the headers every response must carry.
func (tp *testPortal) call(t testing.TB, method, path, token string, body any) *response {
	t.Helper()
	return callPortal(t, tp.http.URL, method, path, token, body, nil)
}

// callFrom is call with client, e.g. one that connects from another loopback
// address (clientFrom).
func (tp *testPortal) callFrom(t testing.TB, client *http.Client, method, path, token string, body any) *response {
	t.Helper()
	return callPortalWith(t, client, tp.http.URL, method, path, token, body, nil)
}

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (any of 127.0.0.0/8), so a test can be several clients.
func clientFrom(ip string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
}

func callPortal(t testing.TB, base, method, path, token string, body any, extra http.Header) *response {
	t.Helper()
	return callPortalWith(t, http.DefaultClient, base, method, path, token, body, extra)
}

func callPortalWith(t testing.TB, client *http.Client, base, method, path, token string, body any, extra http.Header) *response {
	t.Helper()
	var data []byte
	contentType := ""
	validateRequest, specInvalid := true, false
	switch b := body.(type) {
	case nil:
	case raw:
		data, contentType, validateRequest, specInvalid = b.data, b.contentType, false, b.specInvalid
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		contentType = "application/json"
	}
	newReq := func() *http.Request {
		var rd io.Reader
		if data != nil {
			rd = bytes.NewReader(data)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			t.Fatalf("new request: %v", err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for k, v := range extra {
			req.Header[k] = v
		}
		return req
	}

	doc, router := contract(t)
	checkReq := newReq()
	route, pathParams, routeErr := router.FindRoute(checkReq)
	var reqInput *openapi3filter.RequestValidationInput
	if routeErr == nil {
		reqInput = &openapi3filter.RequestValidationInput{
			Request: checkReq, PathParams: pathParams, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}
		err := openapi3filter.ValidateRequest(context.Background(), reqInput)
		if validateRequest && err != nil {
			t.Fatalf("%s %s: request breaks the contract: %v", method, path, err)
		}
		if specInvalid && err == nil {
			t.Fatalf("%s %s: the contract allows a request the test meant to be invalid: %s", method, path, data)
		}
	}

	resp, err := client.Do(newReq())
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: respBody}

	// Headers every response carries.
	if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
		t.Errorf("%s %s: Date header %q: %v", method, path, resp.Header.Get("Date"), err)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Errorf("%s %s: no X-Request-ID", method, path)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s %s: Cache-Control %q, want no-store", method, path, resp.Header.Get("Cache-Control"))
	}

	if routeErr == nil {
		err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: reqInput,
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(respBody)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		})
		if err != nil {
			t.Fatalf("%s %s: response %d breaks the contract: %v\nbody: %s", method, path, resp.StatusCode, err, respBody)
		}
	} else {
		// Unknown path or method: no operation to check against, but the body
		// must still be the contract's Error.
		var v any
		if err := json.Unmarshal(respBody, &v); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, path, respBody)
		}
		if err := doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
			t.Fatalf("%s %s: error body breaks the contract: %v", method, path, err)
		}
	}
	if resp.StatusCode >= 400 {
		var e struct{ Error apiErr }
		if err := json.Unmarshal(respBody, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s %s: status %d without a JSON error: %s", method, path, resp.StatusCode, respBody)
		}
		seenCodes.Store(e.Error.Code, true)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 429 without Retry-After", method, path)
		}
	}
	return r
}

// wantError checks that r is the error status with the code.
func wantError(t testing.TB, r *response, status int, code string) apiErr {
	t.Helper()
	e := r.apiError(t)
	if r.status != status || e.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s", r.status, e.Code, e.Message, status, code)
	}
	return e
}

// wantStatus checks a success status.
func wantStatus(t testing.TB, r *response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("got status %d, want %d: %s", r.status, status, r.body)
	}
}

// Helpers for the steps of the journey.

type sessionResp struct {
	Token       string    `json:"token"`
	ExpiresAt   time.Time `json:"expires_at"`
	MFARequired bool      `json:"mfa_required"`
	MFAToken    string    `json:"mfa_token"`
	Account     struct {
		ID, Username, Name, Company string
	} `json:"account"`
}

type enrollmentResp struct {
	EnrollmentID string    `json:"enrollment_id"`
	Secret       string    `json:"secret"`
	OTPAuthURI   string    `json:"otpauth_uri"`
	Issuer       string    `json:"issuer"`
	AccountName  string    `json:"account_name"`
	ExpiresAt    time.Time `json:"expires_at"`
}

type twoFactorResp struct {
	TwoFactor struct {
		Required               bool       `json:"required"`
		Configured             bool       `json:"configured"`
		ConfiguredAt           *time.Time `json:"configured_at"`
		RecoveryCodesRemaining int        `json:"recovery_codes_remaining"`
	} `json:"two_factor"`
	RecoveryCodes []string `json:"recovery_codes"`
}

func (tp *testPortal) login(t testing.TB, username, password string) sessionResp {
	t.Helper()
	r := tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": username, "password": password})
	wantStatus(t, r, http.StatusOK)
	var s sessionResp
	r.decode(t, &s)
	return s
}

// loginWithCode signs in to an account with 2FA, using the code for secret at
// the next time step.
func (tp *testPortal) loginWithCode(t testing.TB, username, password, secret string) string {
	t.Helper()
	s := tp.login(t, username, password)
	if !s.MFARequired {
		t.Fatalf("login: want mfa_required")
	}
	tp.clock.NextStep()
	r := tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": s.MFAToken, "code": refCode(t, secret, tp.clock.Now())})
	wantStatus(t, r, http.StatusOK)
	var done sessionResp
	r.decode(t, &done)
	return done.Token
}

func (tp *testPortal) enroll(t testing.TB, token string, body any) enrollmentResp {
	t.Helper()
	r := tp.call(t, "POST", "/api/v1/account/security/totp", token, body)
	wantStatus(t, r, http.StatusCreated)
	var e enrollmentResp
	r.decode(t, &e)
	return e
}

// confirm confirms an enrollment with the code at the next time step.
func (tp *testPortal) confirm(t testing.TB, token string, e enrollmentResp) twoFactorResp {
	t.Helper()
	tp.clock.NextStep()
	r := tp.call(t, "POST", "/api/v1/account/security/totp/confirm", token,
		map[string]string{"enrollment_id": e.EnrollmentID, "code": refCode(t, e.Secret, tp.clock.Now())})
	wantStatus(t, r, http.StatusOK)
	var res twoFactorResp
	r.decode(t, &res)
	return res
}

func (tp *testPortal) security(t testing.TB, token string) twoFactorResp {
	t.Helper()
	r := tp.call(t, "GET", "/api/v1/account/security", token, nil)
	wantStatus(t, r, http.StatusOK)
	var res twoFactorResp
	r.decode(t, &res)
	return res
}

type eventResp struct {
	ID            int64     `json:"id"`
	Type          string    `json:"type"`
	At            time.Time `json:"at"`
	ClientAddress string    `json:"client_address"`
	Detail        string    `json:"detail"`
}

func (tp *testPortal) events(t testing.TB, token string) []eventResp {
	t.Helper()
	r := tp.call(t, "GET", "/api/v1/account/security/events?limit=200", token, nil)
	wantStatus(t, r, http.StatusOK)
	var res struct{ Events []eventResp }
	r.decode(t, &res)
	return res.Events
}

// eventTypes lists the types of events, newest first.
func eventTypes(events []eventResp) string {
	var b strings.Builder
	for i, e := range events {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Type)
	}
	return b.String()
}

// standard test account
const (
	aliceUser     = "alice@example.com"
	alicePassword = "correct horse battery staple"
)

func (tp *testPortal) createAlice() {
	tp.createUser(NewUser{Username: aliceUser, Password: alicePassword, Name: "Alice Example", Company: "Example Ltd"})
}

// checkAgainstContract checks an answer got outside call (from a raw
// exchange on a connection) against the contract's operation at method and
// path.
func checkAgainstContract(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	_, router := contract(t)
	req := httptest.NewRequest(method, path, nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Errorf("%s %s: answer %d breaks the contract: %v\nbody: %s", method, path, status, err, body)
	}
}
