package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
)

// withHelpDesk adds the demo help-desk account (role support, with its own
// authenticator) to the portal; its key is then h.staffKey.
func withHelpDesk() harnessOption {
	return func(h *harness, _ *Config) { h.helpDesk = true }
}

// signInAs signs in from the sign-in screen with username and password,
// and, when the portal asks for it, the code from key.
func (h *harness) signInAs(username, password, key string) {
	h.t.Helper()
	s := current[*signInScreen](h)
	s.portal.SetText(h.portalURL())
	s.username.SetText(username)
	test.Type(s.password, password)
	test.Tap(s.submit)
	h.wait()
	if cs, ok := h.app.shell.current.(*codeSignInScreen); ok && key != "" {
		test.Type(cs.input.code, h.code(key, 0))
		h.wait()
		h.nextStep()
	}
}

// signOut signs out from the header.
func (h *harness) signOut() {
	h.t.Helper()
	test.Tap(h.app.shell.header.signOut)
	h.wait()
	current[*signInScreen](h)
}

// openClient finds the demo reseller from the help desk and opens their page.
func (h *harness) openClient() *clientScreen {
	h.t.Helper()
	hd := current[*helpDeskScreen](h)
	hd.query.SetText("demo res")
	test.Tap(hd.search)
	h.wait()
	tapButton(h.t, hd.results, portal.DemoName+" · "+portal.DemoCompany)
	h.wait()
	return current[*clientScreen](h)
}

