package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/portal"
)

// In guide mode the window title and the side panel follow the article's
// steps, so a help-desk agent can say "you should be on step 5".
func TestGuideModeFollowsTheArticle(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) { c.Guide = true }))
	h.start()
	if got := h.win.Title(); got != "Partner Security — Step 1 of 9" {
		t.Errorf("title = %q", got)
	}
	if !h.app.shell.guide.box.Visible() || !h.app.shell.guide.steps.rows[0].current {
		t.Error("the guide panel does not show step 1 as current")
	}
	h.signIn()
	if got := h.win.Title(); got != "Partner Security — Step 3 of 9" {
		t.Errorf("title on Security = %q", got)
	}
	if !h.app.shell.guide.steps.rows[1].done || !h.app.shell.guide.steps.rows[2].current {
		t.Error("step 2 is not ticked, or step 3 not current")
	}
	s := h.generate()
	if got := h.win.Title(); got != "Partner Security — Step 7 of 9" {
		t.Errorf("title on the QR step = %q", got)
	}
	test.Type(s.code, "12")
	if got := h.win.Title(); got != "Partner Security — Step 8 of 9" {
		t.Errorf("title while typing the code = %q", got)
	}

	// The toolbar toggle turns it off, and the title is plain again.
	test.Tap(h.app.shell.header.guide)
	if h.app.shell.guide.box.Visible() || h.win.Title() != "Partner Security" {
		t.Errorf("guide off: panel visible %v, title %q", h.app.shell.guide.box.Visible(), h.win.Title())
	}
	if h.app.shell.prefs.guide() {
		t.Error("guide mode off is not remembered")
	}
}

// Support details tell the help desk what they need, and nothing that
// could sign anyone in.
func TestSupportDetailsHoldNoSecrets(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) { c.Guide = true }))
	h.start()
	h.signIn()
	s := h.generate()
	key := h.shownKey(s)
	code := h.code(key, 0)
	test.Type(s.code, wrongCode(code))
	h.wait()

	test.Tap(h.app.shell.guide.copyBtn)
	h.wait()
	details := h.fyne.Clipboard().Content()
	for _, want := range []string{
		"Partner Security 1.2.3 (build 7)", "Portal:            " + h.addr, "Portal time:", "Clock offset:",
		"Two-factor:        Disabled", "Article step:      8 of 9", "Last error:        invalid_code", "Error request ID:",
	} {
		if !strings.Contains(details, want) {
			t.Errorf("support details lack %q:\n%s", want, details)
		}
	}
	for name, secret := range map[string]string{
		"password": portal.DemoPassword, "token": h.app.account.get().client.Token(), "shared secret": key,
		"otpauth URI": s.enrollment.OTPAuthURI, "code": wrongCode(code),
	} {
		if strings.Contains(details, secret) {
			t.Errorf("support details contain the %s", name)
		}
	}
	if h.app.shell.guide.copied.Text == "" {
		t.Error("no word that the details were copied")
	}
}

// A sign-in that fails still leaves the portal and its error in the
// support details: that is when a help-desk call needs them.
func TestSupportDetailsAfterAFailedSignIn(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) { c.Guide = true }))
	h.start()
	s := current[*signInScreen](h)
	s.portal.SetText(h.portalURL())
	s.username.SetText(portal.DemoUsername)
	test.Type(s.password, "not-the-password")
	test.Tap(s.submit)
	h.wait()

	test.Tap(h.app.shell.guide.copyBtn)
	h.wait()
	details := h.fyne.Clipboard().Content()
	for _, want := range []string{"Portal:            " + h.addr, "Last error:        invalid_credentials", "Two-factor:        unknown (not signed in)"} {
		if !strings.Contains(details, want) {
			t.Errorf("support details lack %q:\n%s", want, details)
		}
	}
	if strings.Contains(details, "not-the-password") {
		t.Error("support details contain the typed password")
	}
}

// Starting the app writes no preferences: Fyne's preferences file watcher
// reads a file that is being rewritten as empty ("Preferences load error:
// EOF"), so the app writes only when the person changes something. Turning
// guide mode on writes it once, and it is on at the next start.
func TestStartingWritesNoPreferences(t *testing.T) {
	writes := 0
	counting := func(h *harness, _ *Config) {
		h.fyne.Preferences().AddChangeListener(func() { writes++ })
	}
	h := newHarness(t, counting)
	h.start()
	if writes != 0 {
		t.Fatalf("starting wrote the preferences %d times, want none", writes)
	}

	h.app.shell.setGuide(true)
	if writes != 1 {
		t.Errorf("turning guide mode on wrote the preferences %d times, want once", writes)
	}
	if !h.app.shell.prefs.guide() {
		t.Error("guide mode is not remembered")
	}
}
