package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/partnersecurity/partnersecurity/client"
)

// form is the send path that every form of the app shares: the call runs
// off the UI goroutine while the form shows activity and nothing can be
// sent twice; a refusal is logged (by its stable code, never a secret),
// ends the screen if the portal ended the session, is explained in the
// form's message line, counts down when the portal says to wait, and puts
// the focus where the person fixes it.
type form struct {
	env     *env
	sender  *sender
	message *messageLabel
	// what names the call in the log ("sign-in", "confirm code").
	what string
	// handle, if set, deals first with a refusal the screen treats in its
	// own way and reports whether that was all there was to do.
	handle func(err error) bool
	// refused, if set, runs for any other refusal before its message
	// shows: it empties what was refused.
	refused func(err error)
	// retry, if set, returns where the focus goes after a refusal, and
	// again when a countdown ends; nil leaves the focus where it is.
	retry func(err error) fyne.Focusable
}

// ready reports whether the form may send now.
func (f *form) ready() bool { return f.sender.ready() }

// submit runs call off the UI goroutine, with the form busy meanwhile,
// and then hands its answer to done, or its error to the refusal path, on
// the UI goroutine. A call is never retried from here: a code submission
// is sent once.
func submit[T any](f *form, call func(ctx context.Context) (T, error), done func(T)) {
	f.message.SetText("")
	f.sender.setBusy(true)
	fetch(f.env, call, func(v T, err error) {
		f.sender.setBusy(false)
		if err != nil {
			f.onRefused(err)
			return
		}
		done(v)
	})
}

// onRefused is the refusal path of submit.
func (f *form) onRefused(err error) {
	f.env.log.Info(f.what+" refused", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if f.env.sessionEnded(err) {
		return
	}
	if f.handle != nil && f.handle(err) {
		return
	}
	if f.refused != nil {
		f.refused(err)
	}
	showError(f.message, err)
	refocus := func() {
		if f.retry != nil {
			f.env.focus(f.retry(err))
		}
	}
	f.sender.waitIfLimited(err, func() {
		f.message.SetText("")
		refocus()
	})
	refocus()
}
