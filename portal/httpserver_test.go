package portal

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHeaderLimit: headers over the contract's 64 KiB get the contract's
// answer (431 request_too_large, checked against api/openapi.yaml by call),
// on every call.
func TestHeaderLimit(t *testing.T) {
	tp := newTestPortal(t)
	big := http.Header{"X-Padding": {strings.Repeat("x", 100<<10)}}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/health"}, {"POST", "/api/v1/login"}, {"GET", "/api/v1/account/security"}, {"GET", "/api/v1/nothing"},
	} {
		r := callPortal(t, tp.http.URL, c.method, c.path, "", raw{contentType: "application/json", data: []byte(`{}`)}, big)
		wantError(t, r, http.StatusRequestHeaderFieldsTooLarge, "request_too_large")
	}
	// Just under the limit is served.
	ok := http.Header{"X-Padding": {strings.Repeat("x", 60<<10)}}
	wantStatus(t, callPortal(t, tp.http.URL, "GET", "/api/v1/health", "", nil, ok), http.StatusOK)
}

// TestAnswersNetHTTPMakesItself pins down what api/openapi.yaml says stays
// outside the portal's hands, so that a change in net/http shows here: a
// malformed request line and headers over 1 MiB are answered by net/http in
// text/plain, and headers slower than ReadHeaderTimeout end the connection
// without an answer.
func TestAnswersNetHTTPMakesItself(t *testing.T) {
	tp := newTestPortal(t)
	for name, request := range map[string]string{
		"malformed request line": "GET /api/v1/health HTTP/1.1 extra\r\nHost: portal\r\n\r\n",
		"headers over 1 MiB":     "GET /api/v1/health HTTP/1.1\r\nHost: portal\r\nX-Padding: " + strings.Repeat("x", 2<<20) + "\r\n\r\n",
	} {
		resp := rawExchange(t, tp.http, request, 0)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %s; api/openapi.yaml says net/http answers 400 or 431 in text/plain", name, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}

	slow := httptest.NewUnstartedServer(tp.srv.Handler())
	slow.Config = tp.srv.HTTPServer()
	slow.Config.ReadHeaderTimeout = 200 * time.Millisecond
	slow.Start()
	defer slow.Close()
	conn, err := net.Dial("tcp", slow.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /api/v1/health HTTP/1.1\r\nHost: por")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(conn)
	if err != nil || len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 408") {
		t.Errorf("slow headers: read %q, %v; api/openapi.yaml says the connection is closed (net/http may send a bare 408)", got, err)
	}
	t.Logf("slow headers: net/http sent %q", got)
}
