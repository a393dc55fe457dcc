package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/portal"
)

// shareCodeShown is how the banner shows a support session's code.
var shareCodeShown = regexp.MustCompile(`^[0-9]{3} [0-9]{3}$`)

// startSharing taps the header's "Share with help desk" and returns the
// code the banner shows, without its space.
func (h *harness) startSharing() string {
	h.t.Helper()
	if !h.app.shell.header.share.Visible() {
		h.t.Fatal("no Share button in the header of a signed-in partner")
	}
	test.Tap(h.app.shell.header.share)
	h.wait()
	v := h.app.share.view
	if v.code == nil {
		h.t.Fatalf("no code shown; the banner says %q", v.text())
	}
	if !shareCodeShown.MatchString(v.code.Text) {
		h.t.Fatalf("the code reads %q, want two groups of 3 digits", v.code.Text)
	}
	if h.app.shell.header.share.Visible() {
		h.t.Error("Share is still offered while sharing")
	}
	return strings.ReplaceAll(v.code.Text, " ", "")
}

// join joins the session of code from the help desk's home and returns the
// live view.
func (h *harness) join(code string) *watchScreen {
	h.t.Helper()
	hd := current[*helpDeskScreen](h)
	hd.join.code.SetText(code)
	test.Tap(hd.join.join)
	h.wait()
	return current[*watchScreen](h)
}

// waitStep waits for the live view to show the client on step n.
func (w *watchScreen) waitStep(h *harness, n int) {
	h.t.Helper()
	h.waitUntil("the live view on step "+string(rune('0'+n)), func() bool {
		return w.view != nil && w.view.Progress != nil && w.view.Progress.ArticleStep == n
	})
}

// Given a reseller and the help desk signed in on one portal, when the
// reseller shares their progress, the help desk joins with the code on the
// reseller's banner (after a wrong one), and the reseller walks to the QR
// code step and enters a wrong code, then the help desk's live view
// follows each change (step, screen, the message in the reseller's words,
// its error code), the reseller's banner names who watches, nothing the
// portal keeps holds a secret, and "Stop sharing" ends the live view.
func TestShareProgressWithTheHelpDesk(t *testing.T) {
	h := newHarness(t, withHelpDesk())
	h.start()
	h.signIn()
	code := h.startSharing()

	agent := h.secondApp()
	agent.start()
	agent.signInAs(portal.DemoSupportUsername, portal.DemoSupportPassword, agent.staffKey)
	if agent.app.shell.header.share.Visible() {
		t.Error("a help-desk account is offered to share its progress")
	}
	hd := current[*helpDeskScreen](agent)
	hd.join.code.SetText(wrongCode(code))
	test.Tap(hd.join.join)
	agent.wait()
	if !strings.Contains(hd.join.message.Text, "No client is waiting with this code") {
		t.Errorf("a wrong code: %q", hd.join.message.Text)
	}
	w := agent.join(code)
	w.waitStep(agent, 3)
	if w.screen.Text != "Security" || !strings.Contains(agent.win.Title(), "Step 3 of 9") {
		t.Errorf("the live view: screen %q, title %q", w.screen.Text, agent.win.Title())
	}
	if !strings.Contains(w.app.Text, "Partner Security 1.2.3 on ") {
		t.Errorf("the app's version and system: %q", w.app.Text)
	}
	h.waitUntil("the banner names the help desk", func() bool {
		return strings.HasPrefix(h.app.share.view.text(), "Shared with the help desk (")
	})

	// The QR code step, then a wrong code.
	s := h.generate()
	key := h.shownKey(s)
	w.waitStep(agent, 7)
	if !w.steps.rows[6].current || !w.steps.rows[5].done {
		t.Error("the live view's step list doesn't highlight step 7")
	}
	if w.screen.Text != "Scan the QR code and enter the code" {
		t.Errorf("the screen's name: %q", w.screen.Text)
	}
	test.Type(s.code, wrongCode(h.code(key, 0)))
	h.wait()
	agent.waitUntil("the reseller's message", func() bool { return w.message.Text == s.message.Text && s.message.Text != "" })
	if !strings.HasPrefix(w.failure.Text, "invalid_code (request ") {
		t.Errorf("the last error: %q", w.failure.Text)
	}
	for what, secret := range map[string]string{"the key": key, "the password": portal.DemoPassword, "the help desk's key": agent.staffKey} {
		if f := h.portalFileHolding(secret); f != "" {
			t.Errorf("the portal's %s holds %s", f, what)
		}
		if strings.Contains(visibleText(w.box), secret) {
			t.Errorf("the live view shows %s", what)
		}
	}

	// Stop sharing: the live view says it ended.
	test.Tap(h.app.share.view.stopBtn)
	h.wait()
	agent.waitUntil("the live view ended", func() bool { return w.view.State == client.SupportSessionEnded })
	if !strings.Contains(w.state.text, "the client stopped sharing") || !strings.HasSuffix(agent.win.Title(), ": ended") {
		t.Errorf("ended: %q, title %q", w.state.text, agent.win.Title())
	}
	if h.app.share.view.text() != "" || !h.app.shell.header.share.Visible() {
		t.Errorf("after Stop sharing the banner says %q and Share is offered: %v", h.app.share.view.text(), h.app.shell.header.share.Visible())
	}
}

