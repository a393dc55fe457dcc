package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// sender is what every form that sends something to the portal shares:
// the activity shown while the call runs, the controls disabled meanwhile
// so nothing is sent twice, and the countdown while the portal says to wait
// (rate limited), during which the send control stays disabled.
type sender struct {
	activity  *widget.Activity
	countdown *countdown
	send      fyne.Disableable   // the button (or field) that sends
	controls  []fyne.Disableable // the rest of the form
	// blocked, if set, keeps send disabled for a reason of the screen's
	// own (the QR code has expired).
	blocked func() bool
	// status, if set, says what the call does while it runs; it is
	// cleared when the call ends.
	status  *messageLabel
	working bool
}

// newSender returns an idle sender; format is the countdown's sentence,
// with one %s for the time left.
func newSender(e *env, format string, send fyne.Disableable, controls ...fyne.Disableable) *sender {
	s := &sender{activity: widget.NewActivity(), countdown: newCountdown(e, format), send: send, controls: controls}
	s.activity.Hide()
	return s
}

// ready reports whether a new call may be sent.
func (s *sender) ready() bool {
	return !s.working && !s.countdown.running() && (s.blocked == nil || !s.blocked())
}

// setBusy shows that a call runs, or that it has ended.
func (s *sender) setBusy(on bool) {
	s.working = on
	for _, c := range s.controls {
		if on {
			c.Disable()
		} else {
			c.Enable()
		}
	}
	if on {
		s.send.Disable()
		s.activity.Show()
		s.activity.Start()
		return
	}
	s.activity.Stop()
	s.activity.Hide()
	if s.status != nil {
		s.status.SetText("")
	}
	if s.ready() {
		s.send.Enable()
	}
}

// waitIfLimited starts the countdown when err says the portal is limiting
// attempts; when it ends, send is enabled again and then is called. It
// reports whether err was that.
func (s *sender) waitIfLimited(err error, then func()) bool {
	d, ok := retryAfter(err)
	if !ok {
		return false
	}
	s.send.Disable()
	s.countdown.start(d, func() {
		if s.ready() {
			s.send.Enable()
		}
		if then != nil {
			then()
		}
	})
	return true
}

// stop ends the countdown, when the screen goes.
func (s *sender) stop() { s.countdown.cancel() }
