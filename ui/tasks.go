package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// background runs work off the UI goroutine, then applies the function it
// returns (if any) on the UI goroutine. Every network or keyring call of the
// screens goes through here, so none can freeze the window. work's context
// ends when the app closes.
func (a *App) background(work func(ctx context.Context) (apply func())) {
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Add(-1)
		if apply := work(a.ctx); apply != nil {
			a.do(apply)
		}
	}()
}

// tickEvery calls f on the UI goroutine every d until the returned stop
// function is called (on the UI goroutine). Countdowns use it.
func tickEvery(d time.Duration, f func()) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fyne.Do(func() {
					select {
					case <-done: // stopped while this tick was queued
					default:
						f()
					}
				})
			}
		}
	}()
	var stopped bool
	return func() {
		if !stopped {
			stopped = true
			close(done)
		}
	}
}

// after calls f once, on the UI goroutine, d from now, unless the returned
// stop function (idempotent, on the UI goroutine) is called first. It runs
// on a.every, so the tests' manual ticker drives it too.
func (a *App) after(d time.Duration, f func()) (stop func()) {
	var stopTick func()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			stopTick()
		}
	}
	stopTick = a.every(d, func() {
		if !stopped {
			stop()
			f()
		}
	})
	return stop
}
