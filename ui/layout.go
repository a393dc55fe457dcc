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

// column lays out objects top to bottom in a centred column at most
// columnWidth wide, scrolling when the window is too short.
func column(objects ...fyne.CanvasObject) fyne.CanvasObject {
	return columnOf(columnWidth, objects)
}

// wideColumn is column at most wideColumnWidth wide.
func wideColumn(objects ...fyne.CanvasObject) fyne.CanvasObject {
	return columnOf(wideColumnWidth, objects)
}

func columnOf(width float32, objects []fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(objects...)
	return container.NewVScroll(container.New(&centredColumn{max: width}, box))
}

// centredColumn is a layout that centres its single object horizontally,
// no wider than max, with the theme's padding around it.
type centredColumn struct{ max float32 }

// Layout places the object.
func (c *centredColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 4
	w := min(size.Width-2*pad, c.max)
	for _, o := range objects {
		h := max(o.MinSize().Height, size.Height-2*pad)
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, pad))
	}
}

// MinSize is the object's own minimum plus padding.
func (c *centredColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
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

// errorLine is an initially empty, wrapped label for a screen's message;
// set it with showError.
func errorLine() *widget.Label {
	return &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
}

// showError puts the sentence for err in l, or clears it for nil.
func showError(l *widget.Label, err error) {
	l.SetText(userMessage(err))
}
