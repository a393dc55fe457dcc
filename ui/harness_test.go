package ui

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
	"github.com/partnersecurity/partnersecurity/session"
)

// The tests drive the real screens with fyne's test driver, against the
// real client and the reference portal over HTTP on a real SQLite file. The
// portal's clock and this computer's clock are real time plus a shift that a
// test may move, each on its own. Codes come from oathtool, an
// authenticator no one here wrote, fed the key the screen shows.

// shiftClock is real time plus an adjustable shift.
type shiftClock struct {
	mu    sync.Mutex
	shift time.Duration
}

func (c *shiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.shift)
}

func (c *shiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shift += d
}

// manualTicker stands in for App.every: callbacks run only when the test
// calls tick, on the test goroutine.
type manualTicker struct {
	next    int
	tickers map[int]func()
}

func (m *manualTicker) every(_ time.Duration, f func()) func() {
	if m.tickers == nil {
		m.tickers = map[int]func(){}
	}
	id := m.next
	m.next++
	m.tickers[id] = f
	return func() { delete(m.tickers, id) }
}

// tick runs every live ticker once.
func (m *manualTicker) tick() {
	ids := make([]int, 0, len(m.tickers))
	for id := range m.tickers {
		ids = append(ids, id)
	}
	for _, id := range ids {
		if f, ok := m.tickers[id]; ok {
			f()
		}
	}
}

// harness is one app window against one reference portal.
type harness struct {
	t      testing.TB
	fyne   fyne.App
	win    fyne.Window
	app    *App
	store  session.Store
	ticker *manualTicker
	local  *shiftClock // this computer's clock
	clock  *shiftClock // the portal's clock

	dbPath  string
	addr    string
	portal  *portal.Server
	srv     *httptest.Server
	wrap    func(http.Handler) http.Handler
	applies chan func()
	// helpDesk: the portal also has the demo help-desk account, whose
	// authenticator's key is staffKey.
	helpDesk bool
	staffKey string
}

// options of newHarness.
type harnessOption func(*harness, *Config)

// withStore uses store instead of a session.Memory.
func withStore(s session.Store) harnessOption {
	return func(h *harness, _ *Config) { h.store = s }
}

// withWrap puts middleware in front of the portal, to stage faults.
func withWrap(w func(http.Handler) http.Handler) harnessOption {
	return func(h *harness, _ *Config) { h.wrap = w }
}

// withConfig edits the app's Config.
func withConfig(f func(*Config)) harnessOption {
	return func(_ *harness, c *Config) { f(c) }
}

// newHarness starts a portal with the demo account and builds the app
// against it, without starting it.
func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		fyne:   test.NewTempApp(t),
		ticker: &manualTicker{},
		local:  &shiftClock{},
		clock:  &shiftClock{},
		dbPath: filepath.Join(t.TempDir(), "portal.db"),
		store:  session.NewMemory(),
	}
	cfg := Config{DefaultPortal: client.DefaultAddress, Version: "1.2.3", Build: 7}
	for _, o := range opts {
		o(h, &cfg)
	}
	h.startPortal()
	if _, err := h.portal.EnsureDemoAccount(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h.helpDesk {
		d, err := h.portal.EnsureDemoAccounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		h.staffKey = d.SupportTOTPSecret
	}
	t.Cleanup(h.stopPortal)

	h.win = h.fyne.NewWindow("test")
	h.buildApp(cfg)
	return h
}

// buildApp builds the app in h.win from cfg, with the tests' clock, ticker
// and UI goroutine, and closes it when the test ends.
func (h *harness) buildApp(cfg Config) {
	t := h.t
	h.win.Resize(fyne.NewSize(860, 680))
	cfg.App, cfg.Window, cfg.Store = h.fyne, h.win, h.store
	if cfg.Connect == nil {
		cfg.Connect = func(address string) (*client.Client, error) {
			return client.New(client.Options{Address: address, Version: "test", Timeout: 5 * time.Second})
		}
	}
	h.app = New(cfg)
	h.app.env.every = h.ticker.every
	h.app.env.now = h.local.Now
	// Results of background calls are applied on the test goroutine when
	// the test waits, as the real driver applies them on its main
	// goroutine, never beside the test's own taps and typing.
	h.applies = make(chan func(), 64)
	h.app.env.do = func(f func()) { h.applies <- f }
	t.Cleanup(func() {
		h.app.Close()
		for h.app.env.inflight.Load() > 0 {
			select {
			case <-h.applies:
			case <-time.After(time.Millisecond):
			}
		}
		h.win.Close()
	})
}

