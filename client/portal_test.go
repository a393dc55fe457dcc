package client_test

// The real client against the real reference portal: its HTTP handler in an
// httptest server, on a real SQLite file in the test's temporary folder.

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/internal/testclock"
	"github.com/partnersecurity/partnersecurity/portal"
)

// testbed is a running reference portal with one account.
type testbed struct {
	srv      *portal.Server
	url      string
	clock    *testclock.Clock
	username string
	password string
}

func newTestbed(t testing.TB) *testbed {
	t.Helper()
	clock := testclock.New()
	srv, err := portal.Open(context.Background(), portal.Config{
		DBPath:    filepath.Join(t.TempDir(), "portal.db"),
		SecretKey: []byte("0123456789abcdef0123456789abcdef"),
		Issuer:    "Online Data Storage UK",
		Now:       clock.Now,
	})
	if err != nil {
		t.Fatalf("portal.Open: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	tb := &testbed{srv: srv, url: ts.URL, clock: clock, username: "reseller@example.com", password: "correct horse battery"}
	if err := srv.CreateUser(context.Background(), portal.NewUser{Username: tb.username, Password: tb.password, Name: "Rhea Seller", Company: "Reseller Ltd"}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return tb
}

func (tb *testbed) client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{Address: tb.url, Version: "test", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// setup starts a portal for a test that runs in parallel with others and
// returns it with a client, signed in when signIn is true.
func setup(t *testing.T, signIn bool) (*testbed, *client.Client) {
	t.Helper()
	t.Parallel()
	tb := newTestbed(t)
	c := tb.client(t)
	if signIn {
		tb.signIn(t, c)
	}
	return tb, c
}

// signIn signs in with the password (no 2FA yet).
func (tb *testbed) signIn(t *testing.T, c *client.Client) *client.Session {
	t.Helper()
	res, err := c.Login(context.Background(), tb.username, tb.password)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if res.MFARequired() || res.Session == nil {
		t.Fatalf("Login asked for a code on an account without 2FA")
	}
	return res.Session
}

// enableTwoFactor runs the article's steps 5–8 and returns the shared
// secret and the recovery codes.
func (tb *testbed) enableTwoFactor(t *testing.T, c *client.Client) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatalf("StartTOTPEnrollment: %v", err)
	}
	r, err := c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, code(t, e.Secret, tb.clock.Now()))
	if err != nil {
		t.Fatalf("ConfirmTOTPEnrollment: %v", err)
	}
	tb.clock.NextStep()
	return e.Secret, r.RecoveryCodes
}

// noSecretsIn fails when an error message contains one of the secrets.
func noSecretsIn(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Fatalf("an error message contains a secret")
		}
	}
}

