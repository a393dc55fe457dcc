package portal

import (
	"context"
	"database/sql"
	"sync"
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

// passwordLimit is the state of the password limits for a username and an
// address, from the failures stored.
type passwordLimit struct {
	accountFailures int           // consecutive failures of the username in accountFailureWindow
	addressFailures int           // failures from the address in PasswordFailureWindow
	wait            time.Duration // > 0 while either limit holds
}

// passwordLimitState reads the password limits of the username and the
// address.
func (s *Server) passwordLimitState(ctx context.Context, tx rowsQuerier, username, addr string, now time.Time) (passwordLimit, error) {
	const q = `SELECT at FROM password_failures WHERE subject = ? AND at > ? ORDER BY at DESC LIMIT ?`
	var st passwordLimit
	var waitAccount, waitAddress time.Duration
	var err error
	st.accountFailures, waitAccount, err = windowState(ctx, tx, q, s.accountSubject(username), s.cfg.PasswordFailuresPerAccount, accountFailureWindow, now)
	if err != nil {
		return st, err
	}
	st.addressFailures, waitAddress, err = windowState(ctx, tx, q, addressSubject(addr), s.cfg.PasswordFailuresPerAddress, s.cfg.PasswordFailureWindow, now)
	st.wait = max(waitAccount, waitAddress)
	return st, err
}

// passwordLimitWait reports how long the password limit still holds for the
// username or the address, 0 when neither is limited.
func (s *Server) passwordLimitWait(ctx context.Context, tx rowsQuerier, username, addr string, now time.Time) (time.Duration, error) {
	st, err := s.passwordLimitState(ctx, tx, username, addr, now)
	return st.wait, err
}

// passwordAttempts counts the password checks let through and not yet
// settled (waiting for a hash, hashing, or storing the outcome), per limit
// subject and in all. The database holds only settled failures; a check in
// flight may become one, so admission counts it as one, and a burst is
// refused before it queues hashes that the limit would refuse anyway. This is
// one instance's view: the database stays the authority, and the limit is
// checked again in the transaction that stores the outcome.
type passwordAttempts struct {
	mu       sync.Mutex
	inFlight map[string]int // by subject (accountSubject, addressSubject)
	total    int
	settled  uint64 // checks settled so far: tells a reader that the database moved
	maxTotal int    // the most in flight at once, for tests
}

// peak is the most checks that were in flight at once.
func (a *passwordAttempts) peak() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.maxTotal
}

func (a *passwordAttempts) settledCount() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.settled
}

// admitPasswordCheck lets a password check for username from addr go ahead,
// or refuses it with 429 when a limit would refuse it anyway: the stored
// failures and the checks in flight together reach the account's or the
// address's limit, or MaxQueuedHashes checks are in flight. The caller calls
// release once the outcome is stored (or the check is abandoned).
func (s *Server) admitPasswordCheck(ctx context.Context, username, addr string) (release func(), err error) {
	account, address := s.accountSubject(username), addressSubject(addr)
	a := s.attempts
	// The database is read outside the lock, so that a burst's reads do not
	// queue other addresses' sign-ins. A check is released only after its
	// outcome is stored, so it is always counted, in flight or stored; if one
	// settled during the read, the read may have missed it and is made again.
	for try := 0; ; try++ {
		before := a.settledCount()
		st, err := s.passwordLimitState(ctx, s.rdb, username, addr, s.now())
		if err != nil {
			return nil, err
		}
		if st.wait > 0 {
			return nil, errRateLimited(st.wait)
		}
		a.mu.Lock()
		if a.settled != before {
			a.mu.Unlock()
			if try < 3 {
				continue
			}
			return nil, errRateLimited(inFlightRetry) // checks keep settling: busy
		}
		if st.accountFailures+a.inFlight[account] >= s.cfg.PasswordFailuresPerAccount ||
			st.addressFailures+a.inFlight[address] >= s.cfg.PasswordFailuresPerAddress ||
			a.total >= s.cfg.MaxQueuedHashes {
			a.mu.Unlock()
			return nil, errRateLimited(inFlightRetry)
		}
		a.inFlight[account]++
		a.inFlight[address]++
		a.total++
		a.maxTotal = max(a.maxTotal, a.total)
		a.mu.Unlock()
		return func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			for _, subject := range []string{account, address} {
				if a.inFlight[subject]--; a.inFlight[subject] == 0 {
					delete(a.inFlight, subject)
				}
			}
			a.total--
			a.settled++
		}, nil
	}
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
