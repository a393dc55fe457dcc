package ui

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// env is what every screen may use of the app around it: background work,
// the clock and timers, the log, the keyboard focus, the window (as the
// parent of dialogs), the clipboard, the article step shown in guide mode,
// and what to do when the portal ends the session. It holds no account
// state: that is the accountModel's.
type env struct {
	win       fyne.Window
	clipboard fyne.Clipboard
	log       *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	// inflight counts background calls that have not finished.
	inflight atomic.Int64

	// do runs a function on the UI goroutine (fyne.Do); now and every
	// are the clock and the ticker. Tests replace all three.
	do    func(func())
	now   func() time.Time
	every func(time.Duration, func()) (stop func())

	// setStep records the article step the person is on (the shell's).
	setStep func(n int)
	// said hears each message an error line shows, "" when it clears
	// (the shell's, for sharing with the help desk).
	said func(text string)
	// sessionEnded handles ErrUnauthorized from a signed-in call and
	// reports whether err was that (the flow's).
	sessionEnded func(err error) bool
}

// newEnv returns the environment of the screens in win, with the real
// clock, ticker and UI goroutine.
func newEnv(win fyne.Window, clipboard fyne.Clipboard, log *slog.Logger) *env {
	ctx, cancel := context.WithCancel(context.Background())
	return &env{
		win: win, clipboard: clipboard, log: log,
		ctx: ctx, cancel: cancel,
		do: fyne.Do, now: time.Now, every: tickEvery,
		setStep:      func(int) {},
		said:         func(string) {},
		sessionEnded: func(error) bool { return false },
	}
}

// callTimeout bounds each background call: the client's own timeouts end a
// request sooner, and this is the backstop for a portal that keeps a call
// going (a slow trickle, retries) so that no screen waits without end.
const callTimeout = 2 * time.Minute

// background runs work off the UI goroutine, then applies the function it
// returns (if any) on the UI goroutine. Every network or keyring call of the
// screens goes through here, so none can freeze the window. work's context
// ends when the app closes, or after callTimeout.
//
// A panic in work (a bug, or input nobody foresaw) must not end the app
// with the person's work on screen: it is logged with its stack and handed
// to onPanic, on the UI goroutine, as an error to show.
func (e *env) background(work func(ctx context.Context) (apply func()), onPanic func(error)) {
	e.inflight.Add(1)
	go func() {
		defer e.inflight.Add(-1)
		var apply func()
		func() {
			defer func() {
				if r := recover(); r != nil {
					e.log.Error("background call panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					if onPanic != nil {
						apply = func() { onPanic(errInternal) }
					}
				}
			}()
			ctx, cancel := context.WithTimeout(e.ctx, callTimeout)
			defer cancel()
			apply = work(ctx)
		}()
		if apply != nil {
			e.do(apply)
		}
	}()
}

// fetch runs call off the UI goroutine (through e.background) and hands
// its answer, or its error (a panic included), to done on the UI
// goroutine.
func fetch[T any](e *env, call func(ctx context.Context) (T, error), done func(T, error)) {
	e.background(func(ctx context.Context) func() {
		v, err := call(ctx)
		return func() { done(v, err) }
	}, func(err error) {
		var zero T
		done(zero, err)
	})
}

// focus gives the keyboard focus to f in the window.
func (e *env) focus(f fyne.Focusable) {
	if f != nil {
		e.win.Canvas().Focus(f)
	}
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
// on e.every, so the tests' manual ticker drives it too.
func (e *env) after(d time.Duration, f func()) (stop func()) {
	var stopTick func()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			stopTick()
		}
	}
	stopTick = e.every(d, func() {
		if !stopped {
			stop()
			f()
		}
	})
	return stop
}

// clipboardClearAfter is how long a copied secret stays on the clipboard.
const clipboardClearAfter = 60 * time.Second

// copySecret puts text on the clipboard and takes it off again after
// clipboardClearAfter, unless something else was copied meanwhile.
func (e *env) copySecret(text string) {
	e.clipboard.SetContent(text)
	e.after(clipboardClearAfter, func() {
		if e.clipboard.Content() == text {
			e.clipboard.SetContent("")
		}
	})
}
