package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestShareProgressInRealWindows is issue 16's check in two real windows:
// given the client's app started with -demo -guide and the help desk's app
// started on its own against the client's demo portal, when the client
// shares their progress (the header's button), the help desk signs in
// (password and a code) and joins with the code read off the client's
// screen, and the client walks to the QR code step, then the help desk's
// window shows step 7 (in its title, and in its screenshot), the portal's
// answer says step 7, and nothing the portal keeps of the progress holds
// the shared secret or a password; and when the client signs out, the help
// desk's window says the session ended.
func TestShareProgressInRealWindows(t *testing.T) {
	requireDesktop(t, "xdotool", "/usr/bin/import", "zbarimg", "oathtool", "tesseract")
	bin := buildApp(t)
	clientDir := filepath.Join(t.TempDir(), "client")
	j := &journey{t: t, bin: bin, theme: "light"}
	j.app = startApp(t, bin, clientDir, j.theme, "-demo", "-guide", "-v")
	cl := j.app
	cl.label = "client"
	defer cl.keepOnFailure()
	address := cl.demoAddress()
	j.portal = newPortalProbe(t, address)
	desk := cl.waitLog(helpDeskLine, windowTimeout, "the demo help desk's sign-in on standard error")
	m := helpDeskLine.FindStringSubmatch(desk)
	deskUsername, deskPassword, deskKey := m[1], m[2], totpKey{secret: m[3]}

	// The client signs in and lands on Security, then shares.
	cl.findWindow()
	cl.waitStep(1)
	cl.typeText("type the password", demoPassword)
	cl.press("Return: Sign in", "Return")
	cl.waitStep(3)
	time.Sleep(settleTime)
	mark := cl.log.mark()
	cl.clickShare()
	cl.waitLogSince(mark, portalCall("POST", "/support-sessions", "201"), "the support session opened")
	time.Sleep(settleTime)
	code := cl.readShareCode()

	// The help desk's own app, signed in to the client's portal.
	ag := startApp(t, bin, filepath.Join(t.TempDir(), "agent"), j.theme, "-v")
	ag.label = "agent"
	defer ag.keepOnFailure()
	ag.findWindow()
	time.Sleep(settleTime)
	ag.press("Shift+Tab to the portal address", "shift+Tab")
	ag.press("Ctrl+A in the portal address", "ctrl+a")
	ag.typeText("type the client's portal address", address)
	ag.press("Tab to the button of recent addresses", "Tab")
	ag.press("Tab to the username", "Tab")
	ag.typeText("type the help desk's username", deskUsername)
	ag.press("Tab to the password", "Tab")
	ag.typeText("type the help desk's password", deskPassword)
	mark = ag.log.mark()
	ag.press("Return: Sign in", "Return")
	ag.waitLogSince(mark, portalCall("POST", "/login", "200"), "the help desk's password accepted")
	time.Sleep(settleTime)
	deskCode, deskStep := deskKey.codeWithTimeLeft(t, 3*time.Second)
	mark = ag.log.mark()
	ag.typeText("type the help desk's 6-digit code", deskCode)
	ag.waitLogSince(mark, portalCall("POST", "/login/mfa", "200"), "the help desk's code accepted")
	time.Sleep(settleTime)

	// The help desk's home: the search field has the focus; Tab twice
	// reaches the join code, Return joins.
	ag.press("Tab to Search", "Tab")
	ag.press("Tab to the join code", "Tab")
	ag.typeText("type the code the client read out", code)
	mark = ag.log.mark()
	ag.press("Return: Join", "Return")
	ag.waitLogSince(mark, portalCall("POST", "/support/support-sessions/join", "200"), "the join accepted")
	watch := ag.waitLogSince(mark, portalCall("GET", "/support/support-sessions/[^ ?]+", "200"), "the first look at the client's progress")
	sessionID := regexp.MustCompile(`path=/support/support-sessions/([^ ?]+)`).FindStringSubmatch(watch)[1]
	following := appTitle + " — Following Demo Reseller · Demo Reseller Ltd"
	ag.waitTitle(stepTimeout, following+": Step 3 of 9")

	// The client walks on to the QR code step, from the keyboard: the
	// click on Share left the focus on Configure.
	cl.focusWindow()
	cl.press("Space on Configure", "space")
	cl.waitStep(4)
	cl.press("Space on the switch: Yes", "space")
	cl.waitStep(5)
	cl.press("Space on Generate shared secret", "space")
	cl.waitStep(7)
	key := j.scanQR()

	// The help desk sees step 7: the title, the screenshot, the portal.
	ag.waitTitle(stepTimeout, following+": Step 7 of 9")
	time.Sleep(settleTime)
	path, _ := ag.screenshot("agent-step-7")
	if text := ocr(t, path); !strings.Contains(text, "Step 7 of 9") || !strings.Contains(text, "Scan the QR code") {
		ag.fail("the help desk's screenshot %s does not read “Step 7 of 9 … Scan the QR code”; it reads:\n%s", path, text)
	}
	waitForStepAfter(deskStep)
	view := j.portal.watchAsStaff(deskUsername, deskPassword, deskKey, sessionID)
	if view.Progress.ArticleStep != 7 || view.State != "open" {
		t.Errorf("the portal's answer: step %d, state %q; want step 7, open", view.Progress.ArticleStep, view.State)
	}
	for what, secret := range map[string]string{"the shared secret": key.secret, "the password": demoPassword, "the help desk's password": deskPassword} {
		if bytes.Contains(view.raw, []byte(secret)) {
			t.Errorf("the portal's answer about the progress holds %s", what)
		}
		if f := fileHolding(t, filepath.Join(clientDir, "tmp"), secret); f != "" {
			t.Errorf("the demo portal's files hold %s in plain text: %s", what, f)
		}
	}

	// The client signs out: sharing ends, and the help desk sees it.
	cl.signOut()
	ag.waitTitle(stepTimeout, following+": ended")
	ag.screenshot("agent-ended")
	t.Logf("%d client actions, %d help-desk actions", len(cl.actions), len(ag.actions))
}

