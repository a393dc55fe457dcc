package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// twoFactorJSON is the account's two-factor status as the API shows it.
type twoFactorJSON struct {
	Required               bool       `json:"required"`
	Configured             bool       `json:"configured"`
	ConfiguredAt           *time.Time `json:"configured_at"`
	RecoveryCodesRemaining int        `json:"recovery_codes_remaining"`
}

type securityJSON struct {
	TwoFactor twoFactorJSON `json:"two_factor"`
}

type recoveryCodesJSON struct {
	TwoFactor     twoFactorJSON `json:"two_factor"`
	RecoveryCodes []string      `json:"recovery_codes"`
}

// recoveryCodesAnswer issues the account a new set of recovery codes (the
// old set stops working), records the security event, and returns the
// answer of confirm and of regenerate: the new two-factor status and codes.
func (s *Server) recoveryCodesAnswer(ctx context.Context, tx *txn, accountID, event, addr, detail string, now time.Time) (recoveryCodesJSON, error) {
	codes, err := s.issueRecoveryCodes(ctx, tx, accountID)
	if err != nil {
		return recoveryCodesJSON{}, err
	}
	if err := recordEvent(ctx, tx, accountID, event, addr, detail, now); err != nil {
		return recoveryCodesJSON{}, err
	}
	st, err := twoFactorStatus(ctx, tx, accountID)
	return recoveryCodesJSON{TwoFactor: st, RecoveryCodes: codes}, err
}

// twoFactorStatus reads the account's status; q is the transaction when called
// inside one, so the answer includes its changes.
func twoFactorStatus(ctx context.Context, q querier, accountID string) (twoFactorJSON, error) {
	var configuredAt sql.NullInt64
	var st twoFactorJSON
	err := q.QueryRowContext(ctx, `
		SELECT totp_configured_at,
		       (SELECT COUNT(*) FROM recovery_codes WHERE account_id = a.id AND used_at IS NULL)
		FROM accounts a WHERE id = ?`, accountID).Scan(&configuredAt, &st.RecoveryCodesRemaining)
	if err != nil {
		return st, err
	}
	if configuredAt.Valid {
		at := fromMillis(configuredAt.Int64)
		st.ConfiguredAt, st.Configured, st.Required = &at, true, true
	}
	return st, nil
}

// handleAccount is GET /api/v1/account.
func (s *Server) handleAccount(w http.ResponseWriter, _ *http.Request, sess *session) error {
	writeJSON(w, http.StatusOK, sess.account.json())
	return nil
}

// handleSecurity is GET /api/v1/account/security.
func (s *Server) handleSecurity(w http.ResponseWriter, r *http.Request, sess *session) error {
	st, err := twoFactorStatus(r.Context(), s.rdb, sess.account.id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, securityJSON{TwoFactor: st})
	return nil
}

type enrollmentRequest struct {
	ReplaceExisting bool    `json:"replace_existing"`
	Password        *string `json:"password"`
	Code            *string `json:"code"`
	RecoveryCode    *string `json:"recovery_code"`
}

