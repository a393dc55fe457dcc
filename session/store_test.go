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

// storeUnderTest is a Store plus a way to move its clock.
type storeUnderTest struct {
	Store
	setNow func(time.Time)
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
		if err := s.Save(ctx, want); err != nil {
			t.Fatalf("Save: %v", err)
		}
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
		return storeUnderTest{Store: m, setNow: func(now time.Time) { m.SetNow(func() time.Time { return now }) }}
	})
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
