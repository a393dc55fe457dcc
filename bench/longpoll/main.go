// Command longpoll measures how many support session long polls one
// reference portal holds and what they cost: it creates partner and staff
// accounts, starts cmd/portal as its own process (GOMEMLIMIT as given),
// opens a support session per partner, has each staff member join one and
// parks the polls over real HTTP on loopback (4 per account, the portal's
// bound): staff watches on joined sessions, partners' waits for the join on
// the others. It reads the portal's VmRSS and VmHWM from /proc, measures
// progress-to-watch latency while the polls are parked, and the shutdown
// time with them parked. `make bench-longpoll` runs it.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/partnersecurity/partnersecurity/internal/rfc6238"
	"github.com/partnersecurity/partnersecurity/portal"
)

const pollsPerAccount = 4

func main() {
	bin := flag.String("portal", "", "the built cmd/portal binary")
	polls := flag.Int("polls", 2000, "long polls to park (a multiple of 8)")
	memLimit := flag.String("memlimit", "256MiB", "GOMEMLIMIT of the portal process")
	out := flag.String("out", "", "write the markdown report here (default: standard output)")
	flag.Parse()
	if *bin == "" {
		fail("-portal is required")
	}
	r, err := run(*bin, *polls, *memLimit)
	if err != nil {
		fail(err.Error())
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fail(err.Error())
		}
		defer f.Close()
		w = f
	}
	r.write(w)
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "longpoll:", msg)
	os.Exit(1)
}

type report struct {
	polls, partners, staff   int
	memLimit                 string
	rssIdleKiB, rssParkedKiB int64
	rssRepolledKiB, hwmKiB   int64
	early, refused           int64
	atShutdown               int64
	p50, p99, max            time.Duration
	changes                  int
	shutdown                 time.Duration
	setup                    time.Duration
	goVersion                string
	cpus                     int
	parkedTime               time.Duration
}

func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "Written by `make bench-longpoll` (bench/longpoll) on %s.\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "Machine: %d CPUs, %s; shared with other work, so timings move between runs.\n\n", r.cpus, r.goVersion)
	fmt.Fprintf(w, "cmd/portal ran as its own process with GOMEMLIMIT=%s on a SQLite file; the load came over HTTP on 127.0.0.1 "+
		"from another process, one connection per poll. %d partners each opened a support session; %d staff members each joined one "+
		"and held %d watches on it (`GET /api/v1/support/support-sessions/{id}?after=VERSION`); the other %d partners each held %d waits "+
		"for the join (`GET /api/v1/support-sessions/{id}?wait=true`). Polls answered after 25 s without a change were sent again at once.\n\n",
		r.memLimit, r.partners, r.staff, pollsPerAccount, r.partners-r.staff, pollsPerAccount)
	fmt.Fprintln(w, "| figure | value |")
	fmt.Fprintln(w, "|---|---:|")
	fmt.Fprintf(w, "| long polls parked at once | %d |\n", r.polls)
	fmt.Fprintf(w, "| portal VmRSS, accounts and sessions set up, no poll parked | %.1f MiB |\n", mib(r.rssIdleKiB))
	fmt.Fprintf(w, "| portal VmRSS, %d polls parked | %.1f MiB |\n", r.polls, mib(r.rssParkedKiB))
	fmt.Fprintf(w, "| portal VmRSS, after every poll timed out once and was sent again | %.1f MiB |\n", mib(r.rssRepolledKiB))
	fmt.Fprintf(w, "| portal VmHWM (peak RSS of the whole run, set-up included) | %.1f MiB |\n", mib(r.hwmKiB))
	fmt.Fprintf(w, "| RSS per parked poll (parked − idle) | %.1f KiB |\n", float64(r.rssParkedKiB-r.rssIdleKiB)/float64(r.polls))
	fmt.Fprintf(w, "| polls answered before 20 s without a change (want 0) | %d |\n", r.early)
	fmt.Fprintf(w, "| polls refused (429 or other errors; want 0) | %d |\n", r.refused)
	fmt.Fprintf(w, "| progress PUT → watch answered, median, %d changes with the polls parked | %.2f ms |\n", r.changes, ms(r.p50))
	fmt.Fprintf(w, "| the same, p99 | %.2f ms |\n", ms(r.p99))
	fmt.Fprintf(w, "| the same, slowest | %.2f ms |\n", ms(r.max))
	fmt.Fprintf(w, "| SIGTERM → portal exited, %d polls parked | %.0f ms |\n", r.polls, ms(r.shutdown))
	fmt.Fprintf(w, "| polls answered 200 at the shutdown (want %d) | %d |\n", r.polls, r.atShutdown)
	fmt.Fprintf(w, "| set-up (accounts, sign-ins, 2FA of the staff, sessions, joins) | %.0f s |\n", r.setup.Seconds())
}

