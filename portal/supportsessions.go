package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"
)

// Support sessions (DESIGN § Help desk, "Share my progress with the help
// desk"): a partner opens one and reads its 6-digit code out on the call; the
// staff member who joins with the code follows the partner's progress through
// a long poll (longpoll.go). This file holds the rows and their rules; the
// calls are in handlers_supportsessions.go.
//
// Every state lives in the database. A session is open, ended or expired;
// expiry (and the end that comes with the partner's sign-out) is noticed when
// the row is read and written back then, bumping the version, so an instance
// that reads it later sees the same.

// Support session states, as the contract names them (SupportSessionState).
const (
	supportSessionOpen    = "open"
	supportSessionEnded   = "ended"
	supportSessionExpired = "expired"
)

// Policy of support sessions.
const (
	// supportJoinWindow is how long the code can be used.
	supportJoinWindow = 15 * time.Minute
	// supportSessionLifetime is how long a session lasts at most.
	supportSessionLifetime = 2 * time.Hour
	// supportSessionsPerHour is how many sessions an account may open in an hour.
	supportSessionsPerHour = 10
	// supportJoinFailureLimit wrong codes per staff account in supportJoinFailureWindow.
	supportJoinFailureLimit  = 10
	supportJoinFailureWindow = 5 * time.Minute
	// progressUpdatesPerWindow progress updates per session in progressWindow;
	// the app sends one per screen or message, far fewer.
	progressUpdatesPerWindow = 20
	progressWindow           = time.Second
	// supportSessionKept is how long a session's row stays after it ends, so a
	// late call is told "ended" rather than "not found".
	supportSessionKept = 24 * time.Hour
	// maxProgressText is the most characters a progress string may hold.
	maxProgressText = 200
	// maxClockOffsetSeconds bounds clock_offset_seconds either way (a year).
	maxClockOffsetSeconds = 365 * 24 * 60 * 60
)

// Event of support sessions, recorded on both accounts.
const eventSupportSessionJoined = "support_session_joined"

// Refusals of the support session calls.
var (
	errSupportSessionNotFound = newAPIError(http.StatusNotFound, "support_session_not_found",
		"There is no support session with this ID for this account.")
	errSupportSessionEnded = newAPIError(http.StatusConflict, "support_session_ended",
		"This support session has ended; start a new one to share your progress again.")
	errInvalidSupportCode = newAPIError(http.StatusNotFound, "invalid_support_code",
		"No session waits with this code: it is wrong, has expired or was already used. Ask the client to read it out again, or to start a new session.")
)

// errTooMany is a 429 rate_limited with its own sentence: the limits here
// are not about failed attempts.
func errTooMany(retryAfter time.Duration, format string, args ...any) *apiError {
	e := newAPIError(http.StatusTooManyRequests, "rate_limited", format, args...)
	e.retryAfter = retryAfter
	return e
}

// progressJSON is what the partner's app shares (SupportProgress): fixed
// fields only, so that nothing secret can ride along.
type progressJSON struct {
	ArticleStep        int    `json:"article_step"`
	Screen             string `json:"screen"`
	Message            string `json:"message"`
	ErrorCode          string `json:"error_code"`
	RequestID          string `json:"request_id"`
	AppVersion         string `json:"app_version"`
	OS                 string `json:"os"`
	ClockOffsetSeconds int    `json:"clock_offset_seconds"`
}

// supportSession is a support_sessions row, with its state as of when it was
// read (expiry and sign-out applied).
type supportSession struct {
	id, accountID   string
	createdAt       time.Time
	expiresAt       time.Time // the code's end
	endsAt          time.Time
	state           string
	joinedBy        sql.NullString
	joinedByName    sql.NullString
	version         int64
	progress        *progressJSON
	updatedAt       time.Time
	partnerSignedIn bool // the sign-in that opened it still holds
}

// joinable says whether a staff member can still join with the code.
func (ss *supportSession) joinable() bool {
	return ss.state == supportSessionOpen && !ss.joinedBy.Valid
}

// due is the state the row should have at now: an open session expires at
// its end, or at its code's end if nobody joined, and ends with the
// partner's sign-in.
func (ss *supportSession) due(now time.Time) string {
	switch {
	case ss.state != supportSessionOpen:
		return ss.state
	case !now.Before(ss.endsAt), !ss.joinedBy.Valid && !now.Before(ss.expiresAt):
		return supportSessionExpired
	case !ss.partnerSignedIn:
		return supportSessionEnded
	}
	return supportSessionOpen
}