// secondApp is a second app window, with its own keyring store, on h's
// portal and clocks: the help desk's app beside the client's.
func (h *harness) secondApp() *harness {
	h.t.Helper()
	o := &harness{
		t: h.t, fyne: h.fyne, ticker: h.ticker, local: h.local, clock: h.clock,
		dbPath: h.dbPath, addr: h.addr, portal: h.portal, srv: h.srv,
		store: session.NewMemory(), helpDesk: h.helpDesk, staffKey: h.staffKey,
	}
	o.win = h.fyne.NewWindow("second")
	o.buildApp(Config{DefaultPortal: client.DefaultAddress, Version: "1.2.3", Build: 7})
	return o
}

// restartApp replaces the app with a second run of it on the same
// preferences and keyring store, as when the person starts it again; the
// test calls Start.
func (h *harness) restartApp(store session.Store) {
	h.t.Helper()
	h.win = h.fyne.NewWindow("second")
	next := New(Config{App: h.fyne, Window: h.win, Store: store, Connect: h.app.flow.connectTo})
	next.env.do, next.env.every, next.env.now = h.app.env.do, h.ticker.every, h.local.Now
	h.app.Close()
	h.app = next
}

// startPortal opens the portal on the database file and serves it, on the
// same address as before when it restarts.
func (h *harness) startPortal() {
	h.t.Helper()
	p, err := portal.Open(context.Background(), portal.Config{DBPath: h.dbPath, Now: h.clock.Now, Issuer: "Partner Portal (test)"})
	if err != nil {
		h.t.Fatal(err)
	}
	h.portal = p
	var handler http.Handler = p.Handler()
	if h.wrap != nil {
		handler = h.wrap(handler)
	}
	h.srv = httptest.NewUnstartedServer(handler)
	if h.addr != "" {
		h.srv.Listener.Close()
		ln, err := net.Listen("tcp", h.addr)
		if err != nil {
			h.t.Fatal(err)
		}
		h.srv.Listener = ln
	}
	h.srv.Start()
	h.addr = h.srv.Listener.Addr().String()
}

// stopPortal stops serving and closes the database, as a portal going down.
func (h *harness) stopPortal() {
	if h.srv != nil {
		h.srv.CloseClientConnections()
		h.srv.Close()
		h.srv = nil
	}
	if h.portal != nil {
		h.portal.Close()
		h.portal = nil
	}
}

// portalURL is the address a person types for this portal.
func (h *harness) portalURL() string { return "http://" + h.addr }

// wait lets every background call finish and applies its result, until
// nothing is left to do.
func (h *harness) wait() {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case f := <-h.applies:
			f()
			continue
		default:
		}
		if h.app.env.inflight.Load() == 0 && len(h.applies) == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatal("background work did not finish within 20 s")
		}
		select {
		case f := <-h.applies:
			f()
		case <-time.After(time.Millisecond):
		}
	}
}

// waitUntil applies background results until cond holds.
func (h *harness) waitUntil(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("waited 20 s for %s", what)
		}
		select {
		case f := <-h.applies:
			f()
		case <-time.After(time.Millisecond):
		}
	}
	h.wait()
}

// start starts the app and waits for its first screen.
func (h *harness) start() {
	h.app.Start()
	h.wait()
}

// current returns the current screen as a T, failing the test otherwise.
func current[T screen](h *harness) T {
	h.t.Helper()
	s, ok := h.app.shell.current.(T)
	if !ok {
		var want T
		h.t.Fatalf("screen is %T, want %T (%s)", h.app.shell.current, want, visibleText(h.app.shell.current.content()))
	}
	return s
}

// focused returns the focused object of the window.
func (h *harness) focused() fyne.Focusable { return h.win.Canvas().Focused() }

