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
	env       *env
	client    *client.Client
	username  string
	challenge *client.MFAChallenge
	next      codeSignInNext

	input   *factorInput
	submit  *widget.Button
	back    *widget.Button
	message *messageLabel
	sender  *sender
	form    *form
	box     fyne.CanvasObject
}

// codeSignInNext is where the code step leads.
type codeSignInNext struct {
	// signedIn: the code was right.
	signedIn func(signedIn)
	// back goes to the password step, with a message for err (nil: none).
	back func(err error)
}

// newCodeSignInScreen returns the code step of the sign-in with c, whose
// password step answered challenge.
func newCodeSignInScreen(e *env, c *client.Client, username string, challenge *client.MFAChallenge, next codeSignInNext) *codeSignInScreen {
	s := &codeSignInScreen{env: e, client: c, username: username, challenge: challenge, next: next, message: e.errorLine()}
	s.input = newFactorInput(e, factorPrompts{
		code:     "Open your authenticator app and enter the 6-digit code it shows for this portal.",
		recovery: "Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.",
		temporary: "Lost your phone and your recovery codes? Call the help desk: once they have checked who you are, " +
			"they read you a temporary access code. Type it here; then the app helps you set up your new phone.",
	}, false, s.onSubmit)
	s.input.onSwitch = func() { s.message.SetText("") }
	s.submit = &widget.Button{Text: "Sign in", Importance: widget.HighImportance, OnTapped: s.onSubmit}
	s.back = &widget.Button{Text: "Back", OnTapped: func() { next.back(nil) }}
	s.sender = newSender(e, "You can try again in %s.", s.submit, append(s.input.controls(), s.back)...)
	s.form = &form{env: e, sender: s.sender, message: s.message, what: "sign-in code",
		handle:  s.onExpiredChallenge,
		refused: func(error) { s.input.clear() },
		retry:   func(error) fyne.Focusable { return s.input.field() },
	}
	s.box = column(
		heading("Enter your code"),
		s.input.box(),
		container.NewHBox(s.submit, s.back, s.sender.activity),
		s.sender.countdown.label,
		s.message,
	)
	return s
}

func (s *codeSignInScreen) content() fyne.CanvasObject { return s.box }

func (s *codeSignInScreen) articleStep() int { return 1 }

func (s *codeSignInScreen) name() string { return "Sign in: code from the authenticator app" }

func (s *codeSignInScreen) shown() { s.env.focus(s.input.field()) }

func (s *codeSignInScreen) hidden() { s.sender.stop() }

// onSubmit sends the code (never retried automatically) and, once signed
// in, reads the security status for the Security page.
func (s *codeSignInScreen) onSubmit() {
	if !s.form.ready() {
		return
	}
	factor, missing := s.input.factor()
	if missing != "" {
		s.message.SetText(missing)
		return
	}
	c, token := s.client, s.challenge.MFAToken
	submit(s.form, func(ctx context.Context) (signedIn, error) {
		sess, err := c.LoginMFA(ctx, token, factor)
		if err != nil {
			return signedIn{}, err
		}
		return signedIn{client: c, username: s.username, account: sess.Account, session: sess, twoFactor: readTwoFactor(ctx, c)}, nil
	}, s.next.signedIn)
}

// onExpiredChallenge sends the person back to the password when the
// sign-in took too long.
func (s *codeSignInScreen) onExpiredChallenge(err error) bool {
	if !errors.Is(err, client.ErrMFATokenInvalid) {
		return false
	}
	s.next.back(err)
	return true
}
