package ui

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
)

// flow moves the person from screen to screen (flow.go says in which
// order) and owns the sign-in's life: the saved sign-in at start, the one
// way every sign-in finishes, the keyring, signing out, and a session the
// portal ended. It is used on the UI goroutine, but for connect.
type flow struct {
	env     *env
	shell   *shell
	account *accountModel
	prefs   settings
	store   SessionStore

	connectTo     Connector
	demo          *Demo
	defaultPortal string

	// remember is false once the keyring has shown it cannot keep the
	// session.
	remember bool
	// saved is the keyring's answer about a saved sign-in, asked first
	// thing (askKeyring).
	saved <-chan savedSignIn
	// share is sharing with the help desk, which signing out ends.
	share *sharing
	// helpDeskQuery is the help desk's last search, kept for coming back
	// to it from a client's page.
	helpDeskQuery string
	// last is the portal client made last, signed in or not, for the
	// support details; set from background calls.
	last atomic.Pointer[client.Client]
}

// connect makes a client for address and keeps it as the last one.
func (f *flow) connect(address string) (*client.Client, error) {
	c, err := f.connectTo(address)
	if err == nil {
		f.last.Store(c)
	}
	return c, err
}

// lastClient is the client made last, or nil (a nil interface, not a nil
// pointer in one).
func (f *flow) lastClient() supportAPI {
	if c := f.last.Load(); c != nil {
		return c
	}
	return nil
}

// savedSignIn is the keyring's answer about a saved sign-in for portal.
type savedSignIn struct {
	portal  string
	session *session.Session
	err     error
}

// askKeyring asks the keyring for a saved sign-in for portal, in the
// background. The answer takes a few D-Bus round trips to the keyring
// daemon: asked when the first screen shows, it came about 35 ms after the
// window's first frame on make bench's machine, so a start screen flashed
// before the sign-in form. New asks first thing, so that start usually
// finds it there.
func (f *flow) askKeyring(portal string) {
	answer := make(chan savedSignIn, 1)
	go func() {
		s, err := f.store.Last(f.env.ctx, portal)
		answer <- savedSignIn{portal, s, err}
	}()
	f.saved = answer
}

// initialPortal is the portal address the app starts with: the demo
// portal's, else the last one used, else the vendor's.
func (f *flow) initialPortal() string {
	if f.demo != nil {
		return f.demo.Address
	}
	if recent := f.prefs.recentPortals(); len(recent) > 0 {
		return recent[0]
	}
	return f.defaultPortal
}

// start shows the first screen: the Security page if the keyring holds a
// sign-in that still works, else the sign-in screen; while the keyring has
// not answered, the start screen.
func (f *flow) start() {
	f.toStart()
	select {
	case r := <-f.saved:
		// The answer came while the window was being built: the first
		// frame can show where it leads.
		f.onSavedSession(r)
	default:
		f.env.background(func(context.Context) func() {
			r := <-f.saved
			return func() { f.onSavedSession(r) }
		}, nil)
	}
}

// onSavedSession acts on the keyring's answer at start-up.
func (f *flow) onSavedSession(r savedSignIn) {
	var timeout *session.TimeoutError
	switch {
	case r.err == nil && r.session != nil:
		f.restore(*r.session, nil)
		return
	case errors.Is(r.err, session.ErrNotFound):
	case errors.As(r.err, &timeout):
		f.shell.setKeyringBanner(bannerInfo, "Waiting for the system keyring… If it asks for a password, unlock it to be signed in; or sign in below.")
		f.awaitLateSession(timeout.Late)
	default:
		f.env.log.Warn("keyring unavailable", "err", r.err)
		f.keyringUnavailable()
	}
	f.toSignIn(r.portal, nil)
}

