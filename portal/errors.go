package portal

import (
	"fmt"
	"net/http"
	"time"
)

// apiError is a refusal the client is told about: an HTTP status, a stable code
// from the contract's enum and a sentence for people. Messages never hold a
// secret or echo a submitted value.
type apiError struct {
	status  int
	code    string
	message string
	// attemptsRemaining is set with refused codes.
	attemptsRemaining *int
	// clockOffsetSeconds is set when a refused code matched a step outside the window.
	clockOffsetSeconds *int
	// retryAfter is set with rate_limited.
	retryAfter time.Duration
	// cause is set when the refusal answers a failure worth a warning in the
	// log, such as a body that could not be read; never shown to the client.
	cause error
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func errInvalidRequest(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "invalid_request", format, args...)
}

// errUnreadableBody answers a request body that could not be read to its end:
// a malformed chunked encoding, fewer bytes than its Content-Length, or a body
// slower than the server's ReadTimeout. The client sent it wrong, so it is a
// 400, logged as a warning with the reader's error (which never holds the
// body's bytes).
func errUnreadableBody(cause error) *apiError {
	e := errInvalidRequest("The request body could not be read to its end: it was cut short, sent too slowly, or its chunked encoding is malformed.")
	e.cause = cause
	return e
}

var (
	errUnauthorized = newAPIError(http.StatusUnauthorized, "unauthorized",
		"Sign in first: the session token is missing, expired or revoked.")
	errInvalidCredentials = newAPIError(http.StatusUnauthorized, "invalid_credentials",
		"The username or password is wrong.")
	errInvalidMFAToken = newAPIError(http.StatusUnauthorized, "invalid_mfa_token",
		"This sign-in has expired or was already used; sign in again with your password.")
	errReauthRequired = newAPIError(http.StatusForbidden, "reauth_required",
		"You signed in more than 10 minutes ago; enter your password to continue.")
	errReauthRequiredWithCode = newAPIError(http.StatusForbidden, "reauth_required",
		"You signed in more than 10 minutes ago; enter your password and a code from your authenticator app (or a recovery code) to continue.")
	errInvalidPassword = newAPIError(http.StatusForbidden, "invalid_password",
		"The password is wrong.")
	errReplaceConfirmationRequired = newAPIError(http.StatusConflict, "replace_confirmation_required",
		"An authenticator is already set up; confirm that the new one replaces it (replace_existing).")
	errEnrollmentRequired = newAPIError(http.StatusConflict, "enrollment_required",
		"Two-factor authentication is turned on by confirming an authenticator.")
	errTwoFactorNotEnabled = newAPIError(http.StatusConflict, "two_factor_not_enabled",
		"Two-factor authentication is not turned on for this account.")
	errEnrollmentNotFound = newAPIError(http.StatusNotFound, "enrollment_not_found",
		"There is no pending authenticator setup with this ID; generate a new secret.")
	errEnrollmentExpired = newAPIError(http.StatusGone, "enrollment_expired",
		"This authenticator setup expired after 10 minutes; generate a new secret.")
	errNotFound = newAPIError(http.StatusNotFound, "not_found",
		"There is no such API call.")
	errTooLarge = newAPIError(http.StatusRequestEntityTooLarge, "request_too_large",
		"The request body is larger than 64 KiB.")
	errHeadersTooLarge = newAPIError(http.StatusRequestHeaderFieldsTooLarge, "request_too_large",
		"The request's headers are larger than 64 KiB.")
	errUnsupportedMediaType = newAPIError(http.StatusUnsupportedMediaType, "unsupported_media_type",
		"Send the request body as application/json.")
	errInternal = newAPIError(http.StatusInternalServerError, "internal_error",
		"The portal failed to answer; try again later.")
	errUnavailable = newAPIError(http.StatusServiceUnavailable, "unavailable",
		"The portal's database does not answer.")
)

// errRateLimited is the answer while a limit holds.
func errRateLimited(retryAfter time.Duration) *apiError {
	e := newAPIError(http.StatusTooManyRequests, "rate_limited",
		"Too many failed attempts; try again in %s.", humanSeconds(retryAfterSeconds(retryAfter)))
	e.retryAfter = retryAfter
	return e
}

// retryAfterSeconds rounds up to whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func humanSeconds(s int) string {
	if s < 120 {
		return fmt.Sprintf("%d seconds", s)
	}
	return fmt.Sprintf("%d minutes", (s+59)/60)
}