// Given an account without 2FA, when the user signs in, turns on "Require
// two-factor authentication", generates the shared secret and enters the
// code from the authenticator, then the page says 2FA is on with 10
// recovery codes, and the next sign-in asks for a code.
func TestArticleWalkthrough(t *testing.T) {
	tb, c := setup(t, false)
	ctx := context.Background()

	s := tb.signIn(t, c)
	if s.Account.Username != tb.username || s.Account.Name != "Rhea Seller" || s.Account.Company != "Reseller Ltd" || s.Account.ID == "" {
		t.Fatalf("session account = %+v", s.Account)
	}
	if c.Token() != s.Token || !s.ExpiresAt.After(tb.clock.Now()) {
		t.Fatal("the client does not hold the session token, or it has expired")
	}
	acct, err := c.GetAccount(ctx)
	if err != nil || *acct != s.Account {
		t.Fatalf("GetAccount = %+v, %v; want %+v", acct, err, s.Account)
	}

	sec, err := c.GetSecurity(ctx)
	if err != nil {
		t.Fatalf("GetSecurity: %v", err)
	}
	if sec.TwoFactor.Required || sec.TwoFactor.Configured || sec.TwoFactor.ConfiguredAt != nil {
		t.Fatalf("a new account has 2FA: %+v", sec.TwoFactor)
	}

	e, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatalf("StartTOTPEnrollment: %v", err)
	}
	if e.Algorithm != "SHA1" || e.Digits != 6 || e.Period != 30 || len(e.Secret) != 32 {
		t.Fatalf("enrollment settings %s/%d/%d, secret of %d characters", e.Algorithm, e.Digits, e.Period, len(e.Secret))
	}
	if e.Issuer != "Online Data Storage UK" || e.AccountName != tb.username ||
		!strings.HasPrefix(e.OTPAuthURI, "otpauth://totp/Online%20Data%20Storage%20UK:reseller%40example.com?") ||
		!strings.Contains(e.OTPAuthURI, "secret="+e.Secret) {
		t.Fatalf("enrollment %v has URI of another shape", e)
	}
	if !e.ExpiresAt.Equal(tb.clock.Now().Add(10 * time.Minute)) {
		t.Errorf("enrollment expires at %v, want 10 minutes after %v", e.ExpiresAt, tb.clock.Now())
	}
	// Nothing changed yet.
	if sec, _ := c.GetSecurity(ctx); sec == nil || sec.TwoFactor.Configured {
		t.Fatal("2FA is on before the code was confirmed")
	}

	r, err := c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, code(t, e.Secret, tb.clock.Now()))
	if err != nil {
		t.Fatalf("ConfirmTOTPEnrollment: %v", err)
	}
	if len(r.RecoveryCodes) != 10 || !r.TwoFactor.Configured || !r.TwoFactor.Required || r.TwoFactor.RecoveryCodesRemaining != 10 {
		t.Fatalf("confirm answered %v with %+v", r, r.TwoFactor)
	}
	sec, err = c.GetSecurity(ctx)
	if err != nil {
		t.Fatalf("GetSecurity after confirm: %v", err)
	}
	if !sec.TwoFactor.Configured || sec.TwoFactor.ConfiguredAt == nil || !sec.TwoFactor.ConfiguredAt.Equal(tb.clock.Now()) {
		t.Fatalf("after confirm: %+v", sec.TwoFactor)
	}

	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if c.Token() != "" {
		t.Fatal("the token survived Logout")
	}
	tb.clock.NextStep()
	res, err := c.Login(ctx, tb.username, tb.password)
	if err != nil {
		t.Fatalf("Login with 2FA: %v", err)
	}
	if !res.MFARequired() || res.Session != nil || res.MFA.MFAToken == "" || c.Token() != "" {
		t.Fatal("Login did not stop at the code step")
	}
	s2, err := c.LoginMFA(ctx, res.MFA.MFAToken, client.TOTPCode(code(t, e.Secret, tb.clock.Now())))
	if err != nil {
		t.Fatalf("LoginMFA: %v", err)
	}
	if c.Token() != s2.Token || s2.Token == s.Token {
		t.Fatal("LoginMFA did not give the client a new token")
	}

	events, err := c.ListSecurityEvents(ctx, 0)
	if err != nil {
		t.Fatalf("ListSecurityEvents: %v", err)
	}
	var types []string
	for _, ev := range events.Events {
		types = append(types, ev.Type)
	}
	if len(types) < 3 || types[0] != client.EventSignedIn || !strings.Contains(strings.Join(types, " "), client.EventTwoFactorEnabled) {
		t.Fatalf("events, newest first: %v", types)
	}
	for i := 1; i < len(events.Events); i++ {
		if events.Events[i].At.After(events.Events[i-1].At) {
			t.Fatalf("events are not newest first: %v", types)
		}
	}
	one, err := c.ListSecurityEvents(ctx, 1)
	if err != nil || len(one.Events) != 1 || one.Events[0].ID != events.Events[0].ID {
		t.Fatalf("ListSecurityEvents(1) = %+v, %v", one, err)
	}
}

func TestSignInRefusals(t *testing.T) {
	tb, c := setup(t, false)
	ctx := context.Background()

	_, err := c.Login(ctx, tb.username, "wrong password!")
	var ae *client.APIError
	if !errors.Is(err, client.ErrInvalidCredentials) || !errors.As(err, &ae) || ae.Status != 401 || ae.RequestID == "" {
		t.Fatalf("wrong password: err = %v, want ErrInvalidCredentials with a request ID", err)
	}
	noSecretsIn(t, err, "wrong password!")
	if got := c.SupportDetails(); got.ErrorCode != "invalid_credentials" || got.ErrorRequestID != ae.RequestID {
		t.Fatalf("SupportDetails = %+v", got)
	}

	_, err = c.LoginMFA(ctx, "no-such-mfa-token", client.TOTPCode("123456"))
	if !errors.Is(err, client.ErrMFATokenInvalid) {
		t.Fatalf("bogus mfa token: err = %v, want ErrMFATokenInvalid", err)
	}
	noSecretsIn(t, err, "no-such-mfa-token", "123456")

	if _, err := c.LoginMFA(ctx, "x", client.TOTPCode("")); err == nil {
		t.Fatal("LoginMFA without a code sent the request")
	}

	_, err = c.GetSecurity(ctx)
	if !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("not signed in: err = %v, want ErrUnauthorized", err)
	}
	c.SetToken("revoked-or-made-up")
	_, err = c.GetAccount(ctx)
	if !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("made-up token: err = %v, want ErrUnauthorized", err)
	}
	noSecretsIn(t, err, "revoked-or-made-up")

	// After sign-out the old token no longer works.
	tb.signIn(t, c)
	old := c.Token()
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	c.SetToken(old)
	if _, err := c.GetSecurity(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("revoked token: err = %v, want ErrUnauthorized", err)
	}
	if err := c.Logout(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("second Logout: err = %v, want ErrUnauthorized", err)
	}
}

