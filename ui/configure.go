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
	env       *env
	api       enrollAPI
	twoFactor *client.TwoFactor // as read when the screen opened
	next      configureNext

	require  *yesNoSwitch
	generate *widget.Button
	reauth   *reauthInput
	message  *messageLabel
	sender   *sender
	form     *form
	genBox   *fyne.Container
	notice   *fyne.Container
	box      fyne.CanvasObject
	// replaceConfirmed: the person agreed to replace the authenticator.
	replaceConfirmed bool
}

// configureNext is where Configure leads.
type configureNext struct {
	// scan shows the QR code of the enrollment generated.
	scan func(e *client.Enrollment, replacing bool)
	// turnOff and recoveryCodes are for an account with 2FA on.
	turnOff, recoveryCodes func()
	back                   func()
}

// newConfigureScreen returns Configure for an account whose two-factor
// status is tf (nil: not known).
func newConfigureScreen(e *env, api enrollAPI, tf *client.TwoFactor, next configureNext) *configureScreen {
	s := &configureScreen{env: e, api: api, twoFactor: tf, next: next, message: e.errorLine()}
	configured := s.configured()

	s.require = newYesNoSwitch(configured, s.onRequireChanged)

	s.generate = &widget.Button{Text: "Generate shared secret", Importance: widget.HighImportance, OnTapped: s.onGenerate}
	s.reauth = newReauthInput(e, configured, s.onGenerate)
	s.sender = newSender(e, "You can try again in %s.", s.generate, append(s.reauth.controls(), s.require)...)
	s.form = &form{env: e, sender: s.sender, message: s.message, what: "generate shared secret", handle: s.onRefused}

	back := &widget.Button{Text: "Back to Security", OnTapped: next.back}
	s.notice = container.NewVBox()
	s.notice.Hide() // takes no room until there is something to say
	parts := []fyne.CanvasObject{
		s.notice,
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
			paragraph(recoveryCodesLeft(tf.RecoveryCodesRemaining)+". A new set replaces them all: the old codes stop working."),
			container.NewHBox(&widget.Button{Text: "New recovery codes", OnTapped: next.recoveryCodes}),
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

// withNotice shows a banner at the top of the screen.
func (s *configureScreen) withNotice(text string) {
	s.notice.Add(newBanner(bannerInfo, text))
	s.notice.Show()
}

func (s *configureScreen) articleStep() int {
	if s.genBox.Visible() {
		return 5
	}
	return 4
}

func (s *configureScreen) name() string { return "Configure" }

func (s *configureScreen) shown() { s.env.focus(s.require) }

func (s *configureScreen) hidden() { s.sender.stop() }

// configured reports whether the account already has an authenticator.
func (s *configureScreen) configured() bool {
	return s.twoFactor != nil && s.twoFactor.Configured
}

// onRequireChanged is the switch. Turning it to Yes shows the next step,
// Generate; nothing is sent to the portal yet. On an account with
// two-factor authentication, turning it to No starts turning it off.
func (s *configureScreen) onRequireChanged(on bool) {
	if s.configured() {
		if !on {
			s.next.turnOff()
		}
		return
	}
	if on {
		s.genBox.Show()
		s.env.setStep(5)
		s.env.focus(s.generate)
	} else {
		s.genBox.Hide()
		s.env.setStep(4)
	}
}

// onGenerate asks the portal for a new shared secret. With an
// authenticator already set up it first asks to confirm the replacement
// (article step 6).
func (s *configureScreen) onGenerate() {
	if !s.form.ready() {
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
	s.env.setStep(6)
	d := dialog.NewConfirm("Replace your authenticator?", replaceWarning, func(ok bool) {
		if ok {
			s.replaceConfirmed = true
			s.start(true)
		} else {
			s.env.setStep(5)
		}
	}, s.env.win)
	d.SetConfirmText("Continue")
	d.SetDismissText("Cancel")
	d.Show()
}

// start creates the pending enrollment and opens the QR code step.
func (s *configureScreen) start(replace bool) {
	password, code := s.reauth.values()
	submit(s.form, func(ctx context.Context) (*client.Enrollment, error) {
		return s.api.StartTOTPEnrollment(ctx, replace, client.Reauth{Password: password, Code: code})
	}, func(e *client.Enrollment) { s.next.scan(e, replace) })
}

// onRefused handles what Configure answers in its own way: a confirmation
// still needed, and the password asked again.
func (s *configureScreen) onRefused(err error) bool {
	switch {
	case errors.Is(err, client.ErrReplaceConfirmationRequired):
		// An authenticator was set up elsewhere since this page was read.
		s.replaceConfirmed = false
		s.confirmReplace()
		return true
	case errors.Is(err, client.ErrReauthRequired):
		s.generate.SetText("Continue")
	}
	return s.reauth.handle(err, s.message)
}
