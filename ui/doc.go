// Package ui holds the app's screens: sign-in, the account's Security page,
// the two-factor wizard that follows the help article step by step, the
// recovery codes, the security events, and guide mode for help-desk staff.
//
// Where to look:
//   - flow.go says which screen follows which, in the article's order;
//     signin_flow.go owns the sign-in's life (saved sign-in, keyring, sign
//     out, a session the portal ended);
//   - shell.go is the window around the screens (header, banners, guide
//     panel), account.go the signed-in account that several of them show;
//   - each screen is a small type in a file of its own, handed what it
//     uses: the env (env.go: background calls, timers, focus, clipboard),
//     the small interface it needs of the portal client (ports.go), the
//     account model, and the functions that say where it leads;
//   - submit.go is the send path every form shares.
//
// Network and keyring calls never run on the UI goroutine: env.background
// runs them and applies their results through fyne.Do; a call that panics
// becomes a message, not a dead window. Tests hand the screens the real
// client against an in-process reference portal, or a fake where a fault
// must be staged.
package ui
