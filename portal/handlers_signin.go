package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// accountJSON is an account as the API shows it.
type accountJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Company  string `json:"company"`
	Role     string `json:"role"`
}

func (a *account) json() accountJSON {
	return accountJSON{ID: a.id, Username: a.username, Name: a.name, Company: a.company, Role: a.role}
}

type sessionJSON struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
	Account   accountJSON `json:"account"`
}

type mfaChallengeJSON struct {
	MFARequired bool      `json:"mfa_required"`
	MFAToken    string    `json:"mfa_token"`
	ExpiresAt   time.Time `json:"expires_at"`
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// handleLogin is POST /api/v1/login.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !lengthWithin(req.Username, 1, 254) {
		return errInvalidRequest("The username must be 1 to 254 characters.")
	}
	if !lengthWithin(req.Password, 1, maxPasswordLength) {
		return errInvalidRequest("The password must be 1 to %d characters.", maxPasswordLength)
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr

	// Refuse early what the limits would refuse, before spending a hash on it.
	release, err := s.admitPasswordCheck(ctx, req.Username, addr)
	if err != nil {
		return err
	}
	defer release()
	acct, err := accountByUsername(ctx, s.rdb, req.Username)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	hash := s.dummyHash
	if acct != nil {
		hash = acct.passwordHash
	}
	ok, err := s.hasher.verify(ctx, req.Password, hash)
	if err != nil {
		return err
	}
	ok = ok && acct != nil

	var answer any
	err = s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		// Checked again: parallel attempts may have reached the limit meanwhile.
		if wait, err := s.passwordLimitWait(ctx, tx, req.Username, addr, now); err != nil {
			return err
		} else if wait > 0 {
			return errRateLimited(wait)
		}
		if !ok {
			if err := s.recordPasswordFailure(ctx, tx, req.Username, addr, now); err != nil {
				return err
			}
			if acct != nil {
				if err := recordEvent(ctx, tx, acct.id, eventSignInFailed, addr, "wrong password", now); err != nil {
					return err
				}
			}
			return errInvalidCredentials
		}
		if err := s.clearAccountPasswordFailures(ctx, tx, req.Username); err != nil {
			return err
		}
		if acct.totpSecret != nil {
			token, hash := newToken()
			expires := now.Add(mfaTokenLifetime)
			if _, err := tx.ExecContext(ctx, `INSERT INTO mfa_challenges (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
				hash, acct.id, millis(now), millis(expires)); err != nil {
				return err
			}
			answer = mfaChallengeJSON{MFARequired: true, MFAToken: token, ExpiresAt: expires.UTC()}
			return nil
		}
		token, expires, err := s.createSession(ctx, tx, acct.id, now, now)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, acct.id, eventSignedIn, addr, "with password", now); err != nil {
			return err
		}
		answer = sessionJSON{Token: token, ExpiresAt: expires.UTC(), Account: acct.json()}
		return nil
	})
	if err != nil {
		return err
	}
	if acct != nil {
		infoOf(r).accountID = acct.id
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

type mfaLoginRequest struct {
	MFAToken     string  `json:"mfa_token"`
	Code         *string `json:"code"`
	RecoveryCode *string `json:"recovery_code"`
	// TemporaryAccessCode is the help desk's one-time code (tempaccess.go).
	TemporaryAccessCode *string `json:"temporary_access_code"`
}

// handleLoginMFA is POST /api/v1/login/mfa.
func (s *Server) handleLoginMFA(w http.ResponseWriter, r *http.Request) error {
	var req mfaLoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !lengthWithin(req.MFAToken, 1, 256) {
		return errInvalidRequest("Send the mfa_token from the sign-in.")
	}
	if req.TemporaryAccessCode != nil {
		if req.Code != nil || req.RecoveryCode != nil {
			return errInvalidRequest("Send one of code, recovery_code and temporary_access_code.")
		}
		return s.loginWithTemporaryAccess(w, r, req.MFAToken, *req.TemporaryAccessCode)
	}
	p, err := parseProof(req.Code, req.RecoveryCode)
	if err != nil {
		return err
	}
	ctx, ri := r.Context(), infoOf(r)
	var answer sessionJSON
	err = s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		hash := tokenHash(req.MFAToken)
		acct, passwordAt, err := challengeAccount(ctx, tx, hash, now)
		if err != nil {
			return err
		}
		ri.accountID = acct.id
		res, err := s.verifyProof(ctx, tx, acct, acct.totpSecret, p, callSignIn, ri.clientAddr, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE token_hash = ?`, hash); err != nil {
			return err
		}
		token, expires, err := s.createSession(ctx, tx, acct.id, fromMillis(passwordAt), now)
		if err != nil {
			return err
		}
		how := "with password and authenticator code"
		if res.recoveryUsed {
			how = "with password and recovery code"
			if err := recordEvent(ctx, tx, acct.id, eventRecoveryCodeUsed, ri.clientAddr,
				fmt.Sprintf("at sign-in; %d recovery codes left", res.recoveryLeft), now); err != nil {
				return err
			}
		}
		if err := recordEvent(ctx, tx, acct.id, eventSignedIn, ri.clientAddr, how, now); err != nil {
			return err
		}
		answer = sessionJSON{Token: token, ExpiresAt: expires.UTC(), Account: acct.json()}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// handleLogout is POST /api/v1/logout.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, sess *session) error {
	if _, err := s.db.ExecContext(r.Context(), `DELETE FROM sessions WHERE token_hash = ?`, sess.tokenHash); err != nil {
		return err
	}
	// Sharing progress with the help desk ends with the sign-in that started it.
	if err := s.endSupportSessionsOfSignIn(r.Context(), sess.tokenHash); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkPassword checks the shape of an optional password field.
func checkPassword(password *string) error {
	if password != nil && !lengthWithin(*password, 1, maxPasswordLength) {
		return errInvalidRequest("The password must be 1 to %d characters.", maxPasswordLength)
	}
	return nil
}

// reauth is what a request that changes the second factor offers to prove who
// is asking, beside its session.
type reauth struct {
	password *string
	// second is the code or recovery code sent for re-authentication, or nil.
	second *proof
	// codeChecked says that the call checks a code of its own (turning 2FA off
	// needs one in any case), so the password completes re-authentication.
	codeChecked bool
}

// reauthenticate applies the re-authentication rule for changes to the
// second factor (DESIGN § Security rules): the session's sign-in must be
// younger than reauthAfter, or the request must hold the account password
// and, while 2FA is on, a current code or an unused recovery code; the
// password alone is not enough. What is sent is checked even on a recent
// sign-in; a full re-authentication renews the session's sign-in time. Wrong
// passwords count against the password limit, refused codes against the code
// limit.
func (s *Server) reauthenticate(ctx context.Context, sess *session, ra reauth, addr string) error {
	needsCode := sess.account.totpSecret != nil && !ra.codeChecked
	stale := s.now().Sub(sess.authenticatedAt) > reauthAfter
	switch {
	case ra.password == nil && !stale:
		return nil // a code sent alone proves nothing more than the recent sign-in
	case ra.password == nil, stale && needsCode && ra.second == nil:
		if needsCode {
			return errReauthRequiredWithCode
		}
		return errReauthRequired
	}
	if err := checkPassword(ra.password); err != nil {
		return err
	}
	return s.checkPasswordUnderLimits(ctx, sess, *ra.password, addr, "wrong password when confirming identity", func(tx *txn, now time.Time) error {
		complete := !needsCode
		if needsCode && ra.second != nil {
			acct, err := accountByID(ctx, tx, sess.account.id)
			if err != nil {
				return err
			}
			if acct.totpSecret != nil { // else 2FA was turned off meanwhile: the password is enough
				res, err := s.verifyProof(ctx, tx, acct, acct.totpSecret, *ra.second, callReauth, addr, now)
				if err != nil {
					return err
				}
				if res.recoveryUsed {
					if err := recordEvent(ctx, tx, acct.id, eventRecoveryCodeUsed, addr,
						fmt.Sprintf("to confirm identity; %d recovery codes left", res.recoveryLeft), now); err != nil {
						return err
					}
				}
			}
			complete = true
		}
		if !complete {
			return nil // a recent sign-in and a right password: not renewed without the code
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET authenticated_at = ? WHERE token_hash = ?`, millis(now), sess.tokenHash)
		return err
	})
}

// checkPasswordUnderLimits checks password against the session's account
// under the password limits: admitted first (so a burst cannot queue
// hashes), then hashed, then recorded in one transaction with the limits
// read again. A wrong one is a failure and an event saying failDetail; a
// right one clears the account's failures, and then, in the same
// transaction, runs (nil: nothing more).
func (s *Server) checkPasswordUnderLimits(ctx context.Context, sess *session, password, addr, failDetail string, then func(tx *txn, now time.Time) error) error {
	username := sess.account.username
	release, err := s.admitPasswordCheck(ctx, username, addr)
	if err != nil {
		return err
	}
	defer release()
	ok, err := s.hasher.verify(ctx, password, sess.account.passwordHash)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		if wait, err := s.passwordLimitWait(ctx, tx, username, addr, now); err != nil {
			return err
		} else if wait > 0 {
			return errRateLimited(wait)
		}
		if !ok {
			if err := s.recordPasswordFailure(ctx, tx, username, addr, now); err != nil {
				return err
			}
			if err := recordEvent(ctx, tx, sess.account.id, eventSignInFailed, addr, failDetail, now); err != nil {
				return err
			}
			return errInvalidPassword
		}
		if err := s.clearAccountPasswordFailures(ctx, tx, username); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(tx, now)
	})
}

// challengeAccount returns the account of the waiting sign-in whose
// mfa_token hashes to hash, and when its password was checked; a sign-in
// that is unknown, expired, or whose account turned 2FA off meanwhile is
// errInvalidMFAToken.
func challengeAccount(ctx context.Context, tx *txn, hash []byte, now time.Time) (*account, int64, error) {
	var accountID string
	var passwordAt int64
	err := tx.QueryRowContext(ctx, `SELECT account_id, created_at FROM mfa_challenges WHERE token_hash = ? AND expires_at > ?`,
		hash, millis(now)).Scan(&accountID, &passwordAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errInvalidMFAToken
	}
	if err != nil {
		return nil, 0, err
	}
	acct, err := accountByID(ctx, tx, accountID)
	if err != nil {
		return nil, 0, err
	}
	if acct.totpSecret == nil { // 2FA was turned off meanwhile
		return nil, 0, errInvalidMFAToken
	}
	return acct, passwordAt, nil
}
