package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// joinForm is "Join a client's session" on the help desk's home: the
// 6-digit code the client reads out from "Share my progress with the help
// desk".
type joinForm struct {
	env     *env
	api     joinAPI
	joined  func(j *client.JoinedSupportSession)
	code    *widget.Entry
	join    *widget.Button
	message *messageLabel
	sender  *sender
	form    *form
	box     fyne.CanvasObject
}

func newJoinForm(e *env, api joinAPI, joined func(j *client.JoinedSupportSession)) *joinForm {
	j := &joinForm{env: e, api: api, joined: joined, message: e.errorLine()}
	j.code = &widget.Entry{PlaceHolder: "123 456", OnSubmitted: func(string) { j.onJoin() }}
	j.join = &widget.Button{Text: "Join", Importance: widget.HighImportance, OnTapped: j.onJoin}
	j.sender = newSender(e, "You can try a code again in %s.", j.join, j.code)
	j.form = &form{env: e, sender: j.sender, message: j.message, what: "join support session",
		handle: func(err error) bool {
			if errors.Is(err, client.ErrInvalidSupportCode) {
				j.message.SetText("No client is waiting with this code. Ask the client to read it again: it is on the banner at the top of their window, and works for 15 minutes.")
				j.code.SetText("")
				j.env.focus(j.code)
				return true
			}
			return false
		},
		retry: func(error) fyne.Focusable { return j.code }}
	j.box = container.NewVBox(
		subheading("Join a client's session"),
		paragraph("When the client presses “Share my progress with the help desk”, their app shows a 6-digit code. "+
			"Type it here to see, live, which step they are on and what their screen says."),
		container.NewBorder(nil, nil, nil, container.NewHBox(j.join, j.sender.activity), j.code),
		j.sender.countdown.label,
		j.message,
	)
	return j
}

func (j *joinForm) content() fyne.CanvasObject { return j.box }

func (j *joinForm) onJoin() {
	if !j.form.ready() {
		return
	}
	code, ok := client.NormalizeSupportCode(j.code.Text)
	if !ok {
		j.message.SetText("The code is 6 digits, like 123 456.")
		j.env.focus(j.code)
		return
	}
	submit(j.form, func(ctx context.Context) (*client.JoinedSupportSession, error) {
		return j.api.JoinSupportSession(ctx, code)
	}, j.joined)
}
