package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// scanScreen is article steps 7 and 8: the QR code of the shared secret to
// scan, the key as text for those who can't scan, and the field for the
// code the authenticator app then shows.
type scanScreen struct {
	app        *App
	enrollment *client.Enrollment
	replacing  bool
	// before is the two-factor state when the screen opened, to tell
	// whether a code whose answer was lost had been accepted.
	before *client.TwoFactor

	code       *codeEntry
	keyBox     *fyne.Container
	keyToggle  *widget.Button
	expires    *widget.Label
	portalTime *widget.Label
	message    *messageLabel
	regenerate *widget.Button
	sender     *sender
	box        fyne.CanvasObject
	stopTick   func()
	deadline   time.Time
	expired    bool
}

func newScanScreen(a *App, e *client.Enrollment, replacing bool) *scanScreen {
	s := &scanScreen{
		app: a, enrollment: e, replacing: replacing, before: a.twoFactor,
		expires:    &widget.Label{Wrapping: fyne.TextWrapWord},
		portalTime: &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance},
		message:    errorLine(),
	}
	s.code = newCodeEntry(func(string) { s.onSubmit() })
	s.sender = newSender(a, "You can enter a code again in %s.", s.code)
	s.sender.blocked = func() bool { return s.expired }
	s.code.onEdit = func(text string) {
		if text != "" {
			a.setStep(8)
		}
	}
	s.regenerate = &widget.Button{Text: "Generate a new shared secret", Importance: widget.HighImportance, OnTapped: func() {
		a.show(newConfigureScreen(a))
	}}
	s.regenerate.Hide()
	s.portalTime.Hide()

	var qr fyne.CanvasObject
	if img, err := qrCanvas(e.OTPAuthURI); err == nil {
		qr = img
	} else {
		// Only a URI too long for any QR code gets here; the key below
		// still works.
		a.log.Error("QR code", "err", err)
		qr = paragraph("The QR code can't be shown. Use \"Can't scan it? Show the key\" to enter the key by hand.")
	}
	issuer := &widget.Label{Text: e.Issuer, TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	account := &widget.Label{Text: e.AccountName, Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}

	key := &widget.Label{Text: groupKey(e.Secret), TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapWord}
	copyKey := &widget.Button{Text: "Copy key", Icon: theme.ContentCopyIcon(), OnTapped: func() {
		a.copySecret(e.Secret)
		s.expires.SetText("The key is on the clipboard for 60 seconds. " + s.expiryText())
	}}
	s.keyBox = container.NewVBox(
		paragraph("In the authenticator app, choose to enter a setup key, and type:"),
		key,
		container.NewHBox(copyKey),
		paragraph("Account: "+e.AccountName+". Type of key: time based."),
	)
	s.keyBox.Hide()
	s.keyToggle = &widget.Button{Text: "Can't scan it? Show the key", Icon: theme.VisibilityIcon(), OnTapped: s.onToggleKey}

	cancel := &widget.Button{Text: "Cancel", OnTapped: func() { a.show(newSecurityScreen(a)) }}
	title := "Scan the QR code"
	if replacing {
		title = "Scan the QR code with your new app"
	}
	left := container.NewVBox(container.NewCenter(qr), issuer, account)
	right := container.NewVBox(
		paragraph("1. Open your authenticator app on your phone, such as Microsoft Authenticator or Google Authenticator."),
		paragraph("2. Add an account and scan this QR code. Save it on your device."),
		paragraph("3. Enter the 6-digit code the app shows for it:"),
		s.code,
		container.NewHBox(s.sender.activity, s.regenerate),
		s.sender.countdown.label,
		s.message,
		s.portalTime,
	)
	s.box = wideColumn(
		heading(title),
		container.New(layout.NewGridLayoutWithColumns(2), left, right),
		container.NewHBox(s.keyToggle),
		s.keyBox,
		s.expires,
		widget.NewSeparator(),
		container.NewHBox(cancel),
	)
	return s
}

func (s *scanScreen) content() fyne.CanvasObject { return s.box }

func (s *scanScreen) articleStep() int { return 7 }

// shown puts the focus in the code field, so the person only has to type,
// and starts the enrollment's countdown.
func (s *scanScreen) shown() {
	var offset time.Duration
	if r, ok := s.app.api.Clock(); ok {
		// At the earliest the clocks' difference allows: better to
		// promise a second less than a second more.
		offset = r.Offset - r.Uncertainty
	}
	// The portal's expiry, on this computer's clock.
	s.deadline = s.enrollment.ExpiresAt.Add(offset)
	s.stopTick = s.app.every(time.Second, s.tick)
	s.tick()
	s.app.focus(s.code)
}

func (s *scanScreen) hidden() {
	if s.stopTick != nil {
		s.stopTick()
	}
	s.sender.stop()
}

// tick updates the time left on the enrollment, and the portal's clock
// when it is shown.
func (s *scanScreen) tick() {
	if s.portalTime.Visible() {
		s.showPortalTime()
	}
	if s.expired {
		return
	}
	if s.app.now().After(s.deadline) {
		s.onExpired(nil)
		return
	}
	s.expires.SetText(s.expiryText())
}

