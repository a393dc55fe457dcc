package ui

import "github.com/partnersecurity/partnersecurity/client"

// accountState is what the app knows of the signed-in account. The zero
// value is signed out.
type accountState struct {
	// client is the signed-in portal client; nil while signed out.
	client *client.Client
	// username is the account's username, as typed at sign-in.
	username string
	// info is the account's name and company.
	info *client.Account
	// twoFactor is the account's two-factor status as last read, or nil
	// when it could not be read (the Security page reads it again).
	twoFactor *client.TwoFactor
}

// signedIn reports whether the state is of a signed-in account.
func (s accountState) signedIn() bool { return s.client != nil }

// portal is the signed-in portal's address, or "".
func (s accountState) portal() string {
	if s.client == nil {
		return ""
	}
	return s.client.Address()
}

// accountModel holds the signed-in account that several parts of the
// window show (the header, the Security page, Configure, the support
// details). It changes only through set, which tells the watchers; screens
// read it with get and record what the portal answered with setTwoFactor.
// It is used on the UI goroutine only.
type accountModel struct {
	state    accountState
	watchers []func(accountState)
}

// get returns the current state.
func (m *accountModel) get() accountState { return m.state }

// set replaces the state and tells every watcher.
func (m *accountModel) set(s accountState) {
	m.state = s
	for _, w := range m.watchers {
		w(s)
	}
}

// setTwoFactor records the two-factor status the portal just answered with.
func (m *accountModel) setTwoFactor(tf *client.TwoFactor) {
	s := m.state
	s.twoFactor = tf
	m.set(s)
}

// watch calls f with every new state.
func (m *accountModel) watch(f func(accountState)) { m.watchers = append(m.watchers, f) }
