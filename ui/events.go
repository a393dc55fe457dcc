package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// eventsShown is how many security events the list shows.
const eventsShown = 50

// eventsScreen lists the account's security events, newest first.
type eventsScreen struct {
	env      *env
	api      eventsAPI
	list     *fyne.Container
	activity *widget.Activity
	message  *messageLabel
	retry    *widget.Button
	back     *widget.Button
	box      fyne.CanvasObject
}

// newEventsScreen returns the list; back leaves it.
func newEventsScreen(e *env, api eventsAPI, back func()) *eventsScreen {
	s := &eventsScreen{env: e, api: api, list: container.NewVBox(), activity: widget.NewActivity(), message: e.errorLine()}
	s.retry = &widget.Button{Text: "Try again", OnTapped: s.load}
	s.retry.Hide()
	s.back = &widget.Button{Text: "Back to Security", OnTapped: back}
	s.box = column(
		heading("Security events"),
		container.NewHBox(s.activity),
		s.message,
		container.NewHBox(s.retry),
		s.list,
		widget.NewSeparator(),
		container.NewHBox(s.back),
	)
	return s
}

func (s *eventsScreen) content() fyne.CanvasObject { return s.box }

func (s *eventsScreen) articleStep() int { return 3 }

func (s *eventsScreen) name() string { return "Security events" }

func (s *eventsScreen) shown() {
	s.env.focus(s.back)
	s.load()
}

func (s *eventsScreen) hidden() { s.activity.Stop() }

func (s *eventsScreen) load() {
	s.retry.Hide()
	s.message.SetText("")
	s.activity.Show()
	s.activity.Start()
	fetch(s.env, func(ctx context.Context) (*client.SecurityEvents, error) {
		return s.api.ListSecurityEvents(ctx, eventsShown)
	}, s.onLoaded)
}

// onLoaded lists the events read, or says why they couldn't be.
func (s *eventsScreen) onLoaded(events *client.SecurityEvents, err error) {
	s.activity.Stop()
	s.activity.Hide()
	if err != nil {
		if s.env.sessionEnded(err) {
			return
		}
		showError(s.message, err)
		s.retry.Show()
		return
	}
	s.render(events.Events)
}

func (s *eventsScreen) render(events []client.SecurityEvent) {
	s.list.RemoveAll()
	if len(events) == 0 {
		s.list.Add(paragraph("No security events yet."))
		return
	}
	for _, e := range events {
		s.list.Add(eventRow(e))
	}
}

// eventRow is one security event: what, when and from where, and the
// portal's detail, with a line under it.
func eventRow(e client.SecurityEvent) fyne.CanvasObject {
	what := &widget.Label{Text: eventTitle(e.Type), TextStyle: fyne.TextStyle{Bold: true}}
	when := e.At.Local().Format("2 Jan 2006 15:04:05")
	if e.ClientAddress != "" {
		when += " · from " + e.ClientAddress
	}
	row := container.NewVBox(what, &widget.Label{Text: when, Importance: widget.LowImportance})
	if e.Detail != "" {
		row.Add(paragraph(e.Detail))
	}
	row.Add(widget.NewSeparator())
	return row
}

// eventTitle names an event type in plain words.
func eventTitle(t string) string {
	switch t {
	case client.EventSignedIn:
		return "Signed in"
	case client.EventSignInFailed:
		return "Sign-in refused"
	case client.EventCodeFailed:
		return "Code refused"
	case client.EventTwoFactorEnabled:
		return "Two-factor authentication turned on"
	case client.EventTwoFactorDisabled:
		return "Two-factor authentication turned off"
	case client.EventAuthenticatorReplaced:
		return "Authenticator replaced"
	case client.EventRecoveryCodeUsed:
		return "Recovery code used"
	case client.EventRecoveryCodesRegenerated:
		return "New recovery codes created"
	case client.EventTemporaryAccessIssued:
		return "Temporary access code issued by the help desk"
	case client.EventTemporaryAccessUsed:
		return "Signed in with a temporary access code"
	case client.EventTwoFactorResetBySupport:
		return "Two-factor authentication reset by the help desk"
	case client.EventSupportViewed:
		return "Help desk viewed a client's account"
	case client.EventSupportSessionJoined:
		return "Help desk joined a shared session"
	}
	return t
}
