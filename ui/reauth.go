package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// reauthInput is the password, and for a change of the second factor a
// current code too, asked for again in place when the portal answers
// reauth_required (the sign-in is older than 10 minutes); they then go
// with the next attempt.
type reauthInput struct {
	env      *env
	password *widget.Entry
	// code is the authenticator code asked with the password; nil when
	// the password alone is asked.
	code   *codeEntry
	form   *fyne.Container
	needed bool
}

// newReauthInput returns the hidden password field; Enter in it runs
// submit. withCode adds the field for a current code from the
// authenticator (full re-authentication: the password alone is not
// enough to change the second factor).
func newReauthInput(e *env, withCode bool, submit func()) *reauthInput {
	r := &reauthInput{env: e, password: widget.NewPasswordEntry()}
	r.password.PlaceHolder = "Your portal password"
	r.password.OnSubmitted = func(string) { submit() }
	explain := "For your security, the portal needs your password again, because you signed in more than 10 minutes ago."
	items := []*widget.FormItem{widget.NewFormItem("Password", r.password)}
	if withCode {
		explain = "For your security, the portal needs your password and a code from your authenticator app again, because you signed in more than 10 minutes ago."
		// Six digits don't send it: the password comes first, and Enter
		// in either field sends both.
		r.code = newCodeEntry(func(string) { submit() })
		r.code.manual = true
		items = append(items, widget.NewFormItem("Code", r.code))
	}
	r.form = container.NewVBox(paragraph(explain), widget.NewForm(items...))
	r.form.Hide()
	return r
}

// values are the password and code to send: "" until the portal asked.
func (r *reauthInput) values() (password, code string) {
	if !r.needed {
		return "", ""
	}
	if r.code != nil {
		code = r.code.Text
	}
	return r.password.Text, code
}

// controls are the input's widgets to disable while a call runs.
func (r *reauthInput) controls() []fyne.Disableable {
	if r.code == nil {
		return []fyne.Disableable{r.password}
	}
	return []fyne.Disableable{r.password, r.code}
}

// missing says what to do when what is needed is not there yet, and puts
// the focus in that field.
func (r *reauthInput) missing() string {
	switch {
	case !r.needed:
		return ""
	case r.password.Text == "":
		r.env.focus(r.password)
		return "Enter your portal password."
	case r.code != nil && len(r.code.Text) != codeDigits:
		r.env.focus(r.code)
		return "Enter the 6-digit code from your authenticator app."
	}
	return ""
}

// handle shows the fields on reauth_required (their own words explain it,
// so message is cleared), and clears them on a wrong password or code
// (message says so), focusing the password either way; it reports whether
// err was one of these. A wrong code is the fields' only while they show:
// otherwise it belongs to the screen.
func (r *reauthInput) handle(err error, message *messageLabel) bool {
	switch {
	case errors.Is(err, client.ErrReauthRequired):
		r.needed = true
		r.form.Show()
		message.SetText("")
	case errors.Is(err, client.ErrInvalidPassword):
		r.password.SetText("")
		showError(message, err)
	case r.needed && r.code != nil && (errors.Is(err, client.ErrInvalidCode) || errors.Is(err, client.ErrCodeReused)):
		r.code.SetText("")
		showError(message, err)
		r.env.focus(r.code)
		return true
	default:
		return false
	}
	r.env.focus(r.password)
	return true
}
