package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// "Share my progress with the help desk" (contract v1.1, tag
// support-sessions): a partner opens a support session and reads its
// 6-digit code out on the call; the staff member joins with the code and
// follows the partner's progress through a long poll.

// States of a support session (schema SupportSessionState).
const (
	// SupportSessionOpen: joinable (until JoinBy) or joined.
	SupportSessionOpen = "open"
	// SupportSessionEnded: the partner stopped sharing, signed out or
	// started a new session.
	SupportSessionEnded = "ended"
	// SupportSessionExpired: nobody joined within 15 minutes, or the
	// session reached its 2 hours.
	SupportSessionExpired = "expired"
)

// Limits of a support session's progress (schema SupportProgress).
const (
	// MaxProgressText is the most characters a progress string may hold.
	MaxProgressText = 200
	// MaxClockOffset bounds clock_offset_seconds either way.
	MaxClockOffset = 365 * 24 * time.Hour
)

// longPollWait is the longest the portal holds a long poll (25 s in the
// contract) plus room for the answer to travel.
const longPollWait = 30 * time.Second

// Errors of the support sessions; compare with errors.Is.
var (
	// ErrInvalidSupportCode: no open, unjoined session has this code
	// (code invalid_support_code).
	ErrInvalidSupportCode = errors.New("no session waits with this code")
	// ErrSupportSessionEnded: the session is over, or was never this
	// account's (codes support_session_ended, support_session_not_found).
	ErrSupportSessionEnded = errors.New("the support session has ended")
)

// SupportSession is a support session just opened by the partner (schema
// SupportSessionCreated). Code lets whoever holds it watch the partner's
// progress, so String and LogValue leave it out.
type SupportSession struct {
	ID string `json:"id"`
	// Code is 6 digits, read out to the help desk.
	Code string `json:"code"`
	// ExpiresAt is when the code stops working if nobody joined.
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *SupportSession) validate(answer) error {
	if s.ID == "" || s.ExpiresAt.IsZero() {
		return errors.New("a support session without id or expiry")
	}
	if c, ok := NormalizeSupportCode(s.Code); !ok || c != s.Code {
		return errors.New("a support session's code is not 6 digits")
	}
	return nil
}

// String describes the session without its code.
func (s SupportSession) String() string {
	return "support_session{id=" + s.ID + " expires_at=" + s.ExpiresAt.Format(time.RFC3339) + " code=[redacted]}"
}

// LogValue keeps the code out of structured logs.
func (s SupportSession) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", s.ID), slog.Time("expires_at", s.ExpiresAt))
}

// Staff is the help-desk member who joined a session, as the partner sees
// them (schema SupportStaff).
type Staff struct {
	Name string `json:"name"`
}

// SupportSessionStatus is the partner's view of its session (schema
// SupportSessionStatus).
type SupportSessionStatus struct {
	ID    string `json:"id"`
	State string `json:"state"`
	// ExpiresAt is when the code stops working if nobody joined.
	ExpiresAt time.Time `json:"expires_at"`
	// EndsAt is when the session ends anyway (2 hours after it opened).
	EndsAt time.Time `json:"ends_at"`
	// JoinedBy is set once a staff member joined.
	JoinedBy *Staff `json:"joined_by"`
}

func (s *SupportSessionStatus) validate(answer) error {
	if s.ID == "" || s.ExpiresAt.IsZero() || s.EndsAt.IsZero() {
		return errors.New("a support session status without id, expiry or end")
	}
	return validState(s.State)
}

// Progress is where the partner is in the article, as the app shares it
// (schema SupportProgress). It never holds a password, code, secret,
// token or recovery code: only what the partner's screen says.
type Progress struct {
	// ArticleStep is the help article's step, 1 to 9.
	ArticleStep int `json:"article_step"`
	// Screen is the screen's name ("Scan the QR code").
	Screen string `json:"screen"`
	// Message is the last message shown, in the words the partner sees.
	Message string `json:"message"`
	// ErrorCode and RequestID are the last failed call's, for support.
	ErrorCode string `json:"error_code"`
	RequestID string `json:"request_id"`
	// AppVersion and OS say what the partner runs.
	AppVersion string `json:"app_version"`
	OS         string `json:"os"`
	// ClockOffsetSeconds is how far the computer's clock is from the
	// portal's (positive: the computer is ahead).
	ClockOffsetSeconds int `json:"clock_offset_seconds"`
}

// Check reports what in p the portal would refuse: a step outside 1 to 9,
// a string longer than MaxProgressText characters or not UTF-8, a clock
// offset beyond MaxClockOffset.
func (p Progress) Check() error {
	if p.ArticleStep < 1 || p.ArticleStep > 9 {
		return fmt.Errorf("client: progress step %d is not 1 to 9", p.ArticleStep)
	}
	for name, s := range map[string]string{"screen": p.Screen, "message": p.Message, "error_code": p.ErrorCode,
		"request_id": p.RequestID, "app_version": p.AppVersion, "os": p.OS} {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxProgressText {
			return fmt.Errorf("client: progress %s is not UTF-8 of at most %d characters", name, MaxProgressText)
		}
	}
	if math.Abs(float64(p.ClockOffsetSeconds)) > MaxClockOffset.Seconds() {
		return fmt.Errorf("client: progress clock offset %d s is out of range", p.ClockOffsetSeconds)
	}
	return nil
}

// JoinedSupportSession is the answer to a staff member's join (schema
// SupportSessionJoined).
type JoinedSupportSession struct {
	ID      string        `json:"id"`
	Account ClientAccount `json:"account"`
}

