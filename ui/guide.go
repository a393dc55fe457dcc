package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// articleStep is one step of the help article "Setting 2FA for your partner
// portal", in its own words, and what the app does for it.
type articleStep struct {
	title string
	note  string
}

// articleSteps are the article's steps 1–9.
var articleSteps = []articleStep{
	{"Log in to your portal", "Portal address, username and password; a code too if 2FA is already on."},
	{"Select the home icon, your name, then Security", "The app opens Security by itself."},
	{"2FA shows \"disabled\": press Configure", ""},
	{"Turn \"Require two-factor authentication for login\" to yes", ""},
	{"Generate the shared secret", ""},
	{"Confirm: it clears any other 2FA for this address on other devices", "Only asked when an authenticator is already set up."},
	{"Scan the QR code and save it on your device", "\"Can't scan it?\" shows the key to type in."},
	{"Enter the code from your device", "6 digits; a new one every 30 seconds."},
	{"See the \"Updated\" banner", "Then save the recovery codes."},
}

// guidePanelWidth is the side panel's width.
const guidePanelWidth = 280

// guidePanel is guide mode's side panel: the article's steps with the
// current one highlighted, and "Copy support details", so a help-desk
// agent on a call can say "you should be on step 5".
type guidePanel struct {
	// details collects the support details, and clipboard takes them.
	details   func(done func(text string))
	clipboard fyne.Clipboard
	rows      []*guideRow
	status    *widget.Label
	copied    *messageLabel
	copyBtn   *widget.Button
	steps     *fyne.Container
	scroll    *container.Scroll
	box       *fyne.Container
	visible   bool
	step      int
}

// newGuidePanel returns the panel, hidden and empty: its widgets are built
// the first time guide mode is turned on, so that most starts skip them.
func newGuidePanel(details func(done func(text string)), clipboard fyne.Clipboard) *guidePanel {
	g := &guidePanel{details: details, clipboard: clipboard}
	g.box = container.New(&fixedWidth{width: guidePanelWidth})
	g.box.Hide()
	return g
}

// build makes the panel's widgets.
func (g *guidePanel) build() {
	g.status = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	g.copied = newMessageLabel(widget.SuccessImportance)
	g.steps = container.NewVBox()
	for i, s := range articleSteps {
		r := newGuideRow(i+1, s)
		g.rows = append(g.rows, r)
		g.steps.Add(r)
	}
	g.scroll = container.NewVScroll(g.steps)
	g.copyBtn = &widget.Button{Text: "Copy support details", Icon: theme.ContentCopyIcon(), OnTapped: g.onCopy}
	inner := container.NewBorder(
		container.NewVBox(subheading("Guide mode"), g.status),
		container.NewVBox(widget.NewSeparator(), g.copyBtn, g.copied),
		nil, nil,
		g.scroll)
	g.box.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewPadded(inner))}
	g.box.Refresh()
}

func (g *guidePanel) content() fyne.CanvasObject { return g.box }

func (g *guidePanel) setVisible(on bool) {
	g.visible = on
	if !on {
		g.box.Hide()
		return
	}
	if g.rows == nil {
		g.build()
		g.setStep(g.step)
	}
	g.box.Show()
}

// setStep highlights step n and ticks the ones before it.
func (g *guidePanel) setStep(n int) {
	g.step = n
	if g.rows == nil {
		return
	}
	if n == 0 {
		// The help desk's own screens: the steps are the client's.
		g.status.SetText("Help desk: your client's steps")
	} else {
		g.status.SetText(fmt.Sprintf("Article step %d of %d", n, len(articleSteps)))
	}
	for i, r := range g.rows {
		r.setState(i+1 < n, i+1 == n)
	}
	g.scrollTo(n)
}

