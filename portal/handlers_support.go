package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The /api/v1/support calls (DESIGN § Help desk), one handler each. Every one
// runs behind Server.support; the two that change an account also need
// staffReauth. None answers a secret, a hash or a code but the temporary access
// code it issues, once.

// supportSearchLimit is how many accounts a search answers at most.
const supportSearchLimit = 20

// supportAccountJSON is a partner account as the help desk sees it in a search.
type supportAccountJSON struct {
	ID        string        `json:"id"`
	Username  string        `json:"username"`
	Name      string        `json:"name"`
	Company   string        `json:"company"`
	TwoFactor twoFactorJSON `json:"two_factor"`
	// CodeLimitedUntil is when the account's code limit lets codes through
	// again; nil while it does.
	CodeLimitedUntil *time.Time `json:"code_limited_until"`
}

// temporaryAccessJSON says that a temporary access code waits, never the code.
type temporaryAccessJSON struct {
	ExpiresAt time.Time `json:"expires_at"`
}

// supportAccountDetailJSON is the account's page at the help desk.
type supportAccountDetailJSON struct {
	supportAccountJSON
	ActiveSessions  int                  `json:"active_sessions"`
	TemporaryAccess *temporaryAccessJSON `json:"temporary_access"`
	Events          []securityEvent      `json:"events"`
}

// supportAccount reads what a search shows of the account.
func (s *Server) supportAccount(ctx context.Context, q rowQuerier, a *account, now time.Time) (supportAccountJSON, error) {
	j := supportAccountJSON{ID: a.id, Username: a.username, Name: a.name, Company: a.company}
	var err error
	if j.TwoFactor, err = twoFactorStatus(ctx, q, a.id); err != nil {
		return j, err
	}
	_, wait, err := windowState(ctx, q,
		`SELECT at FROM code_failures WHERE account_id = ? AND at > ? ORDER BY at DESC LIMIT ?`,
		a.id, codeFailureLimit, codeFailureWindow, now)
	if err != nil {
		return j, err
	}
	if wait > 0 {
		until := now.Add(wait).UTC()
		j.CodeLimitedUntil = &until
	}
	return j, nil
}

// rowQuerier is what *sql.DB and *txn share for one-row and many-row queries.
type rowQuerier interface {
	querier
	rowsQuerier
}

