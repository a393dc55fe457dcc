package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/widget"
)

// countdown shows the time left until something may be tried again, ticking
// every second, and calls its done function when the time is up.
type countdown struct {
	env    *env
	label  *messageLabel
	format string // with one %s for the time left, "Try again in %s."
	until  time.Time
	stop   func()
	done   func()
}

// newCountdown returns a stopped countdown whose label reads format.
func newCountdown(e *env, format string) *countdown {
	return &countdown{env: e, format: format, label: newMessageLabel(widget.WarningImportance)}
}

// start counts down d, then calls done (on the UI goroutine).
func (c *countdown) start(d time.Duration, done func()) {
	c.cancel()
	c.until = c.env.now().Add(d)
	c.done = done
	c.stop = c.env.every(time.Second, c.tick)
	c.tick()
}

// running reports whether the countdown has time left.
func (c *countdown) running() bool { return c.stop != nil }

// cancel stops the countdown without calling done and clears the label.
func (c *countdown) cancel() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.label.SetText("")
}

func (c *countdown) tick() {
	left := c.until.Sub(c.env.now())
	if left <= 0 {
		done := c.done
		c.cancel()
		if done != nil {
			done()
		}
		return
	}
	c.label.SetText(fmt.Sprintf(c.format, clockDuration(left)))
}

// clockDuration formats d as m:ss, rounding up so that 0:00 is never shown
// while time is left.
func clockDuration(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
