package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// reauthInput is the password asked for again, in place, when the portal
// answers reauth_required (the sign-in is older than 10 minutes); it then
// goes with the next attempt.
type reauthInput struct {
	env      *env
	password *widget.Entry
	form     *fyne.Container
	needed   bool
}

// newReauthInput returns the hidden password field; Enter in it runs submit.
func newReauthInput(e *env, submit func()) *reauthInput {
	r := &reauthInput{env: e, password: widget.NewPasswordEntry()}
	r.password.PlaceHolder = "Your portal password"
	r.password.OnSubmitted = func(string) { submit() }
	r.form = container.NewVBox(
		paragraph("For your security, the portal needs your password again, because you signed in more than 10 minutes ago."),
		widget.NewForm(widget.NewFormItem("Password", r.password)))
	r.form.Hide()
	return r
}

// value is the password to send: "" until the portal asked for it.
func (r *reauthInput) value() string {
	if !r.needed {
		return ""
	}
	return r.password.Text
}

// missing says what to do when the password is needed and empty.
func (r *reauthInput) missing() string {
	if r.needed && r.password.Text == "" {
		r.env.focus(r.password)
		return "Enter your portal password."
	}
	return ""
}

// handle shows the field on reauth_required (its own words explain it, so
// message is cleared) and clears it on a wrong password (message says so),
// focusing it either way; it reports whether err was one of the two.
func (r *reauthInput) handle(err error, message *messageLabel) bool {
	switch {
	case errors.Is(err, client.ErrReauthRequired):
		r.needed = true
		r.form.Show()
		message.SetText("")
	case errors.Is(err, client.ErrInvalidPassword):
		r.password.SetText("")
		showError(message, err)
	default:
		return false
	}
	r.env.focus(r.password)
	return true
}
