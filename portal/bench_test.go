package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/internal/testclock"
)

// benchPortal is a portal whose alice has an authenticator; it returns alice's
// account and secret.
func benchPortal(b *testing.B) (*testPortal, *account, string) {
	b.Helper()
	tp := newTestPortal(b)
	tp.createAlice()
	token := tp.login(b, aliceUser, alicePassword).Token
	enr := tp.enroll(b, token, map[string]any{})
	tp.confirm(b, token, enr)
	acct, err := accountByUsername(context.Background(), tp.srv.rdb, aliceUser)
	if err != nil {
		b.Fatal(err)
	}
	return tp, acct, enr.Secret
}

// verifyAtSignIn verifies p for acct at now as the sign-in handler does: in a
// write transaction, on the account as stored.
func verifyAtSignIn(tp *testPortal, acct *account, p proof, now time.Time) error {
	ctx := context.Background()
	return tp.srv.writeTx(ctx, func(tx *txn) error {
		a, err := accountByID(ctx, tx, acct.id)
		if err != nil {
			return err
		}
		_, err = tp.srv.verifyProof(ctx, tx, a, a.totpSecret, p, callSignIn, "127.0.0.1", now)
		return err
	})
}

// BenchmarkVerifyCode measures code verification as the handlers run it: in a
// write transaction, with the code limit read, the replay rule applied and the
// outcome stored. "accepted": each code is right and of a new step (the last
// accepted step is written). "refused": each code is wrong (the ±10-step
// diagnosis runs, the failure and its event are written), spaced so the limit
// never holds and every attempt is fully checked.
func BenchmarkVerifyCode(b *testing.B) {
	b.Run("accepted", func(b *testing.B) {
		tp, acct, secret := benchPortal(b)
		b.ResetTimer()
		for b.Loop() {
			tp.clock.NextStep()
			now := tp.clock.Now()
			p := proof{code: refCode(b, secret, now)}
			err := verifyAtSignIn(tp, acct, p, now)
			if err != nil {
				b.Fatalf("verify: %v", err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
	})
	b.Run("refused", func(b *testing.B) {
		tp, acct, secret := benchPortal(b)
		b.ResetTimer()
		for b.Loop() {
			tp.clock.Advance(75 * time.Second) // at most 4 failures in any 5 minutes
			now := tp.clock.Now()
			p := proof{code: otherCode(refCode(b, secret, now))}
			err := verifyAtSignIn(tp, acct, p, now)
			if e, ok := err.(*apiError); !ok || e.code != "invalid_code" {
				b.Fatalf("verify: %v, want invalid_code", err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
	})
}

// BenchmarkRegenerateRecoveryCodesHTTP is code verification through the whole
// stack: HTTP, session lookup, the verification, ten new recovery codes and an
// event.
func BenchmarkRegenerateRecoveryCodesHTTP(b *testing.B) {
	tp, _, secret := benchPortal(b)
	session := tp.loginWithCode(b, aliceUser, alicePassword, secret)
	client := tp.http.Client()
	b.ResetTimer()
	for b.Loop() {
		tp.clock.NextStep()
		body, _ := json.Marshal(map[string]string{"code": refCode(b, secret, tp.clock.Now())})
		req, _ := http.NewRequest("POST", tp.http.URL+"/api/v1/account/security/recovery-codes", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+session)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		if tp.clock.Now().Sub(testclock.Epoch) > 10*time.Hour { // stay inside the session's lifetime
			b.StopTimer()
			session = tp.loginWithCode(b, aliceUser, alicePassword, secret)
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkPasswordHash is one argon2id verification (m=19 MiB, t=2, p=1).
func BenchmarkPasswordHash(b *testing.B) {
	h := newHasher(1)
	ctx := context.Background()
	hash, err := h.hash(ctx, alicePassword)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := h.verify(ctx, alicePassword, hash); !ok || err != nil {
			b.Fatal("verify failed")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/hash")
}

// BenchmarkLogin is POST /api/v1/login with the right password, through HTTP.
func BenchmarkLogin(b *testing.B) {
	tp := newTestPortal(b)
	tp.createAlice()
	body := []byte(`{"username":"` + aliceUser + `","password":"` + alicePassword + `"}`)
	for b.Loop() {
		resp, err := http.Post(tp.http.URL+"/api/v1/login", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/login")
}

// BenchmarkParallelLogins200 sends 200 logins at once, from 200 addresses
// (X-Forwarded-For) to a portal whose limits on password checks in flight
// let all 200 through, and reports the peak memory while they run: the Go runtime's memory obtained from the OS
// (MemStats.Sys, sampled every millisecond) and the process's peak resident size
// (VmHWM, which covers the whole test process since it started: run this
// benchmark alone for a clean figure).
func BenchmarkParallelLogins200(b *testing.B) {
	tp := newTestPortal(b, func(c *Config) { c.TrustProxyHeaders, c.MaxQueuedHashes, c.PasswordFailuresPerAccount = true, 200, 200 })
	tp.createAlice()
	body := []byte(`{"username":"` + aliceUser + `","password":"` + alicePassword + `"}`)
	transport := &http.Transport{MaxIdleConnsPerHost: 200, MaxConnsPerHost: 0}
	client := &http.Client{Transport: transport}
	defer transport.CloseIdleConnections()

	var peakSys atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.Sys > peakSys.Load() {
					peakSys.Store(ms.Sys)
				}
			}
		}
	}()

	for b.Loop() {
		var wg sync.WaitGroup
		var failed atomic.Int32
		for i := range 200 {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", tp.http.URL+"/api/v1/login", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i+1))
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of 200 logins failed", n)
		}
	}
	close(stop)
	<-sampled
	b.ReportMetric(float64(peakSys.Load())/(1<<20), "peak-go-sys-MB")
	if hwm := vmHWM(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-rss-MB")
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/200-logins")
}

// vmHWM is the process's peak resident set size in bytes, from /proc.
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