func (j *JoinedSupportSession) validate(ans answer) error {
	if j.ID == "" {
		return errors.New("a joined support session without id")
	}
	return j.Account.validate(ans)
}

// SupportSessionView is what the staff member sees of a session (schema
// SupportSessionView).
type SupportSessionView struct {
	// Version grows with every change of progress or state; the session
	// starts at 1.
	Version int64  `json:"version"`
	State   string `json:"state"`
	// Progress is nil until the partner's app first shares it.
	Progress *Progress `json:"progress"`
	// UpdatedAt is when the progress or state last changed.
	UpdatedAt time.Time     `json:"updated_at"`
	Account   ClientAccount `json:"account"`
}

func (v *SupportSessionView) validate(ans answer) error {
	if v.Version < 1 {
		return errors.New("a support session view before version 1")
	}
	if err := validState(v.State); err != nil {
		return err
	}
	if v.Progress != nil {
		if err := v.Progress.Check(); err != nil {
			return err
		}
	}
	return v.Account.validate(ans)
}

func validState(s string) error {
	switch s {
	case SupportSessionOpen, SupportSessionEnded, SupportSessionExpired:
		return nil
	}
	return fmt.Errorf("unknown support session state %q", printable(s, 20))
}

type joinRequest struct {
	Code string `json:"code"`
}

// StartSupportSession opens a support session for the signed-in partner,
// ending its previous one (operation createSupportSession,
// POST /api/v1/support-sessions). Never retried. Errors: ErrForbidden
// (a support account), ErrUnauthorized, *RateLimitError, *NetworkError.
func (c *Client) StartSupportSession(ctx context.Context) (*SupportSession, error) {
	return fetch[SupportSession](ctx, c, http.MethodPost, "/support-sessions", nil, struct{}{})
}

// SupportSessionStatus returns the partner's session (operation
// getSupportSession, GET /api/v1/support-sessions/{id}). With wait, the
// portal holds the answer until a staff member joins or the session stops
// being open, at most 25 s. Errors: ErrSupportSessionEnded,
// ErrUnauthorized, *NetworkError.
func (c *Client) SupportSessionStatus(ctx context.Context, id string, wait bool) (*SupportSessionStatus, error) {
	var q url.Values
	if wait {
		q = url.Values{"wait": {"true"}}
	}
	var s SupportSessionStatus
	if _, err := c.callVia(ctx, c.poll, c.pollLimit, http.MethodGet, "/support-sessions/"+url.PathEscape(id), q, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ShareProgress replaces the session's progress (operation
// putSupportProgress, PUT /api/v1/support-sessions/{id}/progress). p is
// checked first (Progress.Check). Errors: ErrSupportSessionEnded,
// ErrUnauthorized, *RateLimitError, *NetworkError.
func (c *Client) ShareProgress(ctx context.Context, id string, p Progress) error {
	if err := p.Check(); err != nil {
		return err
	}
	_, err := c.call(ctx, http.MethodPut, "/support-sessions/"+url.PathEscape(id)+"/progress", nil, p, nil)
	return err
}

// EndSupportSession stops sharing at once (operation deleteSupportSession,
// DELETE /api/v1/support-sessions/{id}). Ending a session that already
// ended is not an error. Errors: ErrUnauthorized, *NetworkError.
func (c *Client) EndSupportSession(ctx context.Context, id string) error {
	_, err := c.call(ctx, http.MethodDelete, "/support-sessions/"+url.PathEscape(id), nil, nil, nil)
	if errors.Is(err, ErrSupportSessionEnded) {
		return nil
	}
	return err
}

// JoinSupportSession joins the session whose code the partner read out
// (operation joinSupportSession,
// POST /api/v1/support/support-sessions/join). The code is 6 digits;
// spaces are ignored. Never retried. Errors: ErrInvalidSupportCode,
// *RateLimitError (10 wrong codes in 5 minutes), ErrForbidden,
// ErrStaffTwoFactorRequired, ErrUnauthorized, *NetworkError.
func (c *Client) JoinSupportSession(ctx context.Context, code string) (*JoinedSupportSession, error) {
	code, ok := NormalizeSupportCode(code)
	if !ok {
		return nil, ErrInvalidSupportCode
	}
	return fetch[JoinedSupportSession](ctx, c, http.MethodPost, "/support/support-sessions/join", nil, joinRequest{Code: code})
}

// WatchSupportSession returns the session once its version is newer than
// after, or after at most 25 s with the same version (operation
// watchSupportSession, GET /api/v1/support/support-sessions/{id}). after 0
// answers at once. Errors: ErrSupportSessionEnded (not this staff
// member's), *RateLimitError (too many polls at once), ErrForbidden,
// ErrUnauthorized, *NetworkError.
func (c *Client) WatchSupportSession(ctx context.Context, id string, after int64) (*SupportSessionView, error) {
	q := url.Values{"after": {strconv.FormatInt(after, 10)}}
	var v SupportSessionView
	if _, err := c.callVia(ctx, c.poll, c.pollLimit, http.MethodGet, "/support/support-sessions/"+url.PathEscape(id), q, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// NormalizeSupportCode returns the 6 digits of a support session code
// typed as s, spaces and dashes ignored; false when s is not 6 digits.
func NormalizeSupportCode(s string) (string, bool) {
	b := make([]byte, 0, 6)
	for _, r := range s {
		switch {
		case r == ' ' || r == '-':
		case r >= '0' && r <= '9' && len(b) < 6:
			b = append(b, byte(r))
		default:
			return "", false
		}
	}
	return string(b), len(b) == 6
}
