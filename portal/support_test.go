package portal

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Help-desk test accounts.
const (
	staffUser     = "staff@example.com"
	staffPassword = "help desk password 1"
	reason        = "caller lost phone; identity checked by call-back"
)

// twoFactorAccount is an account with an authenticator, signed in.
type twoFactorAccount struct {
	id, username, password, secret, token string
	recoveryCodes                         []string
}

// createWithTwoFactor creates an account of the role, signs it in and, when
// twoFactor, confirms an authenticator for it.
func (tp *testPortal) createWithTwoFactor(t testing.TB, u NewUser, twoFactor bool) twoFactorAccount {
	t.Helper()
	tp.createUser(u)
	s := tp.login(t, u.Username, u.Password)
	a := twoFactorAccount{id: s.Account.ID, username: u.Username, password: u.Password, token: s.Token}
	if twoFactor {
		enr := tp.enroll(t, a.token, map[string]any{})
		a.secret = enr.Secret
		a.recoveryCodes = tp.confirm(t, a.token, enr).RecoveryCodes
	}
	return a
}

func (tp *testPortal) createStaff(t testing.TB, username string, twoFactor bool) twoFactorAccount {
	t.Helper()
	return tp.createWithTwoFactor(t, NewUser{Username: username, Password: staffPassword, Name: "Sam Staff", Company: "Portal Support", Role: RoleSupport}, twoFactor)
}

func (tp *testPortal) createPartner(t testing.TB, username, name, company string, twoFactor bool) twoFactorAccount {
	t.Helper()
	return tp.createWithTwoFactor(t, NewUser{Username: username, Password: alicePassword, Name: name, Company: company}, twoFactor)
}