// nextDeadline is when the open session next changes state by itself.
func (ss *supportSession) nextDeadline() time.Time {
	if !ss.joinedBy.Valid && ss.expiresAt.Before(ss.endsAt) {
		return ss.expiresAt
	}
	return ss.endsAt
}

const supportSessionColumns = `ss.id, ss.account_id, ss.created_at, ss.expires_at, ss.ends_at, ss.state, ss.joined_by,
	ss.joined_by_name, ss.version, ss.progress, ss.updated_at,
	EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = ss.session_hash AND s.expires_at > ?)`

func scanSupportSession(row interface{ Scan(...any) error }) (*supportSession, error) {
	var ss supportSession
	var created, expires, ends, updated int64
	var progress sql.NullString
	if err := row.Scan(&ss.id, &ss.accountID, &created, &expires, &ends, &ss.state, &ss.joinedBy,
		&ss.joinedByName, &ss.version, &progress, &updated, &ss.partnerSignedIn); err != nil {
		return nil, err
	}
	ss.createdAt, ss.expiresAt, ss.endsAt, ss.updatedAt = fromMillis(created), fromMillis(expires), fromMillis(ends), fromMillis(updated)
	if progress.Valid {
		ss.progress = &progressJSON{}
		if err := json.Unmarshal([]byte(progress.String), ss.progress); err != nil {
			return nil, fmt.Errorf("portal: support session %s: stored progress: %w", ss.id, err)
		}
	}
	return &ss, nil
}

// supportSessionByID reads a session as stored, without applying what is due;
// sql.ErrNoRows when there is none.
func supportSessionByID(ctx context.Context, q querier, id string, now time.Time) (*supportSession, error) {
	if !lengthWithin(id, 1, 128) {
		return nil, sql.ErrNoRows
	}
	return scanSupportSession(q.QueryRowContext(ctx,
		"SELECT "+supportSessionColumns+" FROM support_sessions ss WHERE ss.id = ?", millis(now), id))
}

// loadSupportSession reads a session and, when its state is due to change
// (expired, or the partner signed out), writes the change first and wakes
// its watchers. It is errSupportSessionNotFound when there is none, or when
// owns refuses it.
func (s *Server) loadSupportSession(ctx context.Context, id string, owns func(*supportSession) bool) (*supportSession, error) {
	now := s.now()
	ss, err := supportSessionByID(ctx, s.rdb, id, now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSupportSessionNotFound
	}
	if err != nil {
		return nil, err
	}
	if !owns(ss) {
		return nil, errSupportSessionNotFound
	}
	if ss.due(now) == ss.state {
		return ss, nil
	}
	err = s.writeTx(ctx, func(tx *txn) error {
		now = s.now()
		if ss, err = supportSessionByID(ctx, tx, id, now); err != nil {
			return err
		}
		return settleSupportSession(ctx, tx, ss, now)
	})
	if err != nil {
		return nil, err
	}
	s.polls.notify(id)
	return ss, nil
}

// settleSupportSession writes the state due at now, if it changed, and
// updates ss to match.
func settleSupportSession(ctx context.Context, tx *txn, ss *supportSession, now time.Time) error {
	due := ss.due(now)
	if due == ss.state {
		return nil
	}
	return setSupportSessionState(ctx, tx, ss, due, now)
}

// setSupportSessionState moves an open session to ended or expired: its code
// stops working and the version grows so watchers wake.
func setSupportSessionState(ctx context.Context, tx *txn, ss *supportSession, state string, now time.Time) error {
	_, err := tx.ExecContext(ctx,
		`UPDATE support_sessions SET state = ?, code_hash = NULL, version = version + 1, updated_at = ? WHERE id = ? AND state = 'open'`,
		state, millis(now), ss.id)
	if err != nil {
		return err
	}
	ss.state, ss.version, ss.updatedAt = state, ss.version+1, now
	return nil
}

