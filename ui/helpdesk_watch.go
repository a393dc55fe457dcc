package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// watchScreen is the help desk's live view of a client who shares their
// progress: the article's nine steps with the client's current one
// highlighted, the screen's name, the message the client sees, the last
// error's code and request ID, the clock offset, the app's version and
// system; and "ended" once the client stops sharing. It follows the
// portal's long poll while it shows.
type watchScreen struct {
	env    *env
	api    watchAPI
	joined *client.JoinedSupportSession
	next   watchNext

	state   *banner
	steps   *stepList
	step    *widget.Label
	screen  *widget.Label
	message *widget.Label
	failure *widget.Label
	clock   *widget.Label
	app     *widget.Label
	updated *widget.Label
	box     fyne.CanvasObject

	// view is the session as last read; nil until then.
	view     *client.SupportSessionView
	stop     context.CancelFunc
	stopTick func()
}

// watchNext is where the live view leads.
type watchNext struct {
	// client opens the client's page; back goes to the search.
	client func(id string)
	back   func()
}

// watchRetry is the wait after a failed poll before the next.
const watchRetry = 2 * time.Second

func newWatchScreen(e *env, api watchAPI, joined *client.JoinedSupportSession, next watchNext) *watchScreen {
	value := func() *widget.Label { return &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true} }
	s := &watchScreen{
		env: e, api: api, joined: joined, next: next,
		state:  newBanner(bannerInfo, "Connecting to the client's session…"),
		steps:  newStepList(),
		step:   &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		screen: value(), message: value(), failure: value(), clock: value(), app: value(),
		updated: &widget.Label{Importance: widget.LowImportance},
	}
	facts := widget.NewForm(
		widget.NewFormItem("Screen", s.screen),
		widget.NewFormItem("Message", s.message),
		widget.NewFormItem("Last error", s.failure),
		widget.NewFormItem("Clock", s.clock),
		widget.NewFormItem("App", s.app),
	)
	stepsBox := container.New(&fixedWidth{width: guidePanelWidth}, s.steps.content())
	s.box = container.NewBorder(
		container.NewVBox(heading("Following "+clientTitle(joined.Account)), s.state),
		container.NewVBox(widget.NewSeparator(), container.NewHBox(
			&widget.Button{Text: "Open the client's page", OnTapped: func() { next.client(joined.Account.ID) }},
			&widget.Button{Text: "Stop following", OnTapped: next.back},
			s.updated)),
		stepsBox, nil,
		container.NewVScroll(container.NewVBox(s.step, facts)))
	s.render()
	return s
}

func (s *watchScreen) content() fyne.CanvasObject { return s.box }

func (s *watchScreen) articleStep() int { return 0 }

func (s *watchScreen) name() string { return "Help desk: following a client" }

func (s *watchScreen) shown() {
	ctx, cancel := context.WithCancel(s.env.ctx)
	s.stop = cancel
	go s.follow(ctx)
	s.stopTick = s.env.every(time.Second, s.showAge)
}

func (s *watchScreen) hidden() {
	s.stop()
	s.stopTick()
}

// follow long-polls the session until it is over or the screen hides; it
// runs off the UI goroutine.
func (s *watchScreen) follow(ctx context.Context) {
	var version int64
	for ctx.Err() == nil {
		v, err := s.api.WatchSupportSession(ctx, s.joined.ID, version)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.env.do(func() { s.lost(err) })
			if errors.Is(err, client.ErrSupportSessionEnded) || errors.Is(err, client.ErrUnauthorized) ||
				errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrStaffTwoFactorRequired) {
				return
			}
			wait := watchRetry
			if d, ok := retryAfter(err); ok {
				wait = d
			}
			if !sleep(ctx, wait) {
				return
			}
			continue
		}
		version = v.Version
		s.env.do(func() { s.show(v) })
		if v.State != client.SupportSessionOpen {
			return
		}
	}
}

