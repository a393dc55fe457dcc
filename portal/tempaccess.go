package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Temporary access codes (DESIGN § Help desk): for a client who lost both the
// phone and the recovery codes, the help desk issues a code that signs in once
// in place of the authenticator code. 80 random bits written as 16 characters of
// Crockford's base32 in groups of 4; stored only as an HMAC under a key derived
// from the portal's secret key; a new code replaces the account's older one.

const (
	// crockfordAlphabet is Crockford's base32: no I, L, O or U.
	crockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// temporaryAccessLen characters of 5 bits: 80 bits.
	temporaryAccessLen = 16
	// temporaryAccessLifetime is the default lifetime; the staff member may
	// choose from temporaryAccessMinLifetime to temporaryAccessMaxLifetime.
	temporaryAccessLifetime    = 60 * time.Minute
	temporaryAccessMinLifetime = 10 * time.Minute
	temporaryAccessMaxLifetime = 480 * time.Minute
)

// newTemporaryAccessCode returns a fresh code written XXXX-XXXX-XXXX-XXXX.
func newTemporaryAccessCode() string {
	var raw [10]byte // 80 bits: exactly 16 characters of 5 bits
	rand.Read(raw[:])
	var b strings.Builder
	var acc uint64
	bits := 0
	n := 0
	for _, c := range raw {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			if n > 0 && n%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(crockfordAlphabet[(acc>>bits)&31])
			n++
		}
	}
	return b.String()
}

// normalizeTemporaryAccessCode turns what a person typed into the code's
// canonical form: upper case, without dashes or spaces, with the letters
// Crockford's base32 reads as digits (O as 0; I and L as 1) made digits. It
// reports whether the result has a code's shape.
func normalizeTemporaryAccessCode(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
		case r == 'O':
			b.WriteByte('0')
		case r == 'I' || r == 'L':
			b.WriteByte('1')
		case r < 128 && strings.ContainsRune(crockfordAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	n := b.String()
	return n, len(n) == temporaryAccessLen
}

// temporaryAccessHash is the stored form of a normalized code, bound to the
// account so that a hash copied to another account's row does not match.
func (k *keyring) temporaryAccessHash(accountID, normalized string) []byte {
	m := hmac.New(sha256.New, k.temporaryAccessMAC)
	m.Write([]byte(accountID))
	m.Write([]byte{0})
	m.Write([]byte(normalized))
	return m.Sum(nil)
}

// issueTemporaryAccess stores a new code for the account (replacing an older
// one) and returns it with its expiry.
func (s *Server) issueTemporaryAccess(ctx context.Context, tx *txn, accountID, staff string, lifetime time.Duration, now time.Time) (string, time.Time, error) {
	code := newTemporaryAccessCode()
	norm, _ := normalizeTemporaryAccessCode(code)
	expires := now.Add(lifetime)
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO temporary_access (account_id, code_hash, issued_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		accountID, s.keys.temporaryAccessHash(accountID, norm), staff, millis(now), millis(expires))
	return code, expires, err
}

// temporaryAccessSessionJSON is the answer of a sign-in with a temporary access
// code: a session, and what the app must do next.
type temporaryAccessSessionJSON struct {
	sessionJSON
	Next string `json:"next"`
}

// nextReplaceAuthenticator tells the app to open on the wizard that sets up a
// new authenticator.
const nextReplaceAuthenticator = "replace_authenticator"

// loginWithTemporaryAccess is the temporary_access_code form of POST
// /api/v1/login/mfa. A wrong, expired or used code counts in the account's code
// limit like a wrong authenticator code; the right one works once.
func (s *Server) loginWithTemporaryAccess(w http.ResponseWriter, r *http.Request, mfaToken, code string) error {
	norm, ok := normalizeTemporaryAccessCode(code)
	if !ok {
		return errInvalidRequest("That is not a temporary access code: they look like XXXX-XXXX-XXXX-XXXX.")
	}
	ctx, ri := r.Context(), infoOf(r)
	var answer temporaryAccessSessionJSON
	err := s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		hash := tokenHash(mfaToken)
		acct, passwordAt, err := challengeAccount(ctx, tx, hash, now)
		if err != nil {
			return err
		}
		ri.accountID = acct.id
		limit, err := readCodeLimit(ctx, tx, acct.id, now)
		if err != nil {
			return err
		}
		if limit.wait > 0 {
			return errRateLimited(limit.wait)
		}
		var stored []byte
		var expiresAt int64
		var staff string
		err = tx.QueryRowContext(ctx, `SELECT code_hash, expires_at, issued_by FROM temporary_access WHERE account_id = ?`,
			acct.id).Scan(&stored, &expiresAt, &staff)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		want := s.keys.temporaryAccessHash(acct.id, norm)
		if err != nil || !now.Before(fromMillis(expiresAt)) || !hmac.Equal(stored, want) {
			if err := recordCodeFailure(ctx, tx, acct.id, now); err != nil {
				return err
			}
			if err := recordEvent(ctx, tx, acct.id, eventCodeFailed, ri.clientAddr, "wrong, expired or used temporary access code at sign-in", now); err != nil {
				return err
			}
			return s.invalidCode(callSignIn, "The temporary access code is wrong, has expired or was already used; ask the help desk for a new one.", limit, nil)
		}
		for _, q := range []string{
			`DELETE FROM temporary_access WHERE account_id = ?`,
			`DELETE FROM code_failures WHERE account_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, acct.id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE token_hash = ?`, hash); err != nil {
			return err
		}
		token, expires, err := s.createSession(ctx, tx, acct.id, fromMillis(passwordAt), now)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, acct.id, eventTemporaryAccessUsed, ri.clientAddr,
			"signed in with the temporary access code issued by the help desk ("+staff+"); set up a new authenticator", now); err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, acct.id, eventSignedIn, ri.clientAddr, "with password and temporary access code", now); err != nil {
			return err
		}
		answer = temporaryAccessSessionJSON{
			sessionJSON: sessionJSON{Token: token, ExpiresAt: expires.UTC(), Account: acct.json()},
			Next:        nextReplaceAuthenticator,
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}