// supportCodeHash is the stored form of a join code. Codes are looked up by
// hash, so it cannot be bound to an account; it is an HMAC under the
// temporary access key with its own prefix (the two uses never meet), so a
// copy of the database alone cannot be searched for the million codes.
func (k *keyring) supportCodeHash(code string) []byte {
	m := hmac.New(sha256.New, k.temporaryAccessMAC)
	m.Write([]byte("support-session-code\x00"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// newSupportCode returns 6 random digits.
func newSupportCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// createSupportSession opens a session for the partner's sign-in, ending the
// account's open ones (returned, to wake their watchers), under the
// per-hour limit. The code is unique among the codes that still work.
func (s *Server) createSupportSession(ctx context.Context, tx *txn, sess *session, now time.Time) (ss *supportSession, code string, ended []string, err error) {
	acct := sess.account.id
	_, wait, err := windowState(ctx, tx,
		`SELECT created_at FROM support_sessions WHERE account_id = ? AND created_at > ? ORDER BY created_at DESC LIMIT ?`,
		acct, supportSessionsPerHour, time.Hour, now)
	if err != nil {
		return nil, "", nil, err
	}
	if wait > 0 {
		return nil, "", nil, errTooMany(wait, "You started %d support sessions in the last hour; try again in %s.",
			supportSessionsPerHour, humanSeconds(retryAfterSeconds(wait)))
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM support_sessions WHERE account_id = ? AND state = 'open'`, acct)
	if err != nil {
		return nil, "", nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, "", nil, err
		}
		ended = append(ended, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", nil, err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE support_sessions SET state = 'ended', code_hash = NULL, version = version + 1, updated_at = ? WHERE account_id = ? AND state = 'open'`,
		millis(now), acct); err != nil {
		return nil, "", nil, err
	}
	var hash []byte
	for try := 0; ; try++ {
		code = newSupportCode()
		hash = s.keys.supportCodeHash(code)
		// A code still stored but no longer joinable is let go; one that
		// still works is not handed out twice.
		var id string
		var expires, ends int64
		var state string
		var joined sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT id, expires_at, ends_at, state, joined_by FROM support_sessions WHERE code_hash = ?`,
			hash).Scan(&id, &expires, &ends, &state, &joined)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, "", nil, err
		}
		if state == supportSessionOpen && !joined.Valid && now.Before(fromMillis(expires)) && now.Before(fromMillis(ends)) {
			if try >= 20 {
				return nil, "", nil, errors.New("portal: no free support session code after 20 tries")
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE support_sessions SET code_hash = NULL WHERE id = ?`, id); err != nil {
			return nil, "", nil, err
		}
		break
	}
	ss = &supportSession{
		id: newID(), accountID: acct, createdAt: now, expiresAt: now.Add(supportJoinWindow),
		endsAt: now.Add(supportSessionLifetime), state: supportSessionOpen, version: 1, updatedAt: now, partnerSignedIn: true,
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO support_sessions (id, account_id, session_hash, code_hash, created_at, expires_at, ends_at, state, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'open', 1, ?)`,
		ss.id, acct, sess.tokenHash, hash, millis(now), millis(ss.expiresAt), millis(ss.endsAt), millis(now))
	return ss, code, ended, err
}

// endSupportSessionsOfSignIn ends the open sessions a partner's sign-in
// opened (at sign-out) and wakes their watchers.
func (s *Server) endSupportSessionsOfSignIn(ctx context.Context, tokenHash []byte) error {
	var ids []string
	err := s.writeTx(ctx, func(tx *txn) error {
		ids = nil
		rows, err := tx.QueryContext(ctx, `SELECT id FROM support_sessions WHERE session_hash = ? AND state = 'open'`, tokenHash)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE support_sessions SET state = 'ended', code_hash = NULL, version = version + 1, updated_at = ? WHERE session_hash = ? AND state = 'open'`,
			millis(s.now()), tokenHash)
		return err
	})
	for _, id := range ids {
		s.polls.notify(id)
	}
	return err
}

// recordSupportJoinFailure counts a wrong join code against the staff account.
func recordSupportJoinFailure(ctx context.Context, tx *txn, staffID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO support_join_failures (account_id, at) VALUES (?, ?)`, staffID, millis(now))
	return err
}

// supportJoinLimit reads the staff account's join code limit: how long it
// still holds, 0 when it does not.
func supportJoinLimit(ctx context.Context, tx rowsQuerier, staffID string, now time.Time) (failures int, wait time.Duration, err error) {
	return windowState(ctx, tx,
		`SELECT at FROM support_join_failures WHERE account_id = ? AND at > ? ORDER BY at DESC LIMIT ?`,
		staffID, supportJoinFailureLimit, supportJoinFailureWindow, now)
}

// joinableByCode finds the open, unjoined session whose code is code, as of
// now; sql.ErrNoRows when none is.
func (s *Server) joinableByCode(ctx context.Context, tx *txn, code string, now time.Time) (*supportSession, error) {
	ss, err := scanSupportSession(tx.QueryRowContext(ctx,
		"SELECT "+supportSessionColumns+" FROM support_sessions ss WHERE ss.code_hash = ?", millis(now), s.keys.supportCodeHash(code)))
	if err != nil {
		return nil, err
	}
	if err := settleSupportSession(ctx, tx, ss, now); err != nil {
		return nil, err
	}
	if !ss.joinable() {
		return nil, sql.ErrNoRows
	}
	return ss, nil
}
