package ui

import (
	"github.com/partnersecurity/partnersecurity/client"
)

// This file says which screen follows which, in the order of the help
// article "Setting 2FA for your partner portal" (its steps are in
// guide.go's articleSteps). Each screen is handed what it needs and tells
// the flow, through the functions it is given, what the person did; only
// the flow decides what shows next.
//
//	start ─ saved sign-in works ──────────────────────────────┐
//	  └─ none ─→ 1 sign in ─→ (2FA on) 1 code ─→ signed in ──→ 2–3 Security
//	2–3 Security ─ Configure ─→ 4 switch to Yes ─→ 5 Generate
//	      ─ (authenticator already set up) 6 confirm replacing it
//	      ─→ 7 scan the QR code ─→ 8 enter the code ─→ 9 Updated, recovery codes ─→ Security
//	Configure with 2FA on: switch to No ─→ turn off; New recovery codes;
//	Security: View security events.
//	Signed in with a temporary access code ─→ Configure, to set up the new phone.
//
// A help-desk staff account's home is the help desk instead of Security:
//
//	help desk (search) ─→ a client's page ─→ temporary access code / reset ─→ the page
//	help desk (join with the client's code) ─→ the client's progress, live ─→ a client's page
//
// Beside every screen of a signed-in partner: "Share my progress with the
// help desk" (share.go), which the header and guide mode offer.

// toStart shows the start screen while the keyring is asked for a saved
// sign-in; signin_flow.go acts on its answer.
func (f *flow) toStart() *startScreen {
	s := newStartScreen(f.env)
	f.shell.show(s)
	return s
}

// Step 1: sign in to the portal at address, with a message for err.
func (f *flow) toSignIn(address string, err error) {
	s := newSignInScreen(f.env, signInSetup{
		prefs: f.prefs, demo: f.demo, defaultPortal: f.defaultPortal, address: address,
		connect: f.connect,
	}, signInNext{
		signedIn:  f.finishSignIn,
		needsCode: f.toCodeSignIn,
	})
	f.shell.show(s)
	if err != nil {
		s.message.SetText(signInMessage(err))
	}
}

// Step 1, second half: the code, on an account that requires it.
func (f *flow) toCodeSignIn(c *client.Client, username string, challenge *client.MFAChallenge) {
	f.shell.show(newCodeSignInScreen(f.env, c, username, challenge, codeSignInNext{
		signedIn: f.finishSignIn,
		back:     func(err error) { f.toSignIn(c.Address(), err) },
	}))
}

// Steps 2 and 3: the account's Security page, the app's home once signed
// in; notice, if not empty, is a success banner at its top ("Updated").
func (f *flow) toSecurity(notice string) {
	acct := f.account.get()
	s := newSecurityScreen(f.env, acct.client, f.account, securityNext{
		configure: f.toConfigure,
		events:    f.toEvents,
	})
	if notice != "" {
		s.withNotice(notice)
	}
	f.shell.show(s)
}

// Steps 4 to 6: the switch, Generate, and the confirmation when an
// authenticator is already set up. With 2FA on, Configure also leads to
// turning it off and to new recovery codes.
func (f *flow) toConfigure() { f.showConfigure("") }

// showConfigure is toConfigure with notice, if not empty, as a banner at
// the top.
func (f *flow) showConfigure(notice string) {
	acct := f.account.get()
	s := newConfigureScreen(f.env, acct.client, acct.twoFactor, configureNext{
		scan:          f.toScan,
		turnOff:       f.toTurnOff,
		recoveryCodes: f.toNewRecoveryCodes,
		back:          f.toHome,
	})
	if notice != "" {
		s.withNotice(notice)
	}
	f.shell.show(s)
}

