package client_test

// Staged faults: plain httptest handlers that misbehave the way networks,
// proxies and wrong addresses do.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// stage is a test server that counts the requests it gets.
type stage struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	times    []time.Time
}

func newStage(t *testing.T, h http.HandlerFunc) *stage {
	t.Helper()
	s := &stage{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(context.Background()))
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *stage) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func newTestClient(t *testing.T, address string, timeout time.Duration) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{Address: address, Version: "1.2.3", Timeout: timeout})
	if err != nil {
		t.Fatalf("New(%q): %v", address, err)
	}
	return c
}

// jsonAnswer writes a JSON answer the way the portal does.
func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-ID", "staged-id")
	w.WriteHeader(status)
	fmt.Fprintln(w, body)
}

func wantNetworkError(t *testing.T, err error, kind client.NetworkErrorKind) *client.NetworkError {
	t.Helper()
	var ne *client.NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v (%T), want *NetworkError %v", err, err, kind)
	}
	if ne.Kind != kind {
		t.Fatalf("kind = %v (%v), want %v", ne.Kind, err, kind)
	}
	if ne.Host == "" || ne.RequestID == "" || !strings.Contains(ne.Error(), ne.Host) {
		t.Fatalf("NetworkError lacks host or request ID: %+v", ne)
	}
	if client.RequestIDOf(err) != ne.RequestID {
		t.Fatalf("RequestIDOf = %q, want %q", client.RequestIDOf(err), ne.RequestID)
	}
	return ne
}

func TestHangPastTheTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newTestClient(t, s.URL, 200*time.Millisecond)
	c.SetToken("tok")

	start := time.Now()
	_, err := c.GetSecurity(context.Background())
	wantNetworkError(t, err, client.KindTimeout)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("GetSecurity returned after %v with a 200ms timeout", took)
	}
	if n := s.count(); n != 1 {
		t.Fatalf("a timed-out GET was sent %d times, want 1 (timeouts are not retried)", n)
	}
	if _, err := c.ConfirmTOTPEnrollment(context.Background(), "enr", "123456"); err == nil {
		t.Fatal("POST to a hung portal succeeded")
	} else {
		wantNetworkError(t, err, client.KindTimeout)
	}
	if got := c.SupportDetails(); got.ErrorCode != "network:timeout" || got.ErrorRequestID == "" {
		t.Fatalf("SupportDetails = %+v", got)
	}
}

