package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"
)

// newToken returns a bearer token (256 random bits) and the hash stored for it.
// A fast hash is enough: the token's entropy, not the hash's cost, defeats
// guessing.
func newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// session is an authenticated request's session.
type session struct {
	tokenHash       []byte
	account         *account
	authenticatedAt time.Time // when the password was last checked
}

// createSession starts a session for accountID whose password was checked at
// authAt, and returns its token and expiry.
func (s *Server) createSession(ctx context.Context, tx *txn, accountID string, authAt, now time.Time) (string, time.Time, error) {
	token, hash := newToken()
	expires := now.Add(s.cfg.SessionLifetime)
	_, err := tx.ExecContext(ctx,
		`INSERT INTO sessions (token_hash, account_id, created_at, authenticated_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, accountID, millis(now), millis(authAt), millis(expires))
	return token, expires, err
}

// endOtherSessions ends every session of the account but keep, and every sign-in
// waiting for a code.
func endOtherSessions(ctx context.Context, tx *txn, accountID string, keep []byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND token_hash != ?`, accountID, keep); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE account_id = ?`, accountID)
	return err
}

// bearerToken is the token of an "Authorization: Bearer" header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// authenticated wraps a handler that needs a session; it answers 401
// unauthorized without one.
func (s *Server) authenticated(h func(w http.ResponseWriter, r *http.Request, sess *session) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := bearerToken(r)
		if token == "" || len(token) > 256 {
			return errUnauthorized
		}
		sess, err := s.lookUpSession(r.Context(), tokenHash(token))
		if err != nil {
			return err
		}
		infoOf(r).accountID = sess.account.id
		return h(w, r, sess)
	}
}

func (s *Server) lookUpSession(ctx context.Context, hash []byte) (*session, error) {
	var authAt int64
	var a account
	err := s.rstmts.readRow(ctx, `
		SELECT s.authenticated_at, a.id, a.username, a.name, a.company, a.password_hash,
		       a.totp_secret, a.totp_configured_at, a.totp_last_step, a.role
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, hash, millis(s.now())).Scan(&authAt, &a.id, &a.username, &a.name, &a.company, &a.passwordHash, &a.totpSecret, &a.totpConfiguredAt, &a.totpLastStep, &a.role)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnauthorized
	}
	if err != nil {
		return nil, err
	}
	return &session{tokenHash: hash, account: &a, authenticatedAt: fromMillis(authAt)}, nil
}

// sessionTx runs fn in a write transaction after checking, inside it, that the
// session still holds: a change racing with one that ended the session (a new
// authenticator confirmed elsewhere, a sign-out) must not go through.
func (s *Server) sessionTx(ctx context.Context, sess *session, fn func(tx *txn) error) error {
	return s.writeTx(ctx, func(tx *txn) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM sessions WHERE token_hash = ? AND expires_at > ?`,
			sess.tokenHash, millis(s.now())).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		return fn(tx)
	})
}
