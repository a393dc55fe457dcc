package portal

import (
	"context"
	"database/sql"
	"time"
)

// A sliding-window limit: at most limit failures in window. While limit failures
// lie in the window, every attempt is refused; the wait ends when the oldest of
// the last limit failures leaves the window. Refused attempts are not counted,
// so waiting out Retry-After always works.

// windowState reads the newest limit failure times of subject (newest first) and
// reports how many there are and, when the limit holds, how long it still holds.
func windowState(ctx context.Context, tx rowsQuerier, query, subject string, limit int, window time.Duration, now time.Time) (failures int, wait time.Duration, err error) {
	rows, err := tx.QueryContext(ctx, query, subject, millis(now.Add(-window)), limit)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	var oldest int64
	for rows.Next() {
		if err := rows.Scan(&oldest); err != nil {
			return 0, 0, err
		}
		failures++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if failures >= limit {
		wait = fromMillis(oldest).Add(window).Sub(now)
		if wait <= 0 {
			wait = time.Millisecond
		}
	}
	return failures, wait, nil
}

// rowsQuerier is what *sql.DB and *sql.Tx share for multi-row queries.
type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// codeLimit is the state of an account's code limit.
type codeLimit struct {
	failures int           // refused codes in the window
	wait     time.Duration // > 0 while the limit holds
}

// attemptsRemaining is how many more codes may be refused in the window after
// one more is.
func (c codeLimit) attemptsRemaining() int { return max(codeFailureLimit-c.failures-1, 0) }

func readCodeLimit(ctx context.Context, tx *txn, accountID string, now time.Time) (codeLimit, error) {
	n, wait, err := windowState(ctx, tx,
		`SELECT at FROM code_failures WHERE account_id = ? AND at > ? ORDER BY at DESC LIMIT ?`,
		accountID, codeFailureLimit, codeFailureWindow, now)
	return codeLimit{failures: n, wait: wait}, err
}

func recordCodeFailure(ctx context.Context, tx *txn, accountID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO code_failures (account_id, at) VALUES (?, ?)`, accountID, millis(now))
	return err
}

func clearCodeFailures(ctx context.Context, tx *txn, accountID string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM code_failures WHERE account_id = ?`, accountID)
	return err
}

// Password failures are counted under two subjects: the username tried (whether
// or not an account has it, so the limit says nothing about which exist) and the
// client address. The username is stored keyed-hashed: people type passwords
// into the username field, and the database must not keep those in clear.
func (s *Server) accountSubject(username string) string {
	return "account:" + s.keys.subjectHash(normalizeUsername(username))
}

func addressSubject(addr string) string { return "address:" + addr }

// passwordLimitWait reports how long the password limit still holds for the
// username or the address, 0 when neither is limited.
func (s *Server) passwordLimitWait(ctx context.Context, tx rowsQuerier, username, addr string, now time.Time) (time.Duration, error) {
	const q = `SELECT at FROM password_failures WHERE subject = ? AND at > ? ORDER BY at DESC LIMIT ?`
	_, waitAccount, err := windowState(ctx, tx, q, s.accountSubject(username), s.cfg.PasswordFailuresPerAccount, s.cfg.PasswordFailureWindow, now)
	if err != nil {
		return 0, err
	}
	_, waitAddress, err := windowState(ctx, tx, q, addressSubject(addr), s.cfg.PasswordFailuresPerAddress, s.cfg.PasswordFailureWindow, now)
	return max(waitAccount, waitAddress), err
}

func (s *Server) recordPasswordFailure(ctx context.Context, tx *txn, username, addr string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO password_failures (subject, at) VALUES (?, ?), (?, ?)`,
		s.accountSubject(username), millis(now), addressSubject(addr), millis(now))
	return err
}

// clearAccountPasswordFailures forgets the username's failures after a right
// password. The address's are kept: one good account must not reset an
// address's count against others.
func (s *Server) clearAccountPasswordFailures(ctx context.Context, tx *txn, username string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM password_failures WHERE subject = ?`, s.accountSubject(username))
	return err
}
