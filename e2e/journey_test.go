package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo account, as -demo prints it (portal.DemoUsername and
// portal.DemoPassword; the test keeps its own copy, like a person reading
// the line).
const (
	demoUsername = "reseller@example.com"
	demoPassword = "demo-password-123"
)

// TestJourneyInRealWindow is the article's journey in the real window:
// given the app built and started with -demo -guide under the X display,
// when a person signs in and, from the keyboard alone, presses Configure,
// turns "Require two-factor authentication for login" to Yes, generates
// the shared secret, scans the QR code from the screen and types the code
// their authenticator shows, then the window says "Updated" and the portal
// asks for a code at the next sign-in.
//
// It runs in the light and the dark theme: the QR code must be black on
// white, with its quiet zone, in both.
//
// PARTNERSECURITY_SCREENSHOTS=DIR (make screenshots) saves the light run's
// screens, without the guide panel, and one with it, as the README's
// pictures. PARTNERSECURITY_JOURNEY_REPORT=FILE (make bench) writes the
// light run's actions and HTTP round trips (see writeJourneyReport).
func TestJourneyInRealWindow(t *testing.T) {
	requireDesktop(t, "xdotool", "/usr/bin/import", "zbarimg", "oathtool")
	bin := buildApp(t)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			j := &journey{t: t, bin: bin, theme: theme}
			if theme == "light" {
				j.docs = os.Getenv("PARTNERSECURITY_SCREENSHOTS")
				j.report = os.Getenv("PARTNERSECURITY_JOURNEY_REPORT")
			}
			j.run()
		})
	}
}

// journey is one run of the article's journey in the real window.
type journey struct {
	t     *testing.T
	bin   string
	theme string
	// docs, when set, is the directory for the README's screenshots.
	docs string
	// report, when set, is the file for the journey's figures.
	report string
	app    *appRun
	portal *portalProbe
}

func (j *journey) run() {
	t := j.t
	j.app = startApp(t, j.bin, t.TempDir(), j.theme, "-demo", "-guide", "-v")
	defer j.app.keepOnFailure()
	j.portal = newPortalProbe(t, j.app.demoAddress())

	// Given an account without two-factor authentication, and a session
	// of it elsewhere, which confirming an authenticator must end.
	other := j.portal.signInWithoutCode()

	// Step 1: the demo fills in the address and username; the focus is in
	// the password field.
	j.app.findWindow()
	if j.docs != "" {
		j.app.resize(docsWidth, docsHeight)
	}
	j.app.waitStep(1)
	j.shot("1-sign-in", 1)
	start := j.app.log.mark()
	j.app.typeText("type the password", demoPassword)
	j.app.press("Return: Sign in", "Return")
	signedIn := len(j.app.actions)

	// Step 3: the Security page, with the focus on Configure.
	j.app.waitStep(3)
	j.shot("2-security", 3)
	j.app.press("Space on Configure", "space")

	// Step 4: the switch, focused; Space turns it to Yes and moves the
	// focus to Generate (step 5).
	if j.app.waitTitle(stepTimeout, stepTitle(4), stepTitle(5)) == stepTitle(5) {
		// A key press reaches Fyne as a key event and then as a character:
		// a switch that acts on the ' ' character turns over when the Space
		// that pressed Configure moves the focus to it, which is why ui's
		// yes/no switch acts on the key event only.
		t.Errorf("one Space on Configure also turned %q to Yes: step 4 was skipped",
			"Require two-factor authentication for login")
	} else {
		j.app.press("Space on the switch: Yes", "space")
		j.app.waitStep(5)
	}
	j.shot("3-configure", 5)
	j.app.press("Space on Generate shared secret", "space")

	// Step 7: the QR code, and the focus in the code field.
	j.app.waitStep(7)
	key := j.scanQR()
	j.shot("4-scan", 7)
	if j.docs != "" {
		j.guideShot("6-guide-mode")
	}
	code, step := key.codeWithTimeLeft(t, 3*time.Second)
	j.app.typeText("type the 6-digit code", code)

	// Step 9: "Updated", and the recovery codes.
	j.app.waitStep(9)
	j.shot("5-updated", 9)
	actions := j.app.actions[signedIn:]
	trips := countRoundTrips(j.app.log.snapshot()[start:])
	// The budget of round trips; and the app's log and the
	// portal's must tell the same story, or the count is wrong.
	if trips.total() > maxRoundTrips || trips.total() != trips.Served {
		t.Errorf("from sign-in to Updated the app sent %d requests (%s) and the portal served %d; want at most %d, the same on both sides",
			trips.total(), strings.Join(trips.Calls, ", "), trips.Served, maxRoundTrips)
	}

	// Then the portal asks for a code at the next sign-in, takes the next
	// code of the same key, and has ended the other session.
	j.portal.checkTwoFactorRequired(key, step+1)
	j.portal.checkSessionEnded(other)

	t.Logf("%s theme: %d actions from signed in to Updated (%s); %d HTTP round trips from sign-in to Updated",
		j.theme, len(actions), strings.Join(actions, ", "), trips.total())
	if j.report != "" {
		writeJourneyReport(t, j.report, actions, trips)
	}
}

// shot takes the screenshot of article step n: always into the run's
// directory, and for make screenshots also, without the guide panel, into
// the docs directory.
func (j *journey) shot(name string, step int) {
	j.t.Helper()
	time.Sleep(settleTime)
	j.app.screenshot(name)
	if j.docs == "" {
		return
	}
	button := j.app.hideGuide()
	j.app.waitTitle(stepTimeout, appTitle)
	j.saveDoc(name)
	j.app.showGuide(button)
	j.app.waitStep(step)
}

// guideShot saves the window as it is, guide panel and all, for the docs.
func (j *journey) guideShot(name string) {
	j.t.Helper()
	j.saveDoc(name)
}

// saveDoc waits for the window to settle and saves it into the docs
// directory.
func (j *journey) saveDoc(name string) {
	j.t.Helper()
	time.Sleep(settleTime)
	path, _ := j.app.screenshot("doc-" + name)
	if err := os.MkdirAll(j.docs, 0o755); err != nil {
		j.t.Fatal(err)
	}
	if err := copyFile(path, filepath.Join(j.docs, name+".png")); err != nil {
		j.t.Fatal(err)
	}
}

// maxRoundTrips is the most HTTP round trips the journey may take from
// sign-in to "Updated" (issue 5).
const maxRoundTrips = 5

// The window's size in the README's screenshots: the app's own default.
const (
	docsWidth  = 860
	docsHeight = 680
)

// settleTime lets the frame after a change be drawn, and the buttons'
// tap animation end, before a screenshot.
const settleTime = 700 * time.Millisecond
