package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// updatedScreen is article step 9: the "Updated" banner, then the recovery
// codes, which must be saved before the wizard closes.
type updatedScreen struct {
	env      *env
	guard    closeGuard
	box      fyne.CanvasObject
	view     *recoveryCodesView
	renewal  *recoveryCodesRenewal
	focusObj fyne.Focusable
}

// newUpdatedScreen returns the end of the wizard; done leaves it. codes is
// nil when the portal's answer with them was lost: then a new set is
// fetched with the next code.
func newUpdatedScreen(e *env, api recoveryCodesAPI, guard closeGuard, account *accountModel, codes []string, done func()) *updatedScreen {
	s := &updatedScreen{env: e, guard: guard}
	acct := account.get()
	var body fyne.CanvasObject
	if codes != nil {
		s.view = newRecoveryCodesView(e, guard, ownerOf(acct), codes, done)
		s.focusObj = s.view.saved
		body = s.view.box
	} else {
		s.renewal = newRecoveryCodesRenewal(e, api, guard, account,
			"Your authenticator app is set up, but the recovery codes didn't reach this computer. "+
				"Enter the next code from the app to get your recovery codes.", done, nil)
		s.focusObj = s.renewal.code
		body = s.renewal.box
	}
	name := "your account"
	if acct.info != nil {
		name = acct.info.Username
	}
	s.box = wideColumn(
		newBanner(bannerSuccess, "Updated"),
		heading("Two-factor authentication is on"),
		paragraph("From now on, signing in to "+name+" asks for a code from your authenticator app."),
		container.NewVBox(body),
	)
	return s
}

func (s *updatedScreen) content() fyne.CanvasObject { return s.box }

func (s *updatedScreen) articleStep() int { return 9 }

func (s *updatedScreen) name() string { return "Updated: save the recovery codes" }

func (s *updatedScreen) shown() { s.env.focus(s.focusObj) }

func (s *updatedScreen) hidden() {
	if s.renewal != nil {
		s.renewal.stop()
	}
	s.guard.unguardClose()
}
