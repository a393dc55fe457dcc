package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// gatedBackend is a map backend whose calls wait while the gate is closed,
// as go-keyring's do while the keyring's unlock prompt is open.
type gatedBackend struct {
	mu      sync.Mutex
	entries mapBackend
	open    chan struct{}
}

func newGatedBackend() *gatedBackend {
	return &gatedBackend{entries: mapBackend{}, open: make(chan struct{})}
}

func (g *gatedBackend) wait() { <-g.open }

func (g *gatedBackend) get(user string) (string, error) {
	g.wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entries.get(user)
}

func (g *gatedBackend) set(user, value string) error {
	g.wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entries.set(user, value)
}

func (g *gatedBackend) delete(user string) error {
	g.wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entries.delete(user)
}

func newGatedKeyring(timeout time.Duration) (*Keyring, *gatedBackend) {
	g := newGatedBackend()
	k := NewKeyring("test.gated", WithTimeout(timeout))
	k.vault.b = g
	return k, g
}

func receive(t *testing.T, late <-chan Result) Result {
	t.Helper()
	select {
	case r, ok := <-late:
		if !ok {
			t.Fatal("late channel closed without an answer")
		}
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no late answer after the keyring answered")
	}
	return Result{}
}

// Given a keyring whose unlock prompt is open, when the app loads the
// saved session, then it gets ErrKeyringTimeout by the deadline, and the
// session arrives on the late channel once the prompt is answered.
func TestKeyringTimeoutDeliversTheLateAnswer(t *testing.T) {
	k, g := newGatedKeyring(100 * time.Millisecond)
	want := Session{Token: "tok", Username: "u@example.com", Portal: "https://p.example", ExpiresAt: time.Now().Add(time.Hour)}
	_ = g.entries.set(entryUser(want.Portal, want.Username), mustEncode(t, want))

	start := time.Now()
	_, err := k.Load(context.Background(), want.Portal, want.Username)
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("Load err = %v, want *TimeoutError", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("Load returned after %v, want about the 100ms deadline", waited)
	}
	if te.Op != "load" || te.Late == nil {
		t.Fatalf("TimeoutError = %+v, want op load and a late channel", te)
	}
	select {
	case r := <-te.Late:
		t.Fatalf("late answer %v before the keyring answered", r)
	case <-time.After(50 * time.Millisecond):
	}

	close(g.open) // the person unlocks the keyring
	r := receive(t, te.Late)
	if r.Err != nil {
		t.Fatalf("late Err = %v", r.Err)
	}
	assertSession(t, r.Session, want)
	if _, ok := <-te.Late; ok {
		t.Fatal("late channel delivered twice")
	}
}

// A save and a later delete that both time out still reach the keyring in
// the order they were made, so a signed-out session is never left behind.
func TestKeyringCallsStayInOrder(t *testing.T) {
	k, g := newGatedKeyring(50 * time.Millisecond)
	ctx := context.Background()
	s := Session{Token: "tok", Username: "u@example.com", Portal: "https://p.example", ExpiresAt: time.Now().Add(time.Hour)}

	var lates []<-chan Result
	for _, call := range []func() error{
		func() error { return k.Save(ctx, s) },
		func() error { return k.Delete(ctx, s.Portal, s.Username) },
	} {
		var te *TimeoutError
		if err := call(); !errors.As(err, &te) {
			t.Fatalf("err = %v, want *TimeoutError", err)
		}
		lates = append(lates, te.Late)
	}
	close(g.open)
	for i, late := range lates {
		if r := receive(t, late); r.Err != nil {
			t.Fatalf("late answer %d: %v", i, r.Err)
		}
	}
	if _, err := k.Load(ctx, s.Portal, s.Username); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after save then delete: Load err = %v, want ErrNotFound", err)
	}
	if len(g.entries) != 0 {
		t.Fatalf("entries left behind: %d", len(g.entries))
	}
}

// A stuck keyring holds a bounded number of calls; beyond that a call
// fails at once with a TimeoutError without a late channel.
func TestKeyringQueueIsBounded(t *testing.T) {
	k, g := newGatedKeyring(20 * time.Millisecond)
	defer close(g.open)
	var unqueued int
	for range maxQueuedCalls + 3 {
		_, err := k.Last(context.Background(), "https://p.example")
		var te *TimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v, want *TimeoutError", err)
		}
		if te.Late == nil {
			unqueued++
		}
	}
	// One call runs, maxQueuedCalls wait; the remaining two are refused.
	if unqueued != 2 {
		t.Fatalf("%d calls were refused, want 2", unqueued)
	}
}

func TestKeyringCallerCancellation(t *testing.T) {
	k, g := newGatedKeyring(time.Minute)
	defer close(g.open)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := k.Load(ctx, "https://p.example", "u")
	if !errors.Is(err, ErrKeyringTimeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrKeyringTimeout wrapping context.Canceled", err)
	}
	if _, err := k.Load(ctx, "https://p.example", "u"); !errors.Is(err, context.Canceled) {
		t.Fatalf("with a cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestKeyringErrorMapping(t *testing.T) {
	if err := keyringError(keyring.ErrNotFound); !errors.Is(err, errNoEntry) {
		t.Errorf("ErrNotFound → %v", err)
	}
	if err := keyringError(keyring.ErrSetDataTooBig); !errors.Is(err, ErrInvalidSession) {
		t.Errorf("ErrSetDataTooBig → %v", err)
	}
	err := keyringError(fmt.Errorf("org.freedesktop.DBus.Error.ServiceUnknown"))
	if !errors.Is(err, ErrKeyringUnavailable) {
		t.Errorf("bus error → %v", err)
	}
}

func mustEncode(t *testing.T, s Session) string {
	t.Helper()
	v, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
