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

// codeSignInScreen is the second half of article step 1 for an account that
// already requires two-factor authentication: the code from the
// authenticator app, or one of the recovery codes.
type codeSignInScreen struct {
	app       *App
	api       PortalAPI
	username  string
	challenge *client.MFAChallenge

	code        *codeEntry
	recovery    *widget.Entry
	useRecovery *widget.Button
	submit      *widget.Button
	back        *widget.Button
	prompt      *widget.Label
	activity    *widget.Activity
	message     *messageLabel
	countdown   *countdown
	box         fyne.CanvasObject
	byRecovery  bool
	working     bool
}

// newCodeSignInScreen returns the code step of the sign-in to api.
func newCodeSignInScreen(a *App, api PortalAPI, username string, challenge *client.MFAChallenge) *codeSignInScreen {
	s := &codeSignInScreen{app: a, api: api, username: username, challenge: challenge,
		activity: widget.NewActivity(), message: errorLine()}
	s.countdown = newCountdown(a, "You can try again in %s.")
	s.code = newCodeEntry(func(string) { s.onSubmit() })
	s.recovery = &widget.Entry{PlaceHolder: "Recovery code", OnSubmitted: func(string) { s.onSubmit() }}
	s.recovery.Hide()
	s.useRecovery = &widget.Button{Text: "Use a recovery code instead", Importance: widget.LowImportance, OnTapped: s.onToggleRecovery}
	s.submit = &widget.Button{Text: "Sign in", Importance: widget.HighImportance, OnTapped: s.onSubmit}
	s.back = &widget.Button{Text: "Back", OnTapped: func() { a.showSignIn(api.Address(), nil) }}
	s.prompt = paragraph("Open your authenticator app and enter the 6-digit code it shows for this portal.")
	s.activity.Hide()
	s.box = column(
		heading("Enter your code"),
		s.prompt,
		s.code,
		s.recovery,
		container.NewHBox(s.useRecovery),
		container.NewHBox(s.submit, s.back, s.activity),
		s.countdown.label,
		s.message,
	)
	return s
}

func (s *codeSignInScreen) content() fyne.CanvasObject { return s.box }

func (s *codeSignInScreen) articleStep() int { return 1 }

func (s *codeSignInScreen) shown() { s.app.focus(s.field()) }

func (s *codeSignInScreen) hidden() { s.countdown.cancel() }

// field is the entry in use: the code, or the recovery code.
func (s *codeSignInScreen) field() fyne.Focusable {
	if s.byRecovery {
		return s.recovery
	}
	return s.code
}

// onToggleRecovery switches between the authenticator code and a recovery code.
func (s *codeSignInScreen) onToggleRecovery() {
	s.byRecovery = !s.byRecovery
	s.message.SetText("")
	if s.byRecovery {
		s.code.Hide()
		s.recovery.Show()
		s.useRecovery.SetText("Use the code from the app instead")
		s.prompt.SetText("Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.")
	} else {
		s.recovery.Hide()
		s.code.Show()
		s.useRecovery.SetText("Use a recovery code instead")
		s.prompt.SetText("Open your authenticator app and enter the 6-digit code it shows for this portal.")
	}
	s.app.focus(s.field())
}

func (s *codeSignInScreen) setBusy(on bool) {
	s.working = on
	for _, w := range []fyne.Disableable{s.code, s.recovery, s.useRecovery, s.back} {
		if on {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if on {
		s.submit.Disable()
		s.activity.Show()
		s.activity.Start()
	} else {
		if !s.countdown.running() {
			s.submit.Enable()
		}
		s.activity.Stop()
		s.activity.Hide()
	}
}

// onSubmit sends the code (never retried automatically) and, once signed
// in, reads the security status for the Security page.
func (s *codeSignInScreen) onSubmit() {
	if s.working || s.countdown.running() {
		return
	}
	var factor client.SecondFactor
	if s.byRecovery {
		rc := strings.TrimSpace(s.recovery.Text)
		if rc == "" {
			s.message.SetText("Enter one of your recovery codes.")
			return
		}
		factor = client.RecoveryCode(rc)
	} else {
		if len(s.code.Text) != codeDigits {
			s.message.SetText("Enter the 6-digit code from your authenticator app.")
			return
		}
		factor = client.TOTPCode(s.code.Text)
	}
	s.message.SetText("")
	s.setBusy(true)
	s.app.background(func(ctx context.Context) func() {
		sess, err := s.api.LoginMFA(ctx, s.challenge.MFAToken, factor)
		var status *client.SecurityStatus
		var statusErr error
		if err == nil {
			status, statusErr = s.api.GetSecurity(ctx)
		}
		return func() { s.onResult(sess, status, statusErr, err) }
	})
}

func (s *codeSignInScreen) onResult(sess *client.Session, status *client.SecurityStatus, statusErr, err error) {
	s.setBusy(false)
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
	s.message.SetText(userMessage(err))
	s.code.SetText("")
	s.recovery.SetText("")
	if d, ok := retryAfter(err); ok {
		s.submit.Disable()
		s.countdown.start(d, func() {
			s.submit.Enable()
			s.message.SetText("")
		})
	}
	s.app.focus(s.field())
}
