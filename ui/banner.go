package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bannerKind picks a banner's colours.
type bannerKind int

const (
	bannerInfo bannerKind = iota
	bannerSuccess
	bannerWarning
)

// banner is a full-width coloured strip with a line of text, like the
// portal's own "Updated" banner. Its colours follow the theme, light or dark.
type banner struct {
	widget.BaseWidget
	kind bannerKind
	text string
	// badge: one short line that never wraps, for the header.
	badge bool
}

// newBanner returns a banner of kind showing text.
func newBanner(kind bannerKind, text string) *banner {
	b := &banner{kind: kind, text: text}
	b.ExtendBaseWidget(b)
	return b
}

// newBadge returns a one-line banner for short labels such as "Demo portal".
func newBadge(kind bannerKind, text string) *banner {
	b := &banner{kind: kind, text: text, badge: true}
	b.ExtendBaseWidget(b)
	return b
}

// SetText changes the banner's text.
func (b *banner) SetText(text string) {
	b.text = text
	b.Refresh()
}

// CreateRenderer builds the banner's background and label.
func (b *banner) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	bg.CornerRadius = theme.InputRadiusSize()
	label := &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	if b.badge {
		label.Wrapping = fyne.TextWrapOff
	}
	r := &bannerRenderer{b: b, bg: bg, label: label}
	r.Refresh()
	return r
}

type bannerRenderer struct {
	b     *banner
	bg    *canvas.Rectangle
	label *widget.Label
}

func (r *bannerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.label.Resize(size)
}

func (r *bannerRenderer) MinSize() fyne.Size { return r.label.MinSize() }

func (r *bannerRenderer) Refresh() {
	bg, fg := theme.ColorNamePrimary, widget.HighImportance
	switch r.b.kind {
	case bannerSuccess:
		bg, fg = theme.ColorNameSuccess, widget.SuccessImportance
	case bannerWarning:
		bg, fg = theme.ColorNameWarning, widget.WarningImportance
	}
	// A tint of the colour behind text in the same colour reads well in
	// both the light and the dark theme.
	c := theme.Color(bg)
	rr, gg, bb, _ := c.RGBA()
	r.bg.FillColor = colorWithAlpha(rr, gg, bb, 0x30)
	r.bg.StrokeColor = c
	r.bg.StrokeWidth = 1
	r.label.Importance = fg
	r.label.Text = r.b.text
	r.bg.Refresh()
	r.label.Refresh()
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }

func (r *bannerRenderer) Destroy() {}
