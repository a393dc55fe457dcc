package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// The reason the portal records with a help-desk change, in characters.
const (
	minReasonLength = 5
	maxReasonLength = 500
)

// staffChange is the form both help-desk changes share: the reason the
// portal records with the staff member's name, the staff member's own
// password and code asked again in place when their sign-in is older than
// 10 minutes, the button that makes the change, and the send path.
type staffChange struct {
	env    *env
	reason *widget.Entry
	reauth *reauthInput
	send   *widget.Button
	cancel *widget.Button
	msg    *messageLabel
	sender *sender
	form   *form
	box    *fyne.Container
}

// newStaffChange returns the form; action names the button, what the
// change in the log, and submit runs on the button or Enter.
func newStaffChange(e *env, action, what string, importance widget.Importance, submit, cancel func()) *staffChange {
	c := &staffChange{env: e, msg: errorLine()}
	c.reason = widget.NewMultiLineEntry()
	c.reason.Wrapping = fyne.TextWrapWord
	c.reason.SetMinRowsVisible(2)
	c.reason.PlaceHolder = "Why, and how you checked who is calling (kept in both accounts' security events)"
	c.reason.Validator = func(s string) error {
		if n := len([]rune(strings.TrimSpace(s))); n < minReasonLength || n > maxReasonLength {
			return errReasonLength
		}
		return nil
	}
	c.reauth = newReauthInput(e, true, submit)
	c.send = &widget.Button{Text: action, Importance: importance, OnTapped: submit}
	c.cancel = &widget.Button{Text: "Cancel", OnTapped: cancel}
	c.sender = newSender(e, "You can try again in %s.", c.send, append(c.reauth.controls(), c.reason, c.cancel)...)
	c.form = &form{env: e, sender: c.sender, message: c.msg, what: what,
		handle: func(err error) bool { return c.reauth.handle(err, c.msg) },
		retry:  func(error) fyne.Focusable { return c.reason },
	}
	c.box = container.NewVBox(
		widget.NewForm(widget.NewFormItem("Reason", c.reason)),
		c.reauth.form,
		container.NewHBox(c.send, c.cancel, c.sender.activity),
		c.sender.countdown.label,
		c.msg,
	)
	return c
}

// errReasonLength is the reason's validation error.
var errReasonLength = fmt.Errorf("give the reason in %d to %d characters", minReasonLength, maxReasonLength)

// values returns the reason and the re-authentication to send, or a
// sentence saying what is missing (the focus is then on that field).
func (c *staffChange) values() (reason string, reauth client.Reauth, missing string) {
	reason = strings.TrimSpace(c.reason.Text)
	if c.reason.Validate() != nil {
		c.env.focus(c.reason)
		return "", client.Reauth{}, fmt.Sprintf("Give the reason for the change, in %d to %d characters: it is kept in the security events of both accounts.", minReasonLength, maxReasonLength)
	}
	if m := c.reauth.missing(); m != "" {
		return "", client.Reauth{}, m
	}
	password, code := c.reauth.values()
	return reason, client.Reauth{Password: password, Code: code}, ""
}
