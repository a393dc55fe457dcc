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
	c := &staffChange{env: e, msg: e.errorLine()}
	// One line: Tab leaves it for the next field and Enter sends, where a
	// multi-line entry would keep both and trap a keyboard user.
	c.reason = &widget.Entry{
		PlaceHolder: "Why, and how you checked who is calling (kept in both accounts' security events)",
		OnSubmitted: func(string) { submit() },
	}
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

// begin returns the reason and re-authentication to send, or false when
// nothing may be sent yet: a call runs or the portal said to wait, or a
// field lacks what it needs (the form then says what, with the focus
// there).
func (c *staffChange) begin() (reason string, reauth client.Reauth, ok bool) {
	if !c.form.ready() {
		return "", client.Reauth{}, false
	}
	reason = strings.TrimSpace(c.reason.Text)
	if c.reason.Validate() != nil {
		c.env.focus(c.reason)
		c.msg.SetText(fmt.Sprintf("Give the reason for the change, in %d to %d characters: it is kept in the security events of both accounts.", minReasonLength, maxReasonLength))
		return "", client.Reauth{}, false
	}
	if m := c.reauth.missing(); m != "" {
		c.msg.SetText(m)
		return "", client.Reauth{}, false
	}
	password, code := c.reauth.values()
	return reason, client.Reauth{Password: password, Code: code}, true
}

// shown puts the focus on the reason, where the form starts.
func (c *staffChange) shown() { c.env.focus(c.reason) }

// hidden stops the form's countdown.
func (c *staffChange) hidden() { c.sender.stop() }
