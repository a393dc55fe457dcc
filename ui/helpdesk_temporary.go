package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// temporaryLifetimes are the lifetimes offered for a temporary access
// code, the portal's default (an hour) first.
var temporaryLifetimes = []struct {
	label string
	d     time.Duration
}{
	{"1 hour", time.Hour},
	{"15 minutes", 15 * time.Minute},
	{"30 minutes", 30 * time.Minute},
	{"2 hours", 2 * time.Hour},
	{"8 hours", 8 * time.Hour},
}

// temporaryAccessScreen issues a temporary access code for a client who
// lost their phone and their recovery codes, then shows it once, large,
// with what to read out.
type temporaryAccessScreen struct {
	env     *env
	api     temporaryAccessAPI
	account *client.ClientAccountDetail
	done    func()

	lifetime *widget.Select
	change   *staffChange
	body     *fyne.Container
	box      fyne.CanvasObject
	// code is the code shown, once issued.
	code *widget.Label
}

// newTemporaryAccessScreen returns the screen for account a; done goes
// back to its page.
func newTemporaryAccessScreen(e *env, api temporaryAccessAPI, a *client.ClientAccountDetail, done func()) *temporaryAccessScreen {
	s := &temporaryAccessScreen{env: e, api: api, account: a, done: done}
	s.change = newStaffChange(e, "Issue the code", "temporary access code", widget.HighImportance, s.onIssue, done)
	labels := make([]string, len(temporaryLifetimes))
	for i, l := range temporaryLifetimes {
		labels[i] = l.label
	}
	s.lifetime = widget.NewSelect(labels, nil)
	s.lifetime.SetSelectedIndex(0)
	s.body = container.NewVBox(
		paragraph("For a client who lost both their phone and their recovery codes. The code signs them in once, "+
			"with their password, and then they set up their new phone. Issue it only once you are sure who is calling."),
		widget.NewForm(widget.NewFormItem("Valid for", s.lifetime)),
		s.change.box,
	)
	s.box = column(heading("Temporary access code for "+clientTitle(a.ClientAccount)), s.body)
	return s
}

func (s *temporaryAccessScreen) content() fyne.CanvasObject { return s.box }

func (s *temporaryAccessScreen) articleStep() int { return 0 }

func (s *temporaryAccessScreen) name() string { return "Help desk: temporary access code" }

func (s *temporaryAccessScreen) shown() { s.change.shown() }

func (s *temporaryAccessScreen) hidden() { s.change.hidden() }

func (s *temporaryAccessScreen) onIssue() {
	reason, reauth, ok := s.change.begin()
	if !ok {
		return
	}
	lifetime := temporaryLifetimes[max(s.lifetime.SelectedIndex(), 0)].d
	id := s.account.ID
	submit(s.change.form, func(ctx context.Context) (*client.TemporaryAccess, error) {
		return s.api.IssueTemporaryAccess(ctx, id, reason, lifetime, reauth)
	}, s.showCode)
}

// showCode shows the code issued, once: large, in groups, with its expiry
// and the words to read out.
func (s *temporaryAccessScreen) showCode(t *client.TemporaryAccess) {
	spoken := strings.ReplaceAll(t.Code, "-", " ")
	s.code = &widget.Label{Text: spoken, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignCenter, Selectable: true}
	copied := newMessageLabel(widget.SuccessImportance)
	copyCode := &widget.Button{Text: "Copy code", Icon: theme.ContentCopyIcon(), OnTapped: func() {
		s.env.copySecret(t.Code)
		copied.SetText("Copied: the clipboard is cleared in 60 seconds.")
	}}
	done := &widget.Button{Text: "Done", Importance: widget.HighImportance, OnTapped: s.done}
	s.body.Objects = []fyne.CanvasObject{
		newBanner(bannerSuccess, "Temporary access code issued"),
		s.code,
		paragraph("It works once, " + untilText(t.ExpiresAt, s.env.now()) + ". It is shown only now: issuing another replaces it."),
		subheading("Read out to the client"),
		paragraph("“Sign in with your password, choose ‘I lost my phone’, and type this code: " + spoken + ". " +
			"Then the app shows you how to set up your new phone.”"),
		container.NewHBox(copyCode, done),
		copied,
	}
	s.body.Refresh()
	s.env.focus(done)
}
