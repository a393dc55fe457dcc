package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The widest a screen's content grows: forms and text read best in a
// column, even in a maximised window. The QR code step, with the code beside
// it, takes the wider one.
const (
	columnWidth     = 560
	wideColumnWidth = 760
)

// column lays out objects top to bottom in a column at most columnWidth
// wide, scrolling when the window is too short.
func column(objects ...fyne.CanvasObject) fyne.CanvasObject {
	return columnOf(columnWidth, objects)
}

// wideColumn is column at most wideColumnWidth wide.
func wideColumn(objects ...fyne.CanvasObject) fyne.CanvasObject {
	return columnOf(wideColumnWidth, objects)
}

func columnOf(width float32, objects []fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(objects...)
	return container.NewVScroll(container.New(&maxWidthColumn{max: width}, box))
}

// maxWidthColumn is a layout that gives its single object the width
// available, up to max, from the same left edge on every screen, with the
// theme's padding around it.
type maxWidthColumn struct{ max float32 }

// Layout places the object.
func (c *maxWidthColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 4
	w := min(size.Width-2*pad, c.max)
	for _, o := range objects {
		h := max(o.MinSize().Height, size.Height-2*pad)
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(pad, pad))
	}
}

// MinSize is the object's own minimum plus padding.
func (c *maxWidthColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding() * 4
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s.Add(fyne.NewSize(2*pad, 2*pad))
}

// heading is a screen's title.
func heading(text string) *widget.Label {
	return &widget.Label{Text: text, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
}

// subheading names a part of a screen.
func subheading(text string) *widget.Label {
	return &widget.Label{Text: text, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
}

// paragraph is wrapped body text.
func paragraph(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

// messageLabel is a wrapped label that takes no room while it is empty, for
// the messages a screen shows only at times.
type messageLabel struct {
	widget.Label
	// said, if set, hears every text shown (sharing with the help desk).
	said func(text string)
}

// newMessageLabel returns an empty, hidden message in the importance's colour.
func newMessageLabel(importance widget.Importance) *messageLabel {
	m := &messageLabel{}
	m.Wrapping = fyne.TextWrapWord
	m.Importance = importance
	m.ExtendBaseWidget(m)
	m.Hide()
	return m
}

// SetText shows text, or hides the label when text is empty.
func (m *messageLabel) SetText(text string) {
	m.Label.SetText(text)
	if m.said != nil {
		m.said(text)
	}
	if text == "" {
		m.Hide()
	} else {
		m.Show()
	}
}

// errorLine is the message line for what went wrong; set it with
// showError. What it says is shared with the help desk while the person
// shares their progress (env.said).
func (e *env) errorLine() *messageLabel {
	m := newMessageLabel(widget.DangerImportance)
	m.said = func(text string) { e.said(text) }
	return m
}

// showError puts the sentence for err in l, or clears it for nil.
func showError(l *messageLabel, err error) {
	l.SetText(userMessage(err))
}
