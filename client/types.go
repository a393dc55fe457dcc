package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// The types below mirror the schemas of api/openapi.yaml. Each answer is
// checked for what the contract requires after decoding; an answer that
// lacks it is a *NetworkError of KindNotPortal. Unknown fields are ignored,
// so a newer portal that adds fields still works.

// Account is the signed-in portal account (schema Account).
type Account struct {
	// ID is opaque and stable.
	ID string `json:"id"`
	// Username is the sign-in name.
	Username string `json:"username"`
	// Name is the display name ("Rhea Seller"), shown on the Security page.
	Name string `json:"name"`
	// Company is the reseller's company.
	Company string `json:"company"`
	// Role is RolePartner or RoleSupport (contract v1.1; a v1 portal
	// sends none, which is a partner).
	Role string `json:"role,omitempty"`
}

// Support reports whether the account is a help-desk staff account.
func (a Account) Support() bool { return a.Role == RoleSupport }

func (a *Account) validate(answer) error {
	if a.ID == "" || a.Username == "" {
		return errors.New("the account has no id or username")
	}
	return nil
}

// Session is a signed-in session (schema Session). Token is secret: String
// and LogValue leave it out.
type Session struct {
	// Token is the bearer token; the client already holds it.
	Token string `json:"token"`
	// ExpiresAt is when the portal stops accepting the token.
	ExpiresAt time.Time `json:"expires_at"`
	// Account is the signed-in account.
	Account Account `json:"account"`
	// Next is what the app must do first, when the portal says: after a
	// sign-in with a temporary access code, NextReplaceAuthenticator.
	Next string `json:"next,omitempty"`
}

// NextReplaceAuthenticator is Session.Next after a sign-in with a
// temporary access code: the person lost their authenticator and sets up
// a new one now.
const NextReplaceAuthenticator = "replace_authenticator"

func (s *Session) validate(ans answer) error {
	switch {
	case s.Token == "" || s.ExpiresAt.IsZero():
		return errors.New("the session has no token or expiry")
	case !isHeaderToken(s.Token):
		return errors.New("the session token it gave cannot be sent back in a header (control, space or non-ASCII characters, or over 4 KiB)")
	case expired(s.ExpiresAt, ans):
		return errors.New("the session it gave has already expired")
	}
	return s.Account.validate(ans)
}

// maxTokenBytes bounds a session token: it rides in every request's
// Authorization header.
const maxTokenBytes = 4096

// isHeaderToken reports whether token can be sent as "Bearer TOKEN":
// visible ASCII only (no CR/LF, space, control or non-ASCII byte, which
// net/http refuses to send, or which would split the header) and at most
// maxTokenBytes.
func isHeaderToken(token string) bool {
	if len(token) > maxTokenBytes {
		return false
	}
	for i := range len(token) {
		if token[i] < 0x21 || token[i] > 0x7e {
			return false
		}
	}
	return true
}

// expired reports whether t, a time on the portal's clock, has passed when
// the portal answered (its Date; see answerTime).
func expired(t time.Time, ans answer) bool {
	return !t.After(answerTime(ans.header, ans.received))
}

// String describes the session without its token.
func (s Session) String() string {
	return fmt.Sprintf("session{account=%s expires_at=%s token=[redacted]}", s.Account.Username, s.ExpiresAt.Format(time.RFC3339))
}

// LogValue keeps the token out of structured logs.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(slog.String("account", s.Account.Username), slog.Time("expires_at", s.ExpiresAt))
}

// MFAChallenge is the half-finished sign-in of an account that requires a
// code (schema MFAChallenge). MFAToken is single use and secret.
type MFAChallenge struct {
	// MFAToken goes to LoginMFA with the code.
	MFAToken string `json:"mfa_token"`
	// ExpiresAt is when the code step ends (5 minutes); after it, sign in
	// again.
	ExpiresAt time.Time `json:"expires_at"`
}

// String describes the challenge without its token.
func (m MFAChallenge) String() string {
	return "mfa_challenge{expires_at=" + m.ExpiresAt.Format(time.RFC3339) + " mfa_token=[redacted]}"
}

