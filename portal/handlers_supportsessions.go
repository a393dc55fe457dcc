package portal

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// The support session calls (contract v1.1, tag support sessions), one
// handler each: four for the partner who shares, two for the staff member
// who watches. None answers the join code but the creation, once.

// supportSessionCreatedJSON is the answer to a new session (SupportSessionCreated).
type supportSessionCreatedJSON struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// supportStaffJSON is who joined, as the partner sees it (SupportStaff).
type supportStaffJSON struct {
	Name string `json:"name"`
}

// supportSessionStatusJSON is the partner's view (SupportSessionStatus).
type supportSessionStatusJSON struct {
	ID        string            `json:"id"`
	State     string            `json:"state"`
	ExpiresAt time.Time         `json:"expires_at"`
	EndsAt    time.Time         `json:"ends_at"`
	JoinedBy  *supportStaffJSON `json:"joined_by"`
}

// supportSessionJoinedJSON is the answer to a join (SupportSessionJoined).
type supportSessionJoinedJSON struct {
	ID      string             `json:"id"`
	Account supportAccountJSON `json:"account"`
}

// supportSessionViewJSON is the staff member's view (SupportSessionView).
type supportSessionViewJSON struct {
	Version   int64              `json:"version"`
	State     string             `json:"state"`
	Progress  *progressJSON      `json:"progress"`
	UpdatedAt time.Time          `json:"updated_at"`
	Account   supportAccountJSON `json:"account"`
}

// partner wraps a call for partner accounts only: a support account's token
// is refused with forbidden.
func (s *Server) partner(h func(w http.ResponseWriter, r *http.Request, sess *session) error) handlerFunc {
	return s.authenticated(func(w http.ResponseWriter, r *http.Request, sess *session) error {
		if sess.account.role != RolePartner {
			return newAPIError(http.StatusForbidden, "forbidden", "Sharing progress with the help desk is for partner accounts.")
		}
		return h(w, r, sess)
	})
}

// ownedBy says whether the session is the account's.
func ownedBy(accountID string) func(*supportSession) bool {
	return func(ss *supportSession) bool { return ss.accountID == accountID }
}

// joinedBy says whether the staff account joined the session.
func joinedBy(staffID string) func(*supportSession) bool {
	return func(ss *supportSession) bool { return ss.joinedBy.Valid && ss.joinedBy.String == staffID }
}

// untilDue is how long an open session has before it changes by itself.
func (s *Server) untilDue(ss *supportSession) time.Duration {
	if ss.state != supportSessionOpen {
		return 0
	}
	return max(ss.nextDeadline().Sub(s.now()), time.Millisecond)
}

// longPollWait is how long a long poll waits at most.
func (s *Server) longPollWait() time.Duration {
	if s.cfg.LongPollWait > 0 {
		return s.cfg.LongPollWait
	}
	return defaultLongPollWait
}

// admitLongPoll counts a long poll of the account, or refuses it.
func (s *Server) admitLongPoll(accountID string) (func(), error) {
	release, ok := s.polls.admit(accountID)
	if !ok {
		return nil, errTooMany(time.Second, "This account already waits on %d answers at once; close one first.", maxLongPollsPerAccount)
	}
	return release, nil
}

