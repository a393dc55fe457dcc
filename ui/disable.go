package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// disableScreen turns two-factor authentication off, with a current code
// or a recovery code, after a clear warning.
type disableScreen struct {
	app *App

	code         *codeEntry
	recovery     *widget.Entry
	useRecovery  *widget.Button
	password     *widget.Entry
	passForm     *fyne.Container
	turnOff      *widget.Button
	cancel       *widget.Button
	activity     *widget.Activity
	message      *messageLabel
	countdown    *countdown
	box          fyne.CanvasObject
	byRecovery   bool
	needPassword bool
	working      bool
}

func newDisableScreen(a *App) *disableScreen {
	s := &disableScreen{app: a, activity: widget.NewActivity(), message: errorLine()}
	s.countdown = newCountdown(a, "You can try again in %s.")
	s.code = newCodeEntry(func(string) { s.onSubmit() })
	s.code.manual = true
	s.recovery = &widget.Entry{PlaceHolder: "Recovery code", OnSubmitted: func(string) { s.onSubmit() }}
	s.recovery.Hide()
	s.useRecovery = &widget.Button{Text: "Use a recovery code instead", Importance: widget.LowImportance, OnTapped: s.onToggleRecovery}
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	s.passForm = container.NewVBox(
		paragraph("For your security, the portal needs your password again, because you signed in more than 10 minutes ago."),
		widget.NewForm(widget.NewFormItem("Password", s.password)))
	s.passForm.Hide()
	s.turnOff = &widget.Button{Text: "Turn off two-factor authentication", Importance: widget.DangerImportance, OnTapped: s.onSubmit}
	s.cancel = &widget.Button{Text: "Cancel", OnTapped: func() { a.show(newSecurityScreen(a)) }}
	s.activity.Hide()
	s.box = column(
		heading("Turn off two-factor authentication?"),
		newBanner(bannerWarning, "Turning it off removes your authenticator app and your recovery codes from this account, "+
			"and signs out your other devices. Anyone who learns your password can then sign in."),
		paragraph("To confirm, enter the 6-digit code from your authenticator app and press the button below."),
		s.code,
		s.recovery,
		container.NewHBox(s.useRecovery),
		s.passForm,
		container.NewHBox(s.turnOff, s.cancel, s.activity),
		s.countdown.label,
		s.message,
	)
	return s
}

func (s *disableScreen) content() fyne.CanvasObject { return s.box }

// articleStep: this is the article's switch, turned the other way.
func (s *disableScreen) articleStep() int { return 4 }

func (s *disableScreen) shown() { s.app.focus(s.field()) }

func (s *disableScreen) hidden() { s.countdown.cancel() }

func (s *disableScreen) field() fyne.Focusable {
	if s.byRecovery {
		return s.recovery
	}
	return s.code
}

func (s *disableScreen) onToggleRecovery() {
	s.byRecovery = !s.byRecovery
	s.message.SetText("")
	if s.byRecovery {
		s.code.Hide()
		s.recovery.Show()
		s.useRecovery.SetText("Use the code from the app instead")
	} else {
		s.recovery.Hide()
		s.code.Show()
		s.useRecovery.SetText("Use a recovery code instead")
	}
	s.app.focus(s.field())
}

func (s *disableScreen) setBusy(on bool) {
	s.working = on
	for _, w := range []fyne.Disableable{s.code, s.recovery, s.useRecovery, s.password, s.cancel} {
		if on {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if on {
		s.turnOff.Disable()
		s.activity.Show()
		s.activity.Start()
		return
	}
	if !s.countdown.running() {
		s.turnOff.Enable()
	}
	s.activity.Stop()
	s.activity.Hide()
}

func (s *disableScreen) onSubmit() {
	if s.working || s.countdown.running() {
		return
	}
	var factor client.SecondFactor
	if s.byRecovery {
		rc := strings.TrimSpace(s.recovery.Text)
		if rc == "" {
			s.message.SetText("Enter one of your recovery codes.")
			s.app.focus(s.recovery)
			return
		}
		factor = client.RecoveryCode(rc)
	} else {
		if len(s.code.Text) != codeDigits {
			s.message.SetText("Enter the 6-digit code from your authenticator app.")
			s.app.focus(s.code)
			return
		}
		factor = client.TOTPCode(s.code.Text)
	}
	if s.needPassword && s.password.Text == "" {
		s.message.SetText("Enter your portal password.")
		s.app.focus(s.password)
		return
	}
	s.message.SetText("")
	s.setBusy(true)
	api, password := s.app.api, ""
	if s.needPassword {
		password = s.password.Text
	}
	s.app.background(func(ctx context.Context) func() {
		status, err := api.DisableTwoFactor(ctx, factor, password)
		return func() {
			s.setBusy(false)
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
	switch {
	case errors.Is(err, client.ErrReauthRequired):
		s.needPassword = true
		s.passForm.Show()
		s.message.SetText("")
		s.app.focus(s.password)
		return
	case errors.Is(err, client.ErrInvalidPassword):
		s.password.SetText("")
		showError(s.message, err)
		s.app.focus(s.password)
		return
	}
	s.code.SetText("")
	s.recovery.SetText("")
	showError(s.message, err)
	if d, ok := retryAfter(err); ok {
		s.turnOff.Disable()
		s.countdown.start(d, func() {
			s.turnOff.Enable()
			s.message.SetText("")
		})
	}
	s.app.focus(s.field())
}
