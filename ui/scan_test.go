package ui

import (
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// wrongCode returns a code that is not code.
func wrongCode(code string) string {
	n, _ := strconv.Atoi(code)
	return strconv.Itoa(100000 + (n+1)%900000)
}

// Given the QR step, when the code is wrong, then the screen says so with
// the attempts left, clears the field and keeps the focus there.
func TestWrongCodeSaysAttemptsLeft(t *testing.T) {
	h := newHarness(t)
	s, key := h.toQRStep()

	test.Type(s.code, wrongCode(h.code(key, 0)))
	h.wait()
	if !strings.Contains(s.message.Text, "That code isn't right") || !strings.Contains(s.message.Text, "4 attempts left") {
		t.Errorf("message = %q", s.message.Text)
	}
	if s.code.Text != "" || h.focused() != s.code {
		t.Errorf("code field %q, focus %T: want empty and focused", s.code.Text, h.focused())
	}
	if s.portalTime.Visible() {
		t.Error("portal time shown for a plainly wrong code")
	}
	if h.app.shell.step != 8 {
		t.Errorf("article step = %d, want 8", h.app.shell.step)
	}
}

// Given a phone whose clock is 150 s slow, the portal's diagnosis reaches
// the person as a sentence about the phone's clock, with the portal's time
// beside it; the right code afterwards still works.
func TestPhoneClockSlow(t *testing.T) {
	h := newHarness(t)
	s, key := h.toQRStep()

	test.Type(s.code, h.code(key, -150*time.Second))
	h.wait()
	want := "Your phone's clock looks about 2.5 minutes slow. Turn on automatic date and time on the phone, then enter the next code."
	if !strings.HasPrefix(s.message.Text, want) {
		t.Errorf("message = %q, want it to start %q", s.message.Text, want)
	}
	if !s.portalTime.Visible() || !strings.Contains(s.portalTime.Text, "The time on the portal is") {
		t.Errorf("portal time: visible %v, %q", s.portalTime.Visible(), s.portalTime.Text)
	}

	test.Type(s.code, h.code(key, 0))
	h.wait()
	current[*updatedScreen](h)
}

// Given a code already accepted at sign-in, the same time step is refused
// as reused when confirming a new authenticator: wait for the next code.
func TestReusedCodeAsksForTheNextOne(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, _ := h.enable()

	// Sign in again with a code of the current step.
	test.Type(h.signInAgain().input.code, h.code(key, 0))
	h.wait()

	// Replace the authenticator, confirming within the same step.
	s := h.generate()
	newKey := h.shownKey(s)
	test.Type(s.code, h.code(newKey, 0))
	h.wait()
	if !strings.Contains(s.message.Text, "already been used") && !strings.Contains(s.message.Text, "just been used") {
		t.Fatalf("message = %q, want the code-reused sentence", s.message.Text)
	}
	h.nextStep()
	test.Type(s.code, h.code(newKey, 0))
	h.wait()
	current[*updatedScreen](h)
}

// Given a shared secret older than 10 minutes on the portal, the code is
// refused as expired and the screen offers to generate a new one.
func TestExpiredEnrollmentOffersANewOne(t *testing.T) {
	h := newHarness(t)
	s, key := h.toQRStep()

	h.clock.Advance(11 * time.Minute)
	test.Type(s.code, h.code(key, 0))
	h.wait()
	if !strings.Contains(s.message.Text, "has expired") || !s.regenerate.Visible() || !s.code.Disabled() {
		t.Fatalf("message %q, regenerate visible %v, code disabled %v", s.message.Text, s.regenerate.Visible(), s.code.Disabled())
	}
	if h.focused() != s.regenerate {
		t.Errorf("focus is on %T, want the regenerate button", h.focused())
	}
	test.Tap(s.regenerate)
	current[*configureScreen](h)
}

// The QR step counts down the enrollment's life on this computer's clock
// and expires it without asking the portal.
func TestEnrollmentCountdownExpires(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	s := h.generate()
	if !strings.HasPrefix(s.expires.Text, "This QR code is valid for another 9:") && s.expires.Text != "This QR code is valid for another 10:00." {
		t.Errorf("expiry = %q", s.expires.Text)
	}
	h.local.Advance(10*time.Minute + time.Second)
	h.ticker.tick()
	if s.expires.Text != "This QR code has expired." || !s.code.Disabled() || !s.regenerate.Visible() {
		t.Errorf("after 10 minutes: %q, code disabled %v, regenerate %v", s.expires.Text, s.code.Disabled(), s.regenerate.Visible())
	}
}

// Given 5 wrong codes, the portal pauses codes for the account: the screen
// counts down Retry-After with the field disabled, then a right code works.
func TestRateLimitedCodesCountDown(t *testing.T) {
	h := newHarness(t)
	s, key := h.toQRStep()

	for i := 0; i < 6 && !s.sender.countdown.running(); i++ {
		test.Type(s.code, wrongCode(h.code(key, 0)))
		h.wait()
	}
	if !s.sender.countdown.running() {
		t.Fatalf("no countdown after 6 wrong codes; message %q", s.message.Text)
	}
	if !strings.Contains(s.message.Text, "Too many attempts") || !s.code.Disabled() {
		t.Errorf("message %q, code disabled %v", s.message.Text, s.code.Disabled())
	}
	if !strings.HasPrefix(s.sender.countdown.label.Text, "You can enter a code again in 5:00") &&
		!strings.HasPrefix(s.sender.countdown.label.Text, "You can enter a code again in 4:") {
		t.Errorf("countdown = %q", s.sender.countdown.label.Text)
	}

	h.local.Advance(5*time.Minute + time.Second)
	h.clock.Advance(5*time.Minute + time.Second)
	h.ticker.tick()
	if s.sender.countdown.running() || s.code.Disabled() {
		t.Fatalf("after Retry-After: countdown %v, code disabled %v", s.sender.countdown.running(), s.code.Disabled())
	}
	// The shared secret has 10 minutes; 5 have passed.
	test.Type(s.code, h.code(key, 0))
	h.wait()
	current[*updatedScreen](h)
}

// abortConfirm passes confirm requests to the portal but drops the answer,
// closing the connection, and counts them.
func abortConfirm(count *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/totp/confirm") {
				count.Add(1)
				next.ServeHTTP(httptest.NewRecorder(), r)
				panic(http.ErrAbortHandler)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Given the portal accepts the code but its answer is lost, the app does
// not send the code again: it reads the security status, sees the
// authenticator confirmed, says Updated, and gets the recovery codes with
// the next code.
func TestLostAnswerIsResolvedByTheStatus(t *testing.T) {
	var confirms atomic.Int32
	h := newHarness(t, withWrap(abortConfirm(&confirms)))
	s, key := h.toQRStep()

	test.Type(s.code, h.code(key, 0))
	h.wait()
	if n := confirms.Load(); n != 1 {
		t.Fatalf("the code was sent %d times, want once", n)
	}
	u := current[*updatedScreen](h)
	if u.renewal == nil || !strings.Contains(visibleText(u.box), "didn't reach this computer") {
		t.Fatalf("updated screen: %s", visibleText(u.box))
	}
	h.assertTwoFactor(true)

	h.nextStep()
	test.Type(u.renewal.code, h.code(key, 0))
	h.wait()
	if findButton(u.box, "Done") == nil {
		t.Fatalf("no recovery codes after the next code: %s", visibleText(u.box))
	}
	if h.app.account.get().twoFactor.RecoveryCodesRemaining != 10 {
		t.Errorf("%d recovery codes remaining, want 10", h.app.account.get().twoFactor.RecoveryCodesRemaining)
	}
}

// Given the portal goes down on the QR step, the code gets a clear message
// and is not lost track of; once the portal is back, the next code works.
func TestPortalStoppedMidJourney(t *testing.T) {
	h := newHarness(t)
	s, key := h.toQRStep()

	h.stopPortal()
	test.Type(s.code, h.code(key, 0))
	h.wait()
	if !strings.Contains(s.message.Text, "Can't reach the portal at "+h.addr) || !strings.Contains(s.message.Text, "enter the next code") {
		t.Fatalf("message = %q", s.message.Text)
	}
	if s.code.Disabled() || h.focused() != s.code {
		t.Errorf("code field disabled %v, focus %T: want it ready for the next code", s.code.Disabled(), h.focused())
	}

	h.startPortal()
	h.nextStep()
	test.Type(s.code, h.code(key, 0))
	h.wait()
	current[*updatedScreen](h)
	h.assertTwoFactor(true)
}

// The QR code is black on white with a 4-module quiet zone in the light and
// the dark theme: a screenshot of the window decodes, with zbarimg, to the
// enrollment's otpauth URI.
func TestQRCodeScansInLightAndDarkTheme(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Fatal("zbarimg is not installed (make test installs zbar-tools)")
	}
	for _, dark := range []bool{false, true} {
		name := map[bool]string{false: "light", true: "dark"}[dark]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			variant := theme.VariantLight
			if dark {
				variant = theme.VariantDark
			}
			h.fyne.Settings().SetTheme(variantTheme{theme.DefaultTheme(), variant})
			h.start()
			h.signIn()
			s := h.generate()

			img := h.win.Canvas().Capture()
			path := filepath.Join(t.TempDir(), "qr-step.png")
			writePNG(t, path, img)
			out, err := exec.Command("zbarimg", "--raw", "-q", path).Output()
			if err != nil {
				t.Fatalf("zbarimg found no QR code in the %s theme: %v", name, err)
			}
			if got := strings.TrimSpace(string(out)); got != s.enrollment.OTPAuthURI {
				t.Errorf("QR code decodes to a different URI than the enrollment's")
			}
		})
	}
}

