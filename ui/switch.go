package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// yesNoSwitch is an on/off switch labelled "Yes" or "No", like the portal's
// "Require two-factor authentication for login". Fyne has no switch, and a
// check box or radio buttons would not match the article's "turn it to
// yes". It is focusable: Space or Enter turns it over.
type yesNoSwitch struct {
	widget.DisableableWidget
	On        bool
	OnChanged func(on bool)
	focused   bool
	hovered   bool
}

// newYesNoSwitch returns a switch in state on.
func newYesNoSwitch(on bool, changed func(bool)) *yesNoSwitch {
	s := &yesNoSwitch{On: on, OnChanged: changed}
	s.ExtendBaseWidget(s)
	return s
}

// SetOn sets the state and calls OnChanged when it changed.
func (s *yesNoSwitch) SetOn(on bool) {
	if s.On == on {
		return
	}
	s.On = on
	s.Refresh()
	if s.OnChanged != nil {
		s.OnChanged(on)
	}
}

// Tapped turns the switch over.
func (s *yesNoSwitch) Tapped(*fyne.PointEvent) {
	if s.Disabled() {
		return
	}
	if !s.focused {
		if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil {
			c.Focus(s)
		}
	}
	s.SetOn(!s.On)
}

// FocusGained shows the focus ring.
func (s *yesNoSwitch) FocusGained() { s.focused = true; s.Refresh() }

// FocusLost hides the focus ring.
func (s *yesNoSwitch) FocusLost() { s.focused = false; s.Refresh() }

// TypedRune does nothing: a key press arrives as a key event and then as a
// character, and the switch acts on the key event, as widget.Button does.
// Acting on the ' ' too would turn the switch over when the Space that
// pressed the button before it (Configure) moved the focus here.
func (s *yesNoSwitch) TypedRune(rune) {}

// TypedKey turns the switch over on Space or Enter.
func (s *yesNoSwitch) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		if !s.Disabled() {
			s.SetOn(!s.On)
		}
	}
}

// MouseIn, MouseMoved and MouseOut show hovering.
func (s *yesNoSwitch) MouseIn(*desktop.MouseEvent) { s.hovered = true; s.Refresh() }

// MouseMoved does nothing.
func (s *yesNoSwitch) MouseMoved(*desktop.MouseEvent) {}

// MouseOut ends hovering.
func (s *yesNoSwitch) MouseOut() { s.hovered = false; s.Refresh() }

// Cursor is the pointing hand.
func (s *yesNoSwitch) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer draws the track, the knob and the label.
func (s *yesNoSwitch) CreateRenderer() fyne.WidgetRenderer {
	r := &switchRenderer{
		s:     s,
		focus: canvas.NewRectangle(nil),
		track: canvas.NewRectangle(nil),
		knob:  canvas.NewCircle(nil),
		label: canvas.NewText("", nil),
	}
	r.label.TextStyle.Bold = true
	r.Refresh()
	return r
}

// Switch geometry, in Fyne units.
const (
	switchTrackW = 44
	switchTrackH = 24
	switchKnob   = 18
)

type switchRenderer struct {
	s     *yesNoSwitch
	focus *canvas.Rectangle
	track *canvas.Rectangle
	knob  *canvas.Circle
	label *canvas.Text
}

func (r *switchRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	label := fyne.MeasureText("Yes", theme.TextSize(), r.label.TextStyle)
	return fyne.NewSize(switchTrackW+3*pad+label.Width+2*pad, max(switchTrackH, label.Height)+2*pad)
}

func (r *switchRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	y := (size.Height - switchTrackH) / 2
	r.track.Move(fyne.NewPos(pad, y))
	r.track.Resize(fyne.NewSize(switchTrackW, switchTrackH))
	r.focus.Move(fyne.NewPos(pad/2, y-pad/2))
	r.focus.Resize(fyne.NewSize(switchTrackW+pad, switchTrackH+pad))
	gap := float32(switchTrackH-switchKnob) / 2
	x := pad + gap
	if r.s.On {
		x = pad + switchTrackW - gap - switchKnob
	}
	r.knob.Move(fyne.NewPos(x, y+gap))
	r.knob.Resize(fyne.NewSquareSize(switchKnob))
	ls := r.label.MinSize()
	r.label.Move(fyne.NewPos(pad+switchTrackW+2*pad, (size.Height-ls.Height)/2))
	r.label.Resize(ls)
}

func (r *switchRenderer) Refresh() {
	s := r.s
	r.label.Text = answerNo
	r.track.FillColor = theme.Color(theme.ColorNameInputBorder)
	if s.On {
		r.label.Text = answerYes
		r.track.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	r.label.Color = theme.Color(theme.ColorNameForeground)
	r.knob.FillColor = theme.Color(theme.ColorNameBackground)
	if s.Disabled() {
		r.track.FillColor = theme.Color(theme.ColorNameDisabledButton)
		r.label.Color = theme.Color(theme.ColorNameDisabled)
	}
	r.track.CornerRadius = switchTrackH / 2
	r.focus.CornerRadius = (switchTrackH + theme.Padding()) / 2
	r.focus.FillColor = nil
	switch {
	case s.focused:
		r.focus.FillColor = theme.Color(theme.ColorNameFocus)
	case s.hovered:
		r.focus.FillColor = theme.Color(theme.ColorNameHover)
	}
	r.Layout(s.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

func (r *switchRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.focus, r.track, r.knob, r.label}
}

func (r *switchRenderer) Destroy() {}