func TestCallerDeadlineAndCancellation(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := newTestClient(t, s.URL, time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.GetTime(ctx)
	wantNetworkError(t, err, client.KindTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want it to wrap context.DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := c.GetTime(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestConnectionClosed(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	c := newTestClient(t, s.URL, 2*time.Second)
	c.SetToken("tok")

	_, err := c.GetAccount(context.Background())
	ne := wantNetworkError(t, err, client.KindUnreachable)
	if !strings.Contains(ne.Error(), "closed") {
		t.Errorf("message %q does not say the connection was closed", ne.Error())
	}
	if n := s.count(); n != 4 {
		t.Fatalf("GET was sent %d times, want 4 (1 + 3 retries)", n)
	}

	before := s.count()
	_, err = c.RegenerateRecoveryCodes(context.Background(), "123456")
	wantNetworkError(t, err, client.KindUnreachable)
	if n := s.count() - before; n != 1 {
		t.Fatalf("POST was sent %d times, want exactly 1", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newTestClient(t, "http://"+addr, time.Second)
	_, err = c.Login(context.Background(), "u", "pw")
	ne := wantNetworkError(t, err, client.KindUnreachable)
	if !strings.Contains(ne.Error(), "refused") {
		t.Errorf("message %q does not say refused", ne.Error())
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"JSON internal_error": func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 500, `{"error":{"code":"internal_error","message":"The portal failed."}}`)
		},
		"HTML error page": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			fmt.Fprint(w, "<html><body><h1>Internal Server Error</h1></body></html>")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, h)
			c := newTestClient(t, s.URL, time.Second)
			_, err := c.GetTime(context.Background())
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.Status != 500 || !errors.Is(err, client.ErrServerError) {
				t.Fatalf("err = %v, want *APIError 500 matching ErrServerError", err)
			}
			if ae.RequestID == "" {
				t.Fatal("no request ID")
			}
			if s.count() != 1 {
				t.Fatalf("a 500 was retried: %d requests", s.count())
			}
		})
	}
}

func TestNotAPortal(t *testing.T) {
	t.Parallel()
	html := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, "<!doctype html><html><head><title>Welcome</title></head><body>Our shop</body></html>")
		}
	}
	for name, h := range map[string]http.HandlerFunc{
		"HTML page":             html(200),
		"HTML 404":              html(404),
		"invalid JSON":          func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"time": "2025-01-0`) },
		"JSON of another shape": func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{"hello":"world"}`) },
		"JSON array":            func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `[1,2,3]`) },
		"empty body":            func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, ``) },
		"garbage bytes":         func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, "\x00\xff\xfe garbage") },
		"wrong content type":    textAnswer("text/plain", `{"time":"2025-01-02T03:04:05.123456789Z"}`),
		"no content type":       textAnswer("", `{"time":"2025-01-02T03:04:05.123456789Z"}`),
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/login", http.StatusFound)
		},
		"4xx without error form": func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 403, `{"detail":"forbidden"}`) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStage(t, h)
			c := newTestClient(t, s.URL, time.Second)
			_, err := c.GetTime(context.Background())
			wantNetworkError(t, err, client.KindNotPortal)
			if strings.Contains(err.Error(), "Our shop") || strings.Contains(err.Error(), "hello") {
				t.Errorf("the error quotes the answer: %v", err)
			}
		})
	}
}

// textAnswer answers body with the given content type (none when "").
func textAnswer(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType == "" {
			w.Header()["Content-Type"] = nil // keep net/http from sniffing one
		} else {
			w.Header().Set("Content-Type", contentType)
		}
		fmt.Fprint(w, body)
	}
}

// A 10 MiB answer ends with a clear error after at most about 1 MiB is
// read, without allocating the whole body.
func TestHugeBody(t *testing.T) {
	chunk := []byte(strings.Repeat(`{"x":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},`, 1024))
	var written atomic.Int64
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(10<<20))
		for written.Load() < 10<<20 {
			n, err := w.Write(chunk[:min(len(chunk), int(10<<20-written.Load()))])
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	c := newTestClient(t, s.URL, 5*time.Second)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.GetTime(context.Background())
	runtime.ReadMemStats(&after)
	ne := wantNetworkError(t, err, client.KindNotPortal)
	if !strings.Contains(ne.Error(), "1 MiB") {
		t.Errorf("message %q does not name the limit", ne.Error())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 6<<20 {
		t.Errorf("allocated %d bytes reading a 10 MiB answer, want well under 10 MiB", alloc)
	}
	if s.count() != 1 {
		t.Errorf("an oversized answer was retried: %d requests", s.count())
	}
}

// A 503 with Retry-After is retried for a GET, waiting as asked, and never
// for a POST or PUT.
func TestRetryAfter503(t *testing.T) {
	t.Parallel()
	unavailable := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		jsonAnswer(w, 503, `{"error":{"code":"unavailable","message":"The database does not answer."}}`)
	}
	t.Run("GET is retried three times, Retry-After apart", func(t *testing.T) {
		t.Parallel()
		s := newStage(t, unavailable)
		// Three waits of 1 s need more than the default cap of twice the
		// timeout.
		c, err := client.New(client.Options{Address: s.URL, Timeout: time.Second, CallTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetTime(context.Background())
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.Status != 503 || ae.Code != "unavailable" || ae.RetryAfter != time.Second {
			t.Fatalf("err = %v, want *APIError 503 unavailable with RetryAfter 1s", err)
		}
		if n := s.count(); n != 4 {
			t.Fatalf("%d attempts, want 4", n)
		}
		for i := 1; i < len(s.times); i++ {
			if gap := s.times[i].Sub(s.times[i-1]); gap < 900*time.Millisecond {
				t.Errorf("attempt %d came %v after the previous one; Retry-After said 1s", i+1, gap)
			}
		}
	})
	t.Run("GET recovers when the portal comes back", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) < 3 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			jsonAnswer(w, 200, `{"time":"2025-01-02T03:04:05.123456789Z"}`)
		})
		c := newTestClient(t, s.URL, time.Second)
		pt, err := c.GetTime(context.Background())
		if err != nil {
			t.Fatalf("GetTime: %v", err)
		}
		if want := time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC); !pt.Time.Equal(want) {
			t.Fatalf("time = %v, want %v", pt.Time, want)
		}
		if s.count() != 3 {
			t.Fatalf("%d attempts, want 3", s.count())
		}
	})
	t.Run("a Retry-After longer than the client waits ends the retries", func(t *testing.T) {
		t.Parallel()
		s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			jsonAnswer(w, 503, `{"error":{"code":"unavailable","message":"Maintenance."}}`)
		})
		c := newTestClient(t, s.URL, time.Second)
		_, err := c.GetSecurity(context.Background())
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.RetryAfter != 2*time.Minute || !errors.Is(err, client.ErrServerError) {
			t.Fatalf("err = %v, want *APIError with RetryAfter 2m", err)
		}
		if s.count() != 1 {
			t.Fatalf("%d attempts, want 1", s.count())
		}
	})
	t.Run("POST and PUT are never retried", func(t *testing.T) {
		t.Parallel()
		s := newStage(t, unavailable)
		c := newTestClient(t, s.URL, time.Second)
		c.SetToken("tok")
		calls := map[string]func() error{
			"login":   func() error { _, err := c.Login(context.Background(), "u", "pw"); return err },
			"confirm": func() error { _, err := c.ConfirmTOTPEnrollment(context.Background(), "e", "123456"); return err },
			"disable": func() error {
				_, err := c.DisableTwoFactor(context.Background(), client.TOTPCode("123456"), "")
				return err
			},
		}
		for name, call := range calls {
			before := s.count()
			if err := call(); !errors.Is(err, client.ErrServerError) {
				t.Errorf("%s: err = %v, want ErrServerError", name, err)
			}
			if n := s.count() - before; n != 1 {
				t.Errorf("%s was sent %d times, want 1", name, n)
			}
		}
	})
}

// The rate-limit answer carries its wait, from the header or the body.
func TestRateLimited(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "42")
		jsonAnswer(w, 429, `{"error":{"code":"rate_limited","message":"Too many attempts.","retry_after_seconds":42}}`)
	})
	c := newTestClient(t, s.URL, time.Second)
	_, err := c.LoginMFA(context.Background(), "mfa", client.TOTPCode("123456"))
	var rl *client.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 42*time.Second || !errors.Is(err, client.ErrRateLimited) {
		t.Fatalf("err = %v, want *RateLimitError 42s", err)
	}
	if rl.RequestID != "staged-id" || client.RequestIDOf(err) != "staged-id" {
		t.Fatalf("request ID = %q", rl.RequestID)
	}
	if s.count() != 1 {
		t.Fatalf("a 429 was retried")
	}
}

// What every request carries, and what it must not.
func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-ID", r.Header.Get("X-Request-ID"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"time":"2025-01-02T03:04:05Z"}`)
	})
	c := newTestClient(t, s.URL+"/portal/", time.Second)
	if _, err := c.GetTime(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.SetToken("the-token")
	if _, err := c.GetTime(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	first, second := s.requests[0], s.requests[1]
	s.mu.Unlock()
	if first.URL.Path != "/portal/api/v1/time" {
		t.Errorf("path = %q, want the API below the address's path prefix", first.URL.Path)
	}
	wantUA := fmt.Sprintf("PartnerSecurity/1.2.3 (%s; %s)", runtime.GOOS, runtime.GOARCH)
	if ua := first.Header.Get("User-Agent"); ua != wantUA {
		t.Errorf("User-Agent = %q, want %q", ua, wantUA)
	}
	if first.Header.Get("Accept") != "application/json" {
		t.Errorf("Accept = %q", first.Header.Get("Accept"))
	}
	if first.Header.Get("Authorization") != "" {
		t.Error("Authorization sent without a token")
	}
	if second.Header.Get("Authorization") != "Bearer the-token" {
		t.Error("Authorization is not the bearer token")
	}
	id := second.Header.Get("X-Request-ID")
	if id == "" || id == first.Header.Get("X-Request-ID") {
		t.Errorf("X-Request-ID %q is missing or reused", id)
	}
	if got := c.SupportDetails(); got.RequestID != id || got.ErrorCode != "" {
		t.Errorf("SupportDetails = %+v, want request ID %q and no error", got, id)
	}
}

// The redirect target never receives the token.
func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	elsewhere := newStage(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(w, 200, `{}`) })
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	c := newTestClient(t, s.URL, time.Second)
	c.SetToken("tok")
	_, err := c.GetAccount(context.Background())
	wantNetworkError(t, err, client.KindNotPortal)
	if elsewhere.count() != 0 {
		t.Fatal("the redirect was followed")
	}
}

