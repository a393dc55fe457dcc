package portal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

// Benchmarks of the support sessions' long poll over HTTP on loopback.
// They use a plain HTTP client (no contract check) so the figures are the
// portal's.

// benchShare is a joined session and the tokens that share and watch it.
func benchShare(b *testing.B, wait time.Duration) (*testPortal, string, string, string) {
	b.Helper()
	tp := newTestPortal(b, func(c *Config) { c.LongPollWait = wait })
	staff := tp.createStaff(b, staffUser, true)
	pat := tp.createPartner(b, "pat@partner.example", "Pat Partner", "Partner Co", false)
	c := tp.share(b, pat.token)
	wantStatus(b, tp.joinShare(b, staff.token, c.Code), http.StatusOK)
	return tp, c.ID, pat.token, staff.token
}

// plainCall sends a request and returns the status and the body.
func plainCall(b *testing.B, hc *http.Client, method, url, token string, body []byte) (int, []byte) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// BenchmarkLongPollWake measures a change reaching the staff member: a
// watch is parked (after = the current version), the partner's app PUTs its
// progress, and the watch answers. ns/op is the whole round (park, PUT,
// answer); p50-ms and p99-ms are from sending the PUT to the watch's answer.
// Run it with -benchtime=100x for the figure over 100 changes.
func BenchmarkLongPollWake(b *testing.B) {
	tp, id, partner, staff := benchShare(b, 25*time.Second)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	base := tp.http.URL
	version := int64(2)
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		tp.clock.Advance(100 * time.Millisecond) // the frozen test clock would hit the 20-a-second limit
		answered := make(chan int64, 1)
		go func() {
			status, body := plainCall(b, hc, "GET", base+watchPath(id, version), staff, nil)
			var v struct{ Version int64 }
			if status != http.StatusOK || json.Unmarshal(body, &v) != nil {
				b.Errorf("watch: %d %s", status, body)
			}
			answered <- v.Version
		}()
		for tp.srv.polls.waiting() == 0 {
			time.Sleep(50 * time.Microsecond)
		}
		progress, _ := json.Marshal(progressBody(1+i%9, fmt.Sprintf("change %d", i)))
		start := time.Now()
		if status, body := plainCall(b, hc, "PUT", base+shareBase+"/"+id+"/progress", partner, progress); status != http.StatusNoContent {
			b.Fatalf("progress: %d %s", status, body)
		}
		got := <-answered
		latencies = append(latencies, time.Since(start))
		if got != version+1 {
			b.Fatalf("the watch answered version %d, want %d", got, version+1)
		}
		version = got
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkLongPollTimeout shows that a watch without a change waits the
// contract's 25 s (the default Config.LongPollWait) and answers the same
// version. Run it once: -bench LongPollTimeout -benchtime=1x.
func BenchmarkLongPollTimeout(b *testing.B) {
	tp, id, _, staff := benchShare(b, 0)
	hc := &http.Client{}
	var waited time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		status, body := plainCall(b, hc, "GET", tp.http.URL+watchPath(id, 2), staff, nil)
		waited = time.Since(start)
		var v struct{ Version int64 }
		if status != http.StatusOK || json.Unmarshal(body, &v) != nil || v.Version != 2 {
			b.Fatalf("watch: %d %s", status, body)
		}
		if waited < defaultLongPollWait || waited > defaultLongPollWait+2*time.Second {
			b.Errorf("the watch answered after %s, want %s", waited, defaultLongPollWait)
		}
	}
	b.ReportMetric(waited.Seconds(), "wait-s")
}
