package ui

import "fyne.io/fyne/v2"

// recoveryRenewScreen gets a new set of recovery codes; the old set stops
// working.
type recoveryRenewScreen struct {
	app     *App
	renewal *recoveryCodesRenewal
	box     fyne.CanvasObject
}

func newRecoveryCodesRenewScreen(a *App) *recoveryRenewScreen {
	s := &recoveryRenewScreen{app: a}
	back := func() { a.show(newSecurityScreen(a)) }
	s.renewal = newRecoveryCodesRenewal(a,
		"A new set replaces all your current recovery codes: the old ones stop working. "+
			"Enter the 6-digit code from your authenticator app to continue.", back, back)
	s.box = column(heading("New recovery codes"), s.renewal.box)
	return s
}

func (s *recoveryRenewScreen) content() fyne.CanvasObject { return s.box }

func (s *recoveryRenewScreen) articleStep() int { return 3 }

func (s *recoveryRenewScreen) shown() { s.app.focus(s.renewal.code) }

func (s *recoveryRenewScreen) hidden() {
	s.renewal.stop()
	s.app.unguardClose()
}
