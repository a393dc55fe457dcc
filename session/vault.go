package session

import (
	"encoding/json"
	"errors"
	"time"
)

// backend is the raw secret store a vault works on: the OS keyring or a
// map. get returns errNoEntry for a missing entry; any other error means
// the store could not answer.
type backend interface {
	get(user string) (string, error)
	set(user, value string) error
	delete(user string) error
}

// errNoEntry is a backend's "nothing stored under this user".
var errNoEntry = errors.New("no entry")

// vault holds the session semantics shared by Keyring and Memory: keys,
// expiry, the last-session pointer, the move of legacy entries. Its methods
// run one backend call after another and are not safe for concurrent use;
// callers serialize them (Keyring on its one goroutine, Memory under its
// mutex), so a move can never interleave with a Save or Delete.
type vault struct {
	b   backend
	now func() time.Time
}

func (v vault) load(portal, username string) (*Session, error) {
	key, err := portalKey(portal)
	if err != nil {
		return nil, err
	}
	s, err := v.loadEntry(key, username)
	if !errors.Is(err, ErrNotFound) {
		return s, err
	}
	// Not under key: it may still be under its legacy host key.
	moved, err := v.moveLegacy(portal, username)
	if err != nil {
		return nil, err
	}
	if !moved {
		return nil, ErrNotFound
	}
	return v.loadEntry(key, username)
}

func (v vault) loadEntry(key, username string) (*Session, error) {
	raw, err := v.b.get(entryUser(key, username))
	if errors.Is(err, errNoEntry) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var s Session
	if json.Unmarshal([]byte(raw), &s) != nil || s.Token == "" || s.Expired(v.now()) {
		// Unreadable or expired: it can never sign anyone in again.
		if err := v.forget(key, username); err != nil {
			return nil, err
		}
		return nil, ErrNotFound
	}
	return &s, nil
}

func (v vault) save(s Session) error {
	key, err := portalKey(s.Portal)
	if err != nil {
		return err
	}
	value, err := encodeSession(s)
	if err != nil {
		return err
	}
	if err := v.b.set(entryUser(key, s.Username), value); err != nil {
		return err
	}
	if err := v.b.set(key, pointerValue(s.Username)); err != nil {
		return err
	}
	// A legacy entry of this sign-in is superseded: the move drops it,
	// as it never overwrites the entry just saved.
	_, err = v.moveLegacy(s.Portal, s.Username)
	return err
}

func (v vault) delete(portal, username string) error {
	key, err := portalKey(portal)
	if err != nil {
		return err
	}
	// Bring a legacy entry of this portal's under key first, so that
	// forget removes both.
	if _, err := v.moveLegacy(portal, username); err != nil {
		return err
	}
	return v.forget(key, username)
}

// forget removes username's entry under key and key's last pointer when
// it names username.
func (v vault) forget(key, username string) error {
	if err := v.b.delete(entryUser(key, username)); err != nil && !errors.Is(err, errNoEntry) {
		return err
	}
	last, err := v.lastUsername(key)
	if errors.Is(err, ErrNotFound) || (err == nil && last != username) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := v.b.delete(key); err != nil && !errors.Is(err, errNoEntry) {
		return err
	}
	return nil
}

func (v vault) last(portal string) (*Session, error) {
	key, err := portalKey(portal)
	if err != nil {
		return nil, err
	}
	username, err := v.lastUsername(key)
	if errors.Is(err, ErrNotFound) {
		// No pointer under key: a legacy one may name this portal's last
		// session; if so the move brings both here.
		if username, err = v.legacyLastUsername(portal); err != nil {
			return nil, err
		}
		if _, err := v.moveLegacy(portal, username); err != nil {
			return nil, err
		}
		username, err = v.lastUsername(key)
	}
	if err != nil {
		return nil, err
	}
	s, err := v.loadEntry(key, username)
	if errors.Is(err, ErrNotFound) {
		// The pointer outlived its session: drop it too.
		if err := v.forget(key, username); err != nil {
			return nil, err
		}
	}
	return s, err
}

// lastUsername returns the username the pointer entry under key names; an
// unreadable pointer is deleted and reported as ErrNotFound.
func (v vault) lastUsername(key string) (string, error) {
	raw, err := v.b.get(key)
	if errors.Is(err, errNoEntry) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	var p lastPointer
	if json.Unmarshal([]byte(raw), &p) != nil || p.Username == "" {
		if err := v.b.delete(key); err != nil && !errors.Is(err, errNoEntry) {
			return "", err
		}
		return "", ErrNotFound
	}
	return p.Username, nil
}

// pointerValue is the stored form of a last pointer naming username.
func pointerValue(username string) string {
	b, _ := json.Marshal(lastPointer{Username: username})
	return string(b)
}
