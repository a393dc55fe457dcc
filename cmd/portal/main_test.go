package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// portalBin is the command built once for these tests.
var portalBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portal-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	portalBin = filepath.Join(dir, "portal")
	build := exec.Command("go", "build", "-o", portalBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build cmd/portal:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, portalBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"useradd", "-db", db, "-username", "Partner@Example.com", "-name", "Pat Partner", "-company", "Partner Co"}
	out, errOut, err := run(t, "a long enough password\n", args...)
	if err != nil {
		t.Fatalf("useradd: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "partner@example.com") {
		t.Errorf("useradd said %q", out)
	}
	if strings.Contains(out+errOut, "a long enough password") {
		t.Error("useradd printed the password")
	}
	if info, err := os.Stat(db + ".key"); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", info, err)
	}
	_, errOut, err = run(t, "another password\n", args...)
	if err == nil || !strings.Contains(errOut, "already exists") {
		t.Errorf("duplicate useradd: %v %q", err, errOut)
	}
	for stdin, want := range map[string]string{"": "no password", "\n": "no password", "short\n": "too short"} {
		_, errOut, err := run(t, stdin, "useradd", "-db", db, "-username", "x@example.com", "-name", "X")
		if err == nil || !strings.Contains(errOut, want) {
			t.Errorf("useradd with password %q: %v %q, want %q", stdin, err, errOut, want)
		}
	}
	if _, errOut, err := run(t, "long enough pw\n", "useradd", "-db", db, "-username", "x@example.com"); err == nil || !strings.Contains(errOut, "-name") {
		t.Errorf("useradd without -name: %v %q", err, errOut)
	}

	// The account signs in on the served portal.
	base, _, _ := startPortal(t, "-db", db)
	resp := post(t, base+"/api/v1/login", `{"username":"partner@example.com","password":"a long enough password"}`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("login of the useradd account: %d", resp.StatusCode)
	}
}

func TestServeDemoAndGracefulShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	base, cmd, out := startPortal(t, "-demo", "-db", db)
	for _, want := range []string{"reseller@example.com", "demo-password-123", base} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-demo does not print %s: %q", want, out.String())
		}
	}

	resp, err := http.Get(base + "/api/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Status string }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || health.Status != "ok" {
		t.Fatalf("health: %d %q", resp.StatusCode, health.Status)
	}
	resp = post(t, base+"/api/v1/login", `{"username":"reseller@example.com","password":"demo-password-123"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("demo login: %d", resp.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit within 15 s of SIGTERM")
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Errorf("no stop message: %q", out.String())
	}
	// The database is closed cleanly: the WAL has been folded in.
	if info, err := os.Stat(db + "-wal"); err == nil && info.Size() > 0 {
		t.Errorf("WAL of %d bytes left after shutdown", info.Size())
	}
}

func TestRefusesPlainHTTPOffLoopback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		_, errOut, err := run(t, "", "-addr", addr, "-db", db)
		if err == nil || !strings.Contains(errOut, "refusing plain HTTP") {
			t.Errorf("-addr %s: %v %q, want a refusal", addr, err, errOut)
		}
	}
	if _, errOut, err := run(t, "", "-tls-cert", "x.pem", "-db", db); err == nil || !strings.Contains(errOut, "go together") {
		t.Errorf("-tls-cert alone: %v %q", err, errOut)
	}
	if !isLoopback("127.0.0.1:80") || !isLoopback("[::1]:80") || !isLoopback("localhost:80") || isLoopback(":80") || isLoopback("10.0.0.1:80") {
		t.Error("isLoopback")
	}
}

// TestServeTLS serves HTTPS with a certificate made for the test.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSignedCert(t, dir)
	base, _, _ := startPortalScheme(t, "https", "-db", filepath.Join(dir, "p.db"), "-tls-cert", certFile, "-tls-key", keyFile)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(base + "/api/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("health over TLS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
}

func writeSelfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// syncWriter collects a child's output while the test reads it.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startPortal starts the command on a free loopback port and returns its base
// URL once it says where it listens. The process is killed at the end of the test
// if it still runs.
func startPortal(t *testing.T, args ...string) (string, *exec.Cmd, *syncWriter) {
	t.Helper()
	return startPortalScheme(t, "http", args...)
}

func startPortalScheme(t *testing.T, scheme string, args ...string) (string, *exec.Cmd, *syncWriter) {
	t.Helper()
	cmd := exec.Command(portalBin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	pr, pw := io.Pipe()
	out := &syncWriter{}
	cmd.Stdout = io.MultiWriter(out, pw)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		pw.Close()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`listening on (` + scheme + `://127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case base := <-found:
		return base, cmd, out
	case <-time.After(20 * time.Second):
		t.Fatalf("the portal did not say where it listens: %q", out.String())
		return "", nil, nil
	}
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestServerAnswersAreContractAnswers: a request whose headers pass the
// contract's 64 KiB is answered by the portal itself, as a contract Error with
// the common headers, not by Go's HTTP server in text/plain.
func TestServerAnswersAreContractAnswers(t *testing.T) {
	base, _, _ := startPortal(t, "-db", filepath.Join(t.TempDir(), "p.db"))
	req, err := http.NewRequest("GET", base+"/api/v1/health", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("x", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct{ Code, Message string }
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || resp.Header.Get("Content-Type") != "application/json" ||
		json.Unmarshal(body, &e) != nil || e.Error.Code != "request_too_large" {
		t.Errorf("100 KiB of headers: %d %s %q, want 431 request_too_large in JSON", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, h := range []string{"X-Request-ID", "Date", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("100 KiB of headers: the answer has no %s", h)
		}
	}
}