// variantTheme is the default theme held to one variant, light or dark,
// whatever the system prefers.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// The QR image itself: a 4-module white margin, only black and white.
func TestQRImageHasQuietZone(t *testing.T) {
	img, err := qrImage("otpauth://totp/Partner%20Portal:someone%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Partner%20Portal")
	if err != nil {
		t.Fatal(err)
	}
	n := img.Bounds().Dx()
	dark := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := img.GrayAt(x, y).Y
			if v != 0 && v != 0xff {
				t.Fatalf("pixel (%d,%d) is grey %d", x, y, v)
			}
			inZone := x < qrQuietZone || y < qrQuietZone || x >= n-qrQuietZone || y >= n-qrQuietZone
			if v == 0 {
				dark++
				if inZone {
					t.Fatalf("dark module at (%d,%d) inside the quiet zone", x, y)
				}
			}
		}
	}
	// The finder pattern's corner sits right inside the quiet zone.
	if img.GrayAt(qrQuietZone, qrQuietZone).Y != 0 {
		t.Error("no finder pattern at the quiet zone's inner corner")
	}
	if dark == 0 {
		t.Error("no dark modules")
	}
	c, err := qrCanvas("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if c.MinSize().Width < qrMinSize {
		t.Errorf("QR drawn at %v, want at least %d", c.MinSize(), qrMinSize)
	}
}