// Given a sign-in that waits for a code, wrong, early and reused codes are
// told apart, and a recovery code works once.
func TestCodeRefusalsAtSignIn(t *testing.T) {
	tb, c := setup(t, true)
	ctx := context.Background()
	secret, recovery := tb.enableTwoFactor(t, c)

	mfa := func() string {
		t.Helper()
		res, err := c.Login(ctx, tb.username, tb.password)
		if err != nil || !res.MFARequired() {
			t.Fatalf("Login: %v", err)
		}
		return res.MFA.MFAToken
	}

	token := mfa()
	wrong := code(t, secret, tb.clock.Now().Add(-30*time.Minute)) // far outside any window
	_, err := c.LoginMFA(ctx, token, client.TOTPCode(wrong))
	var ice *client.InvalidCodeError
	if !errors.As(err, &ice) || !errors.Is(err, client.ErrInvalidCode) || ice.Status != 401 {
		t.Fatalf("wrong code: err = %v, want *InvalidCodeError", err)
	}
	if ice.AttemptsRemaining == nil || *ice.AttemptsRemaining != 4 || ice.ClockOffset != nil || ice.RequestID == "" {
		t.Fatalf("wrong code: attempts %v, clock offset %v, request ID %q", ice.AttemptsRemaining, ice.ClockOffset, ice.RequestID)
	}
	noSecretsIn(t, err, wrong, token)

	// The confirm step accepted the current step; its code is spent.
	spent := code(t, secret, tb.clock.Now().Add(-30*time.Second))
	_, err = c.LoginMFA(ctx, token, client.TOTPCode(spent))
	if !errors.Is(err, client.ErrCodeReused) || errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("reused code: err = %v, want ErrCodeReused", err)
	}
	noSecretsIn(t, err, spent)

	s, err := c.LoginMFA(ctx, token, client.RecoveryCode(strings.ToUpper(recovery[0])))
	if err != nil {
		t.Fatalf("LoginMFA with a recovery code: %v", err)
	}
	if s.Token == "" || c.Token() != s.Token {
		t.Fatal("no session from the recovery code")
	}
	if sec, err := c.GetSecurity(ctx); err != nil || sec.TwoFactor.RecoveryCodesRemaining != 9 {
		t.Fatalf("after a recovery code: %+v, %v", sec, err)
	}

	_, err = c.LoginMFA(ctx, mfa(), client.RecoveryCode(recovery[0]))
	if !errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("spent recovery code: err = %v, want ErrInvalidCode", err)
	}
	noSecretsIn(t, err, recovery[0])
}

// Given a phone whose clock is 150 s slow, the refusal says so.
func TestClockDiagnosisAtConfirm(t *testing.T) {
	tb, c := setup(t, true)
	ctx := context.Background()
	e, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatal(err)
	}
	slow := code(t, e.Secret, tb.clock.Now().Add(-150*time.Second))
	_, err = c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, slow)
	var ice *client.InvalidCodeError
	if !errors.As(err, &ice) || ice.Status != 422 {
		t.Fatalf("err = %v, want *InvalidCodeError 422", err)
	}
	if ice.ClockOffset == nil || *ice.ClockOffset != -150*time.Second {
		t.Fatalf("ClockOffset = %v, want -150s", ice.ClockOffset)
	}
	if ice.AttemptsRemaining == nil || *ice.AttemptsRemaining != 4 {
		t.Fatalf("AttemptsRemaining = %v, want 4", ice.AttemptsRemaining)
	}
	noSecretsIn(t, err, slow, e.Secret)

	fast := code(t, e.Secret, tb.clock.Now().Add(90*time.Second))
	_, err = c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, fast)
	if !errors.As(err, &ice) || ice.ClockOffset == nil || *ice.ClockOffset != 90*time.Second {
		t.Fatalf("fast phone: err = %v, offset %v; want +90s", err, ice.ClockOffset)
	}
}

