package client

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinel errors. A portal refusal is an *APIError (or a *RateLimitError
// or *InvalidCodeError wrapping one) that matches the sentinel of its code
// with errors.Is, so callers switch on meaning and still reach the request
// ID with errors.As.
var (
	// ErrUnauthorized: no token, or the token is unknown, expired or
	// revoked (code unauthorized). Sign in again.
	ErrUnauthorized = errors.New("not signed in, or the sign-in has ended")
	// ErrInvalidCredentials: unknown username or wrong password at sign-in.
	ErrInvalidCredentials = errors.New("the username or password is not right")
	// ErrMFATokenInvalid: the step between password and code took too long
	// or was already used (code invalid_mfa_token). Sign in again.
	ErrMFATokenInvalid = errors.New("the sign-in took too long; sign in again")
	// ErrInvalidCode is matched by every *InvalidCodeError.
	ErrInvalidCode = errors.New("the code is not right")
	// ErrCodeReused: the code's time step was already accepted for this
	// account; wait for the next code.
	ErrCodeReused = errors.New("this code was already used; wait for the next one")
	// ErrRateLimited is matched by every *RateLimitError.
	ErrRateLimited = errors.New("too many attempts")
	// ErrReauthRequired: the sign-in is older than 10 minutes; send the
	// account password with the call.
	ErrReauthRequired = errors.New("the portal needs the account password again")
	// ErrInvalidPassword: the password sent for re-authentication is wrong.
	ErrInvalidPassword = errors.New("the password is not right")
	// ErrReplaceConfirmationRequired: an authenticator is already
	// configured; call again with replaceExisting once the person agreed.
	ErrReplaceConfirmationRequired = errors.New("an authenticator is already configured; confirm that the new one replaces it")
	// ErrEnrollmentExpired: the pending shared secret is older than 10
	// minutes; generate a new one.
	ErrEnrollmentExpired = errors.New("the shared secret has expired; generate a new one")
	// ErrEnrollmentNotFound: the pending enrollment was replaced by a newer
	// one or is already confirmed; re-read the security status.
	ErrEnrollmentNotFound = errors.New("this shared secret is no longer pending")
	// ErrEnrollmentRequired: two-factor authentication can only be turned
	// on by confirming an authenticator.
	ErrEnrollmentRequired = errors.New("turn two-factor authentication on by confirming an authenticator")
	// ErrTwoFactorNotEnabled: the call needs an authenticator and the
	// account has none.
	ErrTwoFactorNotEnabled = errors.New("two-factor authentication is not turned on")
	// ErrServerError is matched by every *APIError with a 5xx status: the
	// portal failed or is unavailable.
	ErrServerError = errors.New("the portal had a problem")
)

// codeSentinels maps the contract's stable error codes to sentinels.
var codeSentinels = map[string]error{
	"unauthorized":                  ErrUnauthorized,
	"invalid_credentials":           ErrInvalidCredentials,
	"invalid_mfa_token":             ErrMFATokenInvalid,
	"invalid_code":                  ErrInvalidCode,
	"code_reused":                   ErrCodeReused,
	"rate_limited":                  ErrRateLimited,
	"reauth_required":               ErrReauthRequired,
	"invalid_password":              ErrInvalidPassword,
	"replace_confirmation_required": ErrReplaceConfirmationRequired,
	"enrollment_expired":            ErrEnrollmentExpired,
	"enrollment_not_found":          ErrEnrollmentNotFound,
	"enrollment_required":           ErrEnrollmentRequired,
	"two_factor_not_enabled":        ErrTwoFactorNotEnabled,
	// The help desk's (support.go).
	"forbidden":                 ErrForbidden,
	"two_factor_required":       ErrStaffTwoFactorRequired,
	"two_factor_not_configured": ErrTwoFactorNotConfigured,
	"account_not_found":         ErrNotFound,
	// The support sessions' (supportsession.go).
	"invalid_support_code":      ErrInvalidSupportCode,
	"support_session_ended":     ErrSupportSessionEnded,
	"support_session_not_found": ErrSupportSessionEnded,
}

// APIError is a refusal or failure the portal answered with its JSON error
// form, or a 5xx answer without it.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the contract's stable error code ("" for a 5xx without a
	// JSON error body): lower-case words joined by underscores, checked.
	Code string
	// Message is the portal's sentence for people. It is text from the
	// other end that may echo what was sent (a code, a password), so it
	// is kept out of Error(): never log it or show it; switch on Code.
	Message string
	// RequestID is the X-Request-ID of the request, for support.
	RequestID string
	// AttemptsRemaining is how many more refused codes the account may
	// have in the current window, when the portal said (invalid_code,
	// code_reused); nil otherwise.
	AttemptsRemaining *int
	// RetryAfter is the portal's Retry-After, when it sent one.
	RetryAfter time.Duration
}

// Error is "portal: CODE (HTTP STATUS)", or "portal: STATUS TEXT (HTTP
// STATUS)" without a code. It never holds the portal's Message: errors
// reach logs, and the UI chooses its sentence by the code.
func (e *APIError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("portal: %s (HTTP %d)", http.StatusText(e.Status), e.Status)
	}
	return fmt.Sprintf("portal: %s (HTTP %d)", e.Code, e.Status)
}

// Is matches the sentinel of e's code, and ErrServerError for a 5xx.
func (e *APIError) Is(target error) bool {
	if target == ErrServerError {
		return e.Status >= 500
	}
	s, ok := codeSentinels[e.Code]
	return ok && s == target
}

