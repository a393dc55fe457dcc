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

// signInScreen is article step 1: "Login to your portal". It asks for the
// portal address (the vendor's, or the reseller's own branded one), the
// username and the password.
type signInScreen struct {
	env   *env
	setup signInSetup
	next  signInNext

	portal   *widget.SelectEntry
	username *widget.Entry
	password *widget.Entry
	submit   *widget.Button
	status   *messageLabel
	message  *messageLabel
	sender   *sender
	form     *form
	box      fyne.CanvasObject
}

// signInSetup is what the sign-in screen starts from.
type signInSetup struct {
	prefs         settings
	demo          *Demo
	defaultPortal string
	// address is the portal address to show.
	address string
	// connect makes the client for the address typed.
	connect func(address string) (*client.Client, error)
}

// signInNext is where the sign-in leads.
type signInNext struct {
	// signedIn: the account needs no code, or the code was right.
	signedIn func(signedIn)
	// needsCode: the account requires two-factor authentication.
	needsCode func(c *client.Client, username string, challenge *client.MFAChallenge)
}

// newSignInScreen returns the sign-in screen.
func newSignInScreen(e *env, setup signInSetup, next signInNext) *signInScreen {
	s := &signInScreen{env: e, setup: setup, next: next, status: newMessageLabel(widget.MediumImportance), message: e.errorLine()}
	address, demo := setup.address, setup.demo

	recent := setup.prefs.recentPortals()
	if demo != nil {
		recent = []string{demo.Address}
	} else if len(recent) == 0 {
		recent = []string{setup.defaultPortal}
	}
	s.portal = widget.NewSelectEntry(recent)
	s.portal.SetText(address)
	s.portal.PlaceHolder = "partners.example.com"
	s.portal.OnSubmitted = func(string) { s.onSubmit() }
	s.portal.OnChanged = s.onPortalChanged

	s.username = &widget.Entry{PlaceHolder: "you@example.com", OnSubmitted: func(string) { s.onSubmit() }}
	s.username.SetText(setup.prefs.username(address))
	if demo != nil && s.username.Text == "" {
		s.username.SetText(demo.Username)
	}
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	s.submit = &widget.Button{Text: "Sign in", Importance: widget.HighImportance, OnTapped: s.onSubmit}
	s.sender = newSender(e, "You can try again in %s.", s.submit, s.portal, s.username, s.password)
	s.sender.status = s.status
	s.form = &form{env: e, sender: s.sender, message: s.message, what: "sign-in", refused: s.onRefused, retry: s.retryField}

	form := widget.NewForm(
		widget.NewFormItem("Portal address", s.portal),
		widget.NewFormItem("Username", s.username),
		widget.NewFormItem("Password", s.password),
	)
	form.Items[0].HintText = "Your own branded address, if you have one"
	parts := []fyne.CanvasObject{
		heading("Sign in to your partner portal"),
		paragraph("Use the same details as on the portal's own sign-in page."),
	}
	if d := demo; d != nil {
		text := "Demo portal: sign in as " + d.Username + " with the password " + d.Password + "."
		if d.SupportUsername != "" {
			text += " The help desk: " + d.SupportUsername + " with the password " + d.SupportPassword +
				", then a code for the authenticator key printed in the terminal."
		}
		parts = append(parts, newBanner(bannerInfo, text))
	}
	s.box = column(append(parts,
		form,
		container.NewHBox(s.submit, s.sender.activity, s.status),
		s.sender.countdown.label,
		s.message,
	)...)
	return s
}

func (s *signInScreen) content() fyne.CanvasObject { return s.box }

func (s *signInScreen) articleStep() int { return 1 }

func (s *signInScreen) name() string { return "Sign in" }

// shown puts the focus in the first empty field.
func (s *signInScreen) shown() {
	switch {
	case s.portal.Text == "":
		s.env.focus(s.portal)
	case s.username.Text == "":
		s.env.focus(s.username)
	default:
		s.env.focus(s.password)
	}
}

func (s *signInScreen) hidden() { s.sender.stop() }

// onPortalChanged offers the username last used on the chosen portal,
// remembered under the address as the client normalises it (so
// "partners.example.com" finds what "https://partners.example.com" saved).
func (s *signInScreen) onPortalChanged(address string) {
	normal, err := client.NormalizeAddress(address)
	if err != nil {
		return
	}
	if u := s.setup.prefs.username(normal); u != "" {
		s.username.SetText(u)
	}
}

// busy reports whether a sign-in is under way.
func (s *signInScreen) busy() bool { return s.sender.working }

// setBusy shows activity and a status, and disables what would sign in twice.
func (s *signInScreen) setBusy(on bool, status string) {
	s.status.SetText(status)
	s.sender.setBusy(on)
}

// loginAnswer is what the password step's call ends with.
type loginAnswer struct {
	client *client.Client
	login  *client.LoginResult
	// twoFactor is read at once when no code is needed, so that the
	// Security page opens complete.
	twoFactor *client.TwoFactor
}

// onSubmit signs in: Login, then the account's security status.
func (s *signInScreen) onSubmit() {
	if !s.form.ready() {
		return
	}
	address := strings.TrimSpace(s.portal.Text)
	username := strings.TrimSpace(s.username.Text)
	password := s.password.Text
	switch {
	case address == "":
		s.message.SetText("Enter your portal address.")
		s.env.focus(s.portal)
		return
	case username == "":
		s.message.SetText("Enter your username.")
		s.env.focus(s.username)
		return
	case password == "":
		s.message.SetText("Enter your password.")
		s.env.focus(s.password)
		return
	}
	s.status.SetText("Signing in…")
	submit(s.form, func(ctx context.Context) (loginAnswer, error) {
		c, err := s.setup.connect(address)
		if err != nil {
			return loginAnswer{}, err
		}
		res, err := c.Login(ctx, username, password)
		if err != nil {
			return loginAnswer{}, err
		}
		a := loginAnswer{client: c, login: res}
		if !res.MFARequired() {
			a.twoFactor = readTwoFactor(ctx, c)
		}
		return a, nil
	}, func(a loginAnswer) {
		if a.login.MFARequired() {
			s.next.needsCode(a.client, username, a.login.MFA)
			return
		}
		sess := a.login.Session
		s.next.signedIn(signedIn{client: a.client, username: username, account: sess.Account, session: sess, twoFactor: a.twoFactor})
	})
}

// onRefused clears a wrong password.
func (s *signInScreen) onRefused(err error) {
	if errors.Is(err, client.ErrInvalidCredentials) {
		s.password.SetText("")
	}
}

// retryField is where the fix for err is typed.
func (s *signInScreen) retryField(err error) fyne.Focusable {
	switch {
	case errors.Is(err, client.ErrInvalidCredentials):
		return s.password
	case errors.Is(err, client.ErrInvalidAddress), errors.Is(err, client.ErrInsecureAddress):
		return s.portal
	}
	return nil
}