// scrollTo brings step n into view when the window is too short for all.
func (g *guidePanel) scrollTo(n int) {
	if n < 1 || n > len(g.rows) {
		return
	}
	g.steps.Refresh() // lay out the rows at their new heights
	r := g.rows[n-1]
	top, bottom := r.Position().Y, r.Position().Y+r.Size().Height
	view := g.scroll.Size().Height
	switch {
	case top < g.scroll.Offset.Y:
		g.scroll.ScrollToOffset(fyne.NewPos(0, top))
	case bottom > g.scroll.Offset.Y+view:
		g.scroll.ScrollToOffset(fyne.NewPos(0, bottom-view))
	}
}

func (g *guidePanel) onCopy() {
	g.copyBtn.Disable()
	g.copied.SetText("Checking the portal's clock…")
	g.details(func(text string) {
		g.clipboard.SetContent(text)
		g.copyBtn.Enable()
		g.copied.SetText("Copied. Paste them into your message to the help desk.")
	})
}

// guideRow is one article step in the guide panel.
type guideRow struct {
	widget.BaseWidget
	number  int
	step    articleStep
	done    bool
	current bool
}

func newGuideRow(n int, s articleStep) *guideRow {
	r := &guideRow{number: n, step: s}
	r.ExtendBaseWidget(r)
	return r
}

func (r *guideRow) setState(done, current bool) {
	if r.done == done && r.current == current {
		return
	}
	r.done, r.current = done, current
	r.Refresh()
}

// CreateRenderer lays out the number (or a tick), the title and, for the
// current step only, its note: so all nine steps fit in the panel.
func (r *guideRow) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	bg.CornerRadius = theme.InputRadiusSize()
	num := &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	icon := widget.NewIcon(theme.ConfirmIcon())
	title := &widget.Label{Text: r.step.title, Wrapping: fyne.TextWrapWord}
	note := &widget.Label{Text: r.step.note, Wrapping: fyne.TextWrapWord}
	text := container.NewVBox(title, note)
	// The number sits level with the title's first line, not in the middle
	// of title and note.
	marker := container.NewVBox(container.NewStack(num, icon))
	rr := &guideRowRenderer{row: r, bg: bg, num: num, icon: icon, title: title, note: note,
		layout: container.NewBorder(nil, nil, marker, nil, text)}
	rr.Refresh()
	return rr
}

type guideRowRenderer struct {
	row    *guideRow
	bg     *canvas.Rectangle
	num    *widget.Label
	icon   *widget.Icon
	title  *widget.Label
	note   *widget.Label
	layout *fyne.Container
}

func (rr *guideRowRenderer) Layout(size fyne.Size) {
	rr.bg.Resize(size)
	rr.layout.Resize(size)
}

func (rr *guideRowRenderer) MinSize() fyne.Size { return rr.layout.MinSize() }

func (rr *guideRowRenderer) Refresh() {
	r := rr.row
	rr.num.SetText(fmt.Sprint(r.number))
	if r.done {
		rr.num.Hide()
		rr.icon.Show()
	} else {
		rr.icon.Hide()
		rr.num.Show()
	}
	rr.title.TextStyle.Bold = r.current
	if r.current && r.step.note != "" {
		rr.note.Show()
	} else {
		rr.note.Hide()
	}
	if r.current {
		pr, pg, pb, _ := theme.Color(theme.ColorNamePrimary).RGBA()
		rr.bg.FillColor = colorWithAlpha(pr, pg, pb, 0x40)
	} else {
		rr.bg.FillColor = nil
	}
	rr.title.Refresh()
	rr.bg.Refresh()
	rr.layout.Refresh()
}

func (rr *guideRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{rr.bg, rr.layout}
}

func (rr *guideRowRenderer) Destroy() {}

// fixedWidth is a layout that gives its objects a fixed width and the
// height they are given.
type fixedWidth struct{ width float32 }

func (f *fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(fyne.NewSize(f.width, size.Height))
		o.Move(fyne.NewPos(0, 0))
	}
}

func (f *fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(f.width, h)
}
