package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// storeUnderTest is a Store plus a way to move its clock and the entries
// beneath it, to plant legacy entries and to see where entries are.
type storeUnderTest struct {
	Store
	setNow func(time.Time)
	raw    backend
}

// testStore runs the Store contract against the store newStore returns.
func testStore(t *testing.T, newStore func(t *testing.T) storeUnderTest) {
	ctx := context.Background()
	now := time.Now()
	session := func(portal, username string) Session {
		return Session{Token: "tok-" + username, ExpiresAt: now.Add(time.Hour), Username: username, Portal: portal}
	}

	t.Run("save, load, delete", func(t *testing.T) {
		s := newStore(t)
		saveAndLoad(t, s, session("https://partners.example.com", "reseller@example.com"))
		if err := s.Delete(ctx, "https://partners.example.com", "reseller@example.com"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Load(ctx, "https://partners.example.com", "reseller@example.com"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Load after Delete: err = %v, want ErrNotFound", err)
		}
		if _, err := s.Last(ctx, "https://partners.example.com"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Last after Delete: err = %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "https://partners.example.com", "reseller@example.com"); err != nil {
			t.Fatalf("second Delete: %v, want nil", err)
		}
	})

	t.Run("load of an unknown user", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Load(ctx, "https://partners.example.com", "nobody@example.com"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("an expired session is deleted on load", func(t *testing.T) {
		s := newStore(t)
		want := session("https://partners.example.com", "expiring@example.com")
		if err := s.Save(ctx, want); err != nil {
			t.Fatalf("Save: %v", err)
		}
		s.setNow(want.ExpiresAt.Add(time.Second))
		if _, err := s.Load(ctx, want.Portal, want.Username); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Load of expired: err = %v, want ErrNotFound", err)
		}
		// Back before the expiry: had the entry merely been hidden, it
		// would load again.
		s.setNow(now)
		if _, err := s.Load(ctx, want.Portal, want.Username); !errors.Is(err, ErrNotFound) {
			t.Fatalf("expired entry was not deleted: err = %v", err)
		}
		if _, err := s.Last(ctx, want.Portal); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Last after expiry: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("unicode username", func(t *testing.T) {
		s := newStore(t)
		want := session("https://partners.example.com", "Zoë.Ångström+日本@example.com")
		saveAndLoad(t, s, want)
		if _, err := s.Load(ctx, want.Portal, "Zoe.Angstrom+日本@example.com"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a different spelling loaded a session: err = %v", err)
		}
	})

	t.Run("two portals side by side", func(t *testing.T) {
		s := newStore(t)
		a := session("https://partners.onlinedatastorageuk.co.uk", "same@example.com")
		b := session("https://backup.reseller.example/portal", "same@example.com")
		b.Token = "tok-other-portal"
		for _, x := range []Session{a, b} {
			if err := s.Save(ctx, x); err != nil {
				t.Fatalf("Save %s: %v", x.Portal, err)
			}
		}
		for _, want := range []Session{a, b} {
			assertSession(t, mustLoad(t, s, want.Portal, want.Username), want)
			assertSession(t, mustLast(t, s, want.Portal), want)
		}
		if err := s.Delete(ctx, a.Portal, a.Username); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		// The other portal's session stays.
		assertSession(t, mustLoad(t, s, b.Portal, b.Username), b)
	})

	t.Run("last follows the latest save and survives deleting another user", func(t *testing.T) {
		s := newStore(t)
		const portal = "https://partners.example.com"
		first := session(portal, "first@example.com")
		second := session(portal, "second@example.com")
		for _, x := range []Session{first, second} {
			if err := s.Save(ctx, x); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		assertSession(t, mustLast(t, s, portal), second)
		if err := s.Delete(ctx, portal, first.Username); err != nil {
			t.Fatalf("Delete first: %v", err)
		}
		assertSession(t, mustLast(t, s, portal), second)
		// The first user's session, saved again, still loads by name.
		if err := s.Save(ctx, first); err != nil {
			t.Fatalf("Save first again: %v", err)
		}
		assertSession(t, mustLoad(t, s, portal, second.Username), second)
	})

	t.Run("two tenants on one host keep their own sessions and last sessions", func(t *testing.T) {
		s := newStore(t)
		// Given the same username on portals that share a host and differ
		// by path, port or scheme,
		portals := []string{
			"https://example.com/tenant-a", "https://example.com/tenant-b", "https://example.com",
			"https://example.com:8443/tenant-a", "http://127.0.0.1:43123", "https://127.0.0.1:43123",
		}
		var saved []Session
		for i, portal := range portals {
			x := session(portal, "same@example.com")
			x.Token = fmt.Sprintf("tok-tenant-%d", i)
			if err := s.Save(ctx, x); err != nil {
				t.Fatalf("Save %s: %v", portal, err)
			}
			saved = append(saved, x)
		}
		// then each portal loads its own session and has it as its last.
		for _, want := range saved {
			assertSession(t, mustLoad(t, s, want.Portal, want.Username), want)
			assertSession(t, mustLast(t, s, want.Portal), want)
		}
		// When another user signs in to tenant-a and the first signs out
		// there, tenant-b's session and last session stay.
		a, b := saved[0], saved[1]
		if err := s.Save(ctx, session(a.Portal, "other@example.com")); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if err := s.Delete(ctx, a.Portal, a.Username); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		assertSession(t, mustLoad(t, s, b.Portal, b.Username), b)
		assertSession(t, mustLast(t, s, b.Portal), b)
		if got := mustLast(t, s, a.Portal); got.Username != "other@example.com" {
			t.Errorf("tenant-a's last session is %v, want other@example.com's", got)
		}
	})

	t.Run("the address is the key, verbatim", func(t *testing.T) {
		s := newStore(t)
		want := session("https://partners.example.com", "someone@example.com")
		saveAndLoad(t, s, want)
		// Normalising is the caller's: another spelling is another portal.
		for _, other := range []string{"https://PARTNERS.example.com", "https://partners.example.com/", "https://partners.example.com:443"} {
			if _, err := s.Load(ctx, other, want.Username); !errors.Is(err, ErrNotFound) {
				t.Errorf("Load(%s): err = %v, want ErrNotFound", other, err)
			}
		}
	})

	t.Run("addresses that cannot key an entry are refused", func(t *testing.T) {
		s := newStore(t)
		for _, portal := range []string{
			"", "partners.example.com", "https://a|b.example.com", "https://p.example/\x00", "https://p.example/\n",
			"https://p.example/\xff", "https://" + strings.Repeat("p", maxPortalBytes),
		} {
			x := session(portal, "someone@example.com")
			_, loadErr := s.Load(ctx, portal, x.Username)
			_, lastErr := s.Last(ctx, portal)
			for op, err := range map[string]error{"Save": s.Save(ctx, x), "Load": loadErr, "Last": lastErr, "Delete": s.Delete(ctx, portal, x.Username)} {
				if !errors.Is(err, ErrInvalidSession) {
					t.Errorf("%s(%q): err = %v, want ErrInvalidSession", op, portal, err)
				}
			}
		}
	})

	t.Run("a legacy host-keyed sign-in is found by Last or Load and moved", func(t *testing.T) {
		for name, find := range map[string]func(s Store, portal, username string) *Session{
			"Last": func(s Store, portal, _ string) *Session { return mustLast(t, s, portal) },
			"Load": func(s Store, portal, username string) *Session { return mustLoad(t, s, portal, username) },
		} {
			s := newStore(t)
			// Given a sign-in saved when entries were keyed by host,
			old := session("https://example.com:8443/portal", "legacy-"+name+"@example.com")
			plantLegacy(t, s.raw, "example.com:8443", old)
			// when the app asks for it, it gets it,
			assertSession(t, find(s, old.Portal, old.Username), old)
			// and it now lives under the portal's own key alone, still the
			// portal's last session.
			assertEntries(t, s.raw,
				[]string{"https://example.com:8443/portal|" + old.Username, "https://example.com:8443/portal"},
				[]string{"example.com:8443|" + old.Username, "example.com:8443"})
			assertSession(t, mustLast(t, s, old.Portal), old)
		}
	})

	t.Run("a legacy sign-in saved for one tenant is not handed to another", func(t *testing.T) {
		s := newStore(t)
		// Given tenant-a's sign-in under the host key that every portal on
		// example.com derives,
		a := session("https://example.com/tenant-a", "same@example.com")
		plantLegacy(t, s.raw, "example.com", a)
		legacy := []string{"example.com|same@example.com", "example.com"}
		// when other tenants on the host look for a session of the same
		// username, or sign it out, they find none and leave it alone;
		for _, other := range []string{"https://example.com/tenant-b", "https://example.com", "http://example.com"} {
			if got, err := s.Last(ctx, other); !errors.Is(err, ErrNotFound) {
				t.Errorf("Last(%s) = %v, %v; want ErrNotFound", other, got, err)
			}
			if got, err := s.Load(ctx, other, a.Username); !errors.Is(err, ErrNotFound) {
				t.Errorf("Load(%s) = %v, %v; want ErrNotFound", other, got, err)
			}
			if err := s.Delete(ctx, other, a.Username); err != nil {
				t.Errorf("Delete(%s): %v", other, err)
			}
			assertEntries(t, s.raw, legacy, nil)
		}
		// a new sign-in on tenant-b leaves it alone too;
		b := session("https://example.com/tenant-b", a.Username)
		b.Token = "tok-tenant-b"
		if err := s.Save(ctx, b); err != nil {
			t.Fatalf("Save: %v", err)
		}
		assertEntries(t, s.raw, legacy, nil)
		// then tenant-a still finds its own, and tenant-b keeps its own.
		assertSession(t, mustLast(t, s, a.Portal), a)
		assertEntries(t, s.raw, nil, legacy)
		assertSession(t, mustLast(t, s, b.Portal), b)
	})

	t.Run("an expired legacy sign-in is removed", func(t *testing.T) {
		s := newStore(t)
		old := session("https://partners.example.com", "legacy@example.com")
		old.ExpiresAt = now.Add(-time.Minute)
		plantLegacy(t, s.raw, "partners.example.com", old)
		if _, err := s.Last(ctx, old.Portal); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Last: err = %v, want ErrNotFound", err)
		}
		assertEntries(t, s.raw, nil, []string{
			"partners.example.com|legacy@example.com", "partners.example.com",
			"https://partners.example.com|legacy@example.com", "https://partners.example.com",
		})
	})

	t.Run("sign-out and a new sign-in remove a legacy sign-in", func(t *testing.T) {
		s := newStore(t)
		old := session("https://partners.example.com", "legacy@example.com")
		all := []string{
			"partners.example.com|legacy@example.com", "partners.example.com",
			"https://partners.example.com|legacy@example.com", "https://partners.example.com",
		}
		plantLegacy(t, s.raw, "partners.example.com", old)
		if err := s.Delete(ctx, old.Portal, old.Username); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		assertEntries(t, s.raw, nil, all)

		// A new sign-in supersedes the legacy one rather than leaving its
		// token behind.
		plantLegacy(t, s.raw, "partners.example.com", old)
		fresh := old
		fresh.Token = "tok-fresh"
		if err := s.Save(ctx, fresh); err != nil {
			t.Fatalf("Save: %v", err)
		}
		assertEntries(t, s.raw, all[2:], all[:2])
		assertSession(t, mustLast(t, s, old.Portal), fresh)
	})

	t.Run("invalid sessions are refused", func(t *testing.T) {
		s := newStore(t)
		good := session("https://partners.example.com", "someone@example.com")
		for name, bad := range map[string]Session{
			"no token":    {ExpiresAt: good.ExpiresAt, Username: good.Username, Portal: good.Portal},
			"no username": {Token: good.Token, ExpiresAt: good.ExpiresAt, Portal: good.Portal},
			"no expiry":   {Token: good.Token, Username: good.Username, Portal: good.Portal},
			"no portal":   {Token: good.Token, ExpiresAt: good.ExpiresAt, Username: good.Username},
			"huge":        {Token: strings.Repeat("t", 3000), ExpiresAt: good.ExpiresAt, Username: good.Username, Portal: good.Portal},
		} {
			err := s.Save(ctx, bad)
			if !errors.Is(err, ErrInvalidSession) {
				t.Errorf("%s: err = %v, want ErrInvalidSession", name, err)
			}
			if err != nil && strings.Contains(err.Error(), good.Token) {
				t.Errorf("%s: error message contains the token", name)
			}
		}
	})

	t.Run("concurrent use", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := session("https://partners.example.com", fmt.Sprintf("user%d@example.com", i))
				if err := s.Save(ctx, x); err != nil {
					t.Errorf("Save: %v", err)
					return
				}
				got, err := s.Load(ctx, x.Portal, x.Username)
				if err != nil {
					t.Errorf("Load: %v", err)
					return
				}
				assertSession(t, got, x)
			}()
		}
		wg.Wait()
		if _, err := s.Last(ctx, "https://partners.example.com"); err != nil {
			t.Fatalf("Last: %v", err)
		}
	})
}

// plantLegacy stores s as a sign-in was stored when entries were keyed by
// host: under "<host>|<username>", with the host's pointer naming it.
func plantLegacy(t *testing.T, raw backend, host string, s Session) {
	t.Helper()
	if err := raw.set(host+"|"+s.Username, mustEncode(t, s)); err != nil {
		t.Fatalf("plant legacy entry: %v", err)
	}
	ptr, _ := json.Marshal(map[string]string{"username": s.Username})
	if err := raw.set(host, string(ptr)); err != nil {
		t.Fatalf("plant legacy pointer: %v", err)
	}
}

// assertEntries checks that the entries named present are there and those
// named absent are not, without printing what they hold.
func assertEntries(t *testing.T, raw backend, present, absent []string) {
	t.Helper()
	for _, user := range present {
		if _, err := raw.get(user); err != nil {
			t.Errorf("entry %q: %v, want it present", user, err)
		}
	}
	for _, user := range absent {
		if _, err := raw.get(user); !errors.Is(err, errNoEntry) {
			t.Errorf("entry %q: err = %v, want it gone", user, err)
		}
	}
}

// saveAndLoad saves want and checks that it loads back unchanged.
func saveAndLoad(t *testing.T, s Store, want Session) {
	t.Helper()
	ctx := context.Background()
	if err := s.Save(ctx, want); err != nil {
		t.Fatalf("Save: %v", err)
	}
	assertSession(t, mustLoad(t, s, want.Portal, want.Username), want)
}

func mustLoad(t *testing.T, s Store, portal, username string) *Session {
	t.Helper()
	got, err := s.Load(context.Background(), portal, username)
	if err != nil {
		t.Fatalf("Load(%s, %s): %v", portal, username, err)
	}
	return got
}

func mustLast(t *testing.T, s Store, portal string) *Session {
	t.Helper()
	got, err := s.Last(context.Background(), portal)
	if err != nil {
		t.Fatalf("Last(%s): %v", portal, err)
	}
	return got
}

func assertSession(t *testing.T, got *Session, want Session) {
	t.Helper()
	if got == nil {
		t.Fatal("session is nil")
	}
	// Compare without printing the token.
	if got.Token != want.Token {
		t.Errorf("token differs from the one saved")
	}
	if got.Username != want.Username || got.Portal != want.Portal || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMemory(t *testing.T) {
	testStore(t, func(t *testing.T) storeUnderTest {
		m := NewMemory()
		return storeUnderTest{Store: m, setNow: func(now time.Time) { m.SetNow(func() time.Time { return now }) }, raw: memoryEntries{m}}
	})
}

// memoryEntries reaches a Memory's entries under its lock.
type memoryEntries struct{ m *Memory }

func (e memoryEntries) get(user string) (string, error) {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	return e.m.entries.get(user)
}

func (e memoryEntries) set(user, value string) error {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	return e.m.entries.set(user, value)
}

func (e memoryEntries) delete(user string) error {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	return e.m.entries.delete(user)
}

func TestMemoryHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := NewMemory()
	if err := m.Save(ctx, Session{Token: "t", Username: "u", Portal: "https://p.example", ExpiresAt: time.Now().Add(time.Hour)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Save err = %v, want context.Canceled", err)
	}
	if _, err := m.Load(ctx, "https://p.example", "u"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load err = %v, want context.Canceled", err)
	}
}

// A realistic worst case stays well under Windows' 2,560-byte credential
// limit: a 64-byte token, a 254-character (e-mail maximum) username of
// 4-byte characters, and a long branded portal address.
func TestStoredValueIsWellUnderWindowsLimit(t *testing.T) {
	s := Session{
		Token:     strings.Repeat("A", 64),
		ExpiresAt: time.Date(2030, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600)),
		Username:  strings.Repeat("𝔘", 254/4),
		Portal:    "https://" + strings.Repeat("p", 200) + ".example.com/some/prefix",
	}
	v, err := encodeSession(s)
	if err != nil {
		t.Fatalf("encodeSession: %v", err)
	}
	if len(v) > 1024 {
		t.Fatalf("stored value is %d bytes, want at most 1024", len(v))
	}
	var back Session
	if err := json.Unmarshal([]byte(v), &back); err != nil {
		t.Fatalf("stored value is not JSON: %v", err)
	}
	for _, field := range []string{`"token"`, `"expires_at"`, `"username"`, `"portal"`} {
		if !strings.Contains(v, field) {
			t.Errorf("stored value lacks %s", field)
		}
	}
}

func TestSessionNeverPrintsItsToken(t *testing.T) {
	s := Session{Token: "secret-token-value", Username: "u@example.com", Portal: "https://p.example", ExpiresAt: time.Now()}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("saved", "session", s)
	for _, out := range []string{s.String(), fmt.Sprintf("%v %+v %s", s, s, &s), logged.String()} {
		if strings.Contains(out, s.Token) {
			t.Fatalf("token printed in %q", strings.ReplaceAll(out, s.Token, "***"))
		}
		if !strings.Contains(out, "u@example.com") {
			t.Fatalf("username missing from %q", out)
		}
	}
}

// legacyHostKey keeps the rules entries were keyed by before keys held the
// whole address, so that those entries are still found.
func TestLegacyHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"partners.example.com":                "partners.example.com",
		"https://Partners.Example.com/":       "partners.example.com",
		"https://partners.example.com:443/x/": "partners.example.com",
		"https://partners.example.com:8443":   "partners.example.com:8443",
		"https://example.com/tenant-a":        "example.com",
		"http://127.0.0.1:8080":               "127.0.0.1:8080",
		"http://localhost:80":                 "localhost",
		"http://[::1]:8080":                   "[::1]:8080",
	} {
		got, ok := legacyHostKey(in)
		if !ok || got != want {
			t.Errorf("legacyHostKey(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "   ", "https://", "https://a|b.example", "http://[::1"} {
		if got, ok := legacyHostKey(in); ok {
			t.Errorf("legacyHostKey(%q) = %q, want no key", in, got)
		}
	}
}
