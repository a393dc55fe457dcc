package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultKeyringTimeout is how long a Keyring call waits for the keyring
// before it returns ErrKeyringTimeout.
const DefaultKeyringTimeout = 3 * time.Second

// maxQueuedCalls bounds the keyring calls waiting behind one that does not
// answer (an open unlock prompt), so a stuck keyring cannot pile up
// goroutines without end.
const maxQueuedCalls = 16

// Keyring is the Store on the operating system's keyring (Secret Service
// on Linux, Keychain on macOS, Credential Manager on Windows), under the
// service name given to NewKeyring (the app ID).
//
// Calls to the keyring run one at a time, in order, on a goroutine of the
// Keyring's own: on Linux a call blocked on an unlock prompt stays blocked
// in its goroutine, and serializing means a stuck keyring holds one call,
// not one per attempt, and that a Save and a later Delete can never swap
// (nor interleave with the move of a legacy entry, which runs inside a
// Load, Last, Save or Delete).
// The caller waits at most the Keyring's timeout (and its context's
// deadline); then it gets a *TimeoutError whose Late channel delivers the
// call's answer whenever it comes. A Keyring is safe for concurrent use.
type Keyring struct {
	timeout time.Duration
	vault   vault
	jobs    chan job
	start   sync.Once
}

// job is one Store call to run on the keyring goroutine.
type job struct {
	run  func(vault) Result
	done chan Result // buffered 1; receives the Result, then is closed
}

// KeyringOption adjusts a Keyring made by NewKeyring.
type KeyringOption func(*Keyring)

// WithTimeout sets how long each call waits for the keyring before it
// returns ErrKeyringTimeout (default DefaultKeyringTimeout).
func WithTimeout(d time.Duration) KeyringOption {
	return func(k *Keyring) {
		if d > 0 {
			k.timeout = d
		}
	}
}

// NewKeyring returns a Store on the OS keyring whose entries belong to the
// service appID (the app's ID, e.g. "uk.co.onlinedatastorageuk.partnersecurity").
func NewKeyring(appID string, opts ...KeyringOption) *Keyring {
	k := &Keyring{
		timeout: DefaultKeyringTimeout,
		vault:   vault{b: osKeyring{service: appID}, now: time.Now},
		jobs:    make(chan job, maxQueuedCalls),
	}
	for _, o := range opts {
		o(k)
	}
	return k
}

// Load returns the session saved for username on portal. It returns
// ErrNotFound when there is none or it had expired (it is then deleted),
// ErrKeyringUnavailable when no keyring answers, and a *TimeoutError
// (ErrKeyringTimeout) whose Late channel carries the eventual session.
func (k *Keyring) Load(ctx context.Context, portal, username string) (*Session, error) {
	r := k.call(ctx, "load", func(v vault) Result {
		s, err := v.load(portal, username)
		return Result{Session: s, Err: err}
	})
	return r.Session, r.Err
}

// Save stores s in the keyring and makes it its portal's last session.
// Errors as for Load; ErrInvalidSession for a session that cannot be stored.
func (k *Keyring) Save(ctx context.Context, s Session) error {
	return k.call(ctx, "save", func(v vault) Result {
		return Result{Err: v.save(s)}
	}).Err
}

// Delete removes the session of username on portal from the keyring (no
// error when there is none). Errors as for Load.
func (k *Keyring) Delete(ctx context.Context, portal, username string) error {
	return k.call(ctx, "delete", func(v vault) Result {
		return Result{Err: v.delete(portal, username)}
	}).Err
}

// Last returns the session most recently saved for portal. Errors as for
// Load.
func (k *Keyring) Last(ctx context.Context, portal string) (*Session, error) {
	r := k.call(ctx, "last", func(v vault) Result {
		s, err := v.last(portal)
		return Result{Session: s, Err: err}
	})
	return r.Session, r.Err
}

// call queues run on the keyring goroutine and waits for its answer until
// the Keyring's timeout or ctx ends.
func (k *Keyring) call(ctx context.Context, op string, run func(vault) Result) Result {
	if err := ctx.Err(); err != nil {
		return Result{Err: err}
	}
	k.start.Do(func() { go k.loop() })
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()

	j := job{run: run, done: make(chan Result, 1)}
	select {
	case k.jobs <- j:
	case <-ctx.Done():
		return Result{Err: &TimeoutError{Op: op, cause: callerCause(ctx)}}
	}
	select {
	case r := <-j.done:
		return r
	case <-ctx.Done():
		return Result{Err: &TimeoutError{Op: op, Late: j.done, cause: callerCause(ctx)}}
	}
}

// callerCause is ctx's error when the caller cancelled it, as opposed to
// the Keyring's own timeout running out.
func callerCause(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
		return cause
	}
	return nil
}

// loop runs queued calls one after another for the Keyring's lifetime.
func (k *Keyring) loop() {
	for j := range k.jobs {
		j.done <- j.run(k.vault)
		close(j.done)
	}
}

// osKeyring is the backend on go-keyring for one service name.
type osKeyring struct{ service string }

func (o osKeyring) get(user string) (string, error) {
	v, err := keyring.Get(o.service, user)
	return v, keyringError(err)
}

func (o osKeyring) set(user, value string) error {
	return keyringError(keyring.Set(o.service, user, value))
}

func (o osKeyring) delete(user string) error {
	return keyringError(keyring.Delete(o.service, user))
}

// keyringError maps go-keyring's errors onto the package's. The provider's
// own message is kept for the log; it never holds the stored value.
func keyringError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return errNoEntry
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%w: too large for the keyring", ErrInvalidSession)
	default:
		return fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
	}
}

// Both implementations satisfy Store.
var (
	_ Store = (*Keyring)(nil)
	_ Store = (*Memory)(nil)
)
