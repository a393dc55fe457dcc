package ui

import (
	"log/slog"

	"fyne.io/fyne/v2"

	"github.com/partnersecurity/partnersecurity/client"
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
	Store SessionStore
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
	// SupportUsername and SupportPassword are the demo help-desk
	// account's (empty when the demo has none); its authenticator's key
	// is printed on standard error once the demo portal has made it.
	SupportUsername, SupportPassword string
}

// App is the running application in its window: the shell (header,
// banners, guide panel, the screen), the signed-in account, and the flow
// from screen to screen. Build it with New, then call Start.
type App struct {
	env     *env
	shell   *shell
	account *accountModel
	flow    *flow
	details *supportDetails
	share   *sharing
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
	a := &App{env: newEnv(cfg.Window, cfg.App.Clipboard(), cfg.Logger), account: &accountModel{}}
	prefs := settings{cfg.App.Preferences()}
	a.flow = &flow{
		env: a.env, account: a.account, prefs: prefs, store: cfg.Store,
		connectTo: cfg.Connect, demo: cfg.Demo, defaultPortal: cfg.DefaultPortal,
		remember: true,
	}
	a.flow.askKeyring(a.flow.initialPortal())

	a.details = &supportDetails{
		env: a.env, release: release{cfg.Version, cfg.Build}, account: a.account,
		lastClient: a.flow.lastClient,
		step:       func() int { return a.shell.step },
		keyring:    a.flow.keyringState,
	}
	a.share = &sharing{env: a.env, release: a.details.release, view: newShareBanner(a.env)}
	startSharing := func() {
		if c := a.account.get().client; c != nil {
			a.share.start(c)
		}
	}
	a.share.view.stop, a.share.view.again = a.share.stopSharing, startSharing
	a.flow.share = a.share
	h := newHeader(cfg.Demo != nil, headerActions{
		guide:   func() { a.shell.toggleGuide() },
		share:   startSharing,
		about:   func() { showAbout(a.env.win, a.details.release, a.details.collect, a.env.clipboard) },
		signOut: a.flow.signOut,
	})
	g := newGuidePanel(a.details.collect, a.env.clipboard, startSharing)
	a.shell = newShell(a.env, prefs, h, g)
	a.shell.banners.Add(a.share.view.content())
	a.flow.shell = a.shell
	a.share.snapshot = a.progress
	a.share.available = func(on bool) {
		h.setCanShare(on)
		g.setCanShare(on)
	}
	a.account.watch(h.show)
	a.account.watch(a.share.onAccount)
	a.env.setStep = a.shell.setStep
	a.env.said = a.shell.said
	a.shell.changed = a.share.changed
	a.env.sessionEnded = a.flow.sessionEnded

	a.shell.setGuide(cfg.Guide || prefs.guide())
	a.env.win.SetOnClosed(a.Close)
	return a
}

// progress is what sharing with the help desk sends: where the person is
// and what the screen says.
func (a *App) progress() client.Progress {
	var api supportAPI
	if c := a.account.get().client; c != nil {
		api = c
	}
	return progressOf(a.details.release, a.shell.step, a.shell.screenName(), a.shell.message, api)
}

// Start shows the first screen: the Security page if the keyring holds a
// sign-in that still works, else the sign-in screen.
func (a *App) Start() { a.flow.start() }

// Close ends sharing with the help desk (waiting a moment for the portal
// to hear it) and stops what the app runs in the background; the window's
// closing calls it too.
func (a *App) Close() {
	a.share.endNow()
	a.env.cancel()
}
