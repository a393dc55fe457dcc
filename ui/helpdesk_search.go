package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// minSearchLength is the shortest search the portal answers.
const minSearchLength = 3

// helpDeskScreen is the home of a help-desk staff account: find a client by
// email address, name or company.
type helpDeskScreen struct {
	env  *env
	api  helpDeskAPI
	open func(id string)
	// watch opens the live view of a session joined.
	watch func(j *client.JoinedSupportSession)
	// remember keeps the last search, for coming back from a client's page.
	remember func(query string)

	query   *widget.Entry
	search  *widget.Button
	results *fyne.Container
	message *messageLabel
	sender  *sender
	form    *form
	join    *joinForm
	box     fyne.CanvasObject
}

// helpDeskAPI is what the help desk's home needs: the search, and joining
// a client's session.
type helpDeskAPI interface {
	clientSearchAPI
	joinAPI
}

// newHelpDeskScreen returns the search, showing the results for query when
// it is not empty; open opens a client's page.
func newHelpDeskScreen(e *env, api helpDeskAPI, query string, next helpDeskNext) *helpDeskScreen {
	s := &helpDeskScreen{env: e, api: api, open: next.open, watch: next.watch, remember: next.remember,
		results: container.NewVBox(), message: e.errorLine()}
	s.join = newJoinForm(e, api, next.watch)
	s.query = &widget.Entry{Text: query, PlaceHolder: "Email address, name or company", OnSubmitted: func(string) { s.onSearch() }}
	s.search = &widget.Button{Text: "Search", Importance: widget.HighImportance, OnTapped: s.onSearch}
	s.sender = newSender(e, "You can search again in %s.", s.search, s.query)
	s.form = &form{env: e, sender: s.sender, message: s.message, what: "client search",
		retry: func(error) fyne.Focusable { return s.query }}
	s.box = column(
		heading("Help desk"),
		paragraph("Find the client on the call by their email address, name or company. "+
			"Check who is calling, as your help-desk procedure says, before you change anything on their account."),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.search, s.sender.activity), s.query),
		s.sender.countdown.label,
		s.message,
		s.results,
		widget.NewSeparator(),
		s.join.content(),
	)
	return s
}

// helpDeskNext is where the help desk's home leads.
type helpDeskNext struct {
	// open opens a client's page; watch the live view of a session
	// joined; remember keeps the last search.
	open     func(id string)
	watch    func(j *client.JoinedSupportSession)
	remember func(query string)
}

func (s *helpDeskScreen) content() fyne.CanvasObject { return s.box }

// articleStep: the help desk's own screens are no step of the article.
func (s *helpDeskScreen) articleStep() int { return 0 }

func (s *helpDeskScreen) name() string { return "Help desk" }

func (s *helpDeskScreen) shown() {
	s.env.focus(s.query)
	if strings.TrimSpace(s.query.Text) != "" {
		s.onSearch()
	}
}

func (s *helpDeskScreen) hidden() {
	s.sender.stop()
	s.join.sender.stop()
}

func (s *helpDeskScreen) onSearch() {
	if !s.form.ready() {
		return
	}
	q := strings.TrimSpace(s.query.Text)
	if len([]rune(q)) < minSearchLength {
		s.message.SetText(fmt.Sprintf("Type at least %d characters of the client's email address, name or company.", minSearchLength))
		s.env.focus(s.query)
		return
	}
	s.remember(q)
	submit(s.form, func(ctx context.Context) (*client.ClientAccounts, error) {
		return s.api.SearchClientAccounts(ctx, q)
	}, func(found *client.ClientAccounts) { s.show(q, found.Accounts) })
}

// show lists the accounts found for q.
func (s *helpDeskScreen) show(q string, accounts []client.ClientAccount) {
	s.results.RemoveAll()
	if len(accounts) == 0 {
		s.results.Add(paragraph(fmt.Sprintf("No client matches “%s”. Check the spelling, or search by another of email address, name or company.", q)))
		return
	}
	for _, a := range accounts {
		id := a.ID
		s.results.Add(&widget.Button{Text: clientTitle(a), Alignment: widget.ButtonAlignLeading, OnTapped: func() { s.open(id) }})
		s.results.Add(&widget.Label{Text: a.Username + " · " + twoFactorSummary(&a.TwoFactor), Importance: widget.LowImportance})
	}
	if len(accounts) == 20 {
		s.results.Add(paragraph("Only the first 20 matches are shown: type more to narrow the search."))
	}
}

// clientTitle names a client account: "Name · Company", or its username.
func clientTitle(a client.ClientAccount) string {
	title := a.Name
	if title == "" {
		title = a.Username
	}
	if a.Company != "" {
		title += " · " + a.Company
	}
	return title
}

// twoFactorSummary is "2FA on since … · N recovery codes left" or "2FA off".
func twoFactorSummary(tf *client.TwoFactor) string {
	if !tf.Configured {
		return "Two-factor authentication off"
	}
	return enabledDetail(tf)
}