// Given five wrong codes, the portal makes the account wait, even for a
// right code, and says how long.
func TestRateLimitedAfterFiveWrongCodes(t *testing.T) {
	tb, c := setup(t, true)
	ctx := context.Background()
	e, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatal(err)
	}
	wrong := code(t, e.Secret, tb.clock.Now().Add(-time.Hour))
	for i := 4; i >= 0; i-- {
		_, err := c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, wrong)
		var ice *client.InvalidCodeError
		if !errors.As(err, &ice) || ice.AttemptsRemaining == nil || *ice.AttemptsRemaining != i {
			t.Fatalf("wrong code with %d left: err = %v", i, err)
		}
	}
	_, err = c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, code(t, e.Secret, tb.clock.Now()))
	var rl *client.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, client.ErrRateLimited) || rl.Status != 429 {
		t.Fatalf("after 5 wrong codes: err = %v, want *RateLimitError", err)
	}
	if rl.RetryAfter <= 0 || rl.RetryAfter > 5*time.Minute || rl.RequestID == "" {
		t.Fatalf("RetryAfter = %v, request ID %q", rl.RetryAfter, rl.RequestID)
	}
	if got := c.SupportDetails(); got.ErrorCode != "rate_limited" {
		t.Fatalf("SupportDetails = %+v", got)
	}
}

// Enrollment refusals: a pending secret that expired, one replaced by a
// newer one, replacing a configured authenticator without saying so, and a
// sign-in too old to change 2FA without the password.
func TestEnrollmentRefusals(t *testing.T) {
	tb, c := setup(t, true)
	ctx := context.Background()

	first, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ConfirmTOTPEnrollment(ctx, first.EnrollmentID, code(t, first.Secret, tb.clock.Now()))
	if !errors.Is(err, client.ErrEnrollmentNotFound) {
		t.Fatalf("replaced enrollment: err = %v, want ErrEnrollmentNotFound", err)
	}
	tb.clock.Advance(10*time.Minute + time.Second)
	_, err = c.ConfirmTOTPEnrollment(ctx, second.EnrollmentID, code(t, second.Secret, tb.clock.Now()))
	var ae *client.APIError
	if !errors.Is(err, client.ErrEnrollmentExpired) || !errors.As(err, &ae) || ae.Status != 410 {
		t.Fatalf("expired enrollment: err = %v, want ErrEnrollmentExpired (410)", err)
	}

	// The sign-in is now over 10 minutes old.
	_, err = c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if !errors.Is(err, client.ErrReauthRequired) {
		t.Fatalf("old sign-in: err = %v, want ErrReauthRequired", err)
	}
	_, err = c.StartTOTPEnrollment(ctx, false, client.Reauth{Password: "not the password"})
	if !errors.Is(err, client.ErrInvalidPassword) {
		t.Fatalf("wrong password: err = %v, want ErrInvalidPassword", err)
	}
	noSecretsIn(t, err, "not the password")
	e, err := c.StartTOTPEnrollment(ctx, false, client.Reauth{Password: tb.password})
	if err != nil {
		t.Fatalf("with the password: %v", err)
	}
	if _, err := c.ConfirmTOTPEnrollment(ctx, e.EnrollmentID, code(t, e.Secret, tb.clock.Now())); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	tb.clock.NextStep()

	_, err = c.StartTOTPEnrollment(ctx, false, client.Reauth{})
	if !errors.Is(err, client.ErrReplaceConfirmationRequired) || !errors.As(err, &ae) || ae.Status != 409 {
		t.Fatalf("replace without consent: err = %v, want ErrReplaceConfirmationRequired", err)
	}
	replacement, err := c.StartTOTPEnrollment(ctx, true, client.Reauth{})
	if err != nil {
		t.Fatalf("replace with consent: %v", err)
	}
	if replacement.Secret == e.Secret {
		t.Fatal("the replacement has the old secret")
	}
}

