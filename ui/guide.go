package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
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
	// share, when set, starts "Share my progress with the help desk".
	share    func()
	steps    *stepList
	status   *widget.Label
	copied   *messageLabel
	copyBtn  *widget.Button
	shareBtn *widget.Button
	box      *fyne.Container
	visible  bool
	step     int
	// canShare is whether sharing can start now (a partner signed in, not
	// sharing yet).
	canShare bool
}

// newGuidePanel returns the panel, hidden and empty: its widgets are built
// the first time guide mode is turned on, so that most starts skip them.
func newGuidePanel(details func(done func(text string)), clipboard fyne.Clipboard, share func()) *guidePanel {
	g := &guidePanel{details: details, clipboard: clipboard, share: share}
	g.box = container.New(&fixedWidth{width: guidePanelWidth})
	g.box.Hide()
	return g
}

// build makes the panel's widgets.
func (g *guidePanel) build() {
	g.status = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	g.copied = newMessageLabel(widget.SuccessImportance)
	g.steps = newStepList()
	g.copyBtn = &widget.Button{Text: "Copy support details", Icon: theme.ContentCopyIcon(), OnTapped: g.onCopy}
	g.shareBtn = &widget.Button{Text: shareShortLabel, Icon: theme.VisibilityIcon(), OnTapped: g.share}
	g.setCanShare(g.canShare)
	inner := container.NewBorder(
		container.NewVBox(subheading("Guide mode"), g.status),
		container.NewVBox(widget.NewSeparator(), g.shareBtn, g.copyBtn, g.copied),
		nil, nil,
		g.steps.content())
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
	if g.steps == nil {
		g.build()
		g.setStep(g.step)
	}
	g.box.Show()
}

// setStep highlights step n and ticks the ones before it.
func (g *guidePanel) setStep(n int) {
	g.step = n
	if g.steps == nil {
		return
	}
	if n == 0 {
		// The help desk's own screens: the steps are the client's.
		g.status.SetText("Help desk: your client's steps")
	} else {
		g.status.SetText(fmt.Sprintf("Article step %d of %d", n, len(articleSteps)))
	}
	g.steps.setStep(n)
}

// setCanShare shows "Share my progress with the help desk" when on.
func (g *guidePanel) setCanShare(on bool) {
	g.canShare = on
	if g.shareBtn == nil {
		return
	}
	if on && g.share != nil {
		g.shareBtn.Show()
	} else {
		g.shareBtn.Hide()
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
