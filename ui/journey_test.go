package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
)

// The article's journey, end to end: given an account without 2FA, when the
// user turns on "Require two-factor authentication for login", generates
// the shared secret and enters the code from the authenticator, then the
// page says "Updated", the recovery codes are shown, the Security page says
// Enabled, and the portal asks for a code at the next sign-in.
func TestJourneyFromDisabledToUpdated(t *testing.T) {
	h := newHarness(t)
	h.start()

	// Step 1: sign in. The focus starts in the first empty field.
	si := current[*signInScreen](h)
	si.portal.SetText("")
	si.shown()
	if h.focused() != si.portal {
		t.Errorf("focus is on %T, want the empty portal address", h.focused())
	}
	h.signIn()

	// Steps 2–3: straight to Security, which says Disabled, with the account
	// in the header.
	sec := current[*securityScreen](h)
	if sec.status.Text != "Disabled" {
		t.Errorf("status = %q, want Disabled", sec.status.Text)
	}
	if got := h.app.shell.header.account.Text; got != portal.DemoName+" · "+portal.DemoCompany {
		t.Errorf("header shows %q, want the account's name and company", got)
	}
	if h.app.shell.step != 3 {
		t.Errorf("article step = %d, want 3", h.app.shell.step)
	}

	// Step 4: the switch, in the portal's words; nothing changes yet.
	test.Tap(sec.configure)
	c := current[*configureScreen](h)
	if !strings.Contains(visibleText(c.box), requireLabel) {
		t.Errorf("configure screen lacks %q: %s", requireLabel, visibleText(c.box))
	}
	if c.genBox.Visible() {
		t.Error("Generate shows before the switch is turned to Yes")
	}
	test.Tap(c.require)
	if !c.genBox.Visible() || h.app.shell.step != 5 {
		t.Fatalf("after Yes: generate visible %v, step %d", c.genBox.Visible(), h.app.shell.step)
	}
	if !strings.Contains(visibleText(c.genBox), "Nothing changes on your account until you enter the code") {
		t.Errorf("the screen doesn't say nothing changes yet: %s", visibleText(c.genBox))
	}
	if h.focused() != c.generate {
		t.Errorf("focus is on %T, want Generate", h.focused())
	}
	h.assertTwoFactor(false)

	// Steps 5, 7: generate; the QR step opens with the focus in the code field.
	test.Tap(c.generate)
	h.wait()
	s := current[*scanScreen](h)
	if h.app.shell.step != 7 {
		t.Errorf("article step = %d, want 7", h.app.shell.step)
	}
	if h.focused() != s.code {
		t.Errorf("focus is on %T, want the code field", h.focused())
	}
	key := h.shownKey(s)
	if len(key) != 32 {
		t.Fatalf("shown key has %d characters, want 32 (160 bits in base32)", len(key))
	}

	// Step 8: the code from the authenticator; the sixth digit submits.
	test.Type(s.code, h.code(key, 0))
	h.wait()

	// Step 9: Updated, then the recovery codes.
	u := current[*updatedScreen](h)
	if !strings.Contains(visibleText(u.box), "Updated") {
		t.Errorf("no Updated banner: %s", visibleText(u.box))
	}
	if n := len(u.view.codes); n != 10 {
		t.Errorf("%d recovery codes, want 10", n)
	}
	if !u.view.done.Disabled() {
		t.Error("Done is enabled before the codes are saved")
	}
	test.Tap(u.view.saved)
	if u.view.done.Disabled() {
		t.Error("Done stays disabled after 'I have saved these codes'")
	}
	test.Tap(u.view.done)

	sec = current[*securityScreen](h)
	if sec.status.Text != "Enabled" || !strings.Contains(sec.detail.Text, "10 recovery codes left") {
		t.Errorf("Security shows %q / %q, want Enabled with 10 recovery codes left", sec.status.Text, sec.detail.Text)
	}
	h.assertTwoFactor(true)
}

// assertTwoFactor checks with the portal itself, through a fresh client,
// whether signing in to the demo account asks for a code.
func (h *harness) assertTwoFactor(want bool) {
	h.t.Helper()
	c, err := client.New(client.Options{Address: h.portalURL()})
	if err != nil {
		h.t.Fatal(err)
	}
	res, err := c.Login(context.Background(), portal.DemoUsername, portal.DemoPassword)
	if err != nil {
		h.t.Fatalf("login: %v", err)
	}
	if res.MFARequired() != want {
		h.t.Errorf("portal asks for a code at sign-in: %v, want %v", res.MFARequired(), want)
	}
}

// Given 2FA is on, signing in asks for the code; a recovery code works
// instead, once.
func TestSignInWithCodeOrRecoveryCode(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, codes := h.enable()

	cs := h.signInAgain()
	if h.focused() != cs.input.code {
		t.Errorf("focus is on %T, want the code field", h.focused())
	}
	test.Type(cs.input.code, h.code(key, 0))
	h.wait()
	current[*securityScreen](h)
	h.nextStep()

	cs = h.signInAgain()
	test.Tap(cs.input.toggle)
	if h.focused() != cs.input.recovery {
		t.Errorf("focus is on %T, want the recovery code field", h.focused())
	}
	test.Type(cs.input.recovery, codes[0])
	test.Tap(cs.submit)
	h.wait()
	sec := current[*securityScreen](h)
	if !strings.Contains(sec.detail.Text, "9 recovery codes left") {
		t.Errorf("after using one: %q", sec.detail.Text)
	}

	// The same recovery code is refused the second time.
	cs = h.signInAgain()
	test.Tap(cs.input.toggle)
	test.Type(cs.input.recovery, codes[0])
	test.Tap(cs.submit)
	h.wait()
	current[*codeSignInScreen](h)
	if !strings.Contains(cs.message.Text, "isn't right") {
		t.Errorf("reused recovery code: message %q", cs.message.Text)
	}
}