// LogValue keeps the token out of structured logs.
func (m MFAChallenge) LogValue() slog.Value {
	return slog.GroupValue(slog.Time("expires_at", m.ExpiresAt))
}

// LoginResult is Login's answer: exactly one of Session (signed in) and
// MFA (the account requires a code next; call LoginMFA) is set.
type LoginResult struct {
	// Session is set when the sign-in is complete.
	Session *Session
	// MFA is set when the account requires a code next.
	MFA *MFAChallenge
}

// MFARequired reports whether the sign-in needs a code next.
func (r *LoginResult) MFARequired() bool { return r.MFA != nil }

// loginAnswer is the wire form of Login's oneOf answer.
type loginAnswer struct {
	Session
	MFARequired bool   `json:"mfa_required"`
	MFAToken    string `json:"mfa_token"`
}

func (l *loginAnswer) validate(ans answer) error {
	if l.MFARequired {
		switch {
		case l.MFAToken == "" || l.ExpiresAt.IsZero():
			return errors.New("the code challenge has no token or expiry")
		case expired(l.ExpiresAt, ans):
			return errors.New("the code challenge it gave has already expired")
		}
		return nil
	}
	return l.Session.validate(ans)
}

// TwoFactor is the account's two-factor state (schema TwoFactor).
type TwoFactor struct {
	// Required: sign-in asks for a code.
	Required bool `json:"required"`
	// Configured: an authenticator is confirmed for the account.
	Configured bool `json:"configured"`
	// ConfiguredAt is when the current authenticator was confirmed; nil
	// when none is.
	ConfiguredAt *time.Time `json:"configured_at"`
	// RecoveryCodesRemaining is how many unused recovery codes are left.
	RecoveryCodesRemaining int `json:"recovery_codes_remaining"`
}

// maxRecoveryCodes is how many recovery codes a set holds (schema
// RecoveryCodesIssued); more left than that is not a portal's count.
const maxRecoveryCodes = 10

func (t *TwoFactor) validate(answer) error {
	if t.RecoveryCodesRemaining < 0 || t.RecoveryCodesRemaining > maxRecoveryCodes {
		return fmt.Errorf("it counts %d recovery codes left (a set holds %d)", t.RecoveryCodesRemaining, maxRecoveryCodes)
	}
	return nil
}

// twoFactorKeys are the fields of schema TwoFactor that an answer must
// hold: decoding alone would read a missing one as false or 0, and a
// status with none at all as "2FA off". configured_at may be null.
var twoFactorKeys = []string{"required", "configured", "configured_at", "recovery_codes_remaining"}