// awaitLateSession waits for the answer of a keyring call that timed out,
// most likely because its unlock prompt is open: a saved session that
// arrives while the person is still on the sign-in screen signs them in.
// The wait may last as long as the prompt stays open, so it is not counted
// among the background calls.
func (f *flow) awaitLateSession(late <-chan session.Result) {
	if late == nil {
		return
	}
	go func() {
		var r session.Result
		select {
		case r = <-late:
		case <-f.env.ctx.Done():
			return
		}
		f.env.do(func() { f.onLateSession(r) })
	}()
}

// onLateSession acts on a keyring answer that came after the timeout.
func (f *flow) onLateSession(r session.Result) {
	f.shell.clearKeyringBanner()
	switch {
	case r.Err == nil && r.Session != nil:
		if si, ok := f.shell.current.(*signInScreen); ok && !f.account.get().signedIn() && !si.busy() {
			f.restore(*r.Session, si)
		}
	case errors.Is(r.Err, session.ErrNotFound):
	default:
		f.keyringUnavailable()
	}
}

// restore signs in with a saved session: it checks the token with the
// portal and reads the account and its security status. from is the
// sign-in screen to show the activity on, or nil at start-up.
func (f *flow) restore(s session.Session, from *signInScreen) {
	const busy = "Signing in with your saved sign-in…"
	if from != nil {
		from.setBusy(true, busy)
	} else if start, ok := f.shell.current.(*startScreen); ok {
		start.say(busy)
	}
	fetch(f.env, func(ctx context.Context) (signedIn, error) {
		c, err := f.connect(s.Portal)
		if err != nil {
			return signedIn{}, err
		}
		c.SetToken(s.Token)
		account, err := c.GetAccount(ctx)
		var status *client.SecurityStatus
		if err == nil {
			status, err = c.GetSecurity(ctx)
		}
		if errors.Is(err, client.ErrUnauthorized) {
			// The portal ended the session: forget it.
			_ = f.store.Delete(ctx, s.Portal, s.Username)
		}
		if err != nil {
			return signedIn{}, err
		}
		return signedIn{client: c, username: s.Username, account: *account, twoFactor: &status.TwoFactor}, nil
	}, func(si signedIn, err error) {
		if err == nil {
			f.finishSignIn(si)
			return
		}
		f.env.log.Info("saved sign-in not usable", "portal", s.Portal, "code", client.CodeOf(err))
		if errors.Is(err, client.ErrUnauthorized) {
			err = nil // an ended session is not worth a message
		}
		f.toSignIn(s.Portal, err)
	})
}

// signedIn is a sign-in that worked, however it was made: with the
// password, with the password and a code, or with a saved session.
type signedIn struct {
	client   *client.Client
	username string
	account  client.Account
	// session is the new session to keep in the keyring; nil when the
	// sign-in came from there.
	session *client.Session
	// twoFactor is the account's status, or nil when it could not be
	// read: the Security page then reads it again and says why not.
	twoFactor *client.TwoFactor
}

// readTwoFactor reads the two-factor status for a sign-in that just
// worked, or returns nil when it can't (see signedIn.twoFactor).
func readTwoFactor(ctx context.Context, api securityAPI) *client.TwoFactor {
	status, err := api.GetSecurity(ctx)
	if err != nil {
		return nil
	}
	return &status.TwoFactor
}

// finishSignIn records a sign-in, keeps it in the keyring when it is new,
// and opens the Security page (article step 2: the app opens it itself).
func (f *flow) finishSignIn(s signedIn) {
	portal := s.client.Address()
	if s.session != nil {
		f.saveSession(s.session, portal, s.username)
	}
	account := s.account
	f.account.set(accountState{client: s.client, username: s.username, info: &account, twoFactor: s.twoFactor})
	f.prefs.rememberPortal(portal)
	f.prefs.setUsername(portal, s.username)
	if s.session != nil && s.session.Next == client.NextReplaceAuthenticator {
		f.toNewPhone()
		return
	}
	f.toHome()
}