func (s *scanScreen) expiryText() string {
	return "This QR code is valid for another " + clockDuration(s.deadline.Sub(s.app.now())) + "."
}

// onExpired disables the code field and offers a new shared secret.
func (s *scanScreen) onExpired(err error) {
	s.expired = true
	s.code.Disable()
	s.expires.SetText("This QR code has expired.")
	if err == nil {
		err = client.ErrEnrollmentExpired
	}
	showError(s.message, err)
	s.regenerate.Show()
	s.app.focus(s.regenerate)
}

func (s *scanScreen) onToggleKey() {
	if s.keyBox.Visible() {
		s.keyBox.Hide()
		s.keyToggle.SetText("Can't scan it? Show the key")
		s.keyToggle.SetIcon(theme.VisibilityIcon())
	} else {
		s.keyBox.Show()
		s.keyToggle.SetText("Hide the key")
		s.keyToggle.SetIcon(theme.VisibilityOffIcon())
	}
}

// onSubmit sends the code once. It is never sent again automatically: if
// the answer is lost, the security status tells whether it was accepted.
func (s *scanScreen) onSubmit() {
	if !s.sender.ready() {
		return
	}
	code := s.code.Text
	if len(code) != codeDigits {
		s.message.SetText("Enter the 6-digit code from your authenticator app.")
		return
	}
	s.message.SetText("")
	s.sender.setBusy(true)
	api, id := s.app.api, s.enrollment.EnrollmentID
	s.app.background(func(ctx context.Context) func() {
		res, err := api.ConfirmTOTPEnrollment(ctx, id, code)
		if err != nil && lostAnswer(err) {
			status, statusErr := api.GetSecurity(ctx)
			return func() { s.onLostAnswer(err, status, statusErr) }
		}
		return func() { s.onResult(res, err) }
	})
}

// lostAnswer reports whether err leaves open whether the portal acted on
// the request: the connection failed or timed out, or the portal failed.
func lostAnswer(err error) bool {
	var n *client.NetworkError
	return errors.As(err, &n) || errors.Is(err, client.ErrServerError)
}

func (s *scanScreen) onResult(res *client.RecoveryCodes, err error) {
	s.sender.setBusy(false)
	if err != nil {
		s.onError(err)
		return
	}
	s.app.twoFactor = &res.TwoFactor
	s.app.show(newUpdatedScreen(s.app, res.RecoveryCodes))
}

// onLostAnswer decides from the security status, read after a lost answer,
// whether the code was accepted.
func (s *scanScreen) onLostAnswer(err error, status *client.SecurityStatus, statusErr error) {
	s.app.log.Info("confirm answer lost", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err),
		"status_read", statusErr == nil)
	s.sender.setBusy(false)
	if statusErr == nil && confirmedSince(s.before, &status.TwoFactor) {
		s.app.twoFactor = &status.TwoFactor
		s.app.show(newUpdatedScreen(s.app, nil))
		return
	}
	s.code.SetText("")
	if statusErr == nil {
		s.message.SetText("Your code didn't reach the portal. Enter the next code from your authenticator app.")
	} else {
		s.message.SetText(userMessage(err) + " When it works again, enter the next code from your authenticator app.")
	}
	s.app.focus(s.code)
}

// confirmedSince reports whether now shows an authenticator confirmed after
// the state before: newly configured, or configured at a later time.
func confirmedSince(before, now *client.TwoFactor) bool {
	if !now.Configured {
		return false
	}
	if before == nil || !before.Configured || before.ConfiguredAt == nil {
		return true
	}
	return now.ConfiguredAt != nil && now.ConfiguredAt.After(*before.ConfiguredAt)
}

func (s *scanScreen) onError(err error) {
	s.app.log.Info("code refused", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
	if s.app.sessionEnded(err) {
		return
	}
	if errors.Is(err, client.ErrEnrollmentExpired) || errors.Is(err, client.ErrEnrollmentNotFound) {
		s.onExpired(err)
		return
	}
	s.code.SetText("")
	s.app.setStep(8)
	showError(s.message, err)
	var ic *client.InvalidCodeError
	if errors.As(err, &ic) && ic.ClockOffset != nil {
		s.portalTime.Show()
		s.showPortalTime()
	}
	if s.sender.waitIfLimited(err, func() {
		s.message.SetText("")
		if !s.expired {
			s.app.focus(s.code)
		}
	}) {
		return
	}
	s.app.focus(s.code)
}

// showPortalTime shows the portal's clock, to compare with the phone's.
func (s *scanScreen) showPortalTime() {
	now := s.app.now()
	if r, ok := s.app.api.Clock(); ok {
		now = now.Add(-r.Offset)
	}
	s.portalTime.SetText("The time on the portal is " + now.Local().Format("15:04:05") + ". Compare it with your phone's clock.")
}

// groupKey writes the shared secret in groups of 4 letters, as
// authenticator apps accept it and as people read it aloud.
func groupKey(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
