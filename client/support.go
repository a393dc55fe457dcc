package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The help desk's calls (contract v1.1, tag support): a support account
// finds a partner account, reads its two-factor state, issues a temporary
// access code to a client who lost the phone, or resets its two-factor
// authentication.

// Account roles (schema Account.role).
const (
	// RolePartner is a reseller's own account (the default).
	RolePartner = "partner"
	// RoleSupport is a help-desk staff account: the app shows it the
	// help-desk screens.
	RoleSupport = "support"
)

// Errors of the help desk's calls; compare with errors.Is.
var (
	// ErrForbidden: the call is for support accounts and this one is not
	// (code forbidden).
	ErrForbidden = errors.New("this account may not make this call")
	// ErrStaffTwoFactorRequired: a support account must have its own
	// authenticator confirmed before any help-desk call (code
	// two_factor_required).
	ErrStaffTwoFactorRequired = errors.New("set up two-factor authentication on this support account first")
	// ErrTwoFactorNotConfigured: the client's account has no two-factor
	// authentication, so there is nothing a temporary code would get past
	// (code two_factor_not_configured).
	ErrTwoFactorNotConfigured = errors.New("the account has no two-factor authentication")
	// ErrNotFound: no such client account (code account_not_found).
	ErrNotFound = errors.New("no such account")
)

// Events of the help desk (schema SecurityEvent.type).
const (
	EventTemporaryAccessIssued   = "temporary_access_issued"
	EventTemporaryAccessUsed     = "temporary_access_used"
	EventTwoFactorResetBySupport = "two_factor_reset_by_support"
	EventSupportViewed           = "support_viewed"
	EventSupportSessionJoined    = "support_session_joined"
)

// ClientAccount is a partner account as the help desk sees it (schema
// SupportAccount): never a secret, hash or code.
type ClientAccount struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Company  string `json:"company"`
	// TwoFactor is the account's two-factor state.
	TwoFactor TwoFactor `json:"two_factor"`
	// CodeLimitedUntil is when the portal takes codes again for the
	// account, while it refuses them after too many wrong ones; nil
	// otherwise.
	CodeLimitedUntil *time.Time `json:"code_limited_until"`
}

func (a *ClientAccount) validate(ans answer) error {
	if a.ID == "" || a.Username == "" {
		return errors.New("a client account has no id or username")
	}
	return a.TwoFactor.validate(ans)
}

// ClientAccounts is the answer of a search (schema SupportAccounts).
type ClientAccounts struct {
	// Accounts are at most 20.
	Accounts []ClientAccount `json:"accounts"`
}

func (c *ClientAccounts) validate(ans answer) error {
	if c.Accounts == nil {
		return errors.New("no accounts list")
	}
	for i := range c.Accounts {
		if err := c.Accounts[i].validate(ans); err != nil {
			return err
		}
	}
	return nil
}

// TemporaryAccessState says that a temporary access code waits to be used
// (schema TemporaryAccessState): only its expiry, never the code.
type TemporaryAccessState struct {
	ExpiresAt time.Time `json:"expires_at"`
}

// ClientAccountDetail is a partner account's page for the help desk
// (schema SupportAccountDetail).
type ClientAccountDetail struct {
	ClientAccount
	// ActiveSessions is how many sign-ins are open.
	ActiveSessions int `json:"active_sessions"`
	// TemporaryAccess is set while a temporary access code waits.
	TemporaryAccess *TemporaryAccessState `json:"temporary_access"`
	// Events are the newest 50, newest first.
	Events []SecurityEvent `json:"events"`
}

func (d *ClientAccountDetail) validate(ans answer) error {
	if d.ActiveSessions < 0 {
		return errors.New("a negative session count")
	}
	if d.TemporaryAccess != nil && d.TemporaryAccess.ExpiresAt.IsZero() {
		return errors.New("a temporary access code without expiry")
	}
	if err := (&SecurityEvents{Events: d.Events}).validate(ans); err != nil {
		return err
	}
	return d.ClientAccount.validate(ans)
}

// TemporaryAccess is a temporary access code just issued (schema
// TemporaryAccessIssued): shown once, read out to the client. Code is
// secret: String and LogValue leave it out.
type TemporaryAccess struct {
	// Code is 16 characters of Crockford base32 in groups of 4
	// ("K7QM-2XHD-9RTA-WC4E").
	Code string `json:"code"`
	// ExpiresAt is when it stops working, used or not.
	ExpiresAt time.Time `json:"expires_at"`
}

func (t *TemporaryAccess) validate(answer) error {
	if t.ExpiresAt.IsZero() {
		return errors.New("the temporary access code has no expiry")
	}
	if !validTemporaryCode(t.Code) {
		return errors.New("the temporary access code is not 16 characters of Crockford base32")
	}
	return nil
}

