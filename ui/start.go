package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// startScreen shows while the app looks for a saved sign-in, which usually
// takes a moment and at most the keyring's timeout.
type startScreen struct {
	box      fyne.CanvasObject
	activity *widget.Activity
}

func newStartScreen() *startScreen {
	s := &startScreen{activity: widget.NewActivity()}
	s.box = container.NewCenter(container.NewVBox(s.activity, widget.NewLabel("Looking for your saved sign-in…")))
	return s
}

func (s *startScreen) content() fyne.CanvasObject { return s.box }

func (s *startScreen) articleStep() int { return 1 }

func (s *startScreen) shown() { s.activity.Start() }

func (s *startScreen) hidden() { s.activity.Stop() }
