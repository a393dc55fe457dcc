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
// expiry, the last-session pointer. Its methods run one backend call after
// another and are not safe for concurrent use; callers serialize them.
type vault struct {
	b   backend
	now func() time.Time
}

func (v vault) load(portal, username string) (*Session, error) {
	key, err := portalKey(portal)
	if err != nil {
		return nil, err
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
	return v.b.set(key, pointerValue(s.Username))
}

func (v vault) delete(portal, username string) error {
	key, err := portalKey(portal)
	if err != nil {
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
