package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// requireKeyringEnv, set to 1 under `make test`, turns "no Secret Service"
// (or a missing tool for the bus tests) from a skip into a failure.
const requireKeyringEnv = "PARTNERSECURITY_REQUIRE_KEYRING"

func keyringRequired() bool { return os.Getenv(requireKeyringEnv) == "1" }

// skipOrFail skips the test with reason, or fails it when the keyring is
// required.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if keyringRequired() {
		t.Fatalf("%s (and %s=1)", reason, requireKeyringEnv)
	}
	t.Skip(reason + "; set " + requireKeyringEnv + "=1 to make this a failure")
}

// testClock is a settable clock safe to read from the keyring goroutine.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// newRealKeyring returns a Keyring on the session bus's Secret Service
// under a service name of its own, removed again after the test.
func newRealKeyring(t *testing.T) (*Keyring, *testClock, string) {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	service := "uk.co.onlinedatastorageuk.partnersecurity.test-" + hex.EncodeToString(b)
	clock := &testClock{}
	k := NewKeyring(service)
	k.vault.now = clock.Now
	_, err := k.Load(context.Background(), "https://probe.invalid", "probe")
	if !errors.Is(err, ErrNotFound) {
		skipOrFail(t, "no Secret Service answers on the session bus: "+err.Error())
	}
	t.Cleanup(func() { _ = keyring.DeleteAll(service) })
	return k, clock, service
}

// Given the desktop's Secret Service, the Store contract holds.
func TestKeyringAgainstSecretService(t *testing.T) {
	testStore(t, func(t *testing.T) storeUnderTest {
		k, clock, service := newRealKeyring(t)
		return storeUnderTest{Store: k, setNow: clock.Set, raw: osKeyring{service: service}}
	})
}

// The entries are where the app's documentation says: service = app ID,
// user = "<portal address>|<username>" holding the session's JSON, and user
// = "<portal address>" naming the last username, the address being the
// client's normalised one, verbatim.
func TestKeyringEntryLayout(t *testing.T) {
	k, _, service := newRealKeyring(t)
	const portal = "https://partners.example.com:8443/portal"
	s := Session{Token: "layout-token", ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second), Username: "Ünïcode@example.com", Portal: portal}
	if err := k.Save(context.Background(), s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	raw, err := keyring.Get(service, portal+"|Ünïcode@example.com")
	if err != nil {
		t.Fatalf("session entry not found under portal|username: %v", err)
	}
	var stored map[string]any
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		t.Fatalf("session entry is not JSON: %v", err)
	}
	if stored["token"] != s.Token || stored["username"] != s.Username || stored["portal"] != s.Portal || stored["expires_at"] == nil {
		t.Errorf("session entry has fields %v", keys(stored))
	}
	if len(raw) > 1024 {
		t.Errorf("session entry is %d bytes", len(raw))
	}
	ptr, err := keyring.Get(service, portal)
	if err != nil {
		t.Fatalf("last-session entry not found under the portal address: %v", err)
	}
	var p lastPointer
	if err := json.Unmarshal([]byte(ptr), &p); err != nil || p.Username != s.Username {
		t.Fatalf("last-session entry = %q, %v", ptr, err)
	}

	// A second Keyring on the same service (the next run of the app) finds it.
	again := NewKeyring(service)
	got, err := again.Last(context.Background(), portal)
	if err != nil {
		t.Fatalf("Last from a new Keyring: %v", err)
	}
	assertSession(t, got, s)

	if err := again.Delete(context.Background(), s.Portal, s.Username); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, user := range []string{portal + "|Ünïcode@example.com", portal} {
		if _, err := keyring.Get(service, user); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("entry %q still there after Delete: %v", user, err)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
