package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/partnersecurity/partnersecurity/client"
)

// A few screens as markup, in the test theme at a fixed window size: a
// change to what they show is deliberate or caught. On a mismatch the
// actual markup lands in testdata/failed/; copy it over the golden file to
// accept a change.

func TestGoldenSignIn(t *testing.T) {
	h := newHarness(t)
	h.start()
	current[*signInScreen](h)
	test.AssertRendersToMarkup(t, "signin.xml", h.win.Canvas())
}

func TestGoldenSecurityDisabled(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	current[*securityScreen](h)
	test.AssertRendersToMarkup(t, "security_disabled.xml", h.win.Canvas())
}

// fixedAPI is the QR code step's portal that answers from fixed values;
// calls the golden test does not expect panic through the nil interface.
type fixedAPI struct {
	confirmAPI
}

func (fixedAPI) Clock() (client.ClockReading, bool) { return client.ClockReading{}, false }

// The QR step with a fixed shared secret, so the QR code is the same each run.
func TestGoldenScan(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	h.app.env.now = func() time.Time { return at }
	e := &client.Enrollment{
		EnrollmentID: "enr_golden",
		Secret:       "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
		OTPAuthURI:   "otpauth://totp/Partner%20Portal:reseller%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Partner%20Portal&algorithm=SHA1&digits=6&period=30",
		Issuer:       "Partner Portal",
		AccountName:  "reseller@example.com",
		Algorithm:    "SHA1", Digits: 6, Period: 30,
		ExpiresAt: at.Add(10 * time.Minute),
	}
	h.app.shell.show(newScanScreen(h.app.env, fixedAPI{}, h.app.account, e, false, scanNext{}))
	test.AssertRendersToMarkup(t, "scan.xml", h.win.Canvas())
}
