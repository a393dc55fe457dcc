package portal

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// proof is the second factor a request offers: a TOTP code or a recovery code.
type proof struct {
	code     string // six digits, or ""
	recovery string // normalized recovery code, or ""
}

// parseProof checks the shape of the code or recovery code sent (exactly one).
// A malformed one is a bad request, not a guess, and is not counted.
func parseProof(code, recovery *string) (proof, error) {
	switch {
	case code != nil && recovery != nil:
		return proof{}, errInvalidRequest("Send either code or recovery_code, not both.")
	case code != nil:
		if !isTOTPCode(*code) {
			return proof{}, errInvalidRequest("The code must be 6 digits.")
		}
		return proof{code: *code}, nil
	case recovery != nil:
		n, ok := normalizeRecoveryCode(*recovery)
		if !ok || len(*recovery) > 64 {
			return proof{}, errInvalidRequest("That is not a recovery code: they look like xxxx-xxxx-xxxx.")
		}
		return proof{recovery: n}, nil
	default:
		return proof{}, errInvalidRequest("Send the code from your authenticator app (code) or a recovery code (recovery_code).")
	}
}

// parseCode checks the shape of a code that must be a TOTP code.
func parseCode(code string) (proof, error) { return parseProof(&code, nil) }

// codeCall names, for messages and events, the call a code was sent to, and says
// how its refusals are answered: the sign-in step answers 401, calls made with a
// session 422 (wrong) and 409 (reused), as the contract's table says.
type codeCall struct {
	name   string // e.g. "at sign-in"
	signIn bool
}

var (
	callSignIn     = codeCall{name: "at sign-in", signIn: true}
	callConfirm    = codeCall{name: "when setting up an authenticator"}
	callDisable    = codeCall{name: "when turning two-factor authentication off"}
	callRegenerate = codeCall{name: "when generating new recovery codes"}
	callReauth     = codeCall{name: "when confirming identity"}
)

// proofResult says what an accepted proof was.
type proofResult struct {
	recoveryUsed bool
	recoveryLeft int // with recoveryUsed
}

// verifyProof checks p for acct inside tx, under the account's code limit and
// replay rule. TOTP codes are checked against sealedSecret (the account's, or a
// pending enrollment's). Accepted: the matched step becomes the account's last
// accepted step (or the recovery code is spent) and the failure count is cleared.
// Refused: the failure is counted and recorded as a security event, and the
// returned *apiError says why; the caller commits either way.
func (s *Server) verifyProof(ctx context.Context, tx *txn, acct *account, sealedSecret []byte, p proof,
	call codeCall, clientAddr string, now time.Time) (proofResult, error) {
	limit, err := readCodeLimit(ctx, tx, acct.id, now)
	if err != nil {
		return proofResult{}, err
	}
	if limit.wait > 0 {
		return proofResult{}, errRateLimited(limit.wait)
	}

	var (
		refusal *apiError
		detail  string
		result  proofResult
	)
	if p.recovery != "" {
		res, err := tx.ExecContext(ctx,
			`UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL`,
			millis(now), acct.id, s.keys.recoveryHash(p.recovery))
		if err != nil {
			return proofResult{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			refusal = s.invalidCode(call, "The recovery code is wrong or was already used.", limit, nil)
			detail = "wrong or used recovery code " + call.name
		} else {
			result = proofResult{recoveryUsed: true}
			if result.recoveryLeft, err = recoveryCodesLeft(ctx, tx, acct.id); err != nil {
				return proofResult{}, err
			}
		}
	} else {
		secret, err := s.keys.open(sealedSecret, acct.id)
		if err != nil {
			return proofResult{}, err
		}
		check := checkTOTP(string(secret), p.code, now, acct.totpLastStep)
		switch check.verdict {
		case codeAccepted:
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_last_step = ? WHERE id = ?`, check.step, acct.id); err != nil {
				return proofResult{}, err
			}
			acct.totpLastStep = check.step
		case codeReused:
			refusal = s.reusedCode(call, limit)
			detail = "reused code " + call.name
		default:
			if check.diagnosed {
				offset := check.offsetSteps * totpPeriod
				refusal = s.invalidCode(call, clockMessage(offset), limit, &offset)
				detail = fmt.Sprintf("wrong code %s (it matches a phone clock %s)", call.name, clockDirection(offset))
			} else {
				refusal = s.invalidCode(call, "The code is wrong.", limit, nil)
				detail = "wrong code " + call.name
			}
		}
	}

	if refusal != nil {
		if err := recordCodeFailure(ctx, tx, acct.id, now); err != nil {
			return proofResult{}, err
		}
		if err := recordEvent(ctx, tx, acct.id, eventCodeFailed, clientAddr, detail, now); err != nil {
			return proofResult{}, err
		}
		return proofResult{}, refusal
	}
	if limit.failures > 0 {
		if err := clearCodeFailures(ctx, tx, acct.id); err != nil {
			return proofResult{}, err
		}
	}
	return result, nil
}

func (s *Server) invalidCode(call codeCall, message string, limit codeLimit, offset *int) *apiError {
	status := http.StatusUnprocessableEntity
	if call.signIn {
		status = http.StatusUnauthorized
	}
	e := newAPIError(status, "invalid_code", "%s", message)
	remaining := limit.attemptsRemaining()
	e.attemptsRemaining = &remaining
	e.clockOffsetSeconds = offset
	return e
}

func (s *Server) reusedCode(call codeCall, limit codeLimit) *apiError {
	status := http.StatusConflict
	if call.signIn {
		status = http.StatusUnauthorized
	}
	e := newAPIError(status, "code_reused", "This code was already used; wait for the next one in your authenticator app.")
	remaining := limit.attemptsRemaining()
	e.attemptsRemaining = &remaining
	return e
}

// clockMessage explains a code that matched a step outside the window.
func clockMessage(offsetSeconds int) string {
	return fmt.Sprintf("The code is not valid now: it matches a clock %s. "+
		"Set the phone's time automatically and try the next code.", clockDirection(offsetSeconds))
}

func clockDirection(offsetSeconds int) string {
	if offsetSeconds < 0 {
		return fmt.Sprintf("%d seconds behind the portal's", -offsetSeconds)
	}
	return fmt.Sprintf("%d seconds ahead of the portal's", offsetSeconds)
}

// recoveryCodesLeft counts the account's unused recovery codes.
func recoveryCodesLeft(ctx context.Context, q querier, accountID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL`, accountID).Scan(&n)
	return n, err
}

// issueRecoveryCodes replaces the account's recovery codes with a new set and
// returns it; only the codes' hashes are stored.
func (s *Server) issueRecoveryCodes(ctx context.Context, tx *txn, accountID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = ?`, accountID); err != nil {
		return nil, err
	}
	codes := make([]string, 0, recoveryCodeCount)
	for len(codes) < recoveryCodeCount {
		code := newRecoveryCode()
		norm, _ := normalizeRecoveryCode(code)
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO recovery_codes (account_id, code_hash) VALUES (?, ?)`,
			accountID, s.keys.recoveryHash(norm))
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 { // a duplicate in the set is drawn again
			codes = append(codes, code)
		}
	}
	return codes, nil
}
