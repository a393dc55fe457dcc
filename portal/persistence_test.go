package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRestartKeepsState restarts the portal (Close, then Open on the same file)
// between the steps whose persistence the contract claims.
func TestRestartKeepsState(t *testing.T) {
	tp := newTestPortal(t, func(c *Config) { c.SecretKey = nil }) // the key file beside the database
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	enr := tp.enroll(t, token, map[string]any{})

	tp.restart() // a pending enrollment and the session survive
	res := tp.confirm(t, token, enr)
	usedCode := refCode(t, enr.Secret, tp.clock.Now())

	tp.restart() // 2FA state survives, and the last accepted step
	if st := tp.security(t, token).TwoFactor; !st.Configured || st.RecoveryCodesRemaining != 10 {
		t.Fatalf("after restart: %+v", st)
	}
	ch := tp.login(t, aliceUser, alicePassword)
	if !ch.MFARequired {
		t.Fatal("after restart the sign-in does not ask for a code")
	}
	tp.restart() // a sign-in waiting for its code survives
	wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "code": usedCode}),
		http.StatusUnauthorized, "code_reused")
	for range 4 {
		wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "code": otherCode(usedCode)}),
			http.StatusUnauthorized, "invalid_code")
	}
	tp.restart() // the code limit survives
	wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": res.RecoveryCodes[0]}),
		http.StatusTooManyRequests, "rate_limited")

	for range 10 {
		wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": aliceUser, "password": "wrong password"}),
			http.StatusUnauthorized, "invalid_credentials")
	}
	tp.restart() // the password limit survives
	wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": aliceUser, "password": alicePassword}),
		http.StatusTooManyRequests, "rate_limited")

	for _, f := range []string{".key", "", "-wal"} {
		info, err := os.Stat(tp.cfg.DBPath + f)
		if err != nil {
			t.Fatalf("database file: %v", err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(tp.cfg.DBPath+f), info.Mode().Perm())
		}
	}
}

func TestSecretKeySources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	hexKey := strings.Repeat("ab", 32)

	t.Setenv(SecretKeyEnv, hexKey)
	srv, err := Open(ctx, Config{DBPath: db})
	if err != nil {
		t.Fatalf("Open with %s: %v", SecretKeyEnv, err)
	}
	srv.Close()
	if _, err := os.Stat(db + ".key"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was written although the environment gave the key")
	}
	// The same key in base64 opens the database; another key does not.
	t.Setenv(SecretKeyEnv, "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=")
	if srv, err = Open(ctx, Config{DBPath: db}); err != nil {
		t.Fatalf("Open with the key in base64: %v", err)
	}
	srv.Close()
	if _, err := Open(ctx, Config{DBPath: db, SecretKey: testKey}); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("Open with another key: %v, want a mismatch error", err)
	}
	t.Setenv(SecretKeyEnv, "too short")
	if _, err := Open(ctx, Config{DBPath: filepath.Join(dir, "q.db")}); err == nil {
		t.Error("Open accepted a malformed PORTAL_SECRET_KEY")
	}
	os.Unsetenv(SecretKeyEnv)

	// A key file others can read is refused.
	other := filepath.Join(dir, "r.db")
	if err := os.WriteFile(other+".key", []byte(hexKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, Config{DBPath: other}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Open with a world-readable key file: %v", err)
	}
	if _, err := Open(ctx, Config{DBPath: filepath.Join(dir, "s.db"), Issuer: "Bad:Issuer", SecretKey: testKey}); err == nil {
		t.Error("Open accepted an issuer with ':'")
	}
	if _, err := Open(ctx, Config{SecretKey: testKey}); err == nil {
		t.Error("Open accepted an empty DBPath")
	}
}

func TestCreateUser(t *testing.T) {
	tp := newTestPortal(t)
	ctx := context.Background()
	created, err := tp.srv.EnsureDemoAccount(ctx)
	if err != nil || !created {
		t.Fatalf("EnsureDemoAccount: %v, %v", created, err)
	}
	if created, err = tp.srv.EnsureDemoAccount(ctx); err != nil || created {
		t.Fatalf("EnsureDemoAccount again: %v, %v", created, err)
	}
	s := tp.login(t, DemoUsername, DemoPassword)
	if s.Account.Name != "Demo Reseller" || s.Account.Company != "Demo Reseller Ltd" {
		t.Errorf("demo account %+v", s.Account)
	}
	if err := tp.srv.CreateUser(ctx, NewUser{Username: "RESELLER@example.com", Password: "another password", Name: "X"}); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate username: %v", err)
	}
	for _, bad := range []NewUser{
		{Username: "", Password: "long enough", Name: "X"},
		{Username: "a:b", Password: "long enough", Name: "X"},
		{Username: "a b", Password: "long enough", Name: "X"},
		{Username: "a@b", Password: "short", Name: "X"},
		{Username: "a@b", Password: "long enough", Name: " "},
	} {
		if err := tp.srv.CreateUser(ctx, bad); err == nil {
			t.Errorf("CreateUser accepted %q/%q", bad.Username, bad.Name)
		}
	}
}

