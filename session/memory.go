package session

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store that keeps sessions in memory, for tests and for runs
// where no keyring is wanted. It has the same semantics as Keyring (keys,
// expiry, last session) and is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	entries mapBackend
	now     func() time.Time
}

// NewMemory returns an empty Memory store.
func NewMemory() *Memory {
	return &Memory{entries: mapBackend{}, now: time.Now}
}

// SetNow replaces the clock Memory uses to decide expiry (tests).
func (m *Memory) SetNow(now func() time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = now
}

func (m *Memory) vault() vault { return vault{b: m.entries, now: m.now} }

// Load returns the session saved for username on portal, or ErrNotFound.
func (m *Memory) Load(ctx context.Context, portal, username string) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vault().load(portal, username)
}

// Save stores s and makes it the last session of its portal.
func (m *Memory) Save(ctx context.Context, s Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vault().save(s)
}

// Delete removes the session of username on portal.
func (m *Memory) Delete(ctx context.Context, portal, username string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vault().delete(portal, username)
}

// Last returns the session most recently saved for portal, or ErrNotFound.
func (m *Memory) Last(ctx context.Context, portal string) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vault().last(portal)
}

// mapBackend is a backend on a map; Memory guards it with its mutex.
type mapBackend map[string]string

func (b mapBackend) get(user string) (string, error) {
	v, ok := b[user]
	if !ok {
		return "", errNoEntry
	}
	return v, nil
}

func (b mapBackend) set(user, value string) error {
	b[user] = value
	return nil
}

func (b mapBackend) delete(user string) error {
	if _, ok := b[user]; !ok {
		return errNoEntry
	}
	delete(b, user)
	return nil
}
