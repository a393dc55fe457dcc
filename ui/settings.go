package ui

import (
	"slices"

	"fyne.io/fyne/v2"
)

// Preference keys. Nothing secret is ever stored in preferences: only portal
// addresses and usernames.
const (
	prefRecentPortals  = "portal.recent"
	prefUsernamePrefix = "portal.username." // + portal address
	prefGuide          = "guide.enabled"
)

// maxRecentPortals is how many portal addresses the sign-in screen offers.
const maxRecentPortals = 5

// settings is the typed view of the app's preferences.
type settings struct{ p fyne.Preferences }

// recentPortals returns the portal addresses signed in to, newest first.
func (s settings) recentPortals() []string {
	return s.p.StringList(prefRecentPortals)
}

// rememberPortal puts address first in the recent list.
func (s settings) rememberPortal(address string) {
	list := slices.DeleteFunc(s.recentPortals(), func(a string) bool { return a == address })
	list = append([]string{address}, list...)
	if len(list) > maxRecentPortals {
		list = list[:maxRecentPortals]
	}
	s.p.SetStringList(prefRecentPortals, list)
}

// username returns the username last used on the portal at address.
func (s settings) username(address string) string {
	return s.p.String(prefUsernamePrefix + address)
}

// setUsername remembers the username used on the portal at address.
func (s settings) setUsername(address, username string) {
	s.p.SetString(prefUsernamePrefix+address, username)
}

// guide reports whether guide mode was on when the app last closed.
func (s settings) guide() bool { return s.p.Bool(prefGuide) }

// setGuide remembers whether guide mode is on. It writes only a change, so
// that starting the app writes nothing.
func (s settings) setGuide(on bool) {
	if s.guide() != on {
		s.p.SetBool(prefGuide, on)
	}
}