// show renders the session as the portal just answered.
func (s *watchScreen) show(v *client.SupportSessionView) {
	if s.view != nil && v.Version < s.view.Version {
		return
	}
	s.view = v
	s.render()
}

// lost says the view is not live, and why.
func (s *watchScreen) lost(err error) {
	s.env.log.Info("support session watch failed", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if s.env.sessionEnded(err) {
		return
	}
	switch {
	case errors.Is(err, client.ErrSupportSessionEnded):
		s.setState(bannerWarning, "This session is over: the client stopped sharing, or it was someone else's.")
	default:
		s.setState(bannerWarning, "Not live: "+userMessage(err)+" Trying again…")
	}
}

// render shows s.view.
func (s *watchScreen) render() {
	v := s.view
	if v == nil {
		s.steps.setStep(0)
		s.step.SetText("Waiting for the client's app to share its first screen…")
		return
	}
	switch v.State {
	case client.SupportSessionEnded:
		s.setState(bannerWarning, "Ended: the client stopped sharing. What you see is the last they shared.")
	case client.SupportSessionExpired:
		s.setState(bannerWarning, "Ended: the session reached its time limit. What you see is the last the client shared.")
	default:
		s.setState(bannerSuccess, "Live: this is what the client's app shows now.")
	}
	p := v.Progress
	s.setTitle(v)
	if p == nil {
		s.steps.setStep(0)
		s.step.SetText("The client's app has not shared a screen yet.")
		s.showAge()
		return
	}
	s.steps.setStep(p.ArticleStep)
	s.step.SetText(fmt.Sprintf("Step %d of %d: %s", p.ArticleStep, len(articleSteps), articleSteps[p.ArticleStep-1].title))
	s.screen.SetText(orNone(p.Screen))
	s.message.SetText(orNone(p.Message))
	if p.ErrorCode == "" {
		s.failure.SetText("none")
	} else {
		s.failure.SetText(fmt.Sprintf("%s (request %s)", p.ErrorCode, orNone(p.RequestID)))
	}
	s.clock.SetText(offsetSentence(p.ClockOffsetSeconds))
	s.app.SetText(fmt.Sprintf("Partner Security %s on %s", orNone(p.AppVersion), orNone(p.OS)))
	s.showAge()
}

// setTitle puts the client's step in the window's title, so that it shows
// in the task bar while the agent's window is behind another.
func (s *watchScreen) setTitle(v *client.SupportSessionView) {
	title := appName + " — Following " + clientTitle(s.joined.Account)
	switch {
	case v.State != client.SupportSessionOpen:
		title += ": ended"
	case v.Progress != nil:
		title += fmt.Sprintf(": Step %d of %d", v.Progress.ArticleStep, len(articleSteps))
	}
	s.env.win.SetTitle(title)
}

func (s *watchScreen) setState(kind bannerKind, text string) {
	s.state.kind = kind
	s.state.SetText(text)
}

// showAge says how long ago the client's app last shared a change.
func (s *watchScreen) showAge() {
	if s.view == nil || s.view.UpdatedAt.IsZero() {
		s.updated.SetText("")
		return
	}
	age := max(s.env.now().Sub(s.view.UpdatedAt), 0)
	s.updated.SetText("Last change " + roughDuration(age.Round(time.Second)) + " ago")
}

// orNone is text, or "none" when it is empty.
func orNone(text string) string {
	if text == "" {
		return "none"
	}
	return text
}

// offsetSentence says how far the client's computer clock is from the
// portal's, in whole seconds.
func offsetSentence(seconds int) string {
	switch {
	case seconds == 0:
		return "the client's computer agrees with the portal"
	case seconds > 0:
		return fmt.Sprintf("the client's computer is %s ahead of the portal", roughDuration(time.Duration(seconds)*time.Second))
	}
	return fmt.Sprintf("the client's computer is %s behind the portal", roughDuration(time.Duration(-seconds)*time.Second))
}
