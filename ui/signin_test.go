package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
	"github.com/partnersecurity/partnersecurity/session"
)

// Given a wrong password, the screen says so, clears the password, keeps
// the username and puts the focus back in the password field.
func TestWrongPasswordKeepsTheUsername(t *testing.T) {
	h := newHarness(t)
	h.start()
	s := current[*signInScreen](h)
	s.portal.SetText(h.portalURL())
	s.username.SetText(portal.DemoUsername)
	test.Type(s.password, "not-the-password")
	s.password.TypedKey(&fyneKeyReturn) // Enter submits
	h.wait()

	if !strings.Contains(s.message.Text, "The username or password isn't right") {
		t.Errorf("message = %q", s.message.Text)
	}
	if s.password.Text != "" || s.username.Text != portal.DemoUsername {
		t.Errorf("password %q, username %q: want the password cleared and the username kept", s.password.Text, s.username.Text)
	}
	if h.focused() != s.password {
		t.Errorf("focus is on %T, want the password", h.focused())
	}
	if s.submit.Disabled() {
		t.Error("Sign in stays disabled")
	}
}

// Given too many wrong passwords, the portal pauses sign-ins: the screen
// shows a live countdown with Sign in disabled until it ends.
func TestSignInRateLimitedCountsDown(t *testing.T) {
	h := newHarness(t)
	h.start()
	s := current[*signInScreen](h)
	s.portal.SetText(h.portalURL())
	s.username.SetText(portal.DemoUsername)
	for i := 0; i < 15 && !s.sender.countdown.running(); i++ {
		test.Type(s.password, "wrong-password")
		test.Tap(s.submit)
		h.wait()
	}
	if !s.sender.countdown.running() {
		t.Fatalf("no countdown after 15 wrong passwords: %q", s.message.Text)
	}
	if !s.submit.Disabled() || !strings.HasPrefix(s.sender.countdown.label.Text, "You can try again in ") {
		t.Errorf("submit disabled %v, countdown %q", s.submit.Disabled(), s.sender.countdown.label.Text)
	}
	before := s.sender.countdown.label.Text
	h.local.Advance(61 * time.Second)
	h.ticker.tick()
	if s.sender.countdown.label.Text == before {
		t.Errorf("countdown did not move: %q", before)
	}
	h.local.Advance(time.Hour)
	h.ticker.tick()
	if s.sender.countdown.running() || s.submit.Disabled() {
		t.Errorf("after the wait: countdown %v, submit disabled %v", s.sender.countdown.running(), s.submit.Disabled())
	}
}

// Bad portal addresses get a clear sentence, and nothing is sent.
func TestPortalAddressProblems(t *testing.T) {
	h := newHarness(t)
	h.start()
	s := current[*signInScreen](h)
	for _, tc := range []struct{ address, want string }{
		{"http://partners.example.com", "must start with https://"},
		{"not a portal", "isn't valid"},
		{"http://127.0.0.1:1", "Can't reach the portal at 127.0.0.1:1"},
	} {
		s.portal.SetText(tc.address)
		s.username.SetText("someone@example.com")
		s.password.SetText("a password")
		test.Tap(s.submit)
		h.wait()
		if !strings.Contains(s.message.Text, tc.want) {
			t.Errorf("%q: message %q, want it to contain %q", tc.address, s.message.Text, tc.want)
		}
	}
	s.portal.SetText("")
	test.Tap(s.submit)
	if s.message.Text != "Enter your portal address." || h.focused() != s.portal {
		t.Errorf("empty address: %q, focus %T", s.message.Text, h.focused())
	}
}

// Given a sign-in, the next start opens signed in from the saved session
// (the keyring), and offers the remembered portal and username.
func TestSavedSessionOpensSignedIn(t *testing.T) {
	store := session.NewMemory()
	h := newHarness(t, withStore(store))
	h.start()
	h.signIn()
	current[*securityScreen](h)
	saved, err := store.Last(context.Background(), h.portalURL())
	if err != nil || saved.Username != portal.DemoUsername {
		t.Fatalf("saved session: %v, %v", saved, err)
	}

	h.restartApp(store)
	h.start()
	sec := current[*securityScreen](h)
	if sec.status.Text != "Disabled" || h.app.shell.header.account.Text == "" {
		t.Errorf("restored session shows %q, header %q", sec.status.Text, h.app.shell.header.account.Text)
	}

	// Sign out revokes the token and deletes the keyring entry.
	token := h.app.account.get().client.Token()
	test.Tap(h.app.shell.header.signOut)
	h.wait()
	si := current[*signInScreen](h)
	if _, err := store.Last(context.Background(), h.portalURL()); err == nil {
		t.Error("the session is still in the keyring after signing out")
	}
	c, _ := client.New(client.Options{Address: h.portalURL()})
	c.SetToken(token)
	if _, err := c.GetAccount(context.Background()); err == nil {
		t.Error("the portal still accepts the token after signing out")
	}
	if si.portal.Text != h.portalURL() || si.username.Text != portal.DemoUsername || h.focused() != si.password {
		t.Errorf("sign-in offers %q / %q, focus %T", si.portal.Text, si.username.Text, h.focused())
	}
}