type enrollmentJSON struct {
	EnrollmentID string    `json:"enrollment_id"`
	Secret       string    `json:"secret"`
	OTPAuthURI   string    `json:"otpauth_uri"`
	Issuer       string    `json:"issuer"`
	AccountName  string    `json:"account_name"`
	Algorithm    string    `json:"algorithm"`
	Digits       int       `json:"digits"`
	Period       int       `json:"period"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// handleCreateEnrollment is POST /api/v1/account/security/totp.
func (s *Server) handleCreateEnrollment(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req enrollmentRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ra := reauth{password: req.Password}
	if req.Code != nil || req.RecoveryCode != nil {
		p, err := parseProof(req.Code, req.RecoveryCode)
		if err != nil {
			return err
		}
		ra.second = &p
	}
	if err := checkPassword(req.Password); err != nil {
		return err
	}
	acct := sess.account
	if acct.totpSecret != nil && !req.ReplaceExisting {
		return errReplaceConfirmationRequired
	}
	ctx := r.Context()
	if err := s.reauthenticate(ctx, sess, ra, infoOf(r).clientAddr); err != nil {
		return err
	}
	secret := newTOTPSecret()
	id := newID()
	now := s.now()
	expires := now.Add(enrollmentLifetime)
	err := s.sessionTx(ctx, sess, func(tx *txn) error {
		// One pending enrollment per account: a new secret discards the last.
		if _, err := tx.ExecContext(ctx, `DELETE FROM enrollments WHERE account_id = ?`, acct.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO enrollments (id, account_id, secret, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			id, acct.id, s.keys.seal([]byte(secret), acct.id), millis(now), millis(expires))
		return err
	})
	if err != nil {
		return err
	}
	s.log.Debug("enrollment created", "request_id", infoOf(r).id, "account_id", acct.id, "enrollment_id", id)
	writeJSON(w, http.StatusCreated, enrollmentJSON{
		EnrollmentID: id, Secret: secret, OTPAuthURI: otpauthURI(s.cfg.Issuer, acct.username, secret),
		Issuer: s.cfg.Issuer, AccountName: acct.username,
		Algorithm: totpAlgorithm, Digits: totpDigits, Period: totpPeriod, ExpiresAt: expires.UTC(),
	})
	return nil
}

type confirmRequest struct {
	EnrollmentID string `json:"enrollment_id"`
	Code         string `json:"code"`
}

// handleConfirmEnrollment is POST /api/v1/account/security/totp/confirm.
func (s *Server) handleConfirmEnrollment(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req confirmRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !lengthWithin(req.EnrollmentID, 1, 128) {
		return errInvalidRequest("Send the enrollment_id of the secret you scanned.")
	}
	p, err := parseCode(req.Code)
	if err != nil {
		return err
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	var answer recoveryCodesJSON
	err = s.sessionTx(ctx, sess, func(tx *txn) error {
		now := s.now()
		var sealed []byte
		var expiresAt int64
		err := tx.QueryRowContext(ctx, `SELECT secret, expires_at FROM enrollments WHERE id = ? AND account_id = ?`,
			req.EnrollmentID, sess.account.id).Scan(&sealed, &expiresAt)
		if errors.Is(err, sql.ErrNoRows) {
			return errEnrollmentNotFound
		}
		if err != nil {
			return err
		}
		if !now.Before(fromMillis(expiresAt)) {
			return errEnrollmentExpired
		}
		acct, err := accountByID(ctx, tx, sess.account.id)
		if err != nil {
			return err
		}
		if _, err := s.verifyProof(ctx, tx, acct, sealed, p, callConfirm, addr, now); err != nil {
			return err
		}
		event, detail := eventTwoFactorEnabled, "authenticator app set up"
		if acct.totpSecret != nil {
			event, detail = eventAuthenticatorReplaced, "the new authenticator replaces the old one"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_secret = ?, totp_configured_at = ? WHERE id = ?`,
			sealed, millis(now), acct.id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM enrollments WHERE account_id = ?`, acct.id); err != nil {
			return err
		}
		if err := endOtherSessions(ctx, tx, acct.id, sess.tokenHash); err != nil {
			return err
		}
		answer, err = s.recoveryCodesAnswer(ctx, tx, acct.id, event, addr, detail+"; other sessions ended", now)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

type updateSecurityRequest struct {
	RequireTwoFactor *bool   `json:"require_two_factor"`
	Code             *string `json:"code"`
	RecoveryCode     *string `json:"recovery_code"`
	Password         *string `json:"password"`
}

// handleUpdateSecurity is PUT /api/v1/account/security: it turns 2FA off.
func (s *Server) handleUpdateSecurity(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req updateSecurityRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.RequireTwoFactor == nil {
		return errInvalidRequest("Send require_two_factor.")
	}
	// The body is checked whole before anything else, so that what the
	// contract refuses is refused whatever the account's state.
	p, proofErr := parseProof(req.Code, req.RecoveryCode)
	if proofErr != nil && (req.Code != nil || req.RecoveryCode != nil) {
		return proofErr
	}
	if err := checkPassword(req.Password); err != nil {
		return err
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	configured := sess.account.totpSecret != nil
	switch {
	case *req.RequireTwoFactor && !configured:
		return errEnrollmentRequired
	case *req.RequireTwoFactor || !configured:
		// Already as asked: nothing to change and nothing to prove.
		return s.handleSecurity(w, r, sess)
	case proofErr != nil: // turning off needs a code
		return proofErr
	}
	if err := s.reauthenticate(ctx, sess, reauth{password: req.Password, codeChecked: true}, addr); err != nil {
		return err
	}
	var answer securityJSON
	err := s.sessionTx(ctx, sess, func(tx *txn) error {
		now := s.now()
		acct, err := accountByID(ctx, tx, sess.account.id)
		if err != nil {
			return err
		}
		if acct.totpSecret != nil {
			if err := s.turnOff(ctx, tx, acct, sess, p, addr, now); err != nil {
				return err
			}
		}
		answer.TwoFactor, err = twoFactorStatus(ctx, tx, acct.id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// turnOff checks the proof and turns 2FA off: the authenticator, the recovery
// codes and pending enrollments go, and every other session ends. The last
// accepted step stays, so a code seen before cannot be replayed later.
func (s *Server) turnOff(ctx context.Context, tx *txn, acct *account, sess *session, p proof, addr string, now time.Time) error {
	res, err := s.verifyProof(ctx, tx, acct, acct.totpSecret, p, callDisable, addr, now)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE accounts SET totp_secret = NULL, totp_configured_at = NULL WHERE id = ?`,
		`DELETE FROM recovery_codes WHERE account_id = ?`,
		`DELETE FROM enrollments WHERE account_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, acct.id); err != nil {
			return err
		}
	}
	if err := endOtherSessions(ctx, tx, acct.id, sess.tokenHash); err != nil {
		return err
	}
	if res.recoveryUsed {
		if err := recordEvent(ctx, tx, acct.id, eventRecoveryCodeUsed, addr, "to turn two-factor authentication off", now); err != nil {
			return err
		}
	}
	return recordEvent(ctx, tx, acct.id, eventTwoFactorDisabled, addr, "authenticator and recovery codes removed; other sessions ended", now)
}

type regenerateRequest struct {
	Code string `json:"code"`
}

// handleRegenerateRecoveryCodes is POST /api/v1/account/security/recovery-codes.
func (s *Server) handleRegenerateRecoveryCodes(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req regenerateRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := parseCode(req.Code)
	if err != nil {
		return err
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	var answer recoveryCodesJSON
	err = s.sessionTx(ctx, sess, func(tx *txn) error {
		now := s.now()
		acct, err := accountByID(ctx, tx, sess.account.id)
		if err != nil {
			return err
		}
		if acct.totpSecret == nil {
			return errTwoFactorNotEnabled
		}
		if _, err := s.verifyProof(ctx, tx, acct, acct.totpSecret, p, callRegenerate, addr, now); err != nil {
			return err
		}
		answer, err = s.recoveryCodesAnswer(ctx, tx, acct.id, eventRecoveryCodesRegenerated, addr,
			fmt.Sprintf("%d new recovery codes; the old ones no longer work", recoveryCodeCount), now)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// handleEvents is GET /api/v1/account/security/events.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, sess *session) error {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return errInvalidRequest("limit must be a whole number from 1 to 200.")
		}
		limit = n
	}
	events, err := s.listEvents(r.Context(), sess.account.id, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Events []securityEvent `json:"events"`
	}{events})
	return nil
}

// handleTime is GET /api/v1/time: the portal's clock to the nanosecond.
func (s *Server) handleTime(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, struct {
		Time string `json:"time"`
	}{s.now().UTC().Format("2006-01-02T15:04:05.000000000Z07:00")})
	return nil
}

// handleHealth is GET /api/v1/health: up, and the database answers reads on
// the reader connections and takes a write on the writer, as every sign-in
// needs.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	var one int
	err := s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	if err == nil {
		err = s.checkWritable(ctx)
	}
	if err != nil {
		s.log.Error("health check failed", "request_id", infoOf(r).id, "err", err)
		return errUnavailable
	}
	h, err := s.health(ctx)
	if err != nil {
		s.log.Error("health check failed", "err", err)
		return errUnavailable
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// healthTimeout bounds the health check, lock waits included.
const healthTimeout = 2 * time.Second

// checkWritable takes the database's write lock and writes in a transaction
// that it then rolls back: what a sign-in does, without changing anything. A
// SELECT would answer while another process holds the write lock or the file
// cannot be written, when every sign-in fails. The lock is waited for at most
// healthTimeout (the connection's own busy timeout is longer), and the write
// goes on the writer connection, so a writer stuck in this process shows too.
func (s *Server) checkWritable(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", healthTimeout.Milliseconds())); err != nil {
		return err
	}
	// Back to the connection's usual wait for the writes that follow, even if
	// ctx has ended.
	defer conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds()))
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `UPDATE meta SET value = value WHERE name = 'key_check'`)
	return err
}
