package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Login signs in with username and password (operation login,
// POST /api/v1/login). When the account requires two-factor
// authentication the result holds an MFA challenge to finish with
// LoginMFA; otherwise the client keeps the session's token. Errors:
// ErrInvalidCredentials, *RateLimitError, *NetworkError, *APIError.
func (c *Client) Login(ctx context.Context, username, password string) (*LoginResult, error) {
	var a loginAnswer
	if _, err := c.call(ctx, http.MethodPost, "/login", nil, loginRequest{Username: username, Password: password}, &a); err != nil {
		return nil, err
	}
	if a.MFARequired {
		return &LoginResult{MFA: &MFAChallenge{MFAToken: a.MFAToken, ExpiresAt: a.ExpiresAt}}, nil
	}
	c.SetToken(a.Token)
	s := a.Session
	return &LoginResult{Session: &s}, nil
}

// LoginMFA finishes a sign-in with an authenticator code, a recovery code
// or a temporary access code (operation loginMFA, POST /api/v1/login/mfa);
// the client then keeps the session's token. After a temporary access
// code the session's Next is NextReplaceAuthenticator. Errors: *InvalidCodeError, ErrCodeReused,
// ErrMFATokenInvalid (sign in again), *RateLimitError, *NetworkError.
func (c *Client) LoginMFA(ctx context.Context, mfaToken string, factor SecondFactor) (*Session, error) {
	if err := factor.check(); err != nil {
		return nil, err
	}
	var s Session
	req := mfaLoginRequest{MFAToken: mfaToken, Code: factor.code, RecoveryCode: factor.recovery, TemporaryAccessCode: factor.temporary}
	if _, err := c.call(ctx, http.MethodPost, "/login/mfa", nil, req, &s); err != nil {
		return nil, err
	}
	c.SetToken(s.Token)
	return &s, nil
}

// Logout signs out (operation logout, POST /api/v1/logout): the portal
// revokes the token. The client forgets the token whatever the outcome; an
// error means the portal may not have heard of it (ErrUnauthorized means
// the token had already ended).
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.call(ctx, http.MethodPost, "/logout", nil, nil, nil)
	c.SetToken("")
	return err
}

// GetAccount returns the signed-in account (operation getAccount,
// GET /api/v1/account). Errors: ErrUnauthorized, *NetworkError.
func (c *Client) GetAccount(ctx context.Context) (*Account, error) {
	return fetch[Account](ctx, c, http.MethodGet, "/account", nil, nil)
}

// GetSecurity returns the account's two-factor status (operation
// getSecurity, GET /api/v1/account/security). Errors: ErrUnauthorized,
// *NetworkError.
func (c *Client) GetSecurity(ctx context.Context) (*SecurityStatus, error) {
	return fetch[SecurityStatus](ctx, c, http.MethodGet, "/account/security", nil, nil)
}

// StartTOTPEnrollment generates a new shared secret, pending until
// confirmed (operation createTOTPEnrollment,
// POST /api/v1/account/security/totp). replaceExisting must be true when
// an authenticator is already configured (the person agreed to replace
// it). reauth is needed when the sign-in is older than 10 minutes: the
// password, and when an authenticator is configured a current code too
// (the zero value sends neither). Errors: ErrReplaceConfirmationRequired,
// ErrReauthRequired, ErrInvalidPassword, *InvalidCodeError,
// *RateLimitError, ErrUnauthorized, *NetworkError.
func (c *Client) StartTOTPEnrollment(ctx context.Context, replaceExisting bool, reauth Reauth) (*Enrollment, error) {
	req := enrollmentRequest{ReplaceExisting: replaceExisting, Password: reauth.Password, Code: reauth.Code}
	return fetch[Enrollment](ctx, c, http.MethodPost, "/account/security/totp", nil, req)
}