// faultyStore is a keyring that fails as a test tells it to.
type faultyStore struct {
	*session.Memory
	lastErr error
	saveErr error
	saves   int
}

func (f *faultyStore) Last(ctx context.Context, portal string) (*session.Session, error) {
	if f.lastErr != nil {
		return nil, f.lastErr
	}
	return f.Memory.Last(ctx, portal)
}

func (f *faultyStore) Save(ctx context.Context, s session.Session) error {
	f.saves++
	if f.saveErr != nil {
		return f.saveErr
	}
	return f.Memory.Save(ctx, s)
}

// Given no keyring, the app says it can't keep the sign-in, and everything
// else works.
func TestKeyringUnavailable(t *testing.T) {
	store := &faultyStore{Memory: session.NewMemory(), lastErr: session.ErrKeyringUnavailable, saveErr: session.ErrKeyringUnavailable}
	h := newHarness(t, withStore(store))
	h.start()
	if h.app.shell.keyring == nil || h.app.shell.keyring.text != keyringUnavailableMessage {
		t.Fatalf("no keyring banner")
	}
	h.signIn()
	h.enable()
	if store.saves != 0 {
		t.Errorf("the app tried to save to an unavailable keyring %d times", store.saves)
	}
	if h.app.shell.keyring == nil {
		t.Error("the keyring banner went away")
	}
}

// Given a keyring that does not answer in time (its unlock prompt is
// open), the sign-in screen shows with "Waiting for the system keyring…",
// and a saved session that arrives late still signs the person in.
func TestKeyringLateAnswerSignsIn(t *testing.T) {
	late := make(chan session.Result, 1)
	store := &faultyStore{Memory: session.NewMemory(),
		lastErr: &session.TimeoutError{Op: "last", Late: late}}
	h := newHarness(t, withStore(store))
	h.start()
	current[*signInScreen](h)
	if h.app.shell.keyring == nil || !strings.HasPrefix(h.app.shell.keyring.text, "Waiting for the system keyring…") {
		t.Fatalf("banner: %v", h.app.shell.keyring)
	}

	// The person unlocks the keyring: the saved session arrives.
	c, _ := client.New(client.Options{Address: h.portalURL()})
	res, err := c.Login(context.Background(), portal.DemoUsername, portal.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	late <- session.Result{Session: &session.Session{Token: res.Session.Token, ExpiresAt: res.Session.ExpiresAt,
		Username: portal.DemoUsername, Portal: h.portalURL()}}
	h.waitUntil("the late session to sign in", func() bool {
		_, ok := h.app.shell.current.(*securityScreen)
		return ok
	})
	if h.app.shell.keyring != nil {
		t.Errorf("banner stays: %q", h.app.shell.keyring.text)
	}
}

// Given the code step, an answer that took too long sends the person back
// to the password, with a sentence.
func TestCodeStepExpiredChallengeGoesBack(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, _ := h.enable()
	cs := h.signInAgain()
	h.clock.Advance(6 * time.Minute)
	test.Type(cs.input.code, h.code(key, 0))
	h.wait()
	s := current[*signInScreen](h)
	if !strings.Contains(s.message.Text, "took too long") {
		t.Errorf("message %q", s.message.Text)
	}
}

// Given a portal client that panics while it is made (as client.New once
// did on an IPv4-mapped IPv6 address), the sign-in screen says something
// went wrong and can be used again: the app does not die with the call.
func TestPanicInABackgroundCallBecomesAMessage(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) {
		c.Connect = func(string) (*client.Client, error) { panic("client.New: nil pointer") }
	}))
	h.start()
	s := current[*signInScreen](h)
	s.portal.SetText("https://[::ffff:10.0.0.1]")
	s.username.SetText(portal.DemoUsername)
	test.Type(s.password, portal.DemoPassword)
	test.Tap(s.submit)
	h.wait()

	current[*signInScreen](h)
	if !strings.Contains(s.message.Text, "Something went wrong") {
		t.Errorf("message = %q, want the general sentence", s.message.Text)
	}
	if s.submit.Disabled() || s.sender.activity.Visible() {
		t.Errorf("after the panic: Sign in disabled %v, activity shown %v", s.submit.Disabled(), s.sender.activity.Visible())
	}
}

// The username remembered for a portal is offered however its address is
// typed, since both go through the client's one normaliser.
func TestRememberedUsernameFollowsTheNormalisedAddress(t *testing.T) {
	h := newHarness(t)
	h.app.shell.prefs.setUsername("https://partners.example.com/tenant-a", "someone@example.com")
	h.start()
	s := current[*signInScreen](h)
	s.username.SetText("")
	s.portal.SetText("Partners.Example.com:443/tenant-a/")
	if s.username.Text != "someone@example.com" {
		t.Errorf("username offered %q, want the one remembered for the portal", s.username.Text)
	}
	s.username.SetText("")
	s.portal.SetText("partners.example.com/tenant-b")
	if s.username.Text != "" {
		t.Errorf("another tenant on the same host offers %q", s.username.Text)
	}
}