type supportAccountResp struct {
	ID               string     `json:"id"`
	Username         string     `json:"username"`
	Name             string     `json:"name"`
	Company          string     `json:"company"`
	CodeLimitedUntil *time.Time `json:"code_limited_until"`
	TwoFactor        struct {
		Configured             bool `json:"configured"`
		RecoveryCodesRemaining int  `json:"recovery_codes_remaining"`
	} `json:"two_factor"`
	ActiveSessions  int `json:"active_sessions"`
	TemporaryAccess *struct {
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"temporary_access"`
	Events []eventResp `json:"events"`
}

func (tp *testPortal) search(t testing.TB, token, q string) []supportAccountResp {
	t.Helper()
	r := tp.call(t, "GET", "/api/v1/support/accounts?q="+q, token, nil)
	wantStatus(t, r, http.StatusOK)
	var res struct{ Accounts []supportAccountResp }
	r.decode(t, &res)
	return res.Accounts
}

func (tp *testPortal) supportView(t testing.TB, token, id string) supportAccountResp {
	t.Helper()
	r := tp.call(t, "GET", "/api/v1/support/accounts/"+id, token, nil)
	wantStatus(t, r, http.StatusOK)
	var res supportAccountResp
	r.decode(t, &res)
	return res
}

type temporaryAccessResp struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (tp *testPortal) issueTemporaryAccess(t testing.TB, token, id string, body map[string]any) temporaryAccessResp {
	t.Helper()
	r := tp.call(t, "POST", "/api/v1/support/accounts/"+id+"/temporary-access", token, body)
	wantStatus(t, r, http.StatusCreated)
	var res temporaryAccessResp
	r.decode(t, &res)
	return res
}

// loginTemporary signs in with the password, then sends the temporary code.
func (tp *testPortal) loginTemporary(t testing.TB, a twoFactorAccount, code string) *response {
	t.Helper()
	ch := tp.login(t, a.username, a.password)
	if !ch.MFARequired {
		t.Fatalf("%s: the sign-in does not ask for a code", a.username)
	}
	return tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "temporary_access_code": code})
}

var temporaryCodeShape = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)

// walkHelpDesk is the help desk's part of TestJourney: every call of contract
// v1.1 and each of its error codes, on the journey's portal.
func walkHelpDesk(t *testing.T, tp *testPortal) {
	staff := tp.createStaff(t, staffUser, true)
	bare := tp.createStaff(t, "new-staff@example.com", false)
	pat := tp.createPartner(t, "pat@partner.example", "Pat Partner", "Müller Reseller GmbH", true)
	noTwoFactor := tp.createPartner(t, "plain@other.example", "Plain Partner", "Other Co", false)
	support := "/api/v1/support/accounts/"

	t.Run("roles", func(t *testing.T) {
		if role := tp.call(t, "GET", "/api/v1/account", staff.token, nil).json(t)["role"]; role != RoleSupport {
			t.Errorf("staff role %v", role)
		}
		if role := tp.call(t, "GET", "/api/v1/account", pat.token, nil).json(t)["role"]; role != RolePartner {
			t.Errorf("partner role %v", role)
		}
		for _, c := range []struct {
			token, code string
			status      int
		}{{pat.token, "forbidden", http.StatusForbidden}, {bare.token, "two_factor_required", http.StatusForbidden}, {"", "unauthorized", http.StatusUnauthorized}} {
			wantError(t, tp.call(t, "GET", "/api/v1/support/accounts?q=partner", c.token, nil), c.status, c.code)
			wantError(t, tp.call(t, "GET", support+pat.id, c.token, nil), c.status, c.code)
			wantError(t, tp.call(t, "POST", support+pat.id+"/temporary-access", c.token, map[string]any{"reason": reason}), c.status, c.code)
			wantError(t, tp.call(t, "POST", support+pat.id+"/two-factor/reset", c.token, map[string]any{"reason": reason}), c.status, c.code)
		}
	})

	t.Run("search", func(t *testing.T) {
		for q, want := range map[string]string{
			"PAT%40PARTNER": "pat@partner.example", // username, any case
			"plain+part":    "plain@other.example", // name
			"m%C3%9CLLER":   "pat@partner.example", // company, non-ASCII folded
			"other":         "plain@other.example",
		} {
			got := tp.search(t, staff.token, q)
			if len(got) != 1 || got[0].Username != want {
				t.Errorf("q=%s: %+v, want %s", q, got, want)
			}
		}
		if got := tp.search(t, staff.token, "staff"); len(got) != 0 {
			t.Errorf("a search finds support accounts: %+v", got)
		}
		if got := tp.search(t, staff.token, "100%25"); len(got) != 0 { // % is no wildcard
			t.Errorf("q=100%%: %+v", got)
		}
		got := tp.search(t, staff.token, "partner.example")
		if len(got) != 1 || !got[0].TwoFactor.Configured || got[0].TwoFactor.RecoveryCodesRemaining != 10 || got[0].CodeLimitedUntil != nil {
			t.Errorf("pat in a search: %+v", got)
		}
		wantError(t, tp.call(t, "GET", "/api/v1/support/accounts?q=ab", staff.token, raw{specInvalid: true}), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "GET", "/api/v1/support/accounts?q=+ab+", staff.token, nil), http.StatusBadRequest, "invalid_request")
	})

	t.Run("account page", func(t *testing.T) {
		v := tp.supportView(t, staff.token, pat.id)
		if v.Username != pat.username || v.ActiveSessions != 1 || v.TemporaryAccess != nil || len(v.Events) == 0 || !v.TwoFactor.Configured {
			t.Errorf("page %+v", v)
		}
		if !strings.HasPrefix(eventTypes(v.Events), "two_factor_enabled signed_in") {
			t.Errorf("events %s", eventTypes(v.Events))
		}
		if e := tp.events(t, staff.token)[0]; e.Type != eventSupportViewed || !strings.Contains(e.Detail, pat.username) {
			t.Errorf("newest staff event %+v", e)
		}
		wantError(t, tp.call(t, "GET", support+"no-such-id", staff.token, nil), http.StatusNotFound, "account_not_found")
		wantError(t, tp.call(t, "GET", support+bare.id, staff.token, nil), http.StatusNotFound, "account_not_found")
	})

	t.Run("temporary access", func(t *testing.T) {
		issue := support + pat.id + "/temporary-access"
		for _, body := range []map[string]any{{"reason": "no"}, {"reason": reason, "lifetime_minutes": 9}, {"reason": reason, "lifetime_minutes": 481}} {
			wantError(t, tp.call(t, "POST", issue, staff.token, raw{contentType: "application/json", data: mustJSON(t, body), specInvalid: true}),
				http.StatusBadRequest, "invalid_request")
		}
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": "     a\n\n\n "}), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason, "password": staffPassword}), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", support+noTwoFactor.id+"/temporary-access", staff.token, map[string]any{"reason": reason}),
			http.StatusConflict, "two_factor_not_configured")
		wantError(t, tp.call(t, "POST", support+"nobody/temporary-access", staff.token, map[string]any{"reason": reason}),
			http.StatusNotFound, "account_not_found")

		first := tp.issueTemporaryAccess(t, staff.token, pat.id, map[string]any{"reason": reason})
		if !temporaryCodeShape.MatchString(first.Code) || !first.ExpiresAt.Equal(tp.clock.Now().Add(time.Hour).Truncate(time.Millisecond)) {
			t.Fatalf("issued %q until %v", first.Code, first.ExpiresAt)
		}
		second := tp.issueTemporaryAccess(t, staff.token, pat.id, map[string]any{"reason": reason, "lifetime_minutes": 10})
		for _, e := range []eventResp{tp.events(t, pat.token)[0], tp.events(t, staff.token)[0]} {
			if e.Type != eventTemporaryAccessIssued || !strings.Contains(e.Detail, reason) {
				t.Errorf("event %+v", e)
			}
		}
		if d := tp.events(t, pat.token)[0].Detail; !strings.Contains(d, staffUser) {
			t.Errorf("the partner's event does not name the staff member: %s", d)
		}
		if v := tp.supportView(t, staff.token, pat.id); v.TemporaryAccess == nil || !v.TemporaryAccess.ExpiresAt.Equal(second.ExpiresAt) ||
			strings.Contains(string(mustJSON(t, v)), second.Code) {
			t.Errorf("page after issuing: %+v", v.TemporaryAccess)
		}

		// The newer code replaced the first; a malformed one is not a guess.
		e := wantError(t, tp.loginTemporary(t, pat, first.Code), http.StatusUnauthorized, "invalid_code")
		if e.AttemptsRemaining == nil || *e.AttemptsRemaining != codeFailureLimit-1 {
			t.Errorf("attempts_remaining %v", e)
		}
		ch := tp.login(t, pat.username, pat.password)
		wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`","temporary_access_code":"K7QM-2XHD"}`)),
			http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`","code":"123456","temporary_access_code":"`+second.Code+`"}`)),
			http.StatusBadRequest, "invalid_request")

		// Typed in lower case without dashes, with O for 0 and l for 1.
		typed := strings.ToLower(strings.ReplaceAll(second.Code, "-", ""))
		typed = strings.ReplaceAll(strings.ReplaceAll(typed, "0", "o"), "1", "l")
		r := tp.loginTemporary(t, pat, typed)
		wantStatus(t, r, http.StatusOK)
		var s struct {
			Token string `json:"token"`
			Next  string `json:"next"`
		}
		r.decode(t, &s)
		if s.Next != "replace_authenticator" || s.Token == "" {
			t.Fatalf("sign-in with the temporary code: %s", r.body)
		}
		if !strings.HasPrefix(eventTypes(tp.events(t, s.Token)), "signed_in temporary_access_used") {
			t.Errorf("events %s", eventTypes(tp.events(t, s.Token)))
		}
		wantError(t, tp.loginTemporary(t, pat, second.Code), http.StatusUnauthorized, "invalid_code") // single use
		if v := tp.supportView(t, staff.token, pat.id); v.TemporaryAccess != nil {
			t.Errorf("a used code still shows: %+v", v.TemporaryAccess)
		}

		// The wizard's step: a new authenticator replaces the lost one, whose
		// codes then stop working.
		enr := tp.enroll(t, s.Token, map[string]any{"replace_existing": true})
		tp.confirm(t, s.Token, enr)
		ch = tp.login(t, pat.username, pat.password)
		tp.clock.NextStep()
		wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, pat.secret, tp.clock.Now())}),
			http.StatusUnauthorized, "invalid_code")
		pat.secret, pat.token = enr.Secret, s.Token

		// An expired code is refused like a wrong one.
		third := tp.issueTemporaryAccess(t, staff.token, pat.id, map[string]any{"reason": reason, "lifetime_minutes": 10})
		tp.clock.Advance(10 * time.Minute)
		wantError(t, tp.loginTemporary(t, pat, third.Code), http.StatusUnauthorized, "invalid_code")
	})

	t.Run("staff re-authentication", func(t *testing.T) {
		tp.clock.Advance(reauthAfter) // the staff sign-in is now older than 10 minutes
		issue := support + pat.id + "/temporary-access"
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason}), http.StatusForbidden, "reauth_required")
		tp.clock.NextStep()
		code := refCode(t, staff.secret, tp.clock.Now())
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason, "password": "wrong password", "code": code}),
			http.StatusForbidden, "invalid_password")
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason, "password": staffPassword, "code": otherCode(code)}),
			http.StatusUnprocessableEntity, "invalid_code")
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason}), http.StatusForbidden, "reauth_required")
		tp.issueTemporaryAccess(t, staff.token, pat.id, map[string]any{"reason": reason, "password": staffPassword, "code": code})
		wantError(t, tp.call(t, "POST", issue, staff.token, map[string]any{"reason": reason, "password": staffPassword, "code": code}),
			http.StatusConflict, "code_reused")
		tp.issueTemporaryAccess(t, staff.token, pat.id, map[string]any{"reason": reason}) // the sign-in was renewed
	})

	t.Run("reset by the help desk", func(t *testing.T) {
		reset := support + pat.id + "/two-factor/reset"
		other := tp.login(t, pat.username, pat.password) // a sign-in waiting for its code
		wantError(t, tp.call(t, "POST", reset, staff.token, rawJSON(`{"reason":"x"}`)), http.StatusBadRequest, "invalid_request")
		r := tp.call(t, "POST", reset, staff.token, map[string]any{"reason": reason})
		wantStatus(t, r, http.StatusOK)
		var st twoFactorResp
		r.decode(t, &st)
		if st.TwoFactor.Configured || st.TwoFactor.Required || st.TwoFactor.RecoveryCodesRemaining != 0 {
			t.Errorf("after the reset: %+v", st.TwoFactor)
		}
		wantError(t, tp.call(t, "GET", "/api/v1/account", pat.token, nil), http.StatusUnauthorized, "unauthorized")
		tp.clock.NextStep()
		wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": other.MFAToken, "code": refCode(t, pat.secret, tp.clock.Now())}),
			http.StatusUnauthorized, "invalid_mfa_token")
		v := tp.supportView(t, staff.token, pat.id)
		if v.ActiveSessions != 0 || v.TemporaryAccess != nil || v.TwoFactor.Configured || v.Events[0].Type != eventTwoFactorResetBySupport ||
			!strings.Contains(v.Events[0].Detail, reason) || !strings.Contains(v.Events[0].Detail, staffUser) {
			t.Errorf("page after the reset: %+v", v)
		}
		if e := tp.events(t, staff.token)[1]; e.Type != eventTwoFactorResetBySupport || !strings.Contains(e.Detail, pat.username) {
			t.Errorf("staff event %+v", e)
		}
		s := tp.login(t, pat.username, pat.password) // the password alone signs in now
		if s.MFARequired || s.Token == "" {
			t.Errorf("after the reset the sign-in asks for a code")
		}
		wantError(t, tp.call(t, "POST", reset, staff.token, map[string]any{"reason": reason}), http.StatusConflict, "two_factor_not_configured")
		wantError(t, tp.call(t, "POST", support+bare.id+"/two-factor/reset", staff.token, map[string]any{"reason": reason}), http.StatusNotFound, "account_not_found")
	})

	t.Run("code limit", func(t *testing.T) {
		p := tp.createPartner(t, "limited@partner.example", "Lim Ited", "Limits Ltd", true)
		code := tp.issueTemporaryAccess(t, staff.token, p.id, map[string]any{"reason": reason}).Code
		wrong := "0000-0000-0000-0000"
		for range codeFailureLimit {
			wantError(t, tp.loginTemporary(t, p, wrong), http.StatusUnauthorized, "invalid_code")
		}
		wantError(t, tp.loginTemporary(t, p, code), http.StatusTooManyRequests, "rate_limited") // even the right one
		if got := tp.search(t, staff.token, "limited"); len(got) != 1 || got[0].CodeLimitedUntil == nil ||
			!got[0].CodeLimitedUntil.After(tp.clock.Now()) {
			t.Errorf("the search does not show the code limit: %+v", got)
		}
		tp.clock.Advance(codeFailureWindow)
		wantStatus(t, tp.loginTemporary(t, p, code), http.StatusOK)
	})

	t.Run("support sessions", func(t *testing.T) { walkSupportSessions(t, tp, staff, bare) })
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSchemaUpgradeInPlace opens a database written by a portal of schema 1
// (before roles): it upgrades in place, its accounts become partners and
// still sign in.
func TestSchemaUpgradeInPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := openDB(path, false, 1)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := newHasher(1).hash(ctx, alicePassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], "PRAGMA user_version = 1"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO accounts (id, username, name, company, password_hash, created_at) VALUES ('a1', ?, 'Alice', 'Ltd', ?, 0)`,
		aliceUser, hash); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tp := newTestPortal(t, func(c *Config) { c.DBPath = path })
	s := tp.login(t, aliceUser, alicePassword)
	if role := tp.call(t, "GET", "/api/v1/account", s.Token, nil).json(t)["role"]; role != RolePartner {
		t.Errorf("upgraded account's role %v", role)
	}
	var version int
	if err := tp.srv.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != len(migrations) {
		t.Errorf("schema version %d (%v), want %d", version, err, len(migrations))
	}
	var one int
	if err := tp.srv.db.QueryRow("SELECT 1 FROM accounts WHERE role = 'support'").Scan(&one); err != sql.ErrNoRows {
		t.Errorf("support accounts after the upgrade: %v", err)
	}
	if _, err := tp.srv.db.Exec("UPDATE accounts SET role = 'admin'"); err == nil {
		t.Error("the schema takes a role it does not know")
	}
}

// TestDemoAccounts: -demo's help-desk account can use the /support calls with
// a code from the secret it is given, across restarts, and the secret stays.
func TestDemoAccounts(t *testing.T) {
	tp := newTestPortal(t)
	ctx := context.Background()
	d, err := tp.srv.EnsureDemoAccounts(ctx)
	if err != nil || !d.PartnerCreated || !d.SupportCreated || len(d.SupportTOTPSecret) != 32 {
		t.Fatalf("EnsureDemoAccounts: %+v, %v", d, err)
	}
	tp.restart()
	again, err := tp.srv.EnsureDemoAccounts(ctx)
	if err != nil || again.PartnerCreated || again.SupportCreated || again.SupportTOTPSecret != d.SupportTOTPSecret {
		t.Fatalf("EnsureDemoAccounts again: %+v, %v", again, err)
	}
	token := tp.loginWithCode(t, DemoSupportUsername, DemoSupportPassword, d.SupportTOTPSecret)
	got := tp.search(t, token, "reseller")
	if len(got) != 1 || got[0].Username != DemoUsername {
		t.Errorf("the demo help desk finds %+v", got)
	}
}

// TestNoHelpDeskSecretsInLogsOrDatabase issues and uses temporary access codes
// with debug logging, the outbox filling up without a relay, and looks for the
// codes, tokens, passwords and secrets in the log and the database files.
func TestNoHelpDeskSecretsInLogsOrDatabase(t *testing.T) {
	var logs syncBuffer
	tp := newTestPortal(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	staff := tp.createStaff(t, staffUser, true)
	pat := tp.createPartner(t, "pat@partner.example", "Pat Partner", "Partner Co", true)
	secrets := []string{staffPassword, alicePassword, staff.token, pat.token}
	secrets = append(secrets, secretForms(t, staff.secret)...)
	secrets = append(secrets, secretForms(t, pat.secret)...)
	tp.clock.Advance(reauthAfter)
	tp.clock.NextStep()
	for i := range 3 {
		body := map[string]any{"reason": reason}
		if i == 0 { // re-authenticated in the body
			body["password"], body["code"] = staffPassword, refCode(t, staff.secret, tp.clock.Now())
		}
		code := tp.issueTemporaryAccess(t, staff.token, pat.id, body).Code
		secrets = append(secrets, code, strings.ReplaceAll(code, "-", ""), strings.ToLower(code))
	}
	code := secrets[len(secrets)-3]
	wantError(t, tp.loginTemporary(t, pat, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"), http.StatusUnauthorized, "invalid_code")
	r := tp.loginTemporary(t, pat, code)
	wantStatus(t, r, http.StatusOK)
	secrets = append(secrets, r.json(t)["token"].(string), "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
	wantStatus(t, tp.call(t, "POST", "/api/v1/support/accounts/"+pat.id+"/two-factor/reset", staff.token, map[string]any{"reason": reason}), http.StatusOK)
	if h := tp.health(t); h.Notifications != "not_configured" || h.NotificationsWaiting < 5 {
		t.Errorf("health %+v", h)
	}

	dbBefore := readDBFiles(t, tp.cfg.DBPath)
	tp.stop()
	places := map[string][]byte{"log": logs.Bytes(), "database (open)": dbBefore, "database (closed)": readDBFiles(t, tp.cfg.DBPath)}
	for where, data := range places {
		for _, secret := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("a secret (%d characters) is in the %s", len(secret), where)
			}
		}
	}
}
