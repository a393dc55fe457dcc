package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// portalProbe talks to the demo portal over HTTP with plain net/http, as
// the API contract (api/openapi.yaml) describes, independently of the
// project's client: what the window claims, the portal must confirm.
type portalProbe struct {
	t       *testing.T
	address string
	http    *http.Client
}

func newPortalProbe(t *testing.T, address string) *portalProbe {
	return &portalProbe{t: t, address: address, http: &http.Client{Timeout: stepTimeout}}
}

// call sends a JSON request and decodes the JSON answer into out. It
// returns the status; a body that isn't JSON fails the test.
func (p *portalProbe) call(method, path, token string, body, out any) int {
	p.t.Helper()
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			p.t.Fatal(err)
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.address+"/api/v1"+path, in)
	if err != nil {
		p.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			p.t.Fatalf("%s %s: answer %d is not JSON: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

// loginAnswer is the answer of POST /login and POST /login/mfa.
type loginAnswer struct {
	Token       string    `json:"token"`
	MFARequired bool      `json:"mfa_required"`
	MFAToken    string    `json:"mfa_token"`
	ExpiresAt   time.Time `json:"expires_at"`
	Error       struct {
		Code string `json:"code"`
	} `json:"error"`
}

// signIn signs in to the demo account with its password.
func (p *portalProbe) signIn() loginAnswer {
	p.t.Helper()
	var a loginAnswer
	status := p.call(http.MethodPost, "/login", "", map[string]string{"username": demoUsername, "password": demoPassword}, &a)
	if status != http.StatusOK {
		p.t.Fatalf("POST /login with the demo account: status %d, error %q", status, a.Error.Code)
	}
	return a
}

// signInWithoutCode signs in before the journey, when the account has no
// two-factor authentication yet, and returns the session token.
func (p *portalProbe) signInWithoutCode() string {
	p.t.Helper()
	a := p.signIn()
	if a.MFARequired || a.Token == "" {
		p.t.Fatalf("before the journey, POST /login asked for a code (mfa_required %v): the demo account should start without two-factor authentication", a.MFARequired)
	}
	return a.Token
}

// twoFactorAnswer is the answer of GET /account/security.
type twoFactorAnswer struct {
	TwoFactor struct {
		Required               bool       `json:"required"`
		Configured             bool       `json:"configured"`
		ConfiguredAt           *time.Time `json:"configured_at"`
		RecoveryCodesRemaining int        `json:"recovery_codes_remaining"`
	} `json:"two_factor"`
}

// checkTwoFactorRequired checks that sign-in now asks for a code, that the
// code of time step `step` from key finishes it, and that the security
// status says two-factor authentication is on with fresh recovery codes.
func (p *portalProbe) checkTwoFactorRequired(key totpKey, step int64) {
	p.t.Helper()
	a := p.signIn()
	if !a.MFARequired || a.MFAToken == "" || a.Token != "" {
		p.t.Fatalf("after Updated, POST /login: mfa_required %v, mfa_token given %v, token given %v; want a code asked for and no token yet",
			a.MFARequired, a.MFAToken != "", a.Token != "")
	}
	var done loginAnswer
	status := p.call(http.MethodPost, "/login/mfa", "", map[string]string{"mfa_token": a.MFAToken, "code": key.codeAt(p.t, step)}, &done)
	if status != http.StatusOK || done.Token == "" {
		p.t.Fatalf("POST /login/mfa with the next code of the key the QR code showed: status %d, error %q", status, done.Error.Code)
	}
	var sec twoFactorAnswer
	if status := p.call(http.MethodGet, "/account/security", done.Token, nil, &sec); status != http.StatusOK {
		p.t.Fatalf("GET /account/security: status %d", status)
	}
	tf := sec.TwoFactor
	if !tf.Required || !tf.Configured || tf.ConfiguredAt == nil || tf.RecoveryCodesRemaining < 1 {
		p.t.Errorf("GET /account/security after Updated: required %v, configured %v, configured_at %v, recovery codes %d; want on, with codes",
			tf.Required, tf.Configured, tf.ConfiguredAt, tf.RecoveryCodesRemaining)
	}
}

// checkSessionEnded checks that the session token from before the journey
// no longer works: confirming an authenticator ends every other session.
func (p *portalProbe) checkSessionEnded(token string) {
	p.t.Helper()
	if status := p.call(http.MethodGet, "/account", token, nil, nil); status != http.StatusUnauthorized {
		p.t.Errorf("GET /account with a session from before the journey: status %d, want %d (confirming ends other sessions)",
			status, http.StatusUnauthorized)
	}
}