// RateLimitError is the portal's 429 rate_limited: too many refused codes
// or passwords. It unwraps to the *APIError and matches ErrRateLimited.
type RateLimitError struct {
	// RetryAfter is how long until the next attempt can get through.
	RetryAfter time.Duration
	// APIError is the portal's answer.
	*APIError
}

// Error names the wait.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("portal: too many attempts; try again in %s (rate_limited, HTTP %d)", e.RetryAfter.Round(time.Second), e.Status)
}

// Is matches ErrRateLimited, and whatever the *APIError matches.
func (e *RateLimitError) Is(target error) bool {
	return target == ErrRateLimited || e.APIError.Is(target)
}

// Unwrap returns the *APIError.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// InvalidCodeError is the portal's invalid_code: the authenticator code or
// recovery code is wrong. It unwraps to the *APIError and matches
// ErrInvalidCode.
type InvalidCodeError struct {
	// AttemptsRemaining is how many more refused codes the account may
	// have before the portal answers 429; nil when the portal did not say.
	AttemptsRemaining *int
	// ClockOffset is set when the code belongs to a time step outside the
	// accepted window: the authenticator's clock minus the portal's, in
	// whole 30 s steps (-150 s: the phone is 2½ minutes slow). nil means
	// no diagnosis (the code is simply wrong), which is not the same as 0.
	ClockOffset *time.Duration
	// APIError is the portal's answer.
	*APIError
}

// Error describes the refusal without the code.
func (e *InvalidCodeError) Error() string {
	s := "portal: the code is not right"
	if e.ClockOffset != nil {
		s += fmt.Sprintf("; the authenticator's clock looks %s off", e.ClockOffset.Abs())
	}
	if e.AttemptsRemaining != nil {
		s += fmt.Sprintf("; %d attempts left", *e.AttemptsRemaining)
	}
	return s + fmt.Sprintf(" (invalid_code, HTTP %d)", e.Status)
}

// Is matches ErrInvalidCode, and whatever the *APIError matches.
func (e *InvalidCodeError) Is(target error) bool {
	return target == ErrInvalidCode || e.APIError.Is(target)
}

// Unwrap returns the *APIError.
func (e *InvalidCodeError) Unwrap() error { return e.APIError }

// NetworkErrorKind says why no usable answer came back.
type NetworkErrorKind int

// Kinds of NetworkError.
const (
	// KindUnreachable: the host could not be found or connected to, or the
	// connection broke.
	KindUnreachable NetworkErrorKind = iota + 1
	// KindTimeout: no complete answer within the request timeout.
	KindTimeout
	// KindTLS: the secure connection failed: an untrusted or wrong
	// certificate, or the server does not speak TLS.
	KindTLS
	// KindNotPortal: something answered, but not with the portal API (an
	// HTML page, garbage, a wrong content type, a redirect, a body over
	// 1 MiB, a JSON answer missing what the contract requires).
	KindNotPortal
)

// String names the kind.
func (k NetworkErrorKind) String() string {
	switch k {
	case KindUnreachable:
		return "unreachable"
	case KindTimeout:
		return "timeout"
	case KindTLS:
		return "tls"
	case KindNotPortal:
		return "not_portal"
	}
	return fmt.Sprintf("NetworkErrorKind(%d)", int(k))
}

// NetworkError is a failure to get a usable answer from the portal.
type NetworkError struct {
	// Kind says what went wrong.
	Kind NetworkErrorKind
	// Host is the portal host (with port when not the default).
	Host string
	// Status is the HTTP status of the answer, for KindNotPortal; 0 when
	// there was none.
	Status int
	// RequestID is the X-Request-ID the client sent (or the one the answer
	// carried), for support.
	RequestID string
	// Detail describes the failure in a few words.
	Detail string
	// Err is the underlying error, if any.
	Err error
}

// Error describes the failure with the host.
func (e *NetworkError) Error() string {
	var what string
	switch e.Kind {
	case KindUnreachable:
		what = "cannot reach " + e.Host
	case KindTimeout:
		what = e.Host + " did not answer in time"
	case KindTLS:
		what = "no secure connection to " + e.Host
	case KindNotPortal:
		what = e.Host + " did not answer like a partner portal"
	default:
		what = "network error with " + e.Host
	}
	if e.Detail != "" {
		what += ": " + e.Detail
	}
	return what
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the error is a timeout.
func (e *NetworkError) Timeout() bool { return e.Kind == KindTimeout }

// RequestIDOf returns the X-Request-ID that belongs to err, for support
// details: every *APIError, *RateLimitError, *InvalidCodeError and
// *NetworkError has one; other errors return "".
func RequestIDOf(err error) string {
	var a *APIError
	if errors.As(err, &a) {
		return a.RequestID
	}
	var n *NetworkError
	if errors.As(err, &n) {
		return n.RequestID
	}
	return ""
}

// CodeOf returns the portal's error code of err ("invalid_code"…), or for
// a *NetworkError "network:" plus its kind ("network:timeout"), or "".
func CodeOf(err error) string {
	var a *APIError
	if errors.As(err, &a) {
		if a.Code == "" {
			return fmt.Sprintf("http_%d", a.Status)
		}
		return a.Code
	}
	var n *NetworkError
	if errors.As(err, &n) {
		return "network:" + n.Kind.String()
	}
	return ""
}
