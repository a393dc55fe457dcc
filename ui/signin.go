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
	app *App

	portal   *widget.SelectEntry
	username *widget.Entry
	password *widget.Entry
	submit   *widget.Button
	status   *messageLabel
	message  *messageLabel
	sender   *sender
	box      fyne.CanvasObject
}

// newSignInScreen returns the sign-in screen for the portal at address.
func newSignInScreen(a *App, address string) *signInScreen {
	s := &signInScreen{app: a, status: newMessageLabel(widget.MediumImportance), message: errorLine()}

	recent := a.prefs.recentPortals()
	if a.cfg.Demo != nil {
		recent = []string{a.cfg.Demo.Address}
	} else if len(recent) == 0 {
		recent = []string{a.cfg.DefaultPortal}
	}
	s.portal = widget.NewSelectEntry(recent)
	s.portal.SetText(address)
	s.portal.PlaceHolder = "partners.example.com"
	s.portal.OnSubmitted = func(string) { s.onSubmit() }
	s.portal.OnChanged = s.onPortalChanged

	s.username = &widget.Entry{PlaceHolder: "you@example.com", OnSubmitted: func(string) { s.onSubmit() }}
	s.username.SetText(a.prefs.username(address))
	if a.cfg.Demo != nil && s.username.Text == "" {
		s.username.SetText(a.cfg.Demo.Username)
	}
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	s.submit = &widget.Button{Text: "Sign in", Importance: widget.HighImportance, OnTapped: s.onSubmit}
	s.sender = newSender(a, "You can try again in %s.", s.submit, s.portal, s.username, s.password)

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
	if d := a.cfg.Demo; d != nil {
		parts = append(parts, newBanner(bannerInfo, "Demo portal: sign in as "+d.Username+" with the password "+d.Password+"."))
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

// shown puts the focus in the first empty field.
func (s *signInScreen) shown() {
	switch {
	case s.portal.Text == "":
		s.app.focus(s.portal)
	case s.username.Text == "":
		s.app.focus(s.username)
	default:
		s.app.focus(s.password)
	}
}

func (s *signInScreen) hidden() { s.sender.stop() }

// onPortalChanged offers the username last used on the chosen portal.
func (s *signInScreen) onPortalChanged(address string) {
	if u := s.app.prefs.username(strings.TrimSpace(address)); u != "" {
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

// onSubmit signs in: Login, then the account's security status, so that
// the Security page opens complete.
func (s *signInScreen) onSubmit() {
	if !s.sender.ready() {
		return
	}
	address := strings.TrimSpace(s.portal.Text)
	username := strings.TrimSpace(s.username.Text)
	password := s.password.Text
	switch {
	case address == "":
		s.message.SetText("Enter your portal address.")
		s.app.focus(s.portal)
		return
	case username == "":
		s.message.SetText("Enter your username.")
		s.app.focus(s.username)
		return
	case password == "":
		s.message.SetText("Enter your password.")
		s.app.focus(s.password)
		return
	}
	s.message.SetText("")
	s.setBusy(true, "Signing in…")
	s.app.background(func(ctx context.Context) func() {
		api, err := s.app.cfg.Connect(address)
		var res *client.LoginResult
		if err == nil {
			res, err = api.Login(ctx, username, password)
		}
		var status *client.SecurityStatus
		var statusErr error
		if err == nil && !res.MFARequired() {
			status, statusErr = api.GetSecurity(ctx)
		}
		return func() { s.onLoginResult(api, username, res, status, statusErr, err) }
	})
}

// onLoginResult opens the code step or the Security page, or says why not.
func (s *signInScreen) onLoginResult(api PortalAPI, username string, res *client.LoginResult, status *client.SecurityStatus, statusErr, err error) {
	s.setBusy(false, "")
	if api != nil {
		// Support details name this portal and its last error even when
		// the sign-in fails, which is when the help desk needs them most.
		s.app.lastAPI = api
	}
	if err != nil {
		s.onError(err)
		return
	}
	if res.MFARequired() {
		s.app.show(newCodeSignInScreen(s.app, api, username, res.MFA))
		return
	}
	s.app.saveSession(res.Session, api.Address(), username)
	var tf *client.TwoFactor
	if statusErr == nil {
		tf = &status.TwoFactor
	}
	// A failed status read is the Security page's to report and retry.
	s.app.signedIn(api, username, &res.Session.Account, tf)
}

// onError shows why the sign-in failed and puts the focus where the fix is.
func (s *signInScreen) onError(err error) {
	s.app.log.Info("sign-in failed", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	showError(s.message, err)
	if s.sender.waitIfLimited(err, func() { s.message.SetText("") }) {
		return
	}
	switch {
	case errors.Is(err, client.ErrInvalidCredentials):
		s.password.SetText("")
		s.app.focus(s.password)
	case errors.Is(err, client.ErrInvalidAddress), errors.Is(err, client.ErrInsecureAddress):
		s.app.focus(s.portal)
	}
}