// focusWindow gives the app's window the keyboard (the test drives two).
func (r *appRun) focusWindow() {
	r.t.Helper()
	r.xdotool("windowfocus", "--sync", r.window)
	time.Sleep(settleTime)
}

// clickShare clicks the header's "Share with help desk", the button left
// of guide mode's.
func (r *appRun) clickShare() {
	r.t.Helper()
	_, img := r.screenshot("find-share")
	p, ok := buttonLeftOfGuide(img)
	if !ok {
		r.fail("no button left of Guide mode in the window's header")
	}
	r.actions = append(r.actions, "click Share with help desk")
	r.click(p)
}

// buttonLeftOfGuide finds a point inside the header button left of guide
// mode's: on a row of guide mode's button above its text (the buttons are
// 36 pixels high, the text 19), going left from its middle past its
// primary fill to the gap of the window's background between the buttons,
// the first pixel that is not the background again is that button's right
// edge.
func buttonLeftOfGuide(img image.Image) (image.Point, bool) {
	guide, ok := primaryButtonInHeader(img)
	if !ok {
		return image.Point{}, false
	}
	y := guide.Y - 12
	bg := img.At(img.Bounds().Max.X/2, img.Bounds().Min.Y+1) // above the buttons
	x := guide.X
	fill := img.At(x, y)
	for x > 0 && sameColour(img.At(x, y), fill) {
		x--
	}
	for x > 0 && !sameColour(img.At(x, y), bg) { // the rounded edge
		x--
	}
	for x > 0 && sameColour(img.At(x, y), bg) {
		x--
	}
	if x < 40 {
		return image.Point{}, false
	}
	return image.Pt(x-20, y), true
}

func sameColour(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar == br && ag == bg && ab == bb
}

// shareCode is the code as the banner shows it: two groups of 3 digits.
var shareCode = regexp.MustCompile(`\b([0-9]{3}) ?([0-9]{3})\b`)

// readShareCode reads the support session's code off the client's screen,
// as the client reads it out: tesseract on the screenshot.
func (r *appRun) readShareCode() string {
	r.t.Helper()
	path, _ := r.screenshot("share-code")
	text := ocr(r.t, path)
	i := strings.Index(text, "Read this code")
	if i < 0 {
		r.fail("the client's screenshot %s has no “Read this code to the help desk”; it reads:\n%s", path, text)
	}
	m := shareCode.FindStringSubmatch(text[i:])
	if m == nil {
		r.fail("no 6-digit code after “Read this code” in %s; it reads:\n%s", path, text[i:])
	}
	return m[1] + m[2]
}

// ocr reads the text in the image at path with tesseract, scaled up twice
// first (tesseract reads 14-pixel text poorly).
func ocr(t *testing.T, path string) string {
	t.Helper()
	big := strings.TrimSuffix(path, ".png") + "-x2.png"
	ctx, cancel := context.WithTimeout(context.Background(), 2*toolTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "/usr/bin/convert", path, "-resize", "200%", big).CombinedOutput(); err != nil {
		t.Fatalf("convert %s: %v\n%s", path, err, out)
	}
	out, err := exec.CommandContext(ctx, "tesseract", big, "-", "--psm", "3").Output()
	if err != nil {
		t.Fatalf("tesseract %s: %v", big, err)
	}
	return string(out)
}

// fileHolding returns a file under dir that holds secret as it is, or "".
func fileHolding(t *testing.T, dir, secret string) string {
	t.Helper()
	var found string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(secret)) {
			found = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// sessionView is the portal's answer to the help desk's look at a support
// session, with the answer's bytes.
type sessionView struct {
	State    string `json:"state"`
	Progress struct {
		ArticleStep int    `json:"article_step"`
		Screen      string `json:"screen"`
	} `json:"progress"`
	raw []byte
}

// watchAsStaff signs in as the help desk (password and the code of the
// current step) and reads the support session id as it stands (after=0).
func (p *portalProbe) watchAsStaff(username, password string, key totpKey, id string) sessionView {
	p.t.Helper()
	var a loginAnswer
	if status := p.call(http.MethodPost, "/login", "", map[string]string{"username": username, "password": password}, &a); status != http.StatusOK || a.MFAToken == "" {
		p.t.Fatalf("POST /login as the help desk: status %d, error %q", status, a.Error.Code)
	}
	code, _ := key.codeWithTimeLeft(p.t, 3*time.Second)
	var s loginAnswer
	if status := p.call(http.MethodPost, "/login/mfa", "", map[string]string{"mfa_token": a.MFAToken, "code": code}, &s); status != http.StatusOK {
		p.t.Fatalf("POST /login/mfa as the help desk: status %d, error %q", status, s.Error.Code)
	}
	var raw json.RawMessage
	if status := p.call(http.MethodGet, "/support/support-sessions/"+id+"?after=0", s.Token, nil, &raw); status != http.StatusOK {
		p.t.Fatalf("GET /support/support-sessions/%s: status %d", id, status)
	}
	v := sessionView{raw: raw}
	if err := json.Unmarshal(raw, &v); err != nil {
		p.t.Fatal(fmt.Errorf("the session's answer: %w", err))
	}
	return v
}
