package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
)

// staffSignIn signs the demo help-desk account in with its password and a
// code from its authenticator.
func (tb *testbed) staffSignIn(t *testing.T) (*client.Client, string) {
	t.Helper()
	ctx := context.Background()
	d, err := tb.srv.EnsureDemoAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := tb.client(t)
	res, err := c.Login(ctx, portal.DemoSupportUsername, portal.DemoSupportPassword)
	if err != nil || !res.MFARequired() {
		t.Fatalf("staff login: %v (code asked: %v)", err, err == nil && res.MFARequired())
	}
	s, err := c.LoginMFA(ctx, res.MFA.MFAToken, client.TOTPCode(code(t, d.SupportTOTPSecret, tb.clock.Now())))
	if err != nil {
		t.Fatalf("staff code: %v", err)
	}
	if !s.Account.Support() {
		t.Fatalf("the help-desk account's role is %q", s.Account.Role)
	}
	tb.clock.NextStep()
	return c, d.SupportTOTPSecret
}

// Given a reseller with 2FA, the help desk finds them, reads their page,
// issues a temporary access code, and the reseller signs in with it once,
// told to replace the authenticator; then the help desk resets their 2FA.
func TestHelpDeskCalls(t *testing.T) {
	tb, partner := setup(t, true)
	ctx := context.Background()
	tb.enableTwoFactor(t, partner)
	staff, staffKey := tb.staffSignIn(t)

	// A partner's token may not make help-desk calls.
	if _, err := partner.SearchClientAccounts(ctx, "seller"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("partner search: %v, want ErrForbidden", err)
	}
	var ae *client.APIError
	if _, err := staff.SearchClientAccounts(ctx, "se"); !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("short search: %v, want 400", err)
	}
	found, err := staff.SearchClientAccounts(ctx, "RHEA")
	if err != nil || len(found.Accounts) != 1 || found.Accounts[0].Username != tb.username {
		t.Fatalf("search: %+v, %v", found, err)
	}
	id := found.Accounts[0].ID
	if !found.Accounts[0].TwoFactor.Configured {
		t.Error("search says the reseller has no 2FA")
	}
	if _, err := staff.GetClientAccount(ctx, "no-such-account"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown account: %v, want ErrNotFound", err)
	}
	page, err := staff.GetClientAccount(ctx, id)
	if err != nil || page.ActiveSessions < 1 || page.TemporaryAccess != nil || len(page.Events) == 0 {
		t.Fatalf("page: %+v, %v", page, err)
	}

	if _, err := staff.IssueTemporaryAccess(ctx, id, "no", 0, client.Reauth{}); !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("a reason too short: %v, want 400", err)
	}
	ta, err := staff.IssueTemporaryAccess(ctx, id, "lost phone, identity checked", 30*time.Minute, client.Reauth{})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	if got := ta.ExpiresAt.Sub(tb.clock.Now()); got < 29*time.Minute || got > 31*time.Minute {
		t.Errorf("the code lasts %s, want 30 minutes", got)
	}
	if page, _ = staff.GetClientAccount(ctx, id); page.TemporaryAccess == nil {
		t.Error("the page doesn't say a code waits")
	}

	// The reseller signs in with it, once.
	c := tb.client(t)
	res, err := c.Login(ctx, tb.username, tb.password)
	if err != nil || !res.MFARequired() {
		t.Fatalf("login: %v", err)
	}
	s, err := c.LoginMFA(ctx, res.MFA.MFAToken, client.TemporaryAccessCode(ta.Code))
	if err != nil || s.Next != client.NextReplaceAuthenticator {
		t.Fatalf("temporary sign-in: %+v, %v", s, err)
	}
	res, _ = c.Login(ctx, tb.username, tb.password)
	if _, err := c.LoginMFA(ctx, res.MFA.MFAToken, client.TemporaryAccessCode(ta.Code)); !errors.Is(err, client.ErrInvalidCode) {
		t.Errorf("the code used again: %v, want ErrInvalidCode", err)
	}
	noSecretsIn(t, err, ta.Code)

	// Past 10 minutes the reset needs the staff member's password and code.
	tb.clock.Advance(11 * time.Minute)
	if _, err := staff.ResetClientTwoFactor(ctx, id, "client asked for a reset", client.Reauth{}); !errors.Is(err, client.ErrReauthRequired) {
		t.Errorf("old staff sign-in: %v, want ErrReauthRequired", err)
	}
	st, err := staff.ResetClientTwoFactor(ctx, id, "client asked for a reset",
		client.Reauth{Password: portal.DemoSupportPassword, Code: code(t, staffKey, tb.clock.Now())})
	if err != nil || st.TwoFactor.Configured {
		t.Fatalf("reset: %+v, %v", st, err)
	}
	if _, err := staff.IssueTemporaryAccess(ctx, id, "lost phone again", 0, client.Reauth{}); !errors.Is(err, client.ErrTwoFactorNotConfigured) {
		t.Errorf("a code for an account without 2FA: %v, want ErrTwoFactorNotConfigured", err)
	}
}
