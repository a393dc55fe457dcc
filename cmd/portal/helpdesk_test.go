package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/partnersecurity/partnersecurity/internal/rfc6238"
)

// TestUserAddRole: useradd -role support creates a help-desk account; an
// unknown role is refused before anything is created.
func TestUserAddRole(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	out, errOut, err := run(t, "a long enough password\n", "useradd", "-db", db, "-username", "staff@example.com", "-name", "Sam Staff", "-role", "support")
	if err != nil || !strings.Contains(out, "support account staff@example.com") {
		t.Fatalf("useradd -role support: %v %q %q", err, out, errOut)
	}
	_, errOut, err = run(t, "a long enough password\n", "useradd", "-db", db, "-username", "x@example.com", "-name", "X", "-role", "admin")
	if err == nil || !strings.Contains(errOut, "-role must be partner or support") {
		t.Errorf("useradd -role admin: %v %q", err, errOut)
	}
}

// TestDemoHelpDeskAndSMTP runs -demo with -smtp against a real SMTP server on
// loopback: the banner prints the help desk's credentials and TOTP secret,
// which sign in to the /support calls, and a change of the reseller's second
// factor arrives at the relay, logged in with the credentials from the
// environment.
func TestDemoHelpDeskAndSMTP(t *testing.T) {
	relay := startRelay(t)
	t.Setenv("PORTAL_SMTP_USERNAME", "relay-user")
	t.Setenv("PORTAL_SMTP_PASSWORD", "relay password 7")
	db := filepath.Join(t.TempDir(), "demo.db")
	base, _, out := startPortal(t, "-demo", "-db", db, "-smtp", relay.addr, "-smtp-from", "security@portal.example")
	banner := out.String()
	m := regexp.MustCompile(`Demo help desk: username helpdesk@example.com, password demo-helpdesk-123, TOTP secret ([A-Z2-7]{32}) \(a code: oathtool --totp -b ([A-Z2-7]{32})\)`).FindStringSubmatch(banner)
	if m == nil || m[1] != m[2] || !strings.Contains(banner, "through "+relay.addr) {
		t.Fatalf("banner %q", banner)
	}
	secret := m[1]

	var health map[string]any
	getJSON(t, base+"/api/v1/health", "", &health)
	if health["notifications"] != "ok" {
		t.Errorf("health %v", health)
	}

	// The help desk signs in with a code from the printed secret.
	var ch struct {
		MFAToken string `json:"mfa_token"`
	}
	postJSON(t, base+"/api/v1/login", "", `{"username":"helpdesk@example.com","password":"demo-helpdesk-123"}`, &ch)
	var staff struct{ Token string }
	postJSON(t, base+"/api/v1/login/mfa", "", fmt.Sprintf(`{"mfa_token":%q,"code":%q}`, ch.MFAToken, totp(t, secret, time.Now())), &staff)
	var found struct {
		Accounts []struct{ Username string }
	}
	getJSON(t, base+"/api/v1/support/accounts?q=reseller", staff.Token, &found)
	if len(found.Accounts) != 1 || found.Accounts[0].Username != "reseller@example.com" {
		t.Fatalf("the help desk finds %+v", found)
	}

	// The reseller turns 2FA on; the email arrives.
	var s struct{ Token string }
	postJSON(t, base+"/api/v1/login", "", `{"username":"reseller@example.com","password":"demo-password-123"}`, &s)
	var enr struct {
		EnrollmentID string `json:"enrollment_id"`
		Secret       string `json:"secret"`
	}
	postJSON(t, base+"/api/v1/account/security/totp", s.Token, `{}`, &enr)
	postJSON(t, base+"/api/v1/account/security/totp/confirm", s.Token,
		fmt.Sprintf(`{"enrollment_id":%q,"code":%q}`, enr.EnrollmentID, totp(t, enr.Secret, time.Now())), nil)
	msg := relay.next(t)
	if msg.to != "reseller@example.com" || msg.user != "relay-user" || !strings.Contains(msg.data, "Two-factor authentication was turned on") ||
		strings.Contains(msg.data, enr.Secret) {
		t.Errorf("delivered to %s (login %q):\n%s", msg.to, msg.user, msg.data)
	}

	// -smtp and -smtp-from go together.
	for _, args := range [][]string{{"-smtp", relay.addr}, {"-smtp-from", "a@example.com"}} {
		if _, errOut, err := run(t, "", append([]string{"-db", db}, args...)...); err == nil || !strings.Contains(errOut, "-smtp") {
			t.Errorf("%v: %v %q", args, err, errOut)
		}
	}
}

// totp is the code for secret at t, from oathtool when it is installed (the
// tool the README tells people to use) and from the test oracle otherwise.
func totp(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	want, err := rfc6238.AppCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	if path, err := exec.LookPath("oathtool"); err == nil {
		out, err := exec.Command(path, "--totp", "-b", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Fatalf("oathtool says %q (%v), the oracle %s", out, err, want)
		}
	}
	return want
}

func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	doJSON(t, "GET", url, token, "", v)
}

func postJSON(t *testing.T, url, token, body string, v any) {
	t.Helper()
	doJSON(t, "POST", url, token, body, v)
}

func doJSON(t *testing.T, method, url, token, body string, v any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// relay is a real SMTP server on loopback (emersion/go-smtp) that wants a
// PLAIN login and hands on what it accepts.
type relay struct {
	addr string
	msgs chan relayed
}

type relayed struct{ to, user, data string }

func startRelay(t *testing.T) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{addr: ln.Addr().String(), msgs: make(chan relayed, 10)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "relay.test", true
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

func (r *relay) next(t *testing.T) relayed {
	t.Helper()
	select {
	case m := <-r.msgs:
		return m
	case <-time.After(20 * time.Second):
		t.Fatal("no message at the relay within 20 s")
		return relayed{}
	}
}

type relaySession struct {
	r        *relay
	user, to string
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "relay-user" || pass != "relay password 7" {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *relaySession) Mail(string, *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }

func (s *relaySession) Data(rd io.Reader) error {
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	s.r.msgs <- relayed{to: s.to, user: s.user, data: string(data)}
	return nil
}

func (s *relaySession) Reset()        {}
func (s *relaySession) Logout() error { return nil }