func mib(kib int64) float64      { return float64(kib) / 1024 }
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// account is a signed-in account of the load.
type account struct {
	username, token string
	sessionID, code string
}

func run(bin string, polls int, memLimit string) (*report, error) {
	if polls <= 0 || polls%(2*pollsPerAccount) != 0 {
		return nil, fmt.Errorf("-polls must be a positive multiple of %d", 2*pollsPerAccount)
	}
	r := &report{polls: polls, memLimit: memLimit, goVersion: runtime.Version(), cpus: runtime.NumCPU()}
	r.staff = polls / (2 * pollsPerAccount)
	r.partners = 2 * r.staff
	start := time.Now()
	dir, err := os.MkdirTemp("", "longpoll-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "portal.db")
	key := make([]byte, portal.SecretKeySize)
	rand.Read(key)
	const password = "long poll bench password"
	partners := make([]account, r.partners)
	staff := make([]account, r.staff)
	for i := range partners {
		partners[i].username = fmt.Sprintf("partner%04d@bench.example", i)
	}
	for i := range staff {
		staff[i].username = fmt.Sprintf("staff%04d@bench.example", i)
	}

	// The accounts, made in this process before the portal starts.
	srv, err := portal.Open(context.Background(), portal.Config{DBPath: db, SecretKey: key})
	if err != nil {
		return nil, err
	}
	err = parallel(len(partners)+len(staff), 4, func(i int) error {
		u := portal.NewUser{Password: password, Name: "Bench Partner", Company: "Bench Co"}
		if i < len(partners) {
			u.Username = partners[i].username
		} else {
			u.Username, u.Name, u.Role = staff[i-len(partners)].username, fmt.Sprintf("Bench Staff %d", i), portal.RoleSupport
		}
		return srv.CreateUser(context.Background(), u)
	})
	srv.Close()
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr, "-db", db, "-log-level", "error")
	cmd.Env = append(os.Environ(), "GOMEMLIMIT="+memLimit, portal.SecretKeyEnv+"="+hex.EncodeToString(key))
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	base := "http://" + addr + "/api/v1"
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: polls + 64, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}}
	if err := waitHealthy(hc, base); err != nil {
		return nil, err
	}

	// Sign-ins, sessions, the staff's own 2FA and the joins.
	err = parallel(len(partners), 8, func(i int) error {
		p := &partners[i]
		var s struct{ Token string }
		if err := call(hc, "POST", base+"/login", "", map[string]string{"username": p.username, "password": password}, 200, &s); err != nil {
			return err
		}
		p.token = s.Token
		var c struct{ ID, Code string }
		if err := call(hc, "POST", base+"/support-sessions", p.token, map[string]any{}, 201, &c); err != nil {
			return err
		}
		p.sessionID, p.code = c.ID, c.Code
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = parallel(len(staff), 8, func(i int) error {
		st := &staff[i]
		var s struct{ Token string }
		if err := call(hc, "POST", base+"/login", "", map[string]string{"username": st.username, "password": password}, 200, &s); err != nil {
			return err
		}
		st.token = s.Token
		var e struct {
			EnrollmentID string `json:"enrollment_id"`
			Secret       string `json:"secret"`
		}
		if err := call(hc, "POST", base+"/account/security/totp", st.token, map[string]any{}, 201, &e); err != nil {
			return err
		}
		code, err := rfc6238.AppCode(e.Secret, time.Now())
		if err != nil {
			return err
		}
		if err := call(hc, "POST", base+"/account/security/totp/confirm", st.token,
			map[string]string{"enrollment_id": e.EnrollmentID, "code": code}, 200, nil); err != nil {
			return err
		}
		st.sessionID = partners[i].sessionID
		return call(hc, "POST", base+"/support/support-sessions/join", st.token, map[string]string{"code": partners[i].code}, 200, nil)
	})
	if err != nil {
		return nil, err
	}
	r.setup = time.Since(start)
	runtime.GC()
	time.Sleep(2 * time.Second)
	if r.rssIdleKiB, _, err = rss(cmd.Process.Pid); err != nil {
		return nil, err
	}

	// Park the polls.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var sent atomic.Int64
	var shuttingDown atomic.Bool
	var wg sync.WaitGroup
	wake := make(chan time.Time, 1024) // answers of staff 0's first watch, for the latency
	poll := func(url func(int64) string, token string, version int64, watch bool, report chan<- time.Time) {
		defer wg.Done()
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, "GET", url(version), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			began := time.Now()
			sent.Add(1)
			resp, err := hc.Do(req)
			if err != nil {
				if !shuttingDown.Load() {
					atomic.AddInt64(&r.refused, 1)
				}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if shuttingDown.Load() {
				if resp.StatusCode == 200 {
					atomic.AddInt64(&r.atShutdown, 1)
				}
				return // the portal is going: no new poll
			}
			if resp.StatusCode != 200 {
				atomic.AddInt64(&r.refused, 1)
				time.Sleep(time.Second)
				continue
			}
			var v struct{ Version int64 }
			json.Unmarshal(body, &v)
			if watch && v.Version > version {
				version = v.Version
				if report != nil {
					report <- time.Now()
				}
				continue
			}
			if time.Since(began) < 20*time.Second {
				atomic.AddInt64(&r.early, 1)
			}
		}
	}
	watchURL := func(id string) func(int64) string {
		return func(after int64) string {
			return fmt.Sprintf("%s/support/support-sessions/%s?after=%d", base, id, after)
		}
	}
	waitURL := func(id string) func(int64) string {
		return func(int64) string { return base + "/support-sessions/" + id + "?wait=true" }
	}
	parkStart := time.Now()
	for i, st := range staff {
		for j := range pollsPerAccount {
			var rep chan<- time.Time
			if i == 0 && j == 0 {
				rep = wake
			}
			wg.Add(1)
			go poll(watchURL(st.sessionID), st.token, 2, true, rep)
		}
	}
	for _, p := range partners[len(staff):] {
		for range pollsPerAccount {
			wg.Add(1)
			go poll(waitURL(p.sessionID), p.token, 0, false, nil)
		}
	}
	for sent.Load() < int64(polls) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // the last requests reach their handlers
	r.parkedTime = time.Since(parkStart)
	if r.rssParkedKiB, _, err = rss(cmd.Process.Pid); err != nil {
		return nil, err
	}

	// Latency with the polls parked: partner 0 shares progress, staff 0's
	// first watch answers.
	var lat []time.Duration
	for i := range 100 {
		body := map[string]any{"article_step": 1 + i%9, "screen": "bench", "message": fmt.Sprintf("change %d", i)}
		began := time.Now()
		if err := call(hc, "PUT", base+"/support-sessions/"+partners[0].sessionID+"/progress", partners[0].token, body, 204, nil); err != nil {
			return nil, err
		}
		select {
		case at := <-wake:
			lat = append(lat, at.Sub(began))
		case <-time.After(5 * time.Second):
			return nil, fmt.Errorf("change %d did not reach the watch", i)
		}
		time.Sleep(60 * time.Millisecond) // under the 20-a-second limit
	}
	slices.Sort(lat)
	r.changes = len(lat)
	r.p50, r.p99, r.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]

	// Every unchanged poll times out (25 s) and is sent again.
	time.Sleep(time.Until(parkStart.Add(35 * time.Second)))
	if r.rssRepolledKiB, r.hwmKiB, err = rss(cmd.Process.Pid); err != nil {
		return nil, err
	}

	// Shutdown with the polls parked.
	began := time.Now()
	shuttingDown.Store(true)
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		r.shutdown = time.Since(began)
	case <-time.After(20 * time.Second):
		return nil, fmt.Errorf("the portal did not stop within 20 s of SIGTERM")
	}
	stop()
	wg.Wait()
	return r, nil
}

// rss reads VmRSS and VmHWM (KiB) of the process.
func rss(pid int) (rssKiB, hwmKiB int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		var v int64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &v); err == nil {
			rssKiB = v
		}
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &v); err == nil {
			hwmKiB = v
		}
	}
	return rssKiB, hwmKiB, nil
}

func waitHealthy(hc *http.Client, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := hc.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the portal did not answer /health: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// call sends a JSON request and decodes the answer into out, checking the status.
func call(hc *http.Client, method, url, token string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		// The path only: the body may hold a code.
		return fmt.Errorf("%s %s: status %d, want %d", method, req.URL.Path, resp.StatusCode, want)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, fn func(int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}
