package e2e

import (
	"image"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestHelpDeskInRealWindow is issue 15's journey in the real window: given
// the app built and started with -demo -guide under the X display, and the
// reseller's two-factor authentication turned on as in the article, when
// the reseller loses their phone, the help desk signs in (password and a
// code of the key the demo prints), finds the reseller, issues a temporary
// access code and copies it, and the reseller signs in with it ("I lost my
// phone", the code pasted) and sets up the new phone, then the window says
// "Updated", and the portal refuses a code of the old key and takes one of
// the new.
func TestHelpDeskInRealWindow(t *testing.T) {
	requireDesktop(t, "xdotool", "/usr/bin/import", "zbarimg", "oathtool")
	bin := buildApp(t)
	j := &journey{t: t, bin: bin, theme: "light"}
	j.app = startApp(t, bin, t.TempDir(), j.theme, "-demo", "-guide", "-v")
	app := j.app
	defer app.keepOnFailure()
	j.portal = newPortalProbe(t, app.demoAddress())

	// The help desk's sign-in, which -demo prints once its portal is open.
	desk := app.waitLog(helpDeskLine, windowTimeout, "the demo help desk's sign-in on standard error")
	m := helpDeskLine.FindStringSubmatch(desk)
	deskUsername, deskPassword, deskKey := m[1], m[2], totpKey{secret: m[3]}

	// Given the reseller's two-factor authentication on, with the key of
	// their old phone, as in the article (TestJourneyInRealWindow).
	app.findWindow()
	app.waitStep(1)
	app.typeText("type the password", demoPassword)
	app.press("Return: Sign in", "Return")
	app.waitStep(3)
	app.press("Space on Configure", "space")
	app.waitStep(4)
	app.press("Space on the switch: Yes", "space")
	app.waitStep(5)
	app.press("Space on Generate shared secret", "space")
	app.waitStep(7)
	oldKey := j.scanQR()
	oldCode, oldStep := oldKey.codeWithTimeLeft(t, 3*time.Second)
	app.typeText("type the 6-digit code", oldCode)
	app.waitStep(9)
	app.press("Space: I have saved these codes", "space")
	app.press("Tab to Done", "Tab")
	app.press("Space on Done", "space")
	app.waitStep(3)
	app.signOut()

	// The help desk signs in: the username field holds the reseller's.
	app.signInAfterSignOut("the help desk's", deskUsername, deskPassword)
	time.Sleep(settleTime)
	deskCode, _ := deskKey.codeWithTimeLeft(t, 3*time.Second)
	app.typeText("type the help desk's 6-digit code", deskCode)
	// The help desk's screens are no step of the article.
	app.waitTitle(stepTimeout, appTitle)

	// The search, with the focus in its field.
	time.Sleep(settleTime)
	mark := app.log.mark()
	app.typeText("type the search", "demo res")
	app.press("Return: Search", "Return")
	app.waitLogSince(mark, portalCall("GET", "/support/accounts", "200"), "the search's answer")
	time.Sleep(settleTime)
	mark = app.log.mark()
	app.press("Tab to Search", "Tab")
	app.press("Tab to Demo Reseller · Demo Reseller Ltd", "Tab")
	app.press("Space on Demo Reseller · Demo Reseller Ltd", "space")
	app.waitLogSince(mark, portalCall("GET", "/support/accounts/[^ ]+", "200"), "the client's page read")

	// The client's page, with the focus on "Issue a temporary access code".
	time.Sleep(settleTime)
	app.press("Space on Issue a temporary access code", "space")
	time.Sleep(settleTime)
	app.typeText("type the reason", "Lost phone and recovery codes; caller checked by call-back")
	// Return in the reason (one line) issues the code, as the button does.
	mark = app.log.mark()
	app.press("Return in the reason: Issue the code", "Return")
	app.waitLogSince(mark, portalCall("POST", "/support/accounts/[^ ]+/temporary-access", "20[01]"), "the temporary access code issued")
	time.Sleep(settleTime)
	app.screenshot("temporary-access-code")
	// The focus is on Done; Copy code is before it. The code stays on the
	// clipboard for 60 s, owned by the app until it is pasted.
	app.press("Shift+Tab to Copy code", "shift+Tab")
	app.press("Space on Copy code", "space")
	copied := time.Now()
	app.signOut()

	// The reseller signs in with the password and the code pasted.
	app.signInAfterSignOut("the reseller's", demoUsername, demoPassword)
	time.Sleep(settleTime)
	app.press("Tab to Use a recovery code instead", "Tab")
	app.press("Tab to I lost my phone", "Tab")
	app.press("Space on I lost my phone", "space")
	time.Sleep(settleTime)
	if since := time.Since(copied); since > 55*time.Second {
		app.fail("the paste comes %v after Copy code: the clipboard is cleared at 60 s", since.Round(time.Second))
	}
	app.press("Ctrl+V: paste the temporary access code", "ctrl+v")
	app.press("Return: Sign in", "Return")

	// Configure, with the banner about the temporary access code; the
	// focus on the switch (Yes), then Generate, then the confirmation.
	app.waitStep(5)
	app.screenshot("new-phone")
	app.press("Tab to Generate shared secret", "Tab")
	app.press("Space on Generate shared secret", "space")
	app.waitStep(6)
	time.Sleep(settleTime)
	app.press("Tab to Cancel", "Tab")
	app.press("Tab to Continue", "Tab")
	app.press("Space on Continue", "space")
	if app.waitTitle(stepTimeout, stepTitle(7), stepTitle(5)) != stepTitle(7) {
		app.fail("the confirmation went back to step 5: was Cancel pressed instead of Continue?")
	}
	newKey := j.scanQR()
	if newKey.secret == oldKey.secret {
		t.Fatal("the new phone's QR code holds the old key")
	}
	// The portal takes no code of a time step it has already seen used on
	// the account, whichever key made it (code_reused): a person who set
	// up the old phone less than 30 s ago waits for the new phone's next
	// code.
	waitForStepAfter(oldStep)
	newCode, newStep := newKey.codeWithTimeLeft(t, 3*time.Second)
	app.typeText("type the new phone's 6-digit code", newCode)
	app.waitStep(9)
	app.screenshot("updated")

	// Then the portal refuses the old key's next code (of a step no code
	// was used in yet, so refused for the key, not as reused), and takes
	// the new key's.
	j.portal.checkCodeRefused(oldKey, newStep+1)
	j.portal.checkTwoFactorRequired(newKey, newStep+1)
	t.Logf("%d actions, %d screenshots", len(app.actions), len(app.shots))
}

// waitForStepAfter waits until the 30-second time step after `step` has
// begun.
func waitForStepAfter(step int64) {
	if wait := time.Until(time.Unix((step+1)*30, 0)); wait > 0 {
		time.Sleep(wait + 100*time.Millisecond)
	}
}

// helpDeskLine is what -demo prints of the help desk's sign-in once its
// portal is open.
var helpDeskLine = regexp.MustCompile(`^Demo help desk: username (\S+)  password (\S+)  authenticator key ([A-Z2-7]+) `)

// portalCall matches the app's log line (-v) of a portal call answered
// with status; path and status are regular expressions.
func portalCall(method, path, status string) *regexp.Regexp {
	return regexp.MustCompile(`msg="portal request" method=` + method + ` path=` + path + ` status=` + status + ` `)
}

// waitLogSince waits for a line of the app's standard error matching re,
// from line mark on.
func (r *appRun) waitLogSince(mark int, re *regexp.Regexp, what string) string {
	r.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		lines := r.log.snapshot()
		for _, l := range lines[min(mark, len(lines)):] {
			if re.MatchString(l) {
				return l
			}
		}
		r.running()
		if time.Now().After(deadline) {
			r.fail("no %s in the app's log within %v", what, stepTimeout)
		}
		time.Sleep(pollInterval)
	}
}