// Given a reseller sharing with the help desk watching, when the reseller
// signs out, and in a second run closes the window while sharing, then the
// help desk's live view says it ended each time.
func TestSigningOutOrClosingEndsSharing(t *testing.T) {
	h := newHarness(t, withHelpDesk())
	h.start()
	h.signIn()
	code := h.startSharing()
	agent := h.secondApp()
	agent.start()
	agent.signInAs(portal.DemoSupportUsername, portal.DemoSupportPassword, agent.staffKey)
	w := agent.join(code)
	w.waitStep(agent, 3)

	h.signOut()
	agent.waitUntil("ended after sign-out", func() bool { return w.view.State == client.SupportSessionEnded })
	if h.app.share.view.text() != "" || h.app.shell.header.share.Visible() {
		t.Errorf("signed out: the banner says %q, Share offered %v", h.app.share.view.text(), h.app.shell.header.share.Visible())
	}

	// Sign in again, share again, and close the window.
	h.nextStep()
	h.signIn()
	code = h.startSharing()
	tapButton(t, w.box, "Stop following")
	w = agent.join(code)
	w.waitStep(agent, 3)
	h.app.Close() // what closing the window runs
	agent.waitUntil("ended after the window closed", func() bool { return w.view.State == client.SupportSessionEnded })
}

// Given progress put faster than the portal answers, the outbox sends the
// first at once and then only the newest, and never the same twice.
func TestProgressOutboxFoldsABurst(t *testing.T) {
	o := newProgressOutbox()
	var mu sync.Mutex
	var sent []int
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go o.run(ctx, func(_ context.Context, p client.Progress) error {
		mu.Lock()
		sent = append(sent, p.ArticleStep)
		first := len(sent) == 1
		mu.Unlock()
		if first {
			<-release
		}
		return nil
	}, func(error) { t.Error("ended") })
	o.put(client.Progress{ArticleStep: 1})
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(sent) == 1 })
	for n := 2; n <= 7; n++ {
		o.put(client.Progress{ArticleStep: n})
	}
	close(release)
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(sent) == 2 })
	o.put(client.Progress{ArticleStep: 7})
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || sent[1] != 7 {
		t.Errorf("sent %v, want [1 7]", sent)
	}
}

// Given the portal says the session is over, the outbox stops and says so.
func TestProgressOutboxStopsWhenTheSessionEnded(t *testing.T) {
	o := newProgressOutbox()
	ended := make(chan struct{})
	done := make(chan struct{})
	go func() {
		o.run(context.Background(), func(context.Context, client.Progress) error {
			return client.ErrSupportSessionEnded
		}, func(error) { close(ended) })
		close(done)
	}()
	o.put(client.Progress{ArticleStep: 3})
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the outbox kept running after the session ended")
	}
	select {
	case <-ended:
	default:
		t.Error("ended was not called")
	}
}

// waitFor waits up to 5 s for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("waited 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// portalFileHolding returns the portal's database file (or its journal)
// that holds secret as it is, or "".
func (h *harness) portalFileHolding(secret string) string {
	h.t.Helper()
	for _, f := range []string{h.dbPath, h.dbPath + "-wal", h.dbPath + "-journal"} {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			h.t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			return f
		}
	}
	return ""
}
