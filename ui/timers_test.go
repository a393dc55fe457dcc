package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// A help-desk agent may leave the app open all day: no screen's timer (the
// QR step's time left, a rate limit's countdown) may outlive the screen,
// whichever way the person leaves it, and the clipboard's clean-up timer
// ends once it has run.
func TestNoTimerOutlivesItsScreen(t *testing.T) {
	h := newHarness(t)
	timers := func(when string, want int) {
		t.Helper()
		if n := len(h.ticker.tickers); n != want {
			t.Errorf("%s: %d timers run, want %d", when, n, want)
		}
	}

	// The QR step's time left, then Cancel.
	s, _ := h.toQRStep()
	timers("at the QR step", 1)
	tapButton(t, s.content(), "Cancel")
	current[*securityScreen](h)
	timers("after Cancel", 0)

	// The QR step again, rate limited by wrong codes: two timers; then
	// Sign out.
	s = h.generate()
	key := h.shownKey(s)
	for i := 0; i < 6 && !s.sender.countdown.running(); i++ {
		test.Type(s.code, wrongCode(h.code(key, 0)))
		h.wait()
	}
	if !s.sender.countdown.running() {
		t.Fatalf("no countdown after 6 wrong codes; message %q", s.message.Text)
	}
	timers("at the rate-limited QR step", 2)
	test.Tap(h.app.shell.header.signOut)
	h.wait()
	current[*signInScreen](h)
	timers("after Sign out", 0)

	// The key copied at the QR step: its clean-up timer outlives the screen
	// on purpose, takes the key off the clipboard after a minute, and ends.
	h.signIn()
	s = h.generate()
	tapButton(t, s.content(), "Can't scan it? Show the key")
	tapButton(t, s.content(), "Copy key")
	tapButton(t, s.content(), "Cancel")
	timers("after copying the key and Cancel", 1)
	if h.fyne.Clipboard().Content() == "" {
		t.Fatal("Copy key left the clipboard empty")
	}
	h.local.Advance(clipboardClearAfter + time.Second)
	h.ticker.tick()
	if got := h.fyne.Clipboard().Content(); got != "" {
		t.Error("the key is still on the clipboard after a minute")
	}
	timers("after the clipboard's clean-up", 0)
}
