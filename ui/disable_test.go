package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Given 2FA is on, turning the switch to No warns, asks for a current
// code, and turns it off on the portal.
func TestTurnTwoFactorOff(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, _ := h.enable()

	test.Tap(current[*securityScreen](h).configure)
	test.Tap(current[*configureScreen](h).require)
	d := current[*disableScreen](h)
	if !strings.Contains(visibleText(d.box), "Anyone who learns your password can then sign in") {
		t.Errorf("no clear warning: %s", visibleText(d.box))
	}
	// Six digits don't send it by themselves: the button does.
	test.Type(d.input.code, h.code(key, 0))
	h.wait()
	current[*disableScreen](h)
	test.Tap(d.turnOff)
	h.wait()
	sec := current[*securityScreen](h)
	if sec.status.Text != "Disabled" || !strings.Contains(visibleText(sec.box), "Updated: two-factor authentication is off") {
		t.Errorf("after turning off: %s", visibleText(sec.box))
	}
	h.assertTwoFactor(false)
}

// A recovery code turns 2FA off too; a wrong code says so.
func TestTurnTwoFactorOffWithARecoveryCode(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	_, codes := h.enable()

	test.Tap(current[*securityScreen](h).configure)
	test.Tap(current[*configureScreen](h).require)
	d := current[*disableScreen](h)
	test.Tap(d.input.toggle)
	test.Type(d.input.recovery, "aaaa-bbbb-cccc")
	test.Tap(d.turnOff)
	h.wait()
	if !strings.Contains(d.message.Text, "isn't right") {
		t.Errorf("wrong recovery code: %q", d.message.Text)
	}
	test.Type(d.input.recovery, codes[3])
	d.input.recovery.TypedKey(&fyneKeyReturn)
	h.wait()
	current[*securityScreen](h)
	h.assertTwoFactor(false)
}
