package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// screen is one of the app's screens.
type screen interface {
	// content returns the screen's widgets, built once.
	content() fyne.CanvasObject
	// articleStep is the help article's step (1–9) the screen stands for.
	articleStep() int
	// name is the screen's name, as the help desk sees it when the person
	// shares their progress.
	name() string
	// shown runs after the screen has become visible: it sets the focus.
	shown()
	// hidden runs when another screen replaces it: it stops its timers.
	hidden()
}

// shell is the window around the screens: the header, the banners under
// it, guide mode's panel beside the screen, and the screen itself. It
// knows which article step is showing, and whether closing the window must
// first ask (recovery codes not saved yet). It is used on the UI goroutine
// only.
type shell struct {
	env   *env
	prefs settings

	header  *header
	banners *fyne.Container
	keyring *banner // nil when the keyring needs no word
	body    *fyne.Container
	guide   *guidePanel
	current screen
	step    int
	// message is what the screen's error line says now.
	message string
	// changed hears every change of step, screen or message (sharing
	// with the help desk).
	changed func()
	// closeQuestion, when set, is asked before the window closes.
	closeQuestion string
}

// newShell lays the shell out in e's window, with h as its header and g as
// guide mode's panel.
func newShell(e *env, prefs settings, h *header, g *guidePanel) *shell {
	s := &shell{env: e, prefs: prefs, header: h, guide: g, banners: container.NewVBox(), body: container.NewStack(),
		changed: func() {}}
	e.win.SetContent(container.NewBorder(
		container.NewVBox(h.content(), widget.NewSeparator(), s.banners),
		nil, g.content(), nil, s.body))
	return s
}

// show replaces the current screen.
func (s *shell) show(next screen) {
	if s.current != nil {
		s.current.hidden()
	}
	s.current = next
	s.message = ""
	s.body.Objects = []fyne.CanvasObject{next.content()}
	s.body.Refresh()
	s.setStep(next.articleStep())
	next.shown()
}

// setStep records the article step the person is on, for guide mode.
func (s *shell) setStep(n int) {
	s.step = n
	s.guide.setStep(n)
	s.updateTitle()
	s.changed()
}

// said records what the screen's error line now says.
func (s *shell) said(text string) {
	if text != s.message {
		s.message = text
		s.changed()
	}
}

// screenName is the showing screen's name, or "".
func (s *shell) screenName() string {
	if s.current == nil {
		return ""
	}
	return s.current.name()
}

// setGuide turns guide mode on or off.
func (s *shell) setGuide(on bool) {
	s.prefs.setGuide(on)
	s.guide.setVisible(on)
	s.header.setGuide(on)
	s.updateTitle()
}

// toggleGuide turns guide mode over.
func (s *shell) toggleGuide() { s.setGuide(!s.guide.visible) }

// updateTitle shows the article step in the title in guide mode, so that
// a help-desk agent can ask "what does the title bar say?".
func (s *shell) updateTitle() {
	title := appName
	if s.guide.visible && s.step > 0 {
		title = fmt.Sprintf("%s — Step %d of %d", appName, s.step, len(articleSteps))
	}
	s.env.win.SetTitle(title)
}

// appName is the product's name, the window's title.
const appName = "Partner Security"

// setKeyringBanner shows what the keyring's state means for the sign-in.
func (s *shell) setKeyringBanner(kind bannerKind, text string) {
	s.clearKeyringBanner()
	s.keyring = newBanner(kind, text)
	s.banners.Add(s.keyring)
}

// clearKeyringBanner removes the keyring's banner, if one shows.
func (s *shell) clearKeyringBanner() {
	if s.keyring != nil {
		s.banners.Remove(s.keyring)
		s.keyring = nil
	}
}

// keyringNote is the keyring banner's text, or "".
func (s *shell) keyringNote() string {
	if s.keyring == nil {
		return ""
	}
	return s.keyring.text
}

// guardClose asks question before the window closes, until unguardClose.
func (s *shell) guardClose(question string) {
	s.closeQuestion = question
	s.env.win.SetCloseIntercept(func() {
		dialog.ShowConfirm("Close "+appName+"?", question, func(ok bool) {
			if ok {
				s.env.win.Close()
			}
		}, s.env.win)
	})
}

// unguardClose lets the window close without asking.
func (s *shell) unguardClose() {
	if s.closeQuestion != "" {
		s.closeQuestion = ""
		s.env.win.SetCloseIntercept(nil)
	}
}

// confirmLeave runs leave, first asking when recovery codes on screen have
// not been saved (signing out would lose them).
func (s *shell) confirmLeave(leave func()) {
	if s.closeQuestion == "" {
		leave()
		return
	}
	dialog.ShowConfirm("Sign out?", "Your recovery codes are shown only once. Sign out without saving them?", func(ok bool) {
		if ok {
			s.unguardClose()
			leave()
		}
	}, s.env.win)
}
