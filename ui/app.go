package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
)

// Config is what New needs to run the app.
type Config struct {
	// App is the Fyne application: preferences and clipboard.
	App fyne.App
	// Window is the main window; the app sets its content and title.
	Window fyne.Window
	// Connect makes a portal client for an address.
	Connect Connector
	// Store keeps the session token between runs (the OS keyring).
	Store session.Store
	// Version and Build identify this release in About and support details.
	Version string
	Build   int
	// DefaultPortal is the address offered when none was used before.
	DefaultPortal string
	// Demo, when set, marks the app as running against the demo portal.
	Demo *Demo
	// Guide starts the app in guide mode.
	Guide bool
	// Logger receives diagnostics (never a secret); nil discards them.
	Logger *slog.Logger
}

// Demo describes the in-process demo portal.
type Demo struct {
	// Address is the demo portal's address (http://127.0.0.1:PORT).
	Address string
	// Username and Password are the demo account's; the sign-in screen
	// fills in the username and shows the password beside the badge.
	Username string
	Password string
}

// screen is one of the app's screens.
type screen interface {
	// content returns the screen's widgets, built once.
	content() fyne.CanvasObject
	// articleStep is the help article's step (1–9) the screen stands for.
	articleStep() int
	// shown runs after the screen has become visible: it sets the focus.
	shown()
	// hidden runs when another screen replaces it: it stops its timers.
	hidden()
}

// App is the running application: the window's chrome (header, banners,
// guide panel) around the current screen, and the signed-in state. All its
// fields are used on the UI goroutine only.
type App struct {
	cfg   Config
	win   fyne.Window
	prefs settings
	log   *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	// inflight counts background calls that have not finished.
	inflight atomic.Int64
	// saved is the keyring's answer about a saved sign-in, asked in New.
	saved <-chan savedSignIn

	// do runs a function on the UI goroutine (fyne.Do); now and every
	// are the clock and the ticker. Tests replace all three.
	do    func(func())
	now   func() time.Time
	every func(time.Duration, func()) (stop func())

	// The signed-in state: api is nil while signed out.
	api       PortalAPI
	portal    string // the address as normalised by the client
	username  string
	account   *client.Account
	twoFactor *client.TwoFactor
	// remember is false when the keyring cannot keep the session.
	remember bool
	// graphics says how the window draws, for the support details.
	graphics string
	// lastAPI is the latest portal client, signed in or not, for the
	// support details.
	lastAPI PortalAPI
	// closeQuestion, when set, is asked before the window closes.
	closeQuestion string

	header  *header
	banners *fyne.Container
	keyring *banner // nil when the keyring needs no word
	body    *fyne.Container
	guide   *guidePanel
	current screen
	step    int
}

