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
	app *App

	input   *factorInput
	reauth  *reauthInput
	turnOff *widget.Button
	cancel  *widget.Button
	message *messageLabel
	sender  *sender
	box     fyne.CanvasObject
}

func newDisableScreen(a *App) *disableScreen {
	s := &disableScreen{app: a, message: errorLine()}
	// Six digits don't send it by themselves: turning 2FA off deserves a
	// pause, and the button says what it does.
	s.input = newFactorInput(a,
		"To confirm, enter the 6-digit code from your authenticator app and press the button below.",
		"To confirm, enter one of your recovery codes and press the button below.",
		true, s.onSubmit)
	s.input.onSwitch = func() { s.message.SetText("") }
	s.reauth = newReauthInput(a, s.onSubmit)
	s.turnOff = &widget.Button{Text: "Turn off two-factor authentication", Importance: widget.DangerImportance, OnTapped: s.onSubmit}
	s.cancel = &widget.Button{Text: "Cancel", OnTapped: func() { a.show(newSecurityScreen(a)) }}
	s.sender = newSender(a, "You can try again in %s.", s.turnOff, append(s.input.controls(), s.reauth.password, s.cancel)...)
	s.box = column(
		heading("Turn off two-factor authentication?"),
		newBanner(bannerWarning, "Turning it off removes your authenticator app and your recovery codes from this account, "+
			"and signs out your other devices. Anyone who learns your password can then sign in."),
		s.input.prompt,
		s.input.code,
		s.input.recovery,
		container.NewHBox(s.input.toggle),
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

func (s *disableScreen) shown() { s.app.focus(s.input.field()) }

func (s *disableScreen) hidden() { s.sender.stop() }

func (s *disableScreen) onSubmit() {
	if !s.sender.ready() {
		return
	}
	factor, missing := s.input.factor()
	if missing != "" {
		s.message.SetText(missing)
		s.app.focus(s.input.field())
		return
	}
	if missing := s.reauth.missing(); missing != "" {
		s.message.SetText(missing)
		return
	}
	s.message.SetText("")
	s.sender.setBusy(true)
	api, password := s.app.api, s.reauth.value()
	s.app.background(func(ctx context.Context) func() {
		status, err := api.DisableTwoFactor(ctx, factor, password)
		return func() {
			s.sender.setBusy(false)
			if err != nil {
				s.onError(err)
				return
			}
			s.app.twoFactor = &status.TwoFactor
			s.app.show(newSecurityScreen(s.app).withNotice(
				"Updated: two-factor authentication is off. Signing in now asks only for your password."))
		}
	})
}

func (s *disableScreen) onError(err error) {
	s.app.log.Info("turning off two-factor refused", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if s.app.sessionEnded(err) {
		return
	}
	if s.reauth.handle(err, s.message) {
		return
	}
	s.input.clear()
	showError(s.message, err)
	s.sender.waitIfLimited(err, func() { s.message.SetText("") })
	s.app.focus(s.input.field())
}
