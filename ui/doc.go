// Package ui holds the app's screens: sign-in, the account's Security page,
// the two-factor wizard that follows the help article step by step, the
// recovery codes, the security events, and guide mode for help-desk staff.
//
// Each screen is a small type that holds its widgets and its on… handlers.
// Network calls never run on the UI goroutine: App.background runs them and
// applies their results through fyne.Do. The package declares what it needs
// of the portal client (PortalAPI) and takes the session store as a
// session.Store, so tests hand it the real client against an in-process
// portal, or a fake where a fault must be staged.
package ui
