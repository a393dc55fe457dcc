package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shareBanner shows sharing's state under the header: the code to read
// out while nobody has joined, who watches once someone has, and why
// sharing ended. It takes no room otherwise.
type shareBanner struct {
	env *env
	// stop is "Stop sharing", again is "Share again".
	stop, again func()
	box         *fyne.Container
	// code is the large code while it shows, for tests and the window
	// test's screenshot.
	code      *canvas.Text
	expiry    *widget.Label
	stopTick  func()
	stopBtn   *widget.Button
	statusMsg string
}

func newShareBanner(e *env) *shareBanner {
	b := &shareBanner{env: e, box: container.NewVBox()}
	b.box.Hide()
	return b
}

func (b *shareBanner) content() fyne.CanvasObject { return b.box }

// text is what the banner says now, "" when hidden: for tests.
func (b *shareBanner) text() string {
	if !b.box.Visible() {
		return ""
	}
	return b.statusMsg
}

// showStarting says a code is on its way.
func (b *shareBanner) showStarting() {
	b.set(bannerInfo, "Asking the portal for a code for the help desk…")
}

// showFailed says why sharing could not start.
func (b *shareBanner) showFailed(why string) {
	b.set(bannerWarning, "Sharing with the help desk couldn't start. "+why, b.dismissButton())
}

// showCode shows code, large and in two groups, and counts down to
// expires.
func (b *shareBanner) showCode(code string, expires time.Time) {
	grouped := code
	if len(code) == 6 {
		grouped = code[:3] + " " + code[3:]
	}
	b.code = canvas.NewText(grouped, theme.Color(theme.ColorNameForeground))
	b.code.TextSize = 3 * theme.TextSize()
	b.code.TextStyle = fyne.TextStyle{Bold: true}
	b.expiry = &widget.Label{Wrapping: fyne.TextWrapWord}
	tick := func() {
		left := expires.Sub(b.env.now())
		if left < 0 {
			left = 0
		}
		b.expiry.SetText(fmt.Sprintf("The code works until %s (%s left). The help desk will see which step you are on and the app's messages — never your password or codes.",
			expires.Local().Format("15:04"), clockDuration(left)))
	}
	tick()
	b.stopBtn = &widget.Button{Text: "Stop sharing", Icon: theme.CancelIcon(), OnTapped: b.stop}
	panel := container.NewBorder(nil, nil, nil, container.NewVBox(b.stopBtn),
		container.NewVBox(
			&widget.Label{Text: "Read this code to the help desk:", TextStyle: fyne.TextStyle{Bold: true}},
			b.code,
			b.expiry))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	b.replace("Read this code to the help desk: "+grouped, container.NewStack(bg, container.NewPadded(panel)))
	b.stopTick = b.env.every(time.Second, tick)
}

// showJoined says who watches.
func (b *shareBanner) showJoined(name string) {
	b.set(bannerSuccess, fmt.Sprintf("Shared with the help desk (%s)", name), b.stopButton())
}

// showOver says why sharing ended, and offers to share again.
func (b *shareBanner) showOver(why string) {
	again := &widget.Button{Text: "Share again", OnTapped: b.again}
	b.set(bannerWarning, why, again, b.dismissButton())
}

// hide takes the banner away.
func (b *shareBanner) hide() {
	b.stopTicking()
	b.code, b.expiry, b.stopBtn, b.statusMsg = nil, nil, nil, ""
	b.box.RemoveAll()
	b.box.Hide()
}

func (b *shareBanner) stopButton() *widget.Button {
	b.stopBtn = &widget.Button{Text: "Stop sharing", Icon: theme.CancelIcon(), OnTapped: b.stop}
	return b.stopBtn
}

func (b *shareBanner) dismissButton() *widget.Button {
	return &widget.Button{Text: "Dismiss", Importance: widget.LowImportance, OnTapped: b.hide}
}

// set shows a coloured banner with text and buttons beside it.
func (b *shareBanner) set(kind bannerKind, text string, buttons ...*widget.Button) {
	row := container.NewHBox()
	for _, btn := range buttons {
		row.Add(btn)
	}
	b.code, b.expiry = nil, nil
	b.replace(text, container.NewBorder(nil, nil, nil, container.NewCenter(row), newBanner(kind, text)))
}

func (b *shareBanner) replace(text string, o fyne.CanvasObject) {
	b.stopTicking()
	b.statusMsg = text
	b.box.Objects = []fyne.CanvasObject{o}
	b.box.Show()
	b.box.Refresh()
}

func (b *shareBanner) stopTicking() {
	if b.stopTick != nil {
		b.stopTick()
		b.stopTick = nil
	}
}
