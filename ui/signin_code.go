package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// codeSignInScreen is the second half of article step 1 for an account that
// already requires two-factor authentication: the code from the
// authenticator app, or one of the recovery codes.
type codeSignInScreen struct {
	app       *App
	api       PortalAPI
	username  string
	challenge *client.MFAChallenge

	input   *factorInput
	submit  *widget.Button
	back    *widget.Button
	message *messageLabel
	sender  *sender
	box     fyne.CanvasObject
}

// newCodeSignInScreen returns the code step of the sign-in to api.
func newCodeSignInScreen(a *App, api PortalAPI, username string, challenge *client.MFAChallenge) *codeSignInScreen {
	s := &codeSignInScreen{app: a, api: api, username: username, challenge: challenge, message: errorLine()}
	s.input = newFactorInput(a,
		"Open your authenticator app and enter the 6-digit code it shows for this portal.",
		"Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.",
		false, s.onSubmit)
	s.input.onSwitch = func() { s.message.SetText("") }
	s.submit = &widget.Button{Text: "Sign in", Importance: widget.HighImportance, OnTapped: s.onSubmit}
	s.back = &widget.Button{Text: "Back", OnTapped: func() { a.showSignIn(api.Address(), nil) }}
	s.sender = newSender(a, "You can try again in %s.", s.submit, append(s.input.controls(), s.back)...)
	s.box = column(
		heading("Enter your code"),
		s.input.prompt,
		s.input.code,
		s.input.recovery,
		container.NewHBox(s.input.toggle),
		container.NewHBox(s.submit, s.back, s.sender.activity),
		s.sender.countdown.label,
		s.message,
	)
	return s
}

func (s *codeSignInScreen) content() fyne.CanvasObject { return s.box }

func (s *codeSignInScreen) articleStep() int { return 1 }

func (s *codeSignInScreen) shown() { s.app.focus(s.input.field()) }

func (s *codeSignInScreen) hidden() { s.sender.stop() }

// onSubmit sends the code (never retried automatically) and, once signed
// in, reads the security status for the Security page.
func (s *codeSignInScreen) onSubmit() {
	if !s.sender.ready() {
		return
	}
	factor, missing := s.input.factor()
	if missing != "" {
		s.message.SetText(missing)
		return
	}
	s.message.SetText("")
	s.sender.setBusy(true)
	api, token := s.api, s.challenge.MFAToken
	s.app.background(func(ctx context.Context) func() {
		sess, err := api.LoginMFA(ctx, token, factor)
		var status *client.SecurityStatus
		var statusErr error
		if err == nil {
			status, statusErr = api.GetSecurity(ctx)
		}
		return func() { s.onResult(sess, status, statusErr, err) }
	})
}

func (s *codeSignInScreen) onResult(sess *client.Session, status *client.SecurityStatus, statusErr, err error) {
	s.sender.setBusy(false)
	if err != nil {
		s.onError(err)
		return
	}
	s.app.saveSession(sess, s.api.Address(), s.username)
	var tf *client.TwoFactor
	if statusErr == nil {
		tf = &status.TwoFactor
	}
	s.app.signedIn(s.api, s.username, &sess.Account, tf)
}

func (s *codeSignInScreen) onError(err error) {
	s.app.log.Info("sign-in code refused", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if errors.Is(err, client.ErrMFATokenInvalid) {
		s.app.showSignIn(s.api.Address(), err)
		return
	}
	showError(s.message, err)
	s.input.clear()
	s.sender.waitIfLimited(err, func() { s.message.SetText("") })
	s.app.focus(s.input.field())
}
