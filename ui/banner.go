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

// CreateRenderer builds the banner's background and text.
func (b *banner) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	bg.CornerRadius = theme.InputRadiusSize()
	seg := &widget.TextSegment{Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}}
	text := widget.NewRichText(seg)
	text.Wrapping = fyne.TextWrapWord
	if b.badge {
		text.Wrapping = fyne.TextWrapOff
	}
	r := &bannerRenderer{b: b, bg: bg, text: text, seg: seg}
	r.Refresh()
	return r
}

type bannerRenderer struct {
	b    *banner
	bg   *canvas.Rectangle
	text *widget.RichText
	seg  *widget.TextSegment
}

func (r *bannerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.text.Resize(size)
}

func (r *bannerRenderer) MinSize() fyne.Size { return r.text.MinSize() }

// Refresh paints the banner in a solid theme colour with the theme's text
// colour for it ("foreground on success"…), which reads well in the light
// and the dark theme alike.
func (r *bannerRenderer) Refresh() {
	bg, fg := theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	switch r.b.kind {
	case bannerSuccess:
		bg, fg = theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case bannerWarning:
		bg, fg = theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	}
	r.bg.FillColor = theme.Color(bg)
	r.seg.Style.ColorName = fg
	r.seg.Text = r.b.text
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }

func (r *bannerRenderer) Destroy() {}