// handleCreateSupportSession is POST /api/v1/support-sessions.
func (s *Server) handleCreateSupportSession(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req struct{}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	var ss *supportSession
	var code string
	var ended []string
	err := s.sessionTx(ctx, sess, func(tx *txn) error {
		var err error
		ss, code, ended, err = s.createSupportSession(ctx, tx, sess, s.now())
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range ended {
		s.polls.notify(id)
	}
	writeJSON(w, http.StatusCreated, supportSessionCreatedJSON{ID: ss.id, Code: code, ExpiresAt: ss.expiresAt.UTC()})
	return nil
}

// handleSupportSessionStatus is GET /api/v1/support-sessions/{id}[?wait=true]:
// with wait, the answer waits until a staff member joins or the session is
// over, at most the long poll's wait.
func (s *Server) handleSupportSessionStatus(w http.ResponseWriter, r *http.Request, sess *session) error {
	var wait bool
	switch r.URL.Query().Get("wait") {
	case "", "false":
	case "true":
		wait = true
	default:
		return errInvalidRequest("wait must be true or false.")
	}
	ctx, id := r.Context(), r.PathValue("id")
	load := func() (*supportSession, time.Duration, error) {
		ss, err := s.loadSupportSession(ctx, id, ownedBy(sess.account.id))
		if err != nil {
			return nil, 0, err
		}
		return ss, s.untilDue(ss), nil
	}
	var ss *supportSession
	var err error
	if wait {
		release, err := s.admitLongPoll(sess.account.id)
		if err != nil {
			return err
		}
		defer release()
		ss, err = waitFor(ctx, s.polls, id, s.longPollWait(), load,
			func(ss *supportSession) bool { return ss.joinedBy.Valid || ss.state != supportSessionOpen })
		if err != nil {
			return err
		}
	} else if ss, _, err = load(); err != nil {
		return err
	}
	answer := supportSessionStatusJSON{ID: ss.id, State: ss.state, ExpiresAt: ss.expiresAt.UTC(), EndsAt: ss.endsAt.UTC()}
	if ss.joinedBy.Valid || ss.joinedByName.Valid {
		answer.JoinedBy = &supportStaffJSON{Name: ss.joinedByName.String}
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// progressRequest is the body of a progress update: the fixed fields of
// SupportProgress; strings left out are "".
type progressRequest struct {
	ArticleStep        *int   `json:"article_step"`
	Screen             string `json:"screen"`
	Message            string `json:"message"`
	ErrorCode          string `json:"error_code"`
	RequestID          string `json:"request_id"`
	AppVersion         string `json:"app_version"`
	OS                 string `json:"os"`
	ClockOffsetSeconds int    `json:"clock_offset_seconds"`
}

// check turns the request into the progress stored, or refuses it.
func (p progressRequest) check() (progressJSON, error) {
	if p.ArticleStep == nil || *p.ArticleStep < 1 || *p.ArticleStep > 9 {
		return progressJSON{}, errInvalidRequest("article_step is required: the help article's step, 1 to 9.")
	}
	for _, f := range []struct{ name, value string }{
		{"screen", p.Screen}, {"message", p.Message}, {"error_code", p.ErrorCode}, {"request_id", p.RequestID},
		{"app_version", p.AppVersion}, {"os", p.OS},
	} {
		if !lengthWithin(f.value, 0, maxProgressText) {
			return progressJSON{}, errInvalidRequest("%s must be at most %d characters.", f.name, maxProgressText)
		}
		for _, c := range f.value {
			if unicode.IsControl(c) {
				return progressJSON{}, errInvalidRequest("%s must not contain control characters.", f.name)
			}
		}
	}
	if p.ClockOffsetSeconds < -maxClockOffsetSeconds || p.ClockOffsetSeconds > maxClockOffsetSeconds {
		return progressJSON{}, errInvalidRequest("clock_offset_seconds must be within a year (±%d).", maxClockOffsetSeconds)
	}
	return progressJSON{ArticleStep: *p.ArticleStep, Screen: p.Screen, Message: p.Message, ErrorCode: p.ErrorCode,
		RequestID: p.RequestID, AppVersion: p.AppVersion, OS: p.OS, ClockOffsetSeconds: p.ClockOffsetSeconds}, nil
}

// decodeUTF8JSON is decodeJSON for a body that must be valid UTF-8 (JSON
// decoding alone would turn invalid bytes into U+FFFD silently).
func decodeUTF8JSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength > maxBodyBytes {
		return errTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return errUnreadableBody(err)
	}
	if !utf8.Valid(body) {
		return errInvalidRequest("The request body is not valid UTF-8.")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decodeJSON(w, r, dst)
}

// handlePutSupportProgress is PUT /api/v1/support-sessions/{id}/progress.
func (s *Server) handlePutSupportProgress(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req progressRequest
	if err := decodeUTF8JSON(w, r, &req); err != nil {
		return err
	}
	progress, err := req.check()
	if err != nil {
		return err
	}
	stored, err := json.Marshal(progress)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	changed := false
	err = s.writeTx(ctx, func(tx *txn) error {
		changed = false
		now := s.now()
		ss, err := supportSessionByID(ctx, tx, id, now)
		if errors.Is(err, sql.ErrNoRows) || err == nil && ss.accountID != sess.account.id {
			return errSupportSessionNotFound
		}
		if err != nil {
			return err
		}
		if ss.due(now) != ss.state {
			changed = true
			if err := settleSupportSession(ctx, tx, ss, now); err != nil {
				return err
			}
		}
		if ss.state != supportSessionOpen {
			return errSupportSessionEnded
		}
		var windowAt int64
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT progress_window_at, progress_count FROM support_sessions WHERE id = ?`,
			id).Scan(&windowAt, &count); err != nil {
			return err
		}
		if start := fromMillis(windowAt); now.Sub(start) < progressWindow && !now.Before(start) {
			if count >= progressUpdatesPerWindow {
				return errTooMany(start.Add(progressWindow).Sub(now), "The progress is updated too often; at most %d updates a second.", progressUpdatesPerWindow)
			}
			count++
		} else {
			windowAt, count = millis(now), 1
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE support_sessions SET progress = ?, version = version + 1, updated_at = ?, progress_window_at = ?, progress_count = ? WHERE id = ?`,
			string(stored), millis(now), windowAt, count, id); err != nil {
			return err
		}
		changed = true
		return nil
	})
	if changed {
		s.polls.notify(id)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleEndSupportSession is DELETE /api/v1/support-sessions/{id}: sharing
// ends at once. A session already over is 204 too.
func (s *Server) handleEndSupportSession(w http.ResponseWriter, r *http.Request, sess *session) error {
	ctx, id := r.Context(), r.PathValue("id")
	changed := false
	err := s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		ss, err := supportSessionByID(ctx, tx, id, now)
		if errors.Is(err, sql.ErrNoRows) || err == nil && ss.accountID != sess.account.id {
			return errSupportSessionNotFound
		}
		if err != nil {
			return err
		}
		if ss.state != supportSessionOpen {
			return nil
		}
		changed = true
		state := ss.due(now)
		if state == supportSessionOpen {
			state = supportSessionEnded
		}
		return setSupportSessionState(ctx, tx, ss, state, now)
	})
	if changed {
		s.polls.notify(id)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// supportJoinPattern is the join call's path.
const supportJoinPattern = "/api/v1/support/support-sessions/join"

type joinRequest struct {
	Code string `json:"code"`
}

// handleJoinSupportSession is POST /api/v1/support/support-sessions/join. A
// wrong, expired or used code counts against the staff account: at most
// supportJoinFailureLimit in supportJoinFailureWindow, then 429.
func (s *Server) handleJoinSupportSession(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req joinRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.Code) != 6 || !isDigits(req.Code) {
		return errInvalidRequest("A support session code is 6 digits.")
	}
	ctx, addr := r.Context(), infoOf(r).clientAddr
	staff := sess.account
	var answer supportSessionJoinedJSON
	err := s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		_, wait, err := supportJoinLimit(ctx, tx, staff.id, now)
		if err != nil {
			return err
		}
		if wait > 0 {
			return errRateLimited(wait)
		}
		ss, err := s.joinableByCode(ctx, tx, req.Code, now)
		if errors.Is(err, sql.ErrNoRows) {
			if err := recordSupportJoinFailure(ctx, tx, staff.id, now); err != nil {
				return err
			}
			return errInvalidSupportCode
		}
		if err != nil {
			return err
		}
		partner, err := accountByID(ctx, tx, ss.accountID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE support_sessions SET joined_by = ?, joined_by_name = ?, joined_at = ?, code_hash = NULL, version = version + 1, updated_at = ? WHERE id = ?`,
			staff.id, staff.name, millis(now), millis(now), ss.id); err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, partner.id, eventSupportSessionJoined, addr,
			fmt.Sprintf("the help desk (%s, %s) joined the session sharing your progress", staff.name, staff.username), now); err != nil {
			return err
		}
		if err := recordStaffEvent(ctx, tx, staff.id, eventSupportSessionJoined, addr,
			"joined the support session of "+partner.username, now); err != nil {
			return err
		}
		answer.ID = ss.id
		answer.Account, err = s.supportAccount(ctx, tx, partner, now)
		return err
	})
	if err != nil {
		return err
	}
	s.polls.notify(answer.ID)
	writeJSON(w, http.StatusOK, answer)
	return nil
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// handleWatchSupportSession is GET /api/v1/support/support-sessions/{id}?after=VERSION:
// the long poll that answers once the session's version is newer than after,
// or after the long poll's wait with the same version.
func (s *Server) handleWatchSupportSession(w http.ResponseWriter, r *http.Request, sess *session) error {
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		return errInvalidRequest("after must be the version last seen, a whole number from 0.")
	}
	release, err := s.admitLongPoll(sess.account.id)
	if err != nil {
		return err
	}
	defer release()
	ctx, id := r.Context(), r.PathValue("id")
	ss, err := waitFor(ctx, s.polls, id, s.longPollWait(),
		func() (*supportSession, time.Duration, error) {
			ss, err := s.loadSupportSession(ctx, id, joinedBy(sess.account.id))
			if err != nil {
				return nil, 0, err
			}
			return ss, s.untilDue(ss), nil
		},
		func(ss *supportSession) bool { return ss.version > after })
	if err != nil {
		return err
	}
	answer, err := s.supportSessionView(ctx, ss)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}

// supportSessionView is what the staff member is shown of the session.
func (s *Server) supportSessionView(ctx context.Context, ss *supportSession) (supportSessionViewJSON, error) {
	v := supportSessionViewJSON{Version: ss.version, State: ss.state, Progress: ss.progress, UpdatedAt: ss.updatedAt.UTC()}
	partner, err := accountByID(ctx, s.rdb, ss.accountID)
	if err != nil {
		return v, err
	}
	v.Account, err = s.supportAccount(ctx, s.rdb, partner, s.now())
	return v, err
}
