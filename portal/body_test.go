package portal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestUnreadableBody: a body the server cannot read to its end (malformed
// chunked encoding, shorter than its Content-Length, slower than the
// server's ReadTimeout) is the client's fault: 400 invalid_request as the
// contract's Error, with the common headers, and no ERROR log line.
func TestUnreadableBody(t *testing.T) {
	var logs syncBuffer
	tp := newTestPortal(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	// A server with a short ReadTimeout, for the slow body.
	slow := httptest.NewUnstartedServer(tp.srv.Handler())
	slow.Config.ReadTimeout = 300 * time.Millisecond
	slow.Start()
	defer slow.Close()

	head := func(path, framing string) string {
		return "POST " + path + " HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n" +
			"Authorization: Bearer " + token + "\r\n" + framing + "\r\n"
	}
	for _, path := range []string{"/api/v1/login", "/api/v1/login/mfa", "/api/v1/account/security/totp",
		"/api/v1/account/security/totp/confirm", "/api/v1/account/security/recovery-codes"} {
		for _, c := range []struct {
			name   string
			server *httptest.Server
			send   string
			pause  time.Duration // before closing the sending side
		}{
			{"malformed chunked", tp.http, head(path, "Transfer-Encoding: chunked\r\n") + "zz\r\n{}\r\n0\r\n\r\n", 0},
			{"short of its Content-Length", tp.http, head(path, "Content-Length: 100\r\n") + `{"username":`, 0},
			{"slower than ReadTimeout", slow, head(path, "Content-Length: 100\r\n") + `{"username":`, time.Second},
		} {
			resp := rawExchange(t, c.server, c.send, c.pause)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct{ Error apiErr }
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" ||
				json.Unmarshal(body, &e) != nil || e.Error.Code != "invalid_request" {
				t.Errorf("%s, body %s: %d %s %s, want 400 invalid_request", path, c.name, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				continue
			}
			if resp.Header.Get("X-Request-ID") == "" || resp.Header.Get("Date") == "" {
				t.Errorf("%s, body %s: no X-Request-ID or Date", path, c.name)
			}
			checkAgainstContract(t, "POST", path, resp.StatusCode, resp.Header, body)
		}
	}
	if out := logs.Bytes(); bytes.Contains(out, []byte(`"level":"ERROR"`)) {
		t.Errorf("an unreadable body was logged as an error:\n%s", out)
	}
}

// rawExchange writes request on a new connection to server, waits pause,
// closes the connection's sending side, and reads the answer.
func rawExchange(t *testing.T, server *httptest.Server, request string, pause time.Duration) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	time.Sleep(pause)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer to %q: %v", strings.SplitN(request, "\r\n", 2)[0], err)
	}
	return resp
}