// handleSupportSearch is GET /api/v1/support/accounts?q=TEXT.
func (s *Server) handleSupportSearch(w http.ResponseWriter, r *http.Request, _ *session) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !lengthWithin(q, 3, 100) {
		return errInvalidRequest("Search with 3 to 100 characters of a username, name or company.")
	}
	ctx, now := r.Context(), s.now()
	accounts, err := s.searchPartners(ctx, q)
	if err != nil {
		return err
	}
	answer := struct {
		Accounts []supportAccountJSON `json:"accounts"`
	}{Accounts: []supportAccountJSON{}}
	for _, a := range accounts {
		j, err := s.supportAccount(ctx, s.rdb, a, now)
		if err != nil {
			return err
		}
		answer.Accounts = append(answer.Accounts, j)
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// searchPartners finds up to supportSearchLimit partner accounts whose
// username, name or company contains q, case-insensitively, by username. SQLite's
// LIKE folds ASCII letters only, so it narrows the rows for an ASCII q and Go's
// folding decides.
func (s *Server) searchPartners(ctx context.Context, q string) ([]*account, error) {
	needle := strings.ToLower(q)
	query := "SELECT " + accountColumns + " FROM accounts WHERE role = 'partner'"
	var args []any
	if isASCII(q) {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
		query += ` AND (username LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\' OR company LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	rows, err := s.rdb.QueryContext(ctx, query+" ORDER BY username", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []*account
	for rows.Next() && len(found) < supportSearchLimit {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		if strings.Contains(strings.ToLower(a.username), needle) || strings.Contains(strings.ToLower(a.name), needle) ||
			strings.Contains(strings.ToLower(a.company), needle) {
			found = append(found, a)
		}
	}
	return found, rows.Err()
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// handleSupportAccount is GET /api/v1/support/accounts/{id}. It records a
// support_viewed event on the staff account.
func (s *Server) handleSupportAccount(w http.ResponseWriter, r *http.Request, sess *session) error {
	ctx, now := r.Context(), s.now()
	a, err := partnerAccount(ctx, s.rdb, r.PathValue("id"))
	if err != nil {
		return err
	}
	var answer supportAccountDetailJSON
	if answer.supportAccountJSON, err = s.supportAccount(ctx, s.rdb, a, now); err != nil {
		return err
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE account_id = ? AND expires_at > ?`,
		a.id, millis(now)).Scan(&answer.ActiveSessions); err != nil {
		return err
	}
	var expiresAt int64
	err = s.rdb.QueryRowContext(ctx, `SELECT expires_at FROM temporary_access WHERE account_id = ? AND expires_at > ?`,
		a.id, millis(now)).Scan(&expiresAt)
	switch {
	case err == nil:
		answer.TemporaryAccess = &temporaryAccessJSON{ExpiresAt: fromMillis(expiresAt)}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if answer.Events, err = s.listEvents(ctx, a.id, 50); err != nil {
		return err
	}
	err = s.writeTx(ctx, func(tx *txn) error {
		return recordStaffEvent(ctx, tx, sess.account.id, eventSupportViewed, infoOf(r).clientAddr, "viewed the account "+a.username, now)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// supportChange runs a change to the partner account of the request's path:
// the staff re-authentication, then, in one transaction, its code, the account
// (which must have 2FA: both changes are about a second factor) and change.
func (s *Server) supportChange(r *http.Request, sess *session, password, code *string,
	change func(tx *txn, target *account, now time.Time) error) error {
	ctx, addr := r.Context(), infoOf(r).clientAddr
	if _, err := partnerAccount(ctx, s.rdb, r.PathValue("id")); err != nil {
		return err
	}
	reauth, err := s.beginStaffReauth(ctx, sess, password, code, addr)
	if err != nil {
		return err
	}
	return s.sessionTx(ctx, sess, func(tx *txn) error {
		now := s.now()
		if err := reauth.finish(ctx, s, tx, sess, addr, now); err != nil {
			return err
		}
		target, err := partnerAccount(ctx, tx, r.PathValue("id"))
		if err != nil {
			return err
		}
		if target.totpSecret == nil {
			return errTwoFactorNotConfigured
		}
		return change(tx, target, now)
	})
}

type temporaryAccessRequest struct {
	Reason          string  `json:"reason"`
	LifetimeMinutes *int    `json:"lifetime_minutes"`
	Password        *string `json:"password"`
	Code            *string `json:"code"`
}

type temporaryAccessIssuedJSON struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleIssueTemporaryAccess is POST /api/v1/support/accounts/{id}/temporary-access.
func (s *Server) handleIssueTemporaryAccess(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req temporaryAccessRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	reason, err := parseReason(req.Reason)
	if err != nil {
		return err
	}
	lifetime := temporaryAccessLifetime
	if req.LifetimeMinutes != nil {
		lifetime = time.Duration(*req.LifetimeMinutes) * time.Minute
		if lifetime < temporaryAccessMinLifetime || lifetime > temporaryAccessMaxLifetime {
			return errInvalidRequest("lifetime_minutes must be from %d to %d.",
				int(temporaryAccessMinLifetime.Minutes()), int(temporaryAccessMaxLifetime.Minutes()))
		}
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	var answer temporaryAccessIssuedJSON
	err = s.supportChange(r, sess, req.Password, req.Code, func(tx *txn, target *account, now time.Time) error {
		code, expires, err := s.issueTemporaryAccess(ctx, tx, target.id, sess.account.username, lifetime, now)
		if err != nil {
			return err
		}
		until := expires.UTC().Format("2006-01-02 15:04 UTC")
		if err := recordEvent(ctx, tx, target.id, eventTemporaryAccessIssued, addr,
			fmt.Sprintf("by the help desk (%s), valid until %s; reason: %s", sess.account.username, until, reason), now); err != nil {
			return err
		}
		if err := recordStaffEvent(ctx, tx, sess.account.id, eventTemporaryAccessIssued, addr,
			fmt.Sprintf("for %s, valid until %s; reason: %s", target.username, until, reason), now); err != nil {
			return err
		}
		answer = temporaryAccessIssuedJSON{Code: code, ExpiresAt: expires.UTC()}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, answer)
	return nil
}

type supportResetRequest struct {
	Reason   string  `json:"reason"`
	Password *string `json:"password"`
	Code     *string `json:"code"`
}

// handleSupportReset is POST /api/v1/support/accounts/{id}/two-factor/reset:
// 2FA off, recovery codes, pending enrollments and the temporary access code
// deleted, every session and waiting sign-in of the account ended.
func (s *Server) handleSupportReset(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req supportResetRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	reason, err := parseReason(req.Reason)
	if err != nil {
		return err
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	var answer securityJSON
	err = s.supportChange(r, sess, req.Password, req.Code, func(tx *txn, target *account, now time.Time) error {
		var err error
		for _, q := range []string{
			`UPDATE accounts SET totp_secret = NULL, totp_configured_at = NULL WHERE id = ?`,
			`DELETE FROM recovery_codes WHERE account_id = ?`,
			`DELETE FROM enrollments WHERE account_id = ?`,
			`DELETE FROM temporary_access WHERE account_id = ?`,
			`DELETE FROM sessions WHERE account_id = ?`,
			`DELETE FROM mfa_challenges WHERE account_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, target.id); err != nil {
				return err
			}
		}
		if err := recordEvent(ctx, tx, target.id, eventTwoFactorResetBySupport, addr,
			fmt.Sprintf("by the help desk (%s): authenticator, recovery codes and temporary access code removed, every session ended; reason: %s",
				sess.account.username, reason), now); err != nil {
			return err
		}
		if err := recordStaffEvent(ctx, tx, sess.account.id, eventTwoFactorResetBySupport, addr,
			fmt.Sprintf("for %s; reason: %s", target.username, reason), now); err != nil {
			return err
		}
		answer.TwoFactor, err = twoFactorStatus(ctx, tx, target.id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}