// New builds the app in cfg.Window and, meanwhile, asks the keyring for a
// saved sign-in. Call Start to show the first screen.
func New(cfg Config) *App {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DefaultPortal == "" {
		cfg.DefaultPortal = client.DefaultAddress
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{
		cfg:      cfg,
		win:      cfg.Window,
		prefs:    settings{cfg.App.Preferences()},
		log:      cfg.Logger,
		ctx:      ctx,
		cancel:   cancel,
		do:       fyne.Do,
		now:      time.Now,
		every:    tickEvery,
		remember: true,
	}
	a.saved = a.askKeyring(a.initialPortal())
	a.header = newHeader(a)
	a.banners = container.NewVBox()
	a.body = container.NewStack()
	a.guide = newGuidePanel(a)
	a.win.SetContent(container.NewBorder(
		container.NewVBox(a.header.content(), widget.NewSeparator(), a.banners),
		nil, a.guide.content(), nil, a.body))
	a.setGuide(cfg.Guide || a.prefs.guide())
	a.win.SetOnClosed(a.cancel)
	return a
}

// Start shows the first screen: the Security page if the keyring holds a
// sign-in that still works, else the sign-in screen. The keyring was asked
// in New; while it has not answered, the start screen shows.
func (a *App) Start() {
	a.show(newStartScreen(a))
	select {
	case r := <-a.saved:
		// The answer came while the window was being built: the first
		// frame can show where it leads.
		a.onSavedSession(r.portal, r.session, r.err)
	default:
		a.background(func(context.Context) func() {
			r := <-a.saved
			return func() { a.onSavedSession(r.portal, r.session, r.err) }
		})
	}
}

// savedSignIn is the keyring's answer about a saved sign-in for portal.
type savedSignIn struct {
	portal  string
	session *session.Session
	err     error
}

// askKeyring asks the keyring for a saved sign-in for portal, in the
// background, and returns where the answer will come. The answer takes a
// few D-Bus round trips to the keyring daemon: asked from Start, it came
// about 35 ms after the window's first frame on make bench's machine, so a
// start screen flashed before the sign-in form. New asks first thing, so
// that Start usually finds it there.
func (a *App) askKeyring(portal string) <-chan savedSignIn {
	answer := make(chan savedSignIn, 1)
	go func() {
		s, err := a.cfg.Store.Last(a.ctx, portal)
		answer <- savedSignIn{portal, s, err}
	}()
	return answer
}

// initialPortal is the portal address the app starts with: the demo
// portal's, else the last one used, else the vendor's.
func (a *App) initialPortal() string {
	if a.cfg.Demo != nil {
		return a.cfg.Demo.Address
	}
	if recent := a.prefs.recentPortals(); len(recent) > 0 {
		return recent[0]
	}
	return a.cfg.DefaultPortal
}

// onSavedSession acts on the keyring's answer at start-up.
func (a *App) onSavedSession(portal string, s *session.Session, err error) {
	var timeout *session.TimeoutError
	switch {
	case err == nil && s != nil:
		a.restore(*s, nil)
		return
	case errors.Is(err, session.ErrNotFound):
	case errors.As(err, &timeout):
		a.setKeyringBanner(bannerInfo, "Waiting for the system keyring… If it asks for a password, unlock it to be signed in; or sign in below.")
		a.awaitLateSession(timeout.Late)
	default:
		a.log.Warn("keyring unavailable", "err", err)
		a.keyringUnavailable()
	}
	a.showSignIn(portal, nil)
}

// awaitLateSession waits for the answer of a keyring call that timed out,
// most likely because its unlock prompt is open: a saved session that
// arrives while the person is still on the sign-in screen signs them in.
// The wait may last as long as the prompt stays open, so it is not counted
// among the background calls.
func (a *App) awaitLateSession(late <-chan session.Result) {
	if late == nil {
		return
	}
	go func() {
		var r session.Result
		select {
		case r = <-late:
		case <-a.ctx.Done():
			return
		}
		a.do(func() { a.onLateSession(r) })
	}()
}

// onLateSession acts on a keyring answer that came after the timeout.
func (a *App) onLateSession(r session.Result) {
	a.clearKeyringBanner()
	switch {
	case r.Err == nil && r.Session != nil:
		if si, ok := a.current.(*signInScreen); ok && a.api == nil && !si.busy() {
			a.restore(*r.Session, si)
		}
	case errors.Is(r.Err, session.ErrNotFound):
	default:
		a.keyringUnavailable()
	}
}

// restore signs in with a saved session: it checks the token with the
// portal and reads the account and its security status. from is the
// sign-in screen to report failure on, or nil at start-up.
func (a *App) restore(s session.Session, from *signInScreen) {
	const busy = "Signing in with your saved sign-in…"
	if from != nil {
		from.setBusy(true, busy)
	} else if start, ok := a.current.(*startScreen); ok {
		start.say(busy)
	}
	a.background(func(ctx context.Context) func() {
		api, err := a.cfg.Connect(s.Portal)
		var account *client.Account
		var status *client.SecurityStatus
		if err == nil {
			api.SetToken(s.Token)
			if account, err = api.GetAccount(ctx); err == nil {
				status, err = api.GetSecurity(ctx)
			}
		}
		if errors.Is(err, client.ErrUnauthorized) {
			// The portal ended the session: forget it.
			_ = a.cfg.Store.Delete(ctx, s.Portal, s.Username)
		}
		return func() {
			if err != nil {
				a.log.Info("saved sign-in not usable", "portal", s.Portal, "code", client.CodeOf(err))
				if errors.Is(err, client.ErrUnauthorized) {
					err = nil // an ended session is not worth a message
				}
				a.showSignIn(s.Portal, err)
				return
			}
			a.signedIn(api, s.Username, account, &status.TwoFactor)
		}
	})
}

// signedIn records a successful sign-in and opens the Security page.
func (a *App) signedIn(api PortalAPI, username string, account *client.Account, tf *client.TwoFactor) {
	a.api, a.lastAPI, a.portal, a.username = api, api, api.Address(), username
	a.account, a.twoFactor = account, tf
	a.prefs.rememberPortal(a.portal)
	a.prefs.setUsername(a.portal, username)
	a.header.refresh()
	a.show(newSecurityScreen(a))
}

// saveSession keeps the new session in the keyring so that the next start
// is signed in; if the keyring can't, the app says so and goes on.
func (a *App) saveSession(s *client.Session, portal, username string) {
	if !a.remember {
		return
	}
	entry := session.Session{Token: s.Token, ExpiresAt: s.ExpiresAt, Username: username, Portal: portal}
	a.background(func(ctx context.Context) func() {
		err := a.cfg.Store.Save(ctx, entry)
		if err == nil {
			return nil
		}
		return func() {
			if errors.Is(err, session.ErrKeyringTimeout) {
				a.setKeyringBanner(bannerInfo, "The system keyring hasn't answered yet, so this sign-in may not be remembered.")
				return
			}
			a.log.Warn("keyring save failed", "err", err)
			a.keyringUnavailable()
		}
	})
}

// keyringUnavailable tells the person the sign-in can't be remembered.
func (a *App) keyringUnavailable() {
	a.remember = false
	a.setKeyringBanner(bannerWarning, keyringUnavailableMessage)
}

func (a *App) setKeyringBanner(kind bannerKind, text string) {
	a.clearKeyringBanner()
	a.keyring = newBanner(kind, text)
	a.banners.Add(a.keyring)
}

func (a *App) clearKeyringBanner() {
	if a.keyring != nil {
		a.banners.Remove(a.keyring)
		a.keyring = nil
	}
}

// confirmSignOut signs out, first asking when recovery codes on screen
// have not been saved.
func (a *App) confirmSignOut() {
	if a.closeQuestion == "" {
		a.signOut()
		return
	}
	dialog.ShowConfirm("Sign out?", "Your recovery codes are shown only once. Sign out without saving them?", func(ok bool) {
		if ok {
			a.unguardClose()
			a.signOut()
		}
	}, a.win)
}

// guardClose asks question before the window closes, until unguardClose.
func (a *App) guardClose(question string) {
	a.closeQuestion = question
	a.win.SetCloseIntercept(func() {
		dialog.ShowConfirm("Close "+appName+"?", question, func(ok bool) {
			if ok {
				a.win.Close()
			}
		}, a.win)
	})
}

// unguardClose lets the window close without asking.
func (a *App) unguardClose() {
	if a.closeQuestion != "" {
		a.closeQuestion = ""
		a.win.SetCloseIntercept(nil)
	}
}

// signOut ends the session on the portal and deletes it from the keyring.
func (a *App) signOut() {
	api, portal, username := a.api, a.portal, a.username
	if api == nil {
		return
	}
	a.header.setSigningOut(true)
	a.background(func(ctx context.Context) func() {
		logoutErr := api.Logout(ctx)
		storeErr := a.cfg.Store.Delete(ctx, portal, username)
		return func() {
			a.header.setSigningOut(false)
			a.forgetSignIn()
			var note error
			if logoutErr != nil && !errors.Is(logoutErr, client.ErrUnauthorized) {
				a.log.Warn("logout failed", "code", client.CodeOf(logoutErr))
				note = errSignOutNotConfirmed
			}
			if storeErr != nil && !errors.Is(storeErr, session.ErrNotFound) && a.remember {
				a.log.Warn("keyring delete failed", "err", storeErr)
			}
			a.showSignIn(portal, note)
		}
	})
}

// errSignOutNotConfirmed: the portal could not be told about the sign-out.
var errSignOutNotConfirmed = errors.New("signed out here; the portal could not be reached to end the sign-in there")

// forgetSignIn clears the signed-in state.
func (a *App) forgetSignIn() {
	if a.api != nil {
		a.api.SetToken("")
	}
	a.api, a.account, a.twoFactor = nil, nil, nil
	a.header.refresh()
}

// sessionEnded handles ErrUnauthorized from any call: the portal no longer
// accepts the token (it expired, or another device replaced the
// authenticator). It reports whether err was that.
func (a *App) sessionEnded(err error) bool {
	if !errors.Is(err, client.ErrUnauthorized) || a.api == nil {
		return false
	}
	portal, username := a.portal, a.username
	a.background(func(ctx context.Context) func() {
		_ = a.cfg.Store.Delete(ctx, portal, username)
		return nil
	})
	a.forgetSignIn()
	a.showSignIn(portal, err)
	return true
}

// showSignIn opens the sign-in screen for portal with an optional message.
func (a *App) showSignIn(portal string, err error) {
	s := newSignInScreen(a, portal)
	a.show(s)
	if err != nil {
		s.message.SetText(signInMessage(err))
	}
}

// signInMessage is userMessage, with the sign-out note spelled out.
func signInMessage(err error) string {
	if errors.Is(err, errSignOutNotConfirmed) {
		return "You are signed out on this computer, but the portal couldn't be reached to end the sign-in there. It ends by itself when it expires."
	}
	return userMessage(err)
}

// show replaces the current screen.
func (a *App) show(s screen) {
	if a.current != nil {
		a.current.hidden()
	}
	a.current = s
	a.body.Objects = []fyne.CanvasObject{s.content()}
	a.body.Refresh()
	a.setStep(s.articleStep())
	s.shown()
}

// setStep records the article step the person is on, for guide mode.
func (a *App) setStep(n int) {
	a.step = n
	a.guide.setStep(n)
	a.updateTitle()
}

// setGuide turns guide mode on or off.
func (a *App) setGuide(on bool) {
	a.prefs.setGuide(on)
	a.guide.setVisible(on)
	a.header.setGuide(on)
	a.updateTitle()
}

// updateTitle shows the article step in the title in guide mode, so that
// a help-desk agent can ask "what does the title bar say?".
func (a *App) updateTitle() {
	title := appName
	if a.guide.visible && a.step > 0 {
		title = fmt.Sprintf("%s — Step %d of %d", appName, a.step, len(articleSteps))
	}
	a.win.SetTitle(title)
}

// appName is the product's name, the window's title.
const appName = "Partner Security"

// focus gives the keyboard focus to f in the window.
func (a *App) focus(f fyne.Focusable) {
	if f != nil {
		a.win.Canvas().Focus(f)
	}
}

// Close stops what the app runs in the background; the window's closing
// calls it too.
func (a *App) Close() { a.cancel() }