// TestPasswordLimitPerAddress: one address trying many usernames is stopped too.
func TestPasswordLimitPerAddress(t *testing.T) {
	tp := newTestPortal(t, func(c *Config) { c.PasswordFailuresPerAddress = 3 })
	tp.createAlice()
	for _, u := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": u, "password": "guess guess"}),
			http.StatusUnauthorized, "invalid_credentials")
	}
	wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": aliceUser, "password": alicePassword}),
		http.StatusTooManyRequests, "rate_limited")
	tp.clock.Advance(15 * time.Minute)
	tp.login(t, aliceUser, alicePassword)
}

// TestSessionExpiry: a token stops working at expires_at.
func TestSessionExpiry(t *testing.T) {
	tp := newTestPortal(t, func(c *Config) { c.SessionLifetime = time.Hour })
	tp.createAlice()
	s := tp.login(t, aliceUser, alicePassword)
	tp.clock.Advance(59 * time.Minute)
	wantStatus(t, tp.call(t, "GET", "/api/v1/account", s.Token, nil), http.StatusOK)
	tp.clock.Advance(time.Minute)
	wantError(t, tp.call(t, "GET", "/api/v1/account", s.Token, nil), http.StatusUnauthorized, "unauthorized")
}

// TestParallelConfirmsWithOneCode sends the same code to confirm the same
// enrollment many times at once: exactly one may succeed.
func TestParallelConfirmsWithOneCode(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	for round := range 10 {
		enr := tp.enroll(t, token, map[string]any{"replace_existing": round > 0})
		tp.clock.NextStep()
		body, _ := json.Marshal(map[string]string{"enrollment_id": enr.EnrollmentID, "code": refCode(t, enr.Secret, tp.clock.Now())})
		statuses := parallelPosts(t, tp.http.URL+"/api/v1/account/security/totp/confirm", token, body, 8)
		if statuses[http.StatusOK] != 1 || statuses[http.StatusOK]+statuses[http.StatusNotFound]+statuses[http.StatusConflict] != 8 {
			t.Fatalf("round %d: statuses %v, want one 200 and the rest 404 or 409", round, statuses)
		}
	}
}

// TestParallelSignInsWithOneCode: two sign-ins waiting for a code get the same
// code at once; the replay rule lets exactly one through.
func TestParallelSignInsWithOneCode(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	enr := tp.enroll(t, token, map[string]any{})
	tp.confirm(t, token, enr)
	for round := range 5 {
		var bodies [][]byte
		for range 4 {
			ch := tp.login(t, aliceUser, alicePassword)
			bodies = append(bodies, nil)
			bodies[len(bodies)-1], _ = json.Marshal(map[string]string{"mfa_token": ch.MFAToken})
		}
		tp.clock.NextStep()
		code := refCode(t, enr.Secret, tp.clock.Now())
		var mu sync.Mutex
		ok := 0
		var wg sync.WaitGroup
		for _, b := range bodies {
			var m map[string]string
			json.Unmarshal(b, &m)
			m["code"] = code
			b, _ = json.Marshal(m)
			wg.Go(func() {
				resp, err := http.Post(tp.http.URL+"/api/v1/login/mfa", "application/json", bytes.NewReader(b))
				if err != nil {
					return
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("round %d: %d sign-ins succeeded with one code, want 1", round, ok)
		}
	}
}

// parallelPosts sends n identical POSTs at once and counts the statuses.
func parallelPosts(t *testing.T, url, token string, body []byte, n int) map[int]int {
	t.Helper()
	statuses, _ := burst(n, func(int) *http.Request {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	})
	return statuses
}

// burst sends the n requests that newReq makes (request i for i in [0, n))
// all at once, and counts the statuses (-1: no answer) and the 429 answers
// without Retry-After.
func burst(n int, newReq func(i int) *http.Request) (statuses map[int]int, noRetryAfter int) {
	var (
		mu    sync.Mutex
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	statuses = map[int]int{}
	for i := range n {
		wg.Go(func() {
			req := newReq(i)
			<-start
			resp, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[-1]++
				return
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				noRetryAfter++
			}
		})
	}
	close(start)
	wg.Wait()
	return statuses, noRetryAfter
}
