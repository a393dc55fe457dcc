package portal

import (
	"log/slog"
	"net/http"
	"time"
)

// Header limits. The contract's limit is maxHeaderBytes, which the handler
// enforces itself so that the answer is the contract's (431 request_too_large
// in JSON, with Date, X-Request-ID and Cache-Control). net/http refuses
// headers past the server's MaxHeaderBytes before any handler runs, in
// text/plain; that limit is set well above the contract's, so that only
// requests far beyond it get net/http's answer.
const (
	maxHeaderBytes     = 64 << 10
	hardMaxHeaderBytes = 1 << 20 // net/http's default
)

// HTTPServer returns an http.Server that serves Handler with the portal's
// timeouts and limits, and logs what net/http reports (broken connections,
// TLS handshake errors) as warnings to Config.Logger. Set its Addr, or pass a
// listener to Serve or ServeTLS.
//
// Some answers net/http makes itself, before the handler sees the request:
// 400 for a malformed request line or header, 431 for headers over 1 MiB, 501
// for an unknown Transfer-Encoding, in text/plain without the contract's
// headers; and a connection whose headers are slower than ReadHeaderTimeout is
// closed without an answer. api/openapi.yaml says so.
//
// Its Shutdown answers the long polls waiting at once (each with what it has),
// so that a shutdown does not wait out their 25 s.
func (s *Server) HTTPServer() *http.Server {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    hardMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	hs.RegisterOnShutdown(s.polls.stop)
	return hs
}

// headerBytes is about what the request's line and headers took on the wire,
// as net/http's MaxHeaderBytes counts them.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}
