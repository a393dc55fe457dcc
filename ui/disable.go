package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// disableScreen turns two-factor authentication off, with a current code
// or a recovery code, after a clear warning.
type disableScreen struct {
	env     *env
	api     disableAPI
	account *accountModel
	next    disableNext

	input   *factorInput
	reauth  *reauthInput
	turnOff *widget.Button
	cancel  *widget.Button
	message *messageLabel
	sender  *sender
	form    *form
	box     fyne.CanvasObject
}

// disableNext is where turning 2FA off leads: done once it is off, cancel
// back to Security.
type disableNext struct {
	done, cancel func()
}

func newDisableScreen(e *env, api disableAPI, account *accountModel, next disableNext) *disableScreen {
	s := &disableScreen{env: e, api: api, account: account, next: next, message: e.errorLine()}
	// Six digits don't send it by themselves: turning 2FA off deserves a
	// pause, and the button says what it does.
	s.input = newFactorInput(e, factorPrompts{
		code:     "To confirm, enter the 6-digit code from your authenticator app and press the button below.",
		recovery: "To confirm, enter one of your recovery codes and press the button below.",
	}, true, s.onSubmit)
	s.input.onSwitch = func() { s.message.SetText("") }
	s.reauth = newReauthInput(e, false, s.onSubmit)
	s.turnOff = &widget.Button{Text: "Turn off two-factor authentication", Importance: widget.DangerImportance, OnTapped: s.onSubmit}
	s.cancel = &widget.Button{Text: "Cancel", OnTapped: next.cancel}
	s.sender = newSender(e, "You can try again in %s.", s.turnOff, append(s.input.controls(), s.reauth.password, s.cancel)...)
	s.form = &form{env: e, sender: s.sender, message: s.message, what: "turning off two-factor",
		handle:  func(err error) bool { return s.reauth.handle(err, s.message) },
		refused: func(error) { s.input.clear() },
		retry:   func(error) fyne.Focusable { return s.input.field() },
	}
	s.box = column(
		heading("Turn off two-factor authentication?"),
		newBanner(bannerWarning, "Turning it off removes your authenticator app and your recovery codes from this account, "+
			"and signs out your other devices. Anyone who learns your password can then sign in."),
		s.input.box(),
		s.reauth.form,
		container.NewHBox(s.turnOff, s.cancel, s.sender.activity),
		s.sender.countdown.label,
		s.message,
	)
	return s
}

func (s *disableScreen) content() fyne.CanvasObject { return s.box }

// articleStep: this is the article's switch, turned the other way.
func (s *disableScreen) articleStep() int { return 4 }

func (s *disableScreen) name() string { return "Turn two-factor authentication off" }

func (s *disableScreen) shown() { s.env.focus(s.input.field()) }

func (s *disableScreen) hidden() { s.sender.stop() }

func (s *disableScreen) onSubmit() {
	if !s.form.ready() {
		return
	}
	factor, missing := s.input.factor()
	if missing != "" {
		s.message.SetText(missing)
		s.env.focus(s.input.field())
		return
	}
	if missing := s.reauth.missing(); missing != "" {
		s.message.SetText(missing)
		return
	}
	password, _ := s.reauth.values()
	submit(s.form, func(ctx context.Context) (*client.SecurityStatus, error) {
		return s.api.DisableTwoFactor(ctx, factor, password)
	}, func(status *client.SecurityStatus) {
		s.account.setTwoFactor(&status.TwoFactor)
		s.next.done()
	})
}