// saveSession keeps the new session in the keyring so that the next start
// is signed in; if the keyring can't, the app says so and goes on.
func (f *flow) saveSession(s *client.Session, portal, username string) {
	if !f.remember {
		return
	}
	entry := session.Session{Token: s.Token, ExpiresAt: s.ExpiresAt, Username: username, Portal: portal}
	f.env.background(func(ctx context.Context) func() {
		err := f.store.Save(ctx, entry)
		if err == nil {
			return nil
		}
		return func() {
			if errors.Is(err, session.ErrKeyringTimeout) {
				f.shell.setKeyringBanner(bannerInfo, "The system keyring hasn't answered yet, so this sign-in may not be remembered.")
				return
			}
			f.env.log.Warn("keyring save failed", "err", err)
			f.keyringUnavailable()
		}
	}, nil)
}

// keyringUnavailable tells the person the sign-in can't be remembered.
func (f *flow) keyringUnavailable() {
	f.remember = false
	f.shell.setKeyringBanner(bannerWarning, keyringUnavailableMessage)
}

// keyringState is whether the sign-in can be remembered, and the keyring
// banner's words, for the support details.
func (f *flow) keyringState() (remember bool, note string) {
	return f.remember, f.shell.keyringNote()
}

// signOut ends the session on the portal and deletes it from the keyring,
// first asking when recovery codes on screen have not been saved.
func (f *flow) signOut() { f.shell.confirmLeave(f.endSession) }

// endSession is signOut once confirmed.
func (f *flow) endSession() {
	acct := f.account.get()
	if !acct.signedIn() {
		return
	}
	api, portal := acct.client, acct.portal()
	shared, sharedID := f.share.detach()
	f.shell.header.setSigningOut(true)
	done := func(logoutErr, storeErr error) {
		f.shell.header.setSigningOut(false)
		f.forgetSignIn()
		var note error
		if logoutErr != nil && !errors.Is(logoutErr, client.ErrUnauthorized) {
			f.env.log.Warn("logout failed", "code", client.CodeOf(logoutErr))
			note = errSignOutNotConfirmed
		}
		if storeErr != nil && !errors.Is(storeErr, session.ErrNotFound) && f.remember {
			f.env.log.Warn("keyring delete failed", "err", storeErr)
		}
		f.toSignIn(portal, note)
	}
	f.env.background(func(ctx context.Context) func() {
		if shared != nil {
			if err := shared.EndSupportSession(ctx, sharedID); err != nil {
				f.env.log.Warn("ending the support session failed", "code", client.CodeOf(err))
			}
		}
		logoutErr := api.Logout(ctx)
		storeErr := f.store.Delete(ctx, portal, acct.username)
		return func() { done(logoutErr, storeErr) }
	}, func(err error) { done(err, nil) })
}

// errSignOutNotConfirmed: the portal could not be told about the sign-out.
var errSignOutNotConfirmed = errors.New("signed out here; the portal could not be reached to end the sign-in there")

// forgetSignIn clears the signed-in state.
func (f *flow) forgetSignIn() {
	if c := f.account.get().client; c != nil {
		c.SetToken("")
	}
	f.account.set(accountState{})
}

// sessionEnded handles ErrUnauthorized from any signed-in call: the portal
// no longer accepts the token (it expired, or another device replaced the
// authenticator). It reports whether err was that.
func (f *flow) sessionEnded(err error) bool {
	acct := f.account.get()
	if !errors.Is(err, client.ErrUnauthorized) || !acct.signedIn() {
		return false
	}
	portal := acct.portal()
	f.env.background(func(ctx context.Context) func() {
		_ = f.store.Delete(ctx, portal, acct.username)
		return nil
	}, nil)
	f.forgetSignIn()
	f.toSignIn(portal, err)
	return true
}

// signInMessage is userMessage, with the sign-out note spelled out.
func signInMessage(err error) string {
	if errors.Is(err, errSignOutNotConfirmed) {
		return "You are signed out on this computer, but the portal couldn't be reached to end the sign-in there. It ends by itself when it expires."
	}
	return userMessage(err)
}
