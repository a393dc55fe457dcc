package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// The security events list what happened, newest first.
func TestSecurityEventsNewestFirst(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	h.enable()

	test.Tap(current[*securityScreen](h).events)
	h.wait()
	e := current[*eventsScreen](h)
	text := visibleText(e.list)
	on := strings.Index(text, "Two-factor authentication turned on")
	in := strings.Index(text, "Signed in")
	if on < 0 || in < 0 || on > in {
		t.Errorf("events, newest first, want 2FA on before signed in: %s", text)
	}
	if !strings.Contains(text, "from 127.0.0.1") {
		t.Errorf("events lack the client address: %s", text)
	}
	test.Tap(e.back)
	current[*securityScreen](h)
}
