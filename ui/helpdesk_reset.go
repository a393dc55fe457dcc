package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// resetScreen resets a client's two-factor authentication, after a clear
// warning and with the reason.
type resetScreen struct {
	env     *env
	api     resetAPI
	account *client.ClientAccountDetail
	done    func(notice string)

	change *staffChange
	box    fyne.CanvasObject
}

// newResetScreen returns the screen for account a; done goes back to its
// page with a notice, cancel without one.
func newResetScreen(e *env, api resetAPI, a *client.ClientAccountDetail, done func(notice string), cancel func()) *resetScreen {
	s := &resetScreen{env: e, api: api, account: a, done: done}
	s.change = newStaffChange(e, "Reset two-factor authentication", "two-factor reset", widget.DangerImportance, s.onReset, cancel)
	name := clientTitle(a.ClientAccount)
	s.box = column(
		heading("Reset two-factor authentication for "+name+"?"),
		newBanner(bannerWarning, "This turns two-factor authentication off on this account, deletes its recovery codes and any "+
			"temporary access code, and signs it out everywhere. Until the client sets it up again, their password alone signs in."),
		paragraph("For a client who lost their phone and recovery codes, a temporary access code is usually better: it keeps their "+
			"account protected while they set up the new phone."),
		s.change.box,
	)
	return s
}

func (s *resetScreen) content() fyne.CanvasObject { return s.box }

func (s *resetScreen) articleStep() int { return 0 }

func (s *resetScreen) name() string { return "Help desk: reset two-factor authentication" }

func (s *resetScreen) shown() { s.change.shown() }

func (s *resetScreen) hidden() { s.change.hidden() }

func (s *resetScreen) onReset() {
	reason, reauth, ok := s.change.begin()
	if !ok {
		return
	}
	id := s.account.ID
	submit(s.change.form, func(ctx context.Context) (*client.SecurityStatus, error) {
		return s.api.ResetClientTwoFactor(ctx, id, reason, reauth)
	}, func(*client.SecurityStatus) {
		s.done("Two-factor authentication is reset: the client is signed out everywhere. Ask them to sign in and set it up again.")
	})
}