// The call the help desk dreads: given a reseller with 2FA who lost the
// phone and the recovery codes, when the help desk signs in, finds them
// and issues a temporary access code, and the reseller signs in with it
// ("I lost my phone"), then the app opens on setting up the new phone, the
// journey ends on "Updated", and the old phone's codes no longer work.
func TestHelpDeskTemporaryAccessGetsALockedOutClientBackIn(t *testing.T) {
	h := newHarness(t, withHelpDesk())
	h.start()
	h.signIn()
	oldKey, _ := h.enable()
	h.signOut()

	// The help desk signs in with its own code and lands on its screens.
	h.signInAs(portal.DemoSupportUsername, portal.DemoSupportPassword, h.staffKey)
	hd := current[*helpDeskScreen](h)
	if h.focused() != hd.query {
		t.Errorf("focus is on %T, want the search field", h.focused())
	}
	if h.app.shell.header.account.Text == "" {
		t.Error("the header doesn't say who is signed in")
	}

	// Too short a search is explained, not sent.
	hd.query.SetText("de")
	test.Tap(hd.search)
	if !strings.Contains(hd.message.Text, "at least 3 characters") {
		t.Errorf("short search: %q", hd.message.Text)
	}

	c := h.openClient()
	page := visibleText(c.box)
	for _, want := range []string{portal.DemoUsername, "Enabled since", "10 recovery codes left", "open sign-in", "Two-factor authentication turned on"} {
		if !strings.Contains(page, want) {
			t.Errorf("the client's page lacks %q: %s", want, page)
		}
	}
	for _, secret := range []string{oldKey} {
		if strings.Contains(page, secret) {
			t.Error("the client's page shows a secret")
		}
	}

	// Issue the code: the reason first.
	test.Tap(c.issue)
	ta := current[*temporaryAccessScreen](h)
	test.Tap(ta.change.send)
	if !strings.Contains(ta.change.msg.Text, "Give the reason") {
		t.Errorf("no reason: %q", ta.change.msg.Text)
	}
	test.Type(ta.change.reason, "Lost phone and recovery codes; identity checked by callback")
	test.Tap(ta.change.send)
	h.wait()
	if ta.code == nil {
		t.Fatalf("no code shown: %s %s", ta.change.msg.Text, visibleText(ta.box))
	}
	spoken := ta.code.Text
	if len(spoken) != 19 || strings.Count(spoken, " ") != 3 {
		t.Errorf("the code reads %q, want 4 groups of 4", spoken)
	}
	script := visibleText(ta.box)
	if !strings.Contains(script, "choose ‘I lost my phone’") || !strings.Contains(script, spoken) {
		t.Errorf("no script to read out: %s", script)
	}
	test.Tap(findButton(ta.box, "Copy code"))
	if got := h.fyne.Clipboard().Content(); strings.ReplaceAll(got, "-", " ") != spoken {
		t.Errorf("clipboard = %q", got)
	}
	h.ticker.tick() // 60 s later
	if h.fyne.Clipboard().Content() != "" {
		t.Error("the code stays on the clipboard")
	}
	test.Tap(findButton(ta.box, "Done"))
	h.wait()
	c = current[*clientScreen](h)
	if !strings.Contains(c.pending.Text, "temporary access code is waiting") {
		t.Errorf("the page doesn't say a code waits: %q", c.pending.Text)
	}
	h.signOut()

	// The reseller: password, then "I lost my phone" and the code.
	h.signInAs(portal.DemoUsername, portal.DemoPassword, "")
	cs := current[*codeSignInScreen](h)
	test.Tap(cs.input.lost)
	if h.focused() != cs.input.temporary || !strings.Contains(cs.input.prompt.Text, "help desk") {
		t.Errorf("after 'I lost my phone': focus %T, prompt %q", h.focused(), cs.input.prompt.Text)
	}
	test.Type(cs.input.temporary, strings.ToLower(spoken))
	test.Tap(cs.submit)
	h.wait()

	// Straight to setting up the new phone, as the article goes on from Configure.
	conf := current[*configureScreen](h)
	if !strings.Contains(visibleText(conf.box), "temporary access code") {
		t.Errorf("Configure doesn't say why it opened: %s", visibleText(conf.box))
	}
	test.Tap(conf.generate)
	h.wait()
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		tapButton(t, top, "Continue") // step 6: replace the old authenticator
		h.wait()
	}
	s := current[*scanScreen](h)
	newKey := h.shownKey(s)
	test.Type(s.code, h.code(newKey, 0))
	h.wait()
	current[*updatedScreen](h)
	h.nextStep()

	// The old phone's codes are refused now; the new phone's work.
	c2, err := client.New(client.Options{Address: h.portalURL()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c2.Login(context.Background(), portal.DemoUsername, portal.DemoPassword)
	if err != nil || !res.MFARequired() {
		t.Fatalf("login: %v, %v", res, err)
	}
	if _, err := c2.LoginMFA(context.Background(), res.MFA.MFAToken, client.TOTPCode(h.code(oldKey, 0))); err == nil {
		t.Error("the old phone's code still signs in")
	}
	if _, err := c2.LoginMFA(context.Background(), res.MFA.MFAToken, client.TOTPCode(h.code(newKey, 0))); err != nil {
		t.Errorf("the new phone's code: %v", err)
	}
}

// Given a help-desk sign-in older than 10 minutes, a change to a client's
// account asks for the staff member's password and a code in place, and
// the reset then turns the client's 2FA off.
func TestHelpDeskResetAsksForReauthentication(t *testing.T) {
	h := newHarness(t, withHelpDesk())
	h.start()
	h.signIn()
	h.enable()
	h.signOut()
	h.signInAs(portal.DemoSupportUsername, portal.DemoSupportPassword, h.staffKey)
	c := h.openClient()

	h.clock.Advance(11 * time.Minute)
	test.Tap(c.reset)
	r := current[*resetScreen](h)
	if !strings.Contains(visibleText(r.box), "signs it out everywhere") {
		t.Errorf("no clear warning: %s", visibleText(r.box))
	}
	test.Type(r.change.reason, "Client asked for a reset after identity check")
	test.Tap(r.change.send)
	h.wait()
	if !r.change.reauth.form.Visible() || h.focused() != r.change.reauth.password {
		t.Fatalf("re-authentication not asked in place: %q", r.change.msg.Text)
	}
	test.Type(r.change.reauth.password, portal.DemoSupportPassword)
	test.Tap(r.change.send)
	if !strings.Contains(r.change.msg.Text, "6-digit code") {
		t.Errorf("the code is not asked with the password: %q", r.change.msg.Text)
	}
	test.Type(r.change.reauth.code, h.code(h.staffKey, 0))
	test.Tap(r.change.send)
	h.wait()

	c = current[*clientScreen](h)
	if !strings.Contains(visibleText(c.box), "Two-factor authentication is reset") || !strings.Contains(c.twoFactor.Text, "off") {
		t.Errorf("after the reset: %s", visibleText(c.box))
	}
	if !c.issue.Disabled() {
		t.Error("a temporary code is offered for an account without 2FA")
	}
	h.assertTwoFactor(false)
}

// A partner's sign-in never reaches the help desk's screens.
func TestPartnerSignInOpensSecurityNotTheHelpDesk(t *testing.T) {
	h := newHarness(t, withHelpDesk())
	h.start()
	h.signIn()
	current[*securityScreen](h)
}