// String describes the code without it.
func (t TemporaryAccess) String() string {
	return "temporary_access{expires_at=" + t.ExpiresAt.Format(time.RFC3339) + " code=[redacted]}"
}

// LogValue keeps the code out of structured logs.
func (t TemporaryAccess) LogValue() slog.Value {
	return slog.GroupValue(slog.Time("expires_at", t.ExpiresAt))
}

// crockford is Crockford's base32 alphabet: no I, L, O or U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// validTemporaryCode reports whether s is a temporary access code as the
// contract writes it: 16 characters of Crockford base32, in groups of 4
// joined by dashes, which is the form NormalizeTemporaryCode reads it into.
func validTemporaryCode(s string) bool {
	c, ok := NormalizeTemporaryCode(s)
	return ok && c == s
}

// NormalizeTemporaryCode returns the temporary access code typed as s the
// way the portal reads it: case, spaces and dashes ignored, and Crockford's
// look-alikes (O for 0, I and L for 1) read as what they stand for. It
// reports false when what is left is not 16 characters of the alphabet.
func NormalizeTemporaryCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r > 0x7f || !strings.ContainsRune(crockford, r):
			return "", false
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != 16 {
		return "", false
	}
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16], true
}

// Request bodies of the help desk's changes.
type (
	temporaryAccessRequest struct {
		Reason          string `json:"reason"`
		LifetimeMinutes int    `json:"lifetime_minutes,omitempty"`
		Password        string `json:"password,omitempty"`
		Code            string `json:"code,omitempty"`
	}
	resetTwoFactorRequest struct {
		Reason   string `json:"reason"`
		Password string `json:"password,omitempty"`
		Code     string `json:"code,omitempty"`
	}
)

// SearchClientAccounts finds up to 20 partner accounts whose username,
// name or company contains q (operation searchSupportAccounts,
// GET /api/v1/support/accounts). q needs 3 characters or more. Errors:
// ErrForbidden, ErrStaffTwoFactorRequired, ErrUnauthorized, *APIError
// (invalid_request for a short q), *NetworkError.
func (c *Client) SearchClientAccounts(ctx context.Context, q string) (*ClientAccounts, error) {
	return fetch[ClientAccounts](ctx, c, http.MethodGet, "/support/accounts", url.Values{"q": {q}}, nil)
}

// GetClientAccount returns a partner account's page for the help desk
// (operation getSupportAccount, GET /api/v1/support/accounts/{id}); the
// portal records that the staff member viewed it. Errors: ErrNotFound,
// ErrForbidden, ErrStaffTwoFactorRequired, ErrUnauthorized, *NetworkError.
func (c *Client) GetClientAccount(ctx context.Context, id string) (*ClientAccountDetail, error) {
	return fetch[ClientAccountDetail](ctx, c, http.MethodGet, "/support/accounts/"+url.PathEscape(id), nil, nil)
}

// IssueTemporaryAccess issues a temporary access code for the account,
// replacing an older one (operation issueTemporaryAccess,
// POST /api/v1/support/accounts/{id}/temporary-access). reason (5 to 500
// characters) is recorded with the staff member's username; lifetime 0 is
// the portal's default (60 minutes), else 10 to 480 minutes. Never
// retried. Errors: ErrTwoFactorNotConfigured, ErrReauthRequired,
// ErrInvalidPassword, *InvalidCodeError, ErrNotFound, ErrForbidden,
// ErrStaffTwoFactorRequired, *RateLimitError, ErrUnauthorized,
// *NetworkError.
func (c *Client) IssueTemporaryAccess(ctx context.Context, id, reason string, lifetime time.Duration, reauth Reauth) (*TemporaryAccess, error) {
	if lifetime != 0 && (lifetime < 10*time.Minute || lifetime > 480*time.Minute) {
		return nil, fmt.Errorf("client: a temporary access code lasts 10 to 480 minutes, not %s", lifetime)
	}
	req := temporaryAccessRequest{Reason: reason, LifetimeMinutes: int(lifetime / time.Minute), Password: reauth.Password, Code: reauth.Code}
	return fetch[TemporaryAccess](ctx, c, http.MethodPost, "/support/accounts/"+url.PathEscape(id)+"/temporary-access", nil, req)
}

// ResetClientTwoFactor turns the account's two-factor authentication off,
// deletes its recovery codes and temporary code and ends all its sessions
// (operation resetTwoFactor,
// POST /api/v1/support/accounts/{id}/two-factor/reset). Never retried.
// Errors: as IssueTemporaryAccess, but for ErrTwoFactorNotConfigured.
func (c *Client) ResetClientTwoFactor(ctx context.Context, id, reason string, reauth Reauth) (*SecurityStatus, error) {
	req := resetTwoFactorRequest{Reason: reason, Password: reauth.Password, Code: reauth.Code}
	return fetch[SecurityStatus](ctx, c, http.MethodPost, "/support/accounts/"+url.PathEscape(id)+"/two-factor/reset", nil, req)
}
