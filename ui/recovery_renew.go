package ui

import "fyne.io/fyne/v2"

// recoveryRenewScreen gets a new set of recovery codes; the old set stops
// working.
type recoveryRenewScreen struct {
	env     *env
	guard   closeGuard
	renewal *recoveryCodesRenewal
	box     fyne.CanvasObject
}

// newRecoveryCodesRenewScreen returns the screen; back leaves it, on
// Cancel or once the new codes are saved.
func newRecoveryCodesRenewScreen(e *env, api recoveryCodesAPI, guard closeGuard, account *accountModel, back func()) *recoveryRenewScreen {
	s := &recoveryRenewScreen{env: e, guard: guard}
	s.renewal = newRecoveryCodesRenewal(e, api, guard, account,
		"A new set replaces all your current recovery codes: the old ones stop working. "+
			"Enter the 6-digit code from your authenticator app to continue.", back, back)
	s.box = column(heading("New recovery codes"), s.renewal.box)
	return s
}

func (s *recoveryRenewScreen) content() fyne.CanvasObject { return s.box }

func (s *recoveryRenewScreen) articleStep() int { return 3 }

func (s *recoveryRenewScreen) name() string { return "New recovery codes" }

func (s *recoveryRenewScreen) shown() { s.env.focus(s.renewal.code) }

func (s *recoveryRenewScreen) hidden() {
	s.renewal.stop()
	s.guard.unguardClose()
}
