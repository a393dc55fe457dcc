// Package session owns where the app's portal session token lives: the
// Store interface the UI calls, the Keyring implementation on the operating
// system's keyring (the only place a token is ever kept between runs), and
// Memory for tests.
//
// A session is stored per (portal, username), where portal is the portal's
// address exactly as client.NormalizeAddress gives it: scheme, host, port
// and path, e.g. "https://partners.example.com" or
// "https://example.com:8443/tenant-a". session trusts that normalisation and
// does none of its own: the address is the key, verbatim, so two tenants on
// one host (another path, port or scheme) never share an entry. Next to the
// sessions the store keeps a small pointer entry per portal naming the
// username of the last session saved for that portal, so Last can find it
// without listing the keyring, which not every platform's keyring API
// allows.
//
// Entries saved before keys held the whole address were keyed by the
// portal's host alone; they are found and moved on first use (see
// legacyHostKey).
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Errors every Store returns; compare with errors.Is.
var (
	// ErrNotFound means no usable session is stored: none was saved, it
	// was deleted, or it had expired (and has now been removed).
	ErrNotFound = errors.New("session: no saved sign-in")
	// ErrKeyringUnavailable means no keyring answered with a result: there
	// is no Secret Service (or equivalent) to talk to, it refused, or the
	// person declined to unlock it. The app then works for this run only.
	ErrKeyringUnavailable = errors.New("session: the keyring is not available")
	// ErrKeyringTimeout means the keyring did not answer by the deadline;
	// the error is a *TimeoutError carrying the channel on which the call's
	// eventual answer arrives.
	ErrKeyringTimeout = errors.New("session: the keyring did not answer in time")
	// ErrInvalidSession means Save was given a session that cannot be
	// stored (missing token, username, portal or expiry, or too large), or
	// a call was given a portal address that cannot key an entry.
	ErrInvalidSession = errors.New("session: invalid session")
)

// maxValueBytes bounds a stored value well under Windows' 2,560-byte limit
// for a credential blob.
const maxValueBytes = 2048

// maxPortalBytes bounds a portal address: far above any real one (a host
// name is at most 253 bytes), and small enough to leave the rest of
// maxValueBytes to the session that repeats it.
const maxPortalBytes = 512

// Session is one signed-in portal session as it is kept in the keyring.
type Session struct {
	// Token is the portal's bearer token. Secret: never log it.
	Token string `json:"token"`
	// ExpiresAt is when the portal stops accepting the token.
	ExpiresAt time.Time `json:"expires_at"`
	// Username is the portal account's username, as typed at sign-in.
	Username string `json:"username"`
	// Portal is the portal address the session belongs to, as
	// client.NormalizeAddress gives it, e.g.
	// "https://partners.onlinedatastorageuk.co.uk".
	Portal string `json:"portal"`
}

// String describes the session without its token.
func (s Session) String() string {
	return fmt.Sprintf("session{portal=%s username=%s expires_at=%s token=[redacted]}",
		s.Portal, s.Username, s.ExpiresAt.Format(time.RFC3339))
}

// LogValue keeps the token out of structured logs.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("portal", s.Portal),
		slog.String("username", s.Username),
		slog.Time("expires_at", s.ExpiresAt),
	)
}

// Expired reports whether the session has expired at now.
func (s Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt)
}

// Store keeps sessions per (portal address, username). Every method takes a
// context and returns by its deadline (a Keyring also by its own timeout).
//
// A portal argument (and Session.Portal) is the address as
// client.NormalizeAddress returns it. The store trusts it and keys entries
// by it verbatim: another spelling of the same address is another portal.
// An address that cannot key an entry (empty, without "://", longer than
// 512 bytes, or holding "|" or a control character) is refused with
// ErrInvalidSession.
type Store interface {
	// Load returns the session saved for username on portal; an expired one
	// is deleted and reported as ErrNotFound.
	Load(ctx context.Context, portal, username string) (*Session, error)
	// Save stores s under (s.Portal, s.Username), replacing any earlier
	// one, and makes it the portal's last session.
	Save(ctx context.Context, s Session) error
	// Delete removes the session of username on portal (no error when
	// there is none) and forgets it as the portal's last session.
	Delete(ctx context.Context, portal, username string) error
	// Last returns the session most recently saved for portal, or
	// ErrNotFound.
	Last(ctx context.Context, portal string) (*Session, error)
}

