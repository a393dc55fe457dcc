package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
)

// Given an authenticator is set up, Generate first asks, in the article's
// words, to confirm that the new one clears the old; the old one keeps
// working until the new code is confirmed, and not after.
func TestReplaceAuthenticatorAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	oldKey, _ := h.enable()

	test.Tap(current[*securityScreen](h).configure)
	c := current[*configureScreen](h)
	if !c.require.On {
		t.Fatal("the switch is off for an account with 2FA")
	}
	test.Tap(c.generate)
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation before replacing the authenticator")
	}
	text := visibleText(top)
	for _, want := range []string{"This will clear any other 2FA you have for this address on other devices", "keeps working until you confirm the new code"} {
		if !strings.Contains(text, want) {
			t.Errorf("confirmation lacks %q: %s", want, text)
		}
	}
	if h.app.shell.step != 6 {
		t.Errorf("article step = %d, want 6", h.app.shell.step)
	}
	tapButton(t, top, "Continue")
	h.wait()
	s := current[*scanScreen](h)
	newKey := h.shownKey(s)

	// Until confirmed, the old authenticator still signs in.
	if !h.signsInWith(oldKey) {
		t.Error("the old authenticator stopped working before the new code was confirmed")
	}
	h.nextStep()
	test.Type(s.code, h.code(newKey, 0))
	h.wait()
	current[*updatedScreen](h)
	h.nextStep()
	if h.signsInWith(oldKey) {
		t.Error("the old authenticator still works after the new one was confirmed")
	}
	h.nextStep()
	if !h.signsInWith(newKey) {
		t.Error("the new authenticator does not sign in")
	}
}

// signsInWith reports whether the demo account signs in with the current
// code of key, through a fresh client.
func (h *harness) signsInWith(key string) bool {
	h.t.Helper()
	c, _ := client.New(client.Options{Address: h.portalURL()})
	res, err := c.Login(context.Background(), portal.DemoUsername, portal.DemoPassword)
	if err != nil || !res.MFARequired() {
		h.t.Fatalf("login: %v", err)
	}
	_, err = c.LoginMFA(context.Background(), res.MFA.MFAToken, client.TOTPCode(h.code(key, 0)))
	return err == nil
}

// Given a sign-in older than 10 minutes, Generate asks for the password in
// place and goes on.
func TestGenerateAsksForThePasswordAgain(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	h.clock.Advance(11 * time.Minute)

	test.Tap(current[*securityScreen](h).configure)
	c := current[*configureScreen](h)
	test.Tap(c.require)
	test.Tap(c.generate)
	h.wait()
	if !c.reauth.form.Visible() || c.generate.Text != "Continue" || h.focused() != c.reauth.password {
		t.Fatalf("password form visible %v, button %q, focus %T", c.reauth.form.Visible(), c.generate.Text, h.focused())
	}
	test.Type(c.reauth.password, "wrong password")
	test.Tap(c.generate)
	h.wait()
	if !strings.Contains(c.message.Text, "password isn't right") || c.reauth.password.Text != "" {
		t.Errorf("wrong password: message %q, field %q", c.message.Text, c.reauth.password.Text)
	}
	test.Type(c.reauth.password, portal.DemoPassword)
	c.reauth.password.TypedKey(&fyneKeyReturn)
	h.wait()
	current[*scanScreen](h)
}

// Turning the switch back to No before generating changes nothing.
func TestSwitchBackToNo(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	test.Tap(current[*securityScreen](h).configure)
	c := current[*configureScreen](h)
	test.Tap(c.require)
	test.Tap(c.require)
	if c.genBox.Visible() || h.app.shell.step != 4 {
		t.Errorf("after No: generate visible %v, step %d", c.genBox.Visible(), h.app.shell.step)
	}
	// A key press reaches the focused widget as a key, then as a character.
	c.require.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	c.require.TypedRune(' ')
	if !c.require.On || !c.genBox.Visible() {
		t.Error("Space does not turn the switch, or turns it twice")
	}
	h.assertTwoFactor(false)
}

// Given 2FA on and a sign-in older than 10 minutes, moving to a new phone
// asks for the password and a current code in place (the password alone is
// not enough to change the second factor), and then goes on to the QR code.
func TestReplaceAuthenticatorAsksForPasswordAndCode(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, _ := h.enable()
	h.clock.Advance(11 * time.Minute)

	test.Tap(current[*securityScreen](h).configure)
	c := current[*configureScreen](h)
	test.Tap(c.generate)
	tapButton(t, h.win.Canvas().Overlays().Top(), "Continue")
	h.wait()
	if !c.reauth.form.Visible() || c.reauth.code == nil || h.focused() != c.reauth.password {
		t.Fatalf("re-authentication form visible %v, with code %v, focus %T: %q",
			c.reauth.form.Visible(), c.reauth.code != nil, h.focused(), c.message.Text)
	}
	test.Type(c.reauth.password, portal.DemoPassword)
	test.Tap(c.generate)
	if !strings.Contains(c.message.Text, "6-digit code") || h.focused() != c.reauth.code {
		t.Errorf("password alone: message %q, focus %T", c.message.Text, h.focused())
	}
	test.Type(c.reauth.code, wrongCode(h.code(key, 0)))
	test.Tap(c.generate)
	h.wait()
	if !strings.Contains(c.message.Text, "isn't right") || c.reauth.code.Text != "" || h.focused() != c.reauth.code {
		t.Errorf("wrong code: message %q, field %q, focus %T", c.message.Text, c.reauth.code.Text, h.focused())
	}
	test.Type(c.reauth.code, h.code(key, 0))
	c.reauth.code.TypedKey(&fyneKeyReturn)
	h.wait()
	current[*scanScreen](h)
}
