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
	env        *env
	api        confirmAPI
	account    *accountModel
	next       scanNext
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
	form       *form
	box        fyne.CanvasObject
	stopTick   func()
	deadline   time.Time
	expired    bool
}

// scanNext is where the QR code step leads.
type scanNext struct {
	// updated: the code was right; codes are the new recovery codes, or
	// nil when the answer with them was lost.
	updated func(codes []string)
	// regenerate: the QR code expired; cancel: back to Security.
	regenerate, cancel func()
}

// newScanScreen returns the QR code step of enrollment e; replacing says
// whether it replaces an authenticator already set up.
func newScanScreen(env *env, api confirmAPI, account *accountModel, e *client.Enrollment, replacing bool, next scanNext) *scanScreen {
	s := &scanScreen{
		env: env, api: api, account: account, next: next,
		enrollment: e, replacing: replacing, before: account.get().twoFactor,
		expires:    &widget.Label{Wrapping: fyne.TextWrapWord},
		portalTime: &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance},
		message:    env.errorLine(),
	}
	s.code = newCodeEntry(func(string) { s.onSubmit() })
	s.sender = newSender(env, "You can enter a code again in %s.", s.code)
	s.sender.blocked = func() bool { return s.expired }
	s.form = &form{env: env, sender: s.sender, message: s.message, what: "code",
		handle: s.onExpiredEnrollment, refused: s.onWrongCode, retry: s.retryField}
	s.code.onEdit = func(text string) {
		if text != "" {
			env.setStep(8)
		}
	}
	s.regenerate = &widget.Button{Text: "Generate a new shared secret", Importance: widget.HighImportance, OnTapped: next.regenerate}
	s.regenerate.Hide()
	s.portalTime.Hide()

	var qr fyne.CanvasObject
	if img, err := qrCanvas(e.OTPAuthURI); err == nil {
		qr = img
	} else {
		// Only a URI too long for any QR code gets here; the key below
		// still works.
		env.log.Error("QR code", "err", err)
		qr = paragraph("The QR code can't be shown. Use \"Can't scan it? Show the key\" to enter the key by hand.")
	}
	issuer := &widget.Label{Text: e.Issuer, TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	accountName := &widget.Label{Text: e.AccountName, Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}

	key := &widget.Label{Text: groupKey(e.Secret), TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapWord}
	copyKey := &widget.Button{Text: "Copy key", Icon: theme.ContentCopyIcon(), OnTapped: func() {
		env.copySecret(e.Secret)
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

	cancel := &widget.Button{Text: "Cancel", OnTapped: next.cancel}
	title := "Scan the QR code"
	if replacing {
		title = "Scan the QR code with your new app"
	}
	left := container.NewVBox(container.NewCenter(qr), issuer, accountName)
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

func (s *scanScreen) name() string { return "Scan the QR code and enter the code" }

// shown puts the focus in the code field, so the person only has to type,
// and starts the enrollment's countdown.
func (s *scanScreen) shown() {
	var offset time.Duration
	if r, ok := s.api.Clock(); ok {
		// At the earliest the clocks' difference allows: better to
		// promise a second less than a second more.
		offset = r.Offset - r.Uncertainty
	}
	// The portal's expiry, on this computer's clock.
	s.deadline = s.enrollment.ExpiresAt.Add(offset)
	s.stopTick = s.env.every(time.Second, s.tick)
	s.tick()
	s.env.focus(s.code)
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
	if s.env.now().After(s.deadline) {
		s.onExpired(nil)
		return
	}
	s.expires.SetText(s.expiryText())
}

func (s *scanScreen) expiryText() string {
	return "This QR code is valid for another " + clockDuration(s.deadline.Sub(s.env.now())) + "."
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
	s.env.focus(s.regenerate)
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

// confirmAnswer is what the code's call ends with: the portal's answer,
// or, when that was lost, the status read afterwards.
type confirmAnswer struct {
	codes *client.RecoveryCodes
	// lost is the error that left open whether the code was accepted.
	lost      error
	status    *client.SecurityStatus
	statusErr error
}

// onSubmit sends the code once. It is never sent again automatically: if
// the answer is lost, the security status tells whether it was accepted.
func (s *scanScreen) onSubmit() {
	if !s.form.ready() {
		return
	}
	code := s.code.Text
	if len(code) != codeDigits {
		s.message.SetText("Enter the 6-digit code from your authenticator app.")
		return
	}
	id := s.enrollment.EnrollmentID
	submit(s.form, func(ctx context.Context) (confirmAnswer, error) {
		res, err := s.api.ConfirmTOTPEnrollment(ctx, id, code)
		if err != nil && lostAnswer(err) {
			status, statusErr := s.api.GetSecurity(ctx)
			return confirmAnswer{lost: err, status: status, statusErr: statusErr}, nil
		}
		return confirmAnswer{codes: res}, err
	}, s.onConfirmed)
}

// lostAnswer reports whether err leaves open whether the portal acted on
// the request: the connection failed or timed out, or the portal failed.
func lostAnswer(err error) bool {
	var n *client.NetworkError
	return errors.As(err, &n) || errors.Is(err, client.ErrServerError)
}

// onConfirmed opens step 9, or decides from the status read after a lost
// answer whether the code was accepted.
func (s *scanScreen) onConfirmed(a confirmAnswer) {
	if a.lost == nil {
		s.account.setTwoFactor(&a.codes.TwoFactor)
		s.next.updated(a.codes.RecoveryCodes)
		return
	}
	s.env.log.Info("confirm answer lost", "code", client.CodeOf(a.lost), "request_id", client.RequestIDOf(a.lost),
		"status_read", a.statusErr == nil)
	if a.statusErr == nil && confirmedSince(s.before, &a.status.TwoFactor) {
		s.account.setTwoFactor(&a.status.TwoFactor)
		s.next.updated(nil)
		return
	}
	s.code.SetText("")
	if a.statusErr == nil {
		s.message.SetText("Your code didn't reach the portal. Enter the next code from your authenticator app.")
	} else {
		s.message.SetText(userMessage(a.lost) + " When it works again, enter the next code from your authenticator app.")
	}
	s.env.focus(s.code)
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

// onExpiredEnrollment ends the step when the shared secret has expired or
// was replaced.
func (s *scanScreen) onExpiredEnrollment(err error) bool {
	if errors.Is(err, client.ErrEnrollmentExpired) || errors.Is(err, client.ErrEnrollmentNotFound) {
		s.onExpired(err)
		return true
	}
	return false
}

// onWrongCode clears the refused code and, when the portal says the
// phone's clock is off, shows the portal's time to compare.
func (s *scanScreen) onWrongCode(err error) {
	s.code.SetText("")
	s.env.setStep(8)
	var ic *client.InvalidCodeError
	if errors.As(err, &ic) && ic.ClockOffset != nil {
		s.portalTime.Show()
		s.showPortalTime()
	}
}

// retryField is the code field, while the QR code is still valid.
func (s *scanScreen) retryField(error) fyne.Focusable {
	if s.expired {
		return nil
	}
	return s.code
}

// showPortalTime shows the portal's clock, to compare with the phone's.
func (s *scanScreen) showPortalTime() {
	now := s.env.now()
	if r, ok := s.api.Clock(); ok {
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