// signInAfterSignOut signs in from the sign-in screen that Sign out left,
// its focus in the password field: whose names the account in the actions.
func (r *appRun) signInAfterSignOut(whose, username, password string) {
	r.t.Helper()
	r.press("Shift+Tab to the username", "shift+Tab")
	r.press("Ctrl+A in the username", "ctrl+a")
	r.typeText("type "+whose+" username", username)
	r.press("Tab to the password", "Tab")
	r.typeText("type "+whose+" password", password)
	mark := r.log.mark()
	r.press("Return: Sign in", "Return")
	r.waitLogSince(mark, portalCall("POST", "/login", "200"), whose+" password accepted")
}

// signOut clicks the header's Sign out, its rightmost button, and waits
// for the sign-in screen.
func (r *appRun) signOut() {
	r.t.Helper()
	time.Sleep(settleTime)
	_, img := r.screenshot("find-sign-out")
	p, ok := rightmostHeaderButton(img)
	if !ok {
		r.fail("no button at the right end of the window's header")
	}
	r.actions = append(r.actions, "click Sign out")
	r.click(p)
	r.waitStep(1)
	time.Sleep(settleTime)
}

// rightmostHeaderButton finds a point inside the rightmost button of the
// header: on the row through the middle of guide mode's button, the
// first pixel from the right that is not the window's background is the
// button's right edge.
func rightmostHeaderButton(img image.Image) (image.Point, bool) {
	guide, ok := primaryButtonInHeader(img)
	if !ok {
		return image.Point{}, false
	}
	b := img.Bounds()
	y := guide.Y
	bg := img.At(b.Max.X-2, y)
	for x := b.Max.X - 2; x > guide.X; x-- {
		if img.At(x, y) != bg {
			return image.Pt(x-20, y), true
		}
	}
	return image.Point{}, false
}

// checkCodeRefused checks that sign-in refuses the code of time step
// `step` from key.
func (p *portalProbe) checkCodeRefused(key totpKey, step int64) {
	p.t.Helper()
	a := p.signIn()
	if !a.MFARequired || a.MFAToken == "" {
		p.t.Fatalf("POST /login: mfa_required %v, mfa_token given %v; want a code asked for", a.MFARequired, a.MFAToken != "")
	}
	var done loginAnswer
	status := p.call(http.MethodPost, "/login/mfa", "", map[string]string{"mfa_token": a.MFAToken, "code": key.codeAt(p.t, step)}, &done)
	if status == http.StatusOK || done.Token != "" || done.Error.Code != "invalid_code" {
		p.t.Errorf("POST /login/mfa with a code of the old phone's key: status %d, error %q, a token given %v; want it refused as invalid_code",
			status, done.Error.Code, done.Token != "")
	}
}
