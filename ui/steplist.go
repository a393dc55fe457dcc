package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// stepList is the article's nine steps, one row each, with the current
// one highlighted and the ones before it ticked: guide mode's panel shows
// the person's own, the help desk's live view the client's.
type stepList struct {
	rows   []*guideRow
	steps  *fyne.Container
	scroll *container.Scroll
}

func newStepList() *stepList {
	l := &stepList{steps: container.NewVBox()}
	for i, s := range articleSteps {
		r := newGuideRow(i+1, s)
		l.rows = append(l.rows, r)
		l.steps.Add(r)
	}
	l.scroll = container.NewVScroll(l.steps)
	return l
}

func (l *stepList) content() fyne.CanvasObject { return l.scroll }

// setStep highlights step n (0: none) and ticks the ones before it.
func (l *stepList) setStep(n int) {
	for i, r := range l.rows {
		r.setState(i+1 < n, i+1 == n)
	}
	l.scrollTo(n)
}

// scrollTo brings step n into view when the list is too short for all.
func (l *stepList) scrollTo(n int) {
	if n < 1 || n > len(l.rows) {
		return
	}
	l.steps.Refresh() // lay out the rows at their new heights
	r := l.rows[n-1]
	top, bottom := r.Position().Y, r.Position().Y+r.Size().Height
	view := l.scroll.Size().Height
	switch {
	case top < l.scroll.Offset.Y:
		l.scroll.ScrollToOffset(fyne.NewPos(0, top))
	case bottom > l.scroll.Offset.Y+view:
		l.scroll.ScrollToOffset(fyne.NewPos(0, bottom-view))
	}
}

// guideRow is one article step in a stepList.
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
