package portal

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"
)

// The help desk (DESIGN § Help desk, contract v1.1): support accounts look up
// partner accounts, issue temporary access codes and reset two-factor
// authentication. This file holds who may do so; handlers_support.go the calls.

// Security event types of the help desk, as the contract names them.
const (
	eventTemporaryAccessIssued   = "temporary_access_issued"
	eventTemporaryAccessUsed     = "temporary_access_used"
	eventTwoFactorResetBySupport = "two_factor_reset_by_support"
	eventSupportViewed           = "support_viewed"
)

// Refusals of the /support calls.
var (
	errForbidden = newAPIError(http.StatusForbidden, "forbidden",
		"This call is for help-desk accounts only.")
	errTwoFactorRequired = newAPIError(http.StatusForbidden, "two_factor_required",
		"Set up two-factor authentication for your own account before using the help-desk calls.")
	errSupportReauthRequired = newAPIError(http.StatusForbidden, "reauth_required",
		"You signed in more than 10 minutes ago; enter your password and a code from your authenticator app to continue.")
	errAccountNotFound = newAPIError(http.StatusNotFound, "account_not_found",
		"There is no partner account with this ID.")
	errTwoFactorNotConfigured = newAPIError(http.StatusConflict, "two_factor_not_configured",
		"This account has no two-factor authentication set up, so there is nothing to bypass or reset.")
)

// callSupportReauth is the code a staff member sends to confirm who they are
// before a change to another account.
var callSupportReauth = codeCall{name: "when confirming identity for a help-desk change"}

// support wraps a /support handler: a session of a support account whose own
// authenticator is confirmed. A partner's session is refused with forbidden,
// a support account without 2FA with two_factor_required, on every call.
func (s *Server) support(h func(w http.ResponseWriter, r *http.Request, sess *session) error) handlerFunc {
	return s.authenticated(func(w http.ResponseWriter, r *http.Request, sess *session) error {
		if sess.account.role != RoleSupport {
			return errForbidden
		}
		if sess.account.totpSecret == nil {
			return errTwoFactorRequired
		}
		return h(w, r, sess)
	})
}

// staffReauth is the re-authentication a change to another account needs: a
// sign-in younger than reauthAfter, or the staff member's password and a
// current code in the request. The password is checked first, outside the
// change's transaction (hashing is slow); the code inside it, by finish, so a
// refused code counts in the staff account's code limit and nothing changes.
type staffReauth struct {
	code *proof // nil when the sign-in is recent enough
}

// beginStaffReauth checks the request's password (or the sign-in's age) and
// the shape of its code.
func (s *Server) beginStaffReauth(ctx context.Context, sess *session, password, code *string, addr string) (staffReauth, error) {
	if password == nil && code == nil {
		if s.now().Sub(sess.authenticatedAt) > reauthAfter {
			return staffReauth{}, errSupportReauthRequired
		}
		return staffReauth{}, nil
	}
	if password == nil || code == nil {
		return staffReauth{}, errInvalidRequest("To confirm who you are, send both password and code.")
	}
	p, err := parseCode(*code)
	if err != nil {
		return staffReauth{}, err
	}
	if !lengthWithin(*password, 1, maxPasswordLength) {
		return staffReauth{}, errInvalidRequest("The password must be 1 to %d characters.", maxPasswordLength)
	}
	if err := s.checkStaffPassword(ctx, sess, *password, addr); err != nil {
		return staffReauth{}, err
	}
	return staffReauth{code: &p}, nil
}

// checkStaffPassword checks the staff member's password under the password
// limits, as reauthenticate does, but without renewing the session's sign-in
// time: that waits for the code too.
func (s *Server) checkStaffPassword(ctx context.Context, sess *session, password, addr string) error {
	return s.checkPasswordUnderLimits(ctx, sess, password, addr, "wrong password when confirming identity for a help-desk change", nil)
}

// finish checks the code, inside the change's transaction, against the staff
// account's authenticator, and renews the session's sign-in time.
func (a staffReauth) finish(ctx context.Context, s *Server, tx *txn, sess *session, addr string, now time.Time) error {
	if a.code == nil {
		return nil
	}
	staff, err := accountByID(ctx, tx, sess.account.id)
	if err != nil {
		return err
	}
	if staff.totpSecret == nil {
		return errTwoFactorRequired
	}
	if _, err := s.verifyProof(ctx, tx, staff, staff.totpSecret, *a.code, callSupportReauth, addr, now); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE sessions SET authenticated_at = ? WHERE token_hash = ?`, millis(now), sess.tokenHash)
	return err
}

// partnerAccount loads the partner account a /support call names; any other
// ID, a support account's too, is account_not_found.
func partnerAccount(ctx context.Context, q querier, id string) (*account, error) {
	if !lengthWithin(id, 1, 128) {
		return nil, errAccountNotFound
	}
	acct, err := accountByID(ctx, q, id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && acct.role != RolePartner {
		return nil, errAccountNotFound
	}
	return acct, err
}

// recordStaffEvent adds an event to a staff account's own history. Unlike
// recordEvent it sends no notification: the account the change was made to is
// the one told.
func recordStaffEvent(ctx context.Context, tx *txn, accountID, typ, clientAddr, detail string, now time.Time) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO events (account_id, type, at, client_address, detail) VALUES (?, ?, ?, ?, ?)`,
		accountID, typ, millis(now), clientAddr, detail)
	return err
}

// parseReason checks a change's reason: 5 to 500 characters once runs of
// white space (line breaks too) are made single spaces, as events show it.
func parseReason(reason string) (string, error) {
	r := strings.Join(strings.Fields(reason), " ")
	if !lengthWithin(r, 5, 500) {
		return "", errInvalidRequest("Give a reason of 5 to 500 characters (it is recorded on both accounts).")
	}
	for _, c := range r {
		if c < 0x20 || c == 0x7f {
			return "", errInvalidRequest("The reason must not contain control characters.")
		}
	}
	return r, nil
}
