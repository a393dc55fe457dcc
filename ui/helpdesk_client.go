package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// clientScreen is a client's page for the help desk: two-factor status,
// recovery codes left, whether codes are paused now, open sign-ins, a
// temporary access code waiting, the recent events; and the two changes
// the help desk can make.
type clientScreen struct {
	env  *env
	api  clientAccountAPI
	id   string
	next clientNext

	title     *widget.Label
	facts     *widget.Label
	twoFactor *widget.Label
	limited   *countdown
	pending   *messageLabel
	notice    *fyne.Container
	events    *fyne.Container
	issue     *widget.Button
	reset     *widget.Button
	refresh   *widget.Button
	activity  *widget.Activity
	message   *messageLabel
	box       fyne.CanvasObject
	// account is the page as last read; nil until then.
	account *client.ClientAccountDetail
}

// clientNext is where a client's page leads.
type clientNext struct {
	// issue and reset open the two changes for the account read.
	issue, reset func(a *client.ClientAccountDetail)
	back         func()
}

// newClientScreen returns the page of the account id; notice, if not
// empty, is a success banner at its top.
func newClientScreen(e *env, api clientAccountAPI, id, notice string, next clientNext) *clientScreen {
	s := &clientScreen{
		env: e, api: api, id: id, next: next,
		title:     heading("Client"),
		facts:     paragraph(""),
		twoFactor: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		limited:   newCountdown(e, "Codes are paused after too many wrong ones: the portal takes them again in %s."),
		pending:   newMessageLabel(widget.WarningImportance),
		notice:    container.NewVBox(),
		events:    container.NewVBox(),
		activity:  widget.NewActivity(),
		message:   e.errorLine(),
	}
	if notice != "" {
		s.notice.Add(newBanner(bannerSuccess, notice))
	}
	s.issue = &widget.Button{Text: "Issue a temporary access code", Importance: widget.HighImportance, OnTapped: func() { next.issue(s.account) }}
	s.reset = &widget.Button{Text: "Reset two-factor authentication", Importance: widget.DangerImportance, OnTapped: func() { next.reset(s.account) }}
	s.refresh = &widget.Button{Text: "Refresh", OnTapped: s.load}
	s.issue.Disable()
	s.reset.Disable()
	s.activity.Hide()
	s.box = column(
		s.notice,
		s.title,
		s.facts,
		container.NewHBox(widget.NewLabel("Two-factor authentication:"), s.activity),
		s.twoFactor,
		s.limited.label,
		s.pending,
		s.message,
		container.NewHBox(s.issue, s.reset),
		paragraph("A temporary access code lets a client who lost both their phone and their recovery codes sign in once, "+
			"to set up a new phone. A reset turns two-factor authentication off altogether."),
		widget.NewSeparator(),
		subheading("Recent security events"),
		s.events,
		widget.NewSeparator(),
		container.NewHBox(&widget.Button{Text: "Back to search", OnTapped: next.back}, s.refresh),
	)
	return s
}

func (s *clientScreen) content() fyne.CanvasObject { return s.box }

func (s *clientScreen) articleStep() int { return 0 }

func (s *clientScreen) name() string { return "Help desk: a client's page" }

func (s *clientScreen) shown() { s.load() }

func (s *clientScreen) hidden() { s.limited.cancel() }

// load reads the page from the portal (which records that it was viewed).
func (s *clientScreen) load() {
	s.message.SetText("")
	s.refresh.Disable()
	s.activity.Show()
	s.activity.Start()
	fetch(s.env, func(ctx context.Context) (*client.ClientAccountDetail, error) {
		return s.api.GetClientAccount(ctx, s.id)
	}, s.onLoaded)
}

func (s *clientScreen) onLoaded(a *client.ClientAccountDetail, err error) {
	s.activity.Stop()
	s.activity.Hide()
	s.refresh.Enable()
	if err != nil {
		if s.env.sessionEnded(err) {
			return
		}
		showError(s.message, err)
		s.env.focus(s.refresh)
		return
	}
	s.account = a
	s.render()
}

// render shows the account as last read.
func (s *clientScreen) render() {
	a := s.account
	s.title.SetText(clientTitle(a.ClientAccount))
	s.facts.SetText(fmt.Sprintf("%s · %s", a.Username, openSignIns(a.ActiveSessions)))
	s.twoFactor.SetText(twoFactorSummary(&a.TwoFactor))
	s.limited.cancel()
	if until := a.CodeLimitedUntil; until != nil && until.After(s.env.now()) {
		s.limited.start(until.Sub(s.env.now()), nil)
	}
	s.pending.SetText("")
	if t := a.TemporaryAccess; t != nil {
		s.pending.SetText("A temporary access code is waiting to be used, " + untilText(t.ExpiresAt, s.env.now()) + ". Issuing a new one replaces it.")
	}
	if a.TwoFactor.Configured {
		s.issue.Enable()
		s.reset.Enable()
	} else {
		s.issue.Disable()
		s.reset.Disable()
	}
	s.events.RemoveAll()
	if len(a.Events) == 0 {
		s.events.Add(paragraph("No security events yet."))
	}
	for _, e := range a.Events {
		s.events.Add(eventRow(e))
	}
	s.env.focus(s.issue)
}

// openSignIns is "no open sign-ins", "1 open sign-in" or "N open sign-ins".
func openSignIns(n int) string {
	switch n {
	case 0:
		return "no open sign-ins"
	case 1:
		return "1 open sign-in"
	}
	return fmt.Sprintf("%d open sign-ins", n)
}

// untilText is "until 15:04", or "until 3 Dec 15:04" when that is not today.
func untilText(at, now time.Time) string {
	at, now = at.Local(), now.Local()
	if y, m, d := at.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		return "until " + at.Format("2 Jan 15:04")
	}
	return "until " + at.Format("15:04")
}