// signIn signs in with the demo account from the sign-in screen.
func (h *harness) signIn() {
	h.t.Helper()
	s := current[*signInScreen](h)
	s.portal.SetText(h.portalURL())
	s.username.SetText(portal.DemoUsername)
	test.Type(s.password, portal.DemoPassword)
	test.Tap(s.submit)
	h.wait()
}

// signInAgain signs out and in again with the demo account's password; on
// an account with 2FA it returns the code step that follows.
func (h *harness) signInAgain() *codeSignInScreen {
	h.t.Helper()
	test.Tap(h.app.shell.header.signOut)
	h.wait()
	h.signIn()
	return current[*codeSignInScreen](h)
}

// generate goes from the Security page to the QR code step.
func (h *harness) generate() *scanScreen {
	h.t.Helper()
	test.Tap(current[*securityScreen](h).configure)
	c := current[*configureScreen](h)
	if !c.require.On {
		test.Tap(c.require)
	}
	test.Tap(c.generate)
	h.wait()
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		tapButton(h.t, top, "Continue")
		h.wait()
	}
	return current[*scanScreen](h)
}

// toQRStep starts the app, signs in and generates a shared secret; it
// returns the QR step and the key it shows.
func (h *harness) toQRStep() (*scanScreen, string) {
	h.t.Helper()
	h.start()
	h.signIn()
	s := h.generate()
	return s, h.shownKey(s)
}

// shownKey reads the key the QR step shows as text, as a person who
// can't scan would, without the spaces between groups.
func (h *harness) shownKey(s *scanScreen) string {
	h.t.Helper()
	test.Tap(s.keyToggle)
	for _, o := range s.keyBox.Objects {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace {
			return strings.ReplaceAll(l.Text, " ", "")
		}
	}
	h.t.Fatal("the QR step shows no key")
	return ""
}

// code is what an authenticator app with key shows at the portal's time
// plus skew (a phone whose clock is off).
func (h *harness) code(key string, skew time.Duration) string {
	h.t.Helper()
	at := h.clock.Now().Add(skew).UTC().Format("2006-01-02 15:04:05 UTC")
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", at, key).Output()
	if err != nil {
		h.t.Fatalf("oathtool: %v (make test installs it)", err)
	}
	return strings.TrimSpace(string(out))
}

// nextStep moves the portal's clock on by one TOTP step, so that the next
// code is new: each step is accepted once per account.
func (h *harness) nextStep() { h.clock.Advance(30 * time.Second) }

// enable turns two-factor authentication on through the app and returns
// the key and the recovery codes, leaving the app on the Security page.
func (h *harness) enable() (key string, codes []string) {
	h.t.Helper()
	s := h.generate()
	key = h.shownKey(s)
	test.Type(s.code, h.code(key, 0))
	h.wait()
	u := current[*updatedScreen](h)
	codes = u.view.codes
	test.Tap(u.view.saved)
	test.Tap(u.view.done)
	current[*securityScreen](h)
	h.nextStep()
	return key, codes
}

// fyneKeyReturn is the Return key, for TypedKey.
var fyneKeyReturn = fyne.KeyEvent{Name: fyne.KeyReturn}

// tapButton taps the button labelled text inside o, failing if none.
func tapButton(t testing.TB, o fyne.CanvasObject, text string) {
	t.Helper()
	if b := findButton(o, text); b != nil {
		test.Tap(b)
		return
	}
	t.Fatalf("no button %q in %s", text, visibleText(o))
}

// findButton returns the visible button labelled text inside o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// visibleText joins the text of the visible labels and buttons inside o,
// for assertions on what a person reads and for failure messages.
func visibleText(o fyne.CanvasObject) string {
	var parts []string
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			if w.Text != "" {
				parts = append(parts, w.Text)
			}
		case *widget.Button:
			parts = append(parts, "["+w.Text+"]")
		case *banner:
			parts = append(parts, w.text)
		case *canvas.Text:
			if w.Text != "" {
				parts = append(parts, w.Text)
			}
		}
	})
	return strings.Join(parts, " | ")
}

// walk calls f for every visible object inside o, widgets' renderers
// included.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, f)
		}
	case *widget.Label, *widget.Button, *banner:
		// Leaves for our purposes: their renderers repeat their text.
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, f)
		}
	}
}