// ConfirmTOTPEnrollment confirms a pending enrollment with a code from the
// new authenticator (operation confirmTOTPEnrollment,
// POST /api/v1/account/security/totp/confirm). On success two-factor
// authentication is on and the answer holds the new recovery codes, shown
// only now. Never retried: if the answer is lost, re-read GetSecurity.
// Errors: *InvalidCodeError (with AttemptsRemaining and ClockOffset),
// ErrCodeReused, ErrEnrollmentExpired, ErrEnrollmentNotFound,
// *RateLimitError, ErrUnauthorized, *NetworkError.
func (c *Client) ConfirmTOTPEnrollment(ctx context.Context, enrollmentID, code string) (*RecoveryCodes, error) {
	req := confirmRequest{EnrollmentID: enrollmentID, Code: TOTPCode(code).code}
	return fetch[RecoveryCodes](ctx, c, http.MethodPost, "/account/security/totp/confirm", nil, req)
}

// DisableTwoFactor turns two-factor authentication off (operation
// updateSecurity with require_two_factor false,
// PUT /api/v1/account/security) with a current code or an unused recovery
// code, and the password ("" for none) when the sign-in is older than 10
// minutes. Errors: *InvalidCodeError, ErrCodeReused, ErrReauthRequired,
// ErrInvalidPassword, *RateLimitError, ErrUnauthorized, *NetworkError.
func (c *Client) DisableTwoFactor(ctx context.Context, factor SecondFactor, password string) (*SecurityStatus, error) {
	if err := factor.check(); err != nil {
		return nil, err
	}
	if factor.temporary != "" {
		return nil, errTemporaryCodeSignsInOnly
	}
	req := updateSecurityRequest{RequireTwoFactor: false, Code: factor.code, RecoveryCode: factor.recovery, Password: password}
	return fetch[SecurityStatus](ctx, c, http.MethodPut, "/account/security", nil, req)
}

// RegenerateRecoveryCodes issues a new set of recovery codes with a current
// authenticator code; the old set stops working (operation
// regenerateRecoveryCodes, POST /api/v1/account/security/recovery-codes).
// Errors: *InvalidCodeError, ErrCodeReused, ErrTwoFactorNotEnabled,
// *RateLimitError, ErrUnauthorized, *NetworkError.
func (c *Client) RegenerateRecoveryCodes(ctx context.Context, code string) (*RecoveryCodes, error) {
	req := regenerateRecoveryCodesRequest{Code: TOTPCode(code).code}
	return fetch[RecoveryCodes](ctx, c, http.MethodPost, "/account/security/recovery-codes", nil, req)
}

// ListSecurityEvents returns the account's security events, newest first
// (operation listSecurityEvents, GET /api/v1/account/security/events); at
// most limit of them (1 to 200), or the portal's default (50) when limit
// is 0. Errors: ErrUnauthorized, *NetworkError.
func (c *Client) ListSecurityEvents(ctx context.Context, limit int) (*SecurityEvents, error) {
	var q url.Values
	if limit > 0 {
		q = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	return fetch[SecurityEvents](ctx, c, http.MethodGet, "/account/security/events", q, nil)
}

// GetTime returns the portal's clock (operation getTime,
// GET /api/v1/time). MeasureClock uses it to measure the offset precisely.
func (c *Client) GetTime(ctx context.Context) (*PortalTime, error) {
	return fetch[PortalTime](ctx, c, http.MethodGet, "/time", nil, nil)
}

// GetHealth checks that the address answers as a portal (operation
// getHealth, GET /api/v1/health); useful to check a typed address before
// signing in. Errors: *NetworkError (KindNotPortal when something else
// answers), ErrServerError.
func (c *Client) GetHealth(ctx context.Context) (*Health, error) {
	return fetch[Health](ctx, c, http.MethodGet, "/health", nil, nil)
}

// fetch makes one call whose answer decodes into a T.
func fetch[T any, P interface {
	*T
	validator
}](ctx context.Context, c *Client, method, path string, query url.Values, body any) (*T, error) {
	var v T
	if _, err := c.call(ctx, method, path, query, body, P(&v)); err != nil {
		return nil, err
	}
	return &v, nil
}
