package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/session"
)

// slowStore is a keyring whose answer to Last waits until release closes.
type slowStore struct {
	*session.Memory
	release chan struct{}
}

func (s *slowStore) Last(ctx context.Context, portal string) (*session.Session, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Memory.Last(ctx, portal)
}

// While the keyring answers, the start screen stays blank for a moment (no
// flicker when the answer is quick), then says what the app is waiting for;
// the answer brings the sign-in screen.
func TestStartScreenSpeaksOnlyWhenTheKeyringIsSlow(t *testing.T) {
	store := &slowStore{Memory: session.NewMemory(), release: make(chan struct{})}
	h := newHarness(t, withStore(store))
	h.app.Start()
	s := current[*startScreen](h)
	if s.box.Visible() {
		t.Fatal("the start screen shows its words at once")
	}

	h.ticker.tick() // startRevealDelay has passed
	if !s.box.Visible() {
		t.Fatal("the start screen is still blank after the delay")
	}
	if got := visibleText(s.content()); !strings.Contains(got, "Looking for your saved sign-in") {
		t.Errorf("the start screen says %q", got)
	}
	h.ticker.tick()
	if len(h.ticker.tickers) != 0 {
		t.Errorf("%d timers still run after the reveal", len(h.ticker.tickers))
	}

	close(store.release)
	h.wait()
	current[*signInScreen](h)
}

// The keyring is asked while the window is built: when its answer is there
// by the time the app starts, the first screen is already the sign-in
// form, with nothing left to wait for.
func TestQuickKeyringAnswerOpensTheSignInFormAtOnce(t *testing.T) {
	h := newHarness(t)
	awaitKeyringAnswer(t, h.app)
	h.app.Start()
	current[*signInScreen](h)
	if n := h.app.env.inflight.Load(); n != 0 {
		t.Errorf("%d background calls still run", n)
	}
}

// A saved sign-in found at start is checked with the portal, and the start
// screen says so while it is (when that takes long enough to show).
func TestStartScreenSaysItSignsInWithTheSavedSignIn(t *testing.T) {
	store := session.NewMemory()
	h := newHarness(t, withStore(store))
	h.start()
	h.signIn()

	h.restartApp(store)
	awaitKeyringAnswer(t, h.app)
	h.app.Start()
	s := current[*startScreen](h)
	h.ticker.tick()
	if got := visibleText(s.content()); !strings.Contains(got, "Signing in with your saved sign-in") {
		t.Errorf("while the saved sign-in is checked, the start screen says %q", got)
	}
	h.wait()
	current[*securityScreen](h)
}

// awaitKeyringAnswer waits until the keyring has answered the question that
// New asked, without taking the answer.
func awaitKeyringAnswer(t *testing.T, a *App) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(a.flow.saved) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the keyring was not asked when the app was built, or did not answer")
		}
		time.Sleep(time.Millisecond)
	}
}
