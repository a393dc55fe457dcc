package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// startRevealDelay is how long the start screen stays blank before it says
// what the app is doing. The keyring usually answers well within it, and a
// screen that shows for a few frames before the next one reads as a
// flicker; a keyring that takes longer (its unlock prompt may be open) gets
// the words and the spinner.
const startRevealDelay = 300 * time.Millisecond

// startScreen shows while the app looks for a saved sign-in, which usually
// takes a moment and at most the keyring's timeout.
type startScreen struct {
	env      *env
	box      *fyne.Container // hidden until startRevealDelay has passed
	activity *widget.Activity
	label    *widget.Label
	stop     func() // stops the reveal timer
}

func newStartScreen(e *env) *startScreen {
	s := &startScreen{env: e, activity: widget.NewActivity(), label: widget.NewLabel("Looking for your saved sign-in…")}
	s.box = container.NewCenter(container.NewVBox(s.activity, s.label))
	s.box.Hide()
	return s
}

// say changes what the screen says it is doing.
func (s *startScreen) say(text string) { s.label.SetText(text) }

func (s *startScreen) content() fyne.CanvasObject { return s.box }

func (s *startScreen) articleStep() int { return 1 }

func (s *startScreen) name() string { return "Starting" }

func (s *startScreen) shown() {
	s.stop = s.env.after(startRevealDelay, func() {
		s.box.Show()
		s.activity.Start()
	})
}

func (s *startScreen) hidden() {
	s.stop()
	s.activity.Stop()
}