// Given an account with 2FA, new recovery codes replace the old ones, and
// turning 2FA off needs a code and clears the authenticator.
func TestRecoveryCodesAndTurningOff(t *testing.T) {
	tb, c := setup(t, true)
	ctx := context.Background()

	_, err := c.RegenerateRecoveryCodes(ctx, "123456")
	if !errors.Is(err, client.ErrTwoFactorNotEnabled) {
		t.Fatalf("without 2FA: err = %v, want ErrTwoFactorNotEnabled", err)
	}

	secret, oldCodes := tb.enableTwoFactor(t, c)
	current := code(t, secret, tb.clock.Now())
	fresh, err := c.RegenerateRecoveryCodes(ctx, current)
	if err != nil {
		t.Fatalf("RegenerateRecoveryCodes: %v", err)
	}
	if len(fresh.RecoveryCodes) != 10 || fresh.RecoveryCodes[0] == oldCodes[0] || fresh.TwoFactor.RecoveryCodesRemaining != 10 {
		t.Fatalf("new set: %v, %+v", fresh, fresh.TwoFactor)
	}
	_, err = c.RegenerateRecoveryCodes(ctx, current)
	var ae *client.APIError
	if !errors.Is(err, client.ErrCodeReused) || !errors.As(err, &ae) || ae.Status != 409 {
		t.Fatalf("same code again: err = %v, want ErrCodeReused (409)", err)
	}
	noSecretsIn(t, err, current)

	_, err = c.DisableTwoFactor(ctx, client.RecoveryCode(oldCodes[1]), "")
	if !errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("old recovery code: err = %v, want ErrInvalidCode", err)
	}
	tb.clock.Advance(11 * time.Minute)
	_, err = c.DisableTwoFactor(ctx, client.RecoveryCode(fresh.RecoveryCodes[0]), "")
	if !errors.Is(err, client.ErrReauthRequired) {
		t.Fatalf("old sign-in: err = %v, want ErrReauthRequired", err)
	}
	sec, err := c.DisableTwoFactor(ctx, client.RecoveryCode(fresh.RecoveryCodes[0]), tb.password)
	if err != nil {
		t.Fatalf("DisableTwoFactor: %v", err)
	}
	if sec.TwoFactor.Configured || sec.TwoFactor.Required || sec.TwoFactor.RecoveryCodesRemaining != 0 {
		t.Fatalf("after turning off: %+v", sec.TwoFactor)
	}
	if res, err := c.Login(ctx, tb.username, tb.password); err != nil || res.MFARequired() {
		t.Fatalf("sign-in after turning 2FA off: %v, mfa %v", err, res != nil && res.MFARequired())
	}

	// On again, and off with an authenticator code.
	secret, _ = tb.enableTwoFactor(t, c)
	if _, err := c.DisableTwoFactor(ctx, client.TOTPCode(code(t, secret, tb.clock.Now())), ""); err != nil {
		t.Fatalf("DisableTwoFactor with a code: %v", err)
	}
}

// The portal's clock: GetTime and MeasureClock see the portal's (fake)
// time, and every answer's Date header gives a rougher reading.
func TestPortalClock(t *testing.T) {
	tb, c := setup(t, false)
	ctx := context.Background()

	pt, err := c.GetTime(ctx)
	if err != nil {
		t.Fatalf("GetTime: %v", err)
	}
	if !pt.Time.Equal(tb.clock.Now()) {
		t.Fatalf("GetTime = %v, want the portal's %v", pt.Time, tb.clock.Now())
	}
	rough, ok := c.Clock()
	want := time.Since(tb.clock.Now())
	if !ok || rough.Precise || (rough.Offset-want).Abs() > 2*time.Second {
		t.Fatalf("Date reading = %+v, want about %v", rough, want)
	}
	r, err := c.MeasureClock(ctx)
	if err != nil {
		t.Fatalf("MeasureClock: %v", err)
	}
	want = time.Since(tb.clock.Now())
	if !r.Precise || (r.Offset-want).Abs() > 200*time.Millisecond {
		t.Fatalf("MeasureClock = %+v, want about %v", r, want)
	}
	if h, err := c.GetHealth(ctx); err != nil || h.Status != "ok" {
		t.Fatalf("GetHealth = %v, %v", h, err)
	}
}

// A portal whose database has gone answers 5xx: ErrServerError with the
// request ID for support.
func TestPortalFailure(t *testing.T) {
	tb, c := setup(t, true)
	if err := tb.srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetSecurity(context.Background())
	var ae *client.APIError
	if !errors.Is(err, client.ErrServerError) || !errors.As(err, &ae) || ae.RequestID == "" {
		t.Fatalf("err = %v, want ErrServerError with a request ID", err)
	}
	if got := c.SupportDetails(); got.ErrorRequestID != ae.RequestID || got.ErrorCode != ae.Code {
		t.Fatalf("SupportDetails = %+v, want %q / %q", got, ae.Code, ae.RequestID)
	}
}
