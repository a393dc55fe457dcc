package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// securityScreen is the account's Security page (article steps 2 and 3): the
// two-factor status, "Configure", and the security events.
type securityScreen struct {
	env     *env
	api     securityAPI
	account *accountModel
	next    securityNext

	status    *widget.Label
	detail    *widget.Label
	explain   *widget.Label
	configure *widget.Button
	events    *widget.Button
	retry     *widget.Button
	activity  *widget.Activity
	message   *messageLabel
	notice    *fyne.Container
	box       fyne.CanvasObject
}

// securityNext is where the Security page leads.
type securityNext struct {
	configure, events func()
}

// newSecurityScreen returns the Security page of the signed-in account.
func newSecurityScreen(e *env, api securityAPI, account *accountModel, next securityNext) *securityScreen {
	s := &securityScreen{
		env: e, api: api, account: account, next: next,
		status:   &widget.Label{TextStyle: fyne.TextStyle{Bold: true}},
		detail:   &widget.Label{Wrapping: fyne.TextWrapWord},
		explain:  paragraph(""),
		activity: widget.NewActivity(),
		message:  e.errorLine(),
		notice:   container.NewVBox(),
	}
	s.configure = &widget.Button{Text: "Configure", Importance: widget.HighImportance, OnTapped: next.configure}
	s.events = &widget.Button{Text: "View security events", OnTapped: next.events}
	s.retry = &widget.Button{Text: "Try again", OnTapped: s.load}
	s.retry.Hide()
	s.activity.Hide()
	s.box = column(
		heading("Security"),
		s.notice,
		subheading("Two-factor authentication"),
		container.NewHBox(widget.NewLabel("Status:"), s.status, s.activity),
		s.detail,
		s.explain,
		container.NewHBox(s.configure, s.retry),
		s.message,
		widget.NewSeparator(),
		subheading("Security events"),
		paragraph("Sign-ins, refused codes and every change to two-factor authentication on this account, newest first."),
		container.NewHBox(s.events),
	)
	s.render()
	return s
}

func (s *securityScreen) content() fyne.CanvasObject { return s.box }

// articleStep: the app did step 2 (open Security) itself; the page shows
// step 3, the status and "Configure".
func (s *securityScreen) articleStep() int { return 3 }

func (s *securityScreen) name() string { return "Security" }

func (s *securityScreen) shown() {
	if s.account.get().twoFactor == nil {
		s.load()
		return
	}
	s.env.focus(s.configure)
}

func (s *securityScreen) hidden() {}

// withNotice shows a success banner at the top of the page ("Updated").
func (s *securityScreen) withNotice(text string) *securityScreen {
	s.notice.Add(newBanner(bannerSuccess, text))
	return s
}

// load reads the security status from the portal.
func (s *securityScreen) load() {
	s.message.SetText("")
	s.retry.Hide()
	s.configure.Disable()
	s.activity.Show()
	s.activity.Start()
	s.status.SetText("checking…")
	fetch(s.env, s.api.GetSecurity, s.onLoaded)
}

// onLoaded shows the status read, or why it couldn't be.
func (s *securityScreen) onLoaded(status *client.SecurityStatus, err error) {
	s.activity.Stop()
	s.activity.Hide()
	if err != nil {
		if s.env.sessionEnded(err) {
			return
		}
		s.status.SetText("unknown")
		showError(s.message, err)
		s.retry.Show()
		s.env.focus(s.retry)
		return
	}
	s.account.setTwoFactor(&status.TwoFactor)
	s.render()
	s.env.focus(s.configure)
}

// render shows the two-factor status the app last read.
func (s *securityScreen) render() {
	tf := s.account.get().twoFactor
	if tf == nil {
		s.status.SetText("")
		s.detail.Hide()
		s.explain.SetText("")
		s.configure.Disable()
		return
	}
	s.configure.Enable()
	if !tf.Configured {
		s.status.SetText("Disabled")
		s.status.Importance = widget.DangerImportance
		s.detail.SetText("")
		s.detail.Hide()
		s.explain.SetText("Two-factor authentication asks for a code from an app on your phone each time you sign in, so a stolen password is not enough. It is currently disabled: to enable it, press Configure.")
	} else {
		s.status.SetText("Enabled")
		s.status.Importance = widget.SuccessImportance
		s.detail.SetText(enabledDetail(tf))
		s.detail.Show()
		s.explain.SetText("Signing in asks for a code from your authenticator app. Press Configure to move it to a new phone, get new recovery codes, or turn it off.")
	}
	s.status.Refresh()
}

// enabledDetail is "Enabled since 28 November 2026 · 10 recovery codes left".
func enabledDetail(tf *client.TwoFactor) string {
	since := "Enabled"
	if tf.ConfiguredAt != nil {
		since = "Enabled since " + tf.ConfiguredAt.Local().Format("2 January 2006")
	}
	return fmt.Sprintf("%s · %s", since, recoveryCodesLeft(tf.RecoveryCodesRemaining))
}

// recoveryCodesLeft is "1 recovery code left" or "N recovery codes left".
func recoveryCodesLeft(n int) string {
	if n == 1 {
		return "1 recovery code left"
	}
	return fmt.Sprintf("%d recovery codes left", n)
}