// checkTwoFactorPresent insists that the answer body has a two_factor
// object holding every field of twoFactorKeys, none null but configured_at.
func checkTwoFactorPresent(body []byte) error {
	var w struct {
		TwoFactor map[string]json.RawMessage `json:"two_factor"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.TwoFactor == nil {
		return errors.New("the answer has no two_factor status")
	}
	for _, k := range twoFactorKeys {
		v, ok := w.TwoFactor[k]
		if !ok || (k != "configured_at" && string(v) == "null") {
			return fmt.Errorf("the two_factor status has no %s", k)
		}
	}
	return nil
}

// SecurityStatus is the account's Security page (schema SecurityStatus).
type SecurityStatus struct {
	// TwoFactor is the account's two-factor state.
	TwoFactor TwoFactor `json:"two_factor"`
}

func (s *SecurityStatus) validate(ans answer) error {
	if err := checkTwoFactorPresent(ans.body); err != nil {
		return err
	}
	return s.TwoFactor.validate(ans)
}

// Enrollment is a pending authenticator with its shared secret (schema
// Enrollment). Secret and OTPAuthURI are secret: String and LogValue leave
// them out.
type Enrollment struct {
	// EnrollmentID goes to ConfirmTOTPEnrollment with the code.
	EnrollmentID string `json:"enrollment_id"`
	// Secret is the shared secret, unpadded base32 (160 bits), shown as
	// text for typing into the authenticator.
	Secret string `json:"secret"`
	// OTPAuthURI is the QR code's content.
	OTPAuthURI string `json:"otpauth_uri"`
	// Issuer is the name the authenticator shows beside the account.
	Issuer string `json:"issuer"`
	// AccountName is the account as the authenticator shows it.
	AccountName string `json:"account_name"`
	// Algorithm, Digits and Period are always SHA1, 6 and 30 (checked,
	// as is that OTPAuthURI names the same secret, issuer, account and
	// settings).
	Algorithm string `json:"algorithm"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	// ExpiresAt is when the pending secret expires unconfirmed (10
	// minutes after it was generated).
	ExpiresAt time.Time `json:"expires_at"`
}

// secretLength is the length of a 160-bit secret in unpadded base32.
const secretLength = 32

// validate insists on the only TOTP settings every authenticator app
// honours, and on an otpauth URI that says what the fields say, so the app
// never shows a QR code a phone would read wrongly, or one that is another
// authenticator than the key shown as text. Errors never quote the secret.
func (e *Enrollment) validate(ans answer) error {
	switch {
	case e.EnrollmentID == "" || e.Secret == "" || e.ExpiresAt.IsZero():
		return errors.New("the enrollment has no id, secret or expiry")
	case strings.ToUpper(e.Algorithm) != "SHA1" || e.Digits != 6 || e.Period != 30:
		return fmt.Errorf("the enrollment uses unsupported TOTP settings (%s, %d digits, %d s)", printable(e.Algorithm, 10), e.Digits, e.Period)
	case len(e.Secret) != secretLength || strings.Trim(e.Secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "":
		return errors.New("the shared secret is not 160 bits of unpadded base32")
	case !isLabelPart(e.Issuer) || !isLabelPart(e.AccountName):
		return errors.New("the enrollment's issuer or account name is empty or holds a colon")
	case expired(e.ExpiresAt, ans):
		return errors.New("the shared secret it gave has already expired")
	}
	return e.checkURI()
}

// checkURI reads OTPAuthURI as an authenticator app does and insists that
// it names the same secret, issuer and account as the fields, with the
// contract's settings where it names any.
func (e *Enrollment) checkURI() error {
	rest, ok := strings.CutPrefix(e.OTPAuthURI, "otpauth://totp/")
	switch {
	case !ok:
		return errors.New("the enrollment's otpauth URI is not a TOTP URI")
	case strings.ContainsAny(rest, "#+/ "):
		// Apps differ on '+' (a space or a plus) and on a fragment or a
		// second path segment; the contract percent-encodes all of them.
		return errors.New("the enrollment's otpauth URI holds characters authenticator apps read differently")
	}
	label, rawQuery, _ := strings.Cut(rest, "?")
	rawIssuer, rawAccount, ok := strings.Cut(label, ":")
	if !ok || strings.Contains(rawAccount, ":") {
		return errors.New("the otpauth URI's label is not ISSUER:ACCOUNT")
	}
	issuer, err1 := url.PathUnescape(rawIssuer)
	account, err2 := url.PathUnescape(rawAccount)
	if err1 != nil || err2 != nil || issuer != e.Issuer || account != e.AccountName {
		return errors.New("the otpauth URI's label names another issuer or account than the enrollment")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return errors.New("the otpauth URI's parameters cannot be read")
	}
	for _, v := range q {
		if len(v) != 1 {
			return errors.New("the otpauth URI names a parameter twice")
		}
	}
	switch {
	case q.Get("secret") != e.Secret:
		return errors.New("the otpauth URI holds another secret than the enrollment")
	case q.Get("issuer") != e.Issuer:
		return errors.New("the otpauth URI's issuer parameter is not the enrollment's issuer")
	case !absentOr(q, "algorithm", "SHA1") || !absentOr(q, "digits", "6") || !absentOr(q, "period", "30"):
		return errors.New("the otpauth URI asks for other TOTP settings than SHA1, 6 digits, 30 s")
	}
	return nil
}

// absentOr reports whether the parameter is absent (the apps' default is
// the contract's) or equal to want.
func absentOr(q url.Values, key, want string) bool {
	v, ok := q[key]
	return !ok || v[0] == want
}

// isLabelPart reports whether s can be half of an otpauth label: not empty,
// no colon (which separates the halves), nothing unprintable.
func isLabelPart(s string) bool {
	return s != "" && !strings.Contains(s, ":") && printable(s, len(s)) == s
}

// String describes the enrollment without its secret.
func (e Enrollment) String() string {
	return fmt.Sprintf("enrollment{id=%s issuer=%s account=%s expires_at=%s secret=[redacted]}",
		e.EnrollmentID, e.Issuer, e.AccountName, e.ExpiresAt.Format(time.RFC3339))
}

// LogValue keeps the secret out of structured logs.
func (e Enrollment) LogValue() slog.Value {
	return slog.GroupValue(slog.String("enrollment_id", e.EnrollmentID), slog.String("issuer", e.Issuer),
		slog.String("account_name", e.AccountName), slog.Time("expires_at", e.ExpiresAt))
}

// RecoveryCodes is the answer of a confirmed enrollment or of a new set of
// recovery codes (schema RecoveryCodesIssued). The codes are secret and
// shown only once: String and LogValue leave them out.
type RecoveryCodes struct {
	// TwoFactor is the account's state after the call.
	TwoFactor TwoFactor `json:"two_factor"`
	// RecoveryCodes are the new single-use codes (ten, xxxx-xxxx-xxxx).
	RecoveryCodes []string `json:"recovery_codes"`
}

func (r *RecoveryCodes) validate(ans answer) error {
	if len(r.RecoveryCodes) != maxRecoveryCodes {
		return fmt.Errorf("it gave %d recovery codes instead of a set of %d", len(r.RecoveryCodes), maxRecoveryCodes)
	}
	for _, c := range r.RecoveryCodes {
		if !isRecoveryCode(c) {
			// Not quoted: it may be a real code.
			return errors.New("a recovery code is not of the form xxxx-xxxx-xxxx")
		}
	}
	if err := checkTwoFactorPresent(ans.body); err != nil {
		return err
	}
	return r.TwoFactor.validate(ans)
}

// isRecoveryCode reports whether c is written as the portal issues codes:
// three groups of 4 from the alphabet without 0, 1, i, l and o.
func isRecoveryCode(c string) bool {
	if len(c) != 14 {
		return false
	}
	for i := range len(c) {
		b := c[i]
		switch {
		case i == 4 || i == 9:
			if b != '-' {
				return false
			}
		case !(b >= '2' && b <= '9' || b >= 'a' && b <= 'z') || b == 'i' || b == 'l' || b == 'o':
			return false
		}
	}
	return true
}

// String describes the answer without the codes.
func (r RecoveryCodes) String() string {
	return fmt.Sprintf("recovery_codes{count=%d codes=[redacted]}", len(r.RecoveryCodes))
}

// LogValue keeps the codes out of structured logs.
func (r RecoveryCodes) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", len(r.RecoveryCodes)))
}

// Security event types (schema SecurityEvent.type).
const (
	EventSignedIn                 = "signed_in"
	EventSignInFailed             = "sign_in_failed"
	EventCodeFailed               = "code_failed"
	EventTwoFactorEnabled         = "two_factor_enabled"
	EventTwoFactorDisabled        = "two_factor_disabled"
	EventAuthenticatorReplaced    = "authenticator_replaced"
	EventRecoveryCodeUsed         = "recovery_code_used"
	EventRecoveryCodesRegenerated = "recovery_codes_regenerated"
)

// SecurityEvent is one entry of the account's security log (schema
// SecurityEvent).
type SecurityEvent struct {
	// ID orders events; it is unique per portal.
	ID int64 `json:"id"`
	// Type is one of the Event… constants (a newer portal may add more).
	Type string `json:"type"`
	// At is when it happened (the portal's clock).
	At time.Time `json:"at"`
	// ClientAddress is the IP address the portal saw.
	ClientAddress string `json:"client_address"`
	// Detail is a short sentence ("wrong code"); never a secret.
	Detail string `json:"detail"`
}

// SecurityEvents is the account's security log, newest first (schema
// SecurityEvents).
type SecurityEvents struct {
	// Events are newest first.
	Events []SecurityEvent `json:"events"`
}

func (s *SecurityEvents) validate(answer) error {
	for _, e := range s.Events {
		if e.Type == "" || e.At.IsZero() {
			return errors.New("a security event has no type or time")
		}
	}
	return nil
}

// PortalTime is the portal's clock (schema Time), with sub-second
// precision.
type PortalTime struct {
	// Time is the portal's clock when it answered.
	Time time.Time `json:"time"`
}

func (p *PortalTime) validate(ans answer) error {
	switch {
	case p.Time.IsZero():
		return errors.New("no time")
	case !plausibleOffset(ans.received, p.Time):
		return errors.New("its clock reads an impossible time")
	}
	return nil
}

// Health is the portal's liveness answer (schema Health).
type Health struct {
	// Status is "ok"; any other is refused as not the portal's answer.
	Status string `json:"status"`
}

func (h *Health) validate(answer) error {
	if h.Status != "ok" {
		// The contract's only status: a portal that is down answers 503.
		return errors.New("it does not say it is ok")
	}
	return nil
}

// SecondFactor is what proves the second factor: an authenticator code, a
// recovery code, or (at sign-in) a temporary access code from the help
// desk. Make one with TOTPCode, RecoveryCode or TemporaryAccessCode.
type SecondFactor struct {
	code      string
	recovery  string
	temporary string
}

// TOTPCode is a 6-digit code from the authenticator app.
func TOTPCode(code string) SecondFactor { return SecondFactor{code: strings.TrimSpace(code)} }

// RecoveryCode is one of the account's recovery codes.
func RecoveryCode(code string) SecondFactor { return SecondFactor{recovery: strings.TrimSpace(code)} }

// TemporaryAccessCode is a temporary access code the help desk read out,
// as typed (NormalizeTemporaryCode says whether it can be one).
func TemporaryAccessCode(code string) SecondFactor {
	if c, ok := NormalizeTemporaryCode(code); ok {
		code = c
	}
	return SecondFactor{temporary: strings.TrimSpace(code)}
}

// String never shows the code.
func (f SecondFactor) String() string {
	if f.temporary != "" {
		return "temporary access code [redacted]"
	}
	if f.recovery != "" {
		return "recovery code [redacted]"
	}
	return "authenticator code [redacted]"
}

// errNoSecondFactor is returned before any request when a SecondFactor is
// empty.
var errNoSecondFactor = errors.New("client: no code or recovery code given")

// errTemporaryCodeSignsInOnly is returned before any request when a
// temporary access code is given to a call other than LoginMFA.
var errTemporaryCodeSignsInOnly = errors.New("client: a temporary access code only signs in")

func (f SecondFactor) check() error {
	if f.code == "" && f.recovery == "" && f.temporary == "" {
		return errNoSecondFactor
	}
	return nil
}

// Request bodies (schemas …Request).
type (
	loginRequest struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	mfaLoginRequest struct {
		MFAToken            string `json:"mfa_token"`
		Code                string `json:"code,omitempty"`
		RecoveryCode        string `json:"recovery_code,omitempty"`
		TemporaryAccessCode string `json:"temporary_access_code,omitempty"`
	}
	enrollmentRequest struct {
		ReplaceExisting bool   `json:"replace_existing"`
		Password        string `json:"password,omitempty"`
		Code            string `json:"code,omitempty"`
	}
	confirmRequest struct {
		EnrollmentID string `json:"enrollment_id"`
		Code         string `json:"code"`
	}
	updateSecurityRequest struct {
		RequireTwoFactor bool   `json:"require_two_factor"`
		Code             string `json:"code,omitempty"`
		RecoveryCode     string `json:"recovery_code,omitempty"`
		Password         string `json:"password,omitempty"`
	}
	regenerateRecoveryCodesRequest struct {
		Code string `json:"code"`
	}
)
