package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// The switch's two answers, in the portal's words.
const (
	answerNo  = "No"
	answerYes = "Yes"
)

// requireLabel is the portal's own name for the switch.
const requireLabel = "Require two-factor authentication for login"

// replaceWarning is the article's confirmation (step 6), and what it means
// for the authenticator already set up.
const replaceWarning = "This will clear any other 2FA you have for this address on other devices.\n\n" +
	"Your current authenticator app keeps working until you confirm the new code."

// configureScreen is article steps 4 to 6: the switch "Require two-factor
// authentication for login", then "Generate shared secret" (with the
// confirmation when an authenticator is already set up). When two-factor
// authentication is on, it also offers new recovery codes, and turning the
// switch to No starts turning it off.
type configureScreen struct {
	app *App

	require  *yesNoSwitch
	generate *widget.Button
	reauth   *reauthInput
	message  *messageLabel
	sender   *sender
	genBox   *fyne.Container
	box      fyne.CanvasObject
	// replaceConfirmed: the person agreed to replace the authenticator.
	replaceConfirmed bool
}

func newConfigureScreen(a *App) *configureScreen {
	s := &configureScreen{app: a, message: errorLine()}
	configured := a.twoFactor != nil && a.twoFactor.Configured

	s.require = newYesNoSwitch(configured, s.onRequireChanged)

	s.generate = &widget.Button{Text: "Generate shared secret", Importance: widget.HighImportance, OnTapped: s.onGenerate}
	s.reauth = newReauthInput(a, s.onGenerate)
	s.sender = newSender(a, "You can try again in %s.", s.generate, s.reauth.password, s.require)

	back := &widget.Button{Text: "Back to Security", OnTapped: func() { a.show(newSecurityScreen(a)) }}
	parts := []fyne.CanvasObject{
		heading("Configure two-factor authentication"),
		widget.NewForm(widget.NewFormItem(requireLabel, s.require)),
	}
	if configured {
		s.genBox = container.NewVBox(
			widget.NewSeparator(),
			subheading("Move to a new phone or app"),
			paragraph("Generate a new shared secret and scan it with the new authenticator app. "+
				"The current one keeps working until you confirm the new code."),
			s.reauth.form,
			container.NewHBox(s.generate, s.sender.activity),
			s.sender.countdown.label,
			s.message,
			widget.NewSeparator(),
			subheading("Recovery codes"),
			paragraph(recoveryCodesLeft(a.twoFactor.RecoveryCodesRemaining)+". A new set replaces them all: the old codes stop working."),
			container.NewHBox(&widget.Button{Text: "New recovery codes", OnTapped: func() { a.show(newRecoveryCodesRenewScreen(a)) }}),
		)
		s.generate.Importance = widget.MediumImportance
	} else {
		s.genBox = container.NewVBox(
			widget.NewSeparator(),
			subheading("Generate the shared secret"),
			paragraph("The shared secret links your authenticator app to this account. "+
				"The next screen shows it as a QR code for you to scan."),
			newBanner(bannerInfo, "Nothing changes on your account until you enter the code from your authenticator app."),
			s.reauth.form,
			container.NewHBox(s.generate, s.sender.activity),
			s.sender.countdown.label,
			s.message,
		)
		s.genBox.Hide()
	}
	s.box = column(append(parts, s.genBox, widget.NewSeparator(), container.NewHBox(back))...)
	return s
}

func (s *configureScreen) content() fyne.CanvasObject { return s.box }

func (s *configureScreen) articleStep() int {
	if s.genBox.Visible() {
		return 5
	}
	return 4
}

func (s *configureScreen) shown() { s.app.focus(s.require) }

func (s *configureScreen) hidden() { s.sender.stop() }

// configured reports whether the account already has an authenticator.
func (s *configureScreen) configured() bool {
	return s.app.twoFactor != nil && s.app.twoFactor.Configured
}

// onRequireChanged is the switch. Turning it to Yes shows the next step,
// Generate; nothing is sent to the portal yet. On an account with
// two-factor authentication, turning it to No starts turning it off.
func (s *configureScreen) onRequireChanged(on bool) {
	if s.configured() {
		if !on {
			s.app.show(newDisableScreen(s.app))
		}
		return
	}
	if on {
		s.genBox.Show()
		s.app.setStep(5)
		s.app.focus(s.generate)
	} else {
		s.genBox.Hide()
		s.app.setStep(4)
	}
}

// onGenerate asks the portal for a new shared secret. With an
// authenticator already set up it first asks to confirm the replacement
// (article step 6).
func (s *configureScreen) onGenerate() {
	if !s.sender.ready() {
		return
	}
	if missing := s.reauth.missing(); missing != "" {
		s.message.SetText(missing)
		return
	}
	if s.configured() && !s.replaceConfirmed {
		s.confirmReplace()
		return
	}
	s.start(s.replaceConfirmed)
}

// confirmReplace shows the article's confirmation before replacing the
// authenticator.
func (s *configureScreen) confirmReplace() {
	s.app.setStep(6)
	d := dialog.NewConfirm("Replace your authenticator?", replaceWarning, func(ok bool) {
		if ok {
			s.replaceConfirmed = true
			s.start(true)
		} else {
			s.app.setStep(5)
		}
	}, s.app.win)
	d.SetConfirmText("Continue")
	d.SetDismissText("Cancel")
	d.Show()
}

// start creates the pending enrollment and opens the QR code step.
func (s *configureScreen) start(replace bool) {
	s.message.SetText("")
	s.sender.setBusy(true)
	api, password := s.app.api, s.reauth.value()
	s.app.background(func(ctx context.Context) func() {
		e, err := api.StartTOTPEnrollment(ctx, replace, password)
		return func() {
			s.sender.setBusy(false)
			if err != nil {
				s.onError(err)
				return
			}
			s.app.show(newScanScreen(s.app, e, replace))
		}
	})
}

func (s *configureScreen) onError(err error) {
	s.app.log.Info("generate shared secret failed", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if s.app.sessionEnded(err) {
		return
	}
	switch {
	case errors.Is(err, client.ErrReplaceConfirmationRequired):
		// An authenticator was set up elsewhere since this page was read.
		s.replaceConfirmed = false
		s.confirmReplace()
		return
	case errors.Is(err, client.ErrReauthRequired):
		s.generate.SetText("Continue")
	}
	if s.reauth.handle(err, s.message) {
		return
	}
	showError(s.message, err)
	s.sender.waitIfLimited(err, func() { s.message.SetText("") })
}