// Result is the eventual answer of a keyring call that timed out: Session
// is set for a successful Load or Last, Err for a failure (ErrNotFound,
// ErrKeyringUnavailable…), and both are nil for a successful Save or Delete.
type Result struct {
	Session *Session
	Err     error
}

// TimeoutError is returned when the keyring did not answer by the
// deadline. On a desktop this usually means the keyring's own unlock prompt
// is open: the call goes on, and its answer arrives on Late once the person
// answers the prompt. errors.Is(err, ErrKeyringTimeout) is true.
type TimeoutError struct {
	// Op is the Store method that timed out ("load", "save", "delete",
	// "last").
	Op string
	// Late receives the call's answer exactly once and is then closed. It
	// is nil when the call could not even be queued because too many
	// earlier calls are still waiting on the keyring; then no answer will
	// come.
	Late <-chan Result
	// cause is the context error that ended the wait when it was the
	// caller's context rather than the store's own timeout.
	cause error
}

// Error describes the timeout.
func (e *TimeoutError) Error() string {
	if e.Late == nil {
		return "session: " + e.Op + ": the keyring is busy with earlier calls that have not answered"
	}
	return "session: " + e.Op + ": the keyring did not answer in time (it may be waiting to be unlocked)"
}

// Is makes errors.Is(err, ErrKeyringTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrKeyringTimeout }

// Unwrap returns the caller's context error when that ended the wait.
func (e *TimeoutError) Unwrap() error { return e.cause }

// portalKey checks that portal can key entries and returns it unchanged.
// It is no normaliser: the caller normalised the address. It refuses only
// what would break the key format ("|" separates the address from the
// username in a session entry's key; "://" keeps every key apart from the
// host-only keys of legacyHostKey, which never hold a "/") or what a keyring
// cannot store.
func portalKey(portal string) (string, error) {
	switch {
	case portal == "":
		return "", fmt.Errorf("%w: empty portal address", ErrInvalidSession)
	case len(portal) > maxPortalBytes:
		return "", fmt.Errorf("%w: portal address of %d bytes is longer than %d", ErrInvalidSession, len(portal), maxPortalBytes)
	case !utf8.ValidString(portal) || !strings.Contains(portal, "://") ||
		strings.ContainsRune(portal, '|') || strings.IndexFunc(portal, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%w: portal address %q is not a normalised address", ErrInvalidSession, portal)
	}
	return portal, nil
}

// entryUser is the keyring user under which a session is stored:
// "<portal>|<username>", e.g. "https://example.com/tenant-a|reseller@example.com".
// The portal part never holds "|", so the first "|" ends it (and neither
// does the host that legacyHostKey puts there for a legacy entry).
func entryUser(portal, username string) string { return portal + "|" + username }

// lastPointer is the value of the per-portal entry (keyed by the bare
// portal address, which cannot contain "|" and so never collides with a
// session entry) that names the last session's username. It is not
// secret; it lives in the keyring so that everything about a remembered
// sign-in is in one place and is removed together on sign-out.
type lastPointer struct {
	Username string `json:"username"`
}

// encodeSession validates s and returns its stored form.
func encodeSession(s Session) (string, error) {
	switch {
	case s.Token == "":
		return "", fmt.Errorf("%w: no token", ErrInvalidSession)
	case s.Username == "":
		return "", fmt.Errorf("%w: no username", ErrInvalidSession)
	case s.ExpiresAt.IsZero():
		return "", fmt.Errorf("%w: no expiry", ErrInvalidSession)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidSession, err)
	}
	if len(b) > maxValueBytes {
		return "", fmt.Errorf("%w: %d bytes is more than the keyring can hold (%d)", ErrInvalidSession, len(b), maxValueBytes)
	}
	return string(b), nil
}