func TestInsecureAddressRefused(t *testing.T) {
	t.Parallel()
	called := false
	for _, addr := range []string{"http://partners.example.com", "http://192.168.1.10:8080", "HTTP://partners.example.com/portal"} {
		_, err := client.New(client.Options{Address: addr, Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			called = true
			return nil, errors.New("must not be called")
		})})
		if !errors.Is(err, client.ErrInsecureAddress) {
			t.Errorf("New(%q) err = %v, want ErrInsecureAddress", addr, err)
		} else if !strings.Contains(err.Error(), "https://") {
			t.Errorf("New(%q) err = %q does not say to use https://", addr, err)
		}
	}
	if called {
		t.Fatal("a request was sent")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A branded portal on a private CA: trusted through the CA file option,
// refused without it, and TLS refused against a plain HTTP port.
func TestPrivateCA(t *testing.T) {
	t.Parallel()
	caPEM, serverCert := privateCA(t)
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"status":"ok"}`)
	}))
	s.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	trusted, err := client.New(client.Options{Address: s.URL, CAFile: caFile, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("New with CA file: %v", err)
	}
	if h, err := trusted.GetHealth(context.Background()); err != nil || h.Status != "ok" {
		t.Fatalf("GetHealth with the CA file: %v, %v", h, err)
	}

	untrusted := newTestClient(t, s.URL, 2*time.Second)
	_, err = untrusted.GetHealth(context.Background())
	ne := wantNetworkError(t, err, client.KindTLS)
	if !strings.Contains(ne.Error(), "CA file") {
		t.Errorf("message %q does not point at the CA file option", ne.Error())
	}

	plain := newStage(t, func(w http.ResponseWriter, r *http.Request) {})
	wrong := newTestClient(t, strings.Replace(plain.URL, "http://", "https://", 1), 2*time.Second)
	_, err = wrong.GetHealth(context.Background())
	wantNetworkError(t, err, client.KindTLS)

	for name, content := range map[string][]byte{"not PEM": []byte("hello"), "missing": nil} {
		path := filepath.Join(t.TempDir(), "ca.pem")
		if content != nil {
			_ = os.WriteFile(path, content, 0o600)
		}
		if _, err := client.New(client.Options{Address: s.URL, CAFile: path}); !errors.Is(err, client.ErrInvalidCAFile) {
			t.Errorf("%s CA file: err = %v, want ErrInvalidCAFile", name, err)
		}
	}
}

// privateCA makes a CA and a server certificate for 127.0.0.1 signed by it.
func privateCA(t *testing.T) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Reseller Private CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "portal.reseller.test"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}
}

// The Date header of every answer gives a second-precision clock offset.
func TestClockOffsetFromDateHeader(t *testing.T) {
	t.Parallel()
	const skew = 90 * time.Second // the portal runs 90 s ahead of this computer
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		jsonAnswer(w, 200, `{"status":"ok"}`)
	})
	c := newTestClient(t, s.URL, time.Second)
	if _, ok := c.ClockOffset(); ok {
		t.Fatal("ClockOffset known before any answer")
	}
	if _, err := c.GetHealth(context.Background()); err != nil {
		t.Fatal(err)
	}
	off, ok := c.ClockOffset()
	if !ok {
		t.Fatal("no clock offset after an answer with a Date header")
	}
	if (off + skew).Abs() > 1500*time.Millisecond {
		t.Fatalf("offset = %v, want about %v (this computer behind)", off, -skew)
	}
	if r, _ := c.Clock(); r.Precise || r.Uncertainty < 500*time.Millisecond {
		t.Fatalf("a Date reading claims precision: %+v", r)
	}
}

// MeasureClock allows for the round trip: a portal whose /time answer
// takes 400 ms to arrive, from a clock 2.5 s behind, is measured to well
// under the half second a naive reading would be off by.
func TestMeasureClockAllowsForRoundTrip(t *testing.T) {
	t.Parallel()
	const skew = -2500 * time.Millisecond // the portal is 2.5 s behind
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		now := time.Now().Add(skew)
		time.Sleep(200 * time.Millisecond)
		jsonAnswer(w, 200, fmt.Sprintf(`{"time":%q}`, now.UTC().Format(time.RFC3339Nano)))
	})
	c := newTestClient(t, s.URL, 5*time.Second)
	r, err := c.MeasureClock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Precise || (r.Offset+skew).Abs() > 100*time.Millisecond {
		t.Fatalf("reading = %+v, want a precise offset of about %v", r, -skew)
	}
	if off, _ := c.ClockOffset(); off != r.Offset {
		t.Fatalf("ClockOffset = %v after MeasureClock measured %v", off, r.Offset)
	}
}