// Steps 7 and 8: scan the QR code of the shared secret, enter the code.
func (f *flow) toScan(e *client.Enrollment, replacing bool) {
	acct := f.account.get()
	f.shell.show(newScanScreen(f.env, acct.client, f.account, e, replacing, scanNext{
		updated:    f.toUpdated,
		regenerate: f.toConfigure,
		cancel:     f.toHome,
	}))
}

// Step 9: "Updated", then the recovery codes (nil when the answer with
// them was lost: the screen then gets a new set), then back to Security.
func (f *flow) toUpdated(codes []string) {
	acct := f.account.get()
	f.shell.show(newUpdatedScreen(f.env, acct.client, f.shell, f.account, codes, f.toHome))
}

// Beyond the article: turning two-factor authentication off.
func (f *flow) toTurnOff() {
	acct := f.account.get()
	f.shell.show(newDisableScreen(f.env, acct.client, f.account, disableNext{
		done:   func() { f.toSecurity(turnedOffNotice) },
		cancel: f.toHome,
	}))
}

// Beyond the article: a new set of recovery codes.
func (f *flow) toNewRecoveryCodes() {
	acct := f.account.get()
	f.shell.show(newRecoveryCodesRenewScreen(f.env, acct.client, f.shell, f.account, f.toHome))
}

// Beyond the article: the account's security events.
func (f *flow) toEvents() {
	acct := f.account.get()
	f.shell.show(newEventsScreen(f.env, acct.client, f.toHome))
}

// toHome goes back to the Security page, or for a help-desk account to the
// help desk.
func (f *flow) toHome() {
	if acct := f.account.get(); acct.info != nil && acct.info.Support() {
		f.toHelpDesk()
		return
	}
	f.toSecurity("")
}

// toNewPhone opens Configure after a sign-in with a temporary access code,
// to set up the new phone (steps 5 to 9, as usual from there).
func (f *flow) toNewPhone() { f.showConfigure(newPhoneNotice) }

// newPhoneNotice is Configure's banner after a sign-in with a temporary
// access code.
const newPhoneNotice = "You signed in with a temporary access code from the help desk. Set up your new phone now: " +
	"generate a new shared secret below and scan it with the authenticator app on the new phone."

// The help desk: find a client, their page, and the two changes.
func (f *flow) toHelpDesk() {
	acct := f.account.get()
	f.shell.show(newHelpDeskScreen(f.env, acct.client, f.helpDeskQuery, helpDeskNext{
		open:     func(id string) { f.toClient(id, "") },
		watch:    f.toWatch,
		remember: func(q string) { f.helpDeskQuery = q },
	}))
}

// toWatch follows a client who shares their progress, live.
func (f *flow) toWatch(j *client.JoinedSupportSession) {
	acct := f.account.get()
	f.shell.show(newWatchScreen(f.env, acct.client, j, watchNext{
		client: func(id string) { f.toClient(id, "") },
		back:   f.toHelpDesk,
	}))
}

// toClient opens a client's page for the help desk.
func (f *flow) toClient(id, notice string) {
	acct := f.account.get()
	f.shell.show(newClientScreen(f.env, acct.client, id, notice, clientNext{
		issue: f.toTemporaryAccess,
		reset: f.toReset,
		back:  f.toHelpDesk,
	}))
}

// toTemporaryAccess issues a temporary access code for a.
func (f *flow) toTemporaryAccess(a *client.ClientAccountDetail) {
	acct := f.account.get()
	f.shell.show(newTemporaryAccessScreen(f.env, acct.client, a, func() { f.toClient(a.ID, "") }))
}

// toReset resets a's two-factor authentication.
func (f *flow) toReset(a *client.ClientAccountDetail) {
	acct := f.account.get()
	f.shell.show(newResetScreen(f.env, acct.client, a,
		func(notice string) { f.toClient(a.ID, notice) },
		func() { f.toClient(a.ID, "") }))
}

// turnedOffNotice is Security's banner after two-factor authentication
// was turned off.
const turnedOffNotice = "Updated: two-factor authentication is off. Signing in now asks only for your password."
