package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// handlerFunc is an API handler: it writes a success itself and returns a refusal
// (*apiError) or a failure (any other error) for the caller to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// requestInfo is what the middleware knows about a request, for handlers and
// for the access log.
type requestInfo struct {
	id         string
	clientAddr string
	accountID  string // set once the request is authenticated
}

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// routes builds the API's routing: each path's methods, a 405 with Allow for the
// other methods of a known path, and a 404 for everything else, all in JSON.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	handle := func(method, pattern string, h handlerFunc) {
		mux.Handle(method+" "+pattern, s.serve(h))
		methods[pattern] = append(methods[pattern], method)
	}
	handle(http.MethodPost, "/api/v1/login", s.handleLogin)
	handle(http.MethodPost, "/api/v1/login/mfa", s.handleLoginMFA)
	handle(http.MethodPost, "/api/v1/logout", s.authenticated(s.handleLogout))
	handle(http.MethodGet, "/api/v1/account", s.authenticated(s.handleAccount))
	handle(http.MethodGet, "/api/v1/account/security", s.authenticated(s.handleSecurity))
	handle(http.MethodPut, "/api/v1/account/security", s.authenticated(s.handleUpdateSecurity))
	handle(http.MethodPost, "/api/v1/account/security/totp", s.authenticated(s.handleCreateEnrollment))
	handle(http.MethodPost, "/api/v1/account/security/totp/confirm", s.authenticated(s.handleConfirmEnrollment))
	handle(http.MethodPost, "/api/v1/account/security/recovery-codes", s.authenticated(s.handleRegenerateRecoveryCodes))
	handle(http.MethodGet, "/api/v1/account/security/events", s.authenticated(s.handleEvents))
	handle(http.MethodGet, "/api/v1/time", s.handleTime)
	handle(http.MethodGet, "/api/v1/health", s.handleHealth)
	// The help desk (contract v1.1; handlers_support.go).
	handle(http.MethodGet, "/api/v1/support/accounts", s.support(s.handleSupportSearch))
	handle(http.MethodGet, "/api/v1/support/accounts/{id}", s.support(s.handleSupportAccount))
	handle(http.MethodPost, "/api/v1/support/accounts/{id}/temporary-access", s.support(s.handleIssueTemporaryAccess))
	handle(http.MethodPost, "/api/v1/support/accounts/{id}/two-factor/reset", s.support(s.handleSupportReset))
	// Support sessions: the partner shares progress, the staff member watches
	// (handlers_supportsessions.go).
	handle(http.MethodPost, "/api/v1/support-sessions", s.partner(s.handleCreateSupportSession))
	handle(http.MethodGet, "/api/v1/support-sessions/{id}", s.partner(s.handleSupportSessionStatus))
	handle(http.MethodDelete, "/api/v1/support-sessions/{id}", s.partner(s.handleEndSupportSession))
	handle(http.MethodPut, "/api/v1/support-sessions/{id}/progress", s.partner(s.handlePutSupportProgress))
	handle(http.MethodPost, supportJoinPattern, s.support(s.handleJoinSupportSession))
	handle(http.MethodGet, "/api/v1/support/support-sessions/{id}", s.support(s.handleWatchSupportSession))

	for pattern, ms := range methods {
		if slices.Contains(ms, http.MethodGet) {
			ms = append(ms, http.MethodHead)
		}
		allow := strings.Join(ms, ", ")
		refuse := s.serve(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Allow", allow)
			return newAPIError(http.StatusMethodNotAllowed, "method_not_allowed",
				"%s is not allowed here; use %s.", r.Method, allow)
		})
		if pattern != supportJoinPattern {
			mux.Handle(pattern, refuse)
			continue
		}
		// A literal path beside a wildcard one ({id}): a fallback for every
		// method would conflict with the wildcard's GET, so it is one per method.
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			mux.Handle(m+" "+pattern, refuse)
		}
	}
	notFound := s.serve(func(http.ResponseWriter, *http.Request) error { return errNotFound })
	mux.Handle("/", notFound)
	return s.middleware(mux, notFound)
}

// middleware gives every response its common headers (Date, X-Request-ID,
// no-store caching), recovers panics, and writes the access log line.
func (s *Server) middleware(next, notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: requestID(r), clientAddr: s.clientAddr(r)}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri))
		h := w.Header()
		h.Set("Date", s.now().UTC().Format(http.TimeFormat))
		h.Set("X-Request-ID", ri.id)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "request_id", ri.id, "panic", fmt.Sprint(p))
				if rec.status == 0 {
					s.writeError(rec, r, errInternal)
				}
			}
			s.log.Info("request",
				"request_id", ri.id, "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "duration_ms", float64(time.Since(start).Microseconds())/1000,
				"client", ri.clientAddr, "account_id", ri.accountID)
		}()
		if headerBytes(r) > maxHeaderBytes {
			s.writeError(rec, r, errHeadersTooLarge)
			return
		}
		// The mux would redirect an unclean path (//, /./, /../) with a text body;
		// the API has no such paths, so they are simply unknown.
		if r.URL.Path == "" || path.Clean(r.URL.Path) != r.URL.Path {
			notFound.ServeHTTP(rec, r)
			return
		}
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status written, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID keeps a well-formed X-Request-ID from the client, so a request can be
// followed across systems, and otherwise makes one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); id != "" && len(id) <= 64 && strings.Trim(id,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == "" {
		return id
	}
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clientAddr is the client's IP address: the connection's peer, or behind a
// trusted proxy the last X-Forwarded-For entry (the one that proxy added).
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxyHeaders {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return "unknown"
}

// serve turns a handlerFunc into an http.Handler that answers its refusals and
// failures as JSON errors.
func (s *Server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var refusal *apiError
		if !errors.As(err, &refusal) {
			ri := infoOf(r)
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				s.log.Info("client went away", "request_id", ri.id)
			} else {
				s.log.Error("request failed", "request_id", ri.id, "err", err)
			}
			refusal = errInternal
		}
		s.writeError(w, r, refusal)
	})
}

// errorBody is the JSON form of an error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code               string `json:"code"`
	Message            string `json:"message"`
	AttemptsRemaining  *int   `json:"attempts_remaining,omitempty"`
	ClockOffsetSeconds *int   `json:"clock_offset_seconds,omitempty"`
	RetryAfterSeconds  int    `json:"retry_after_seconds,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	body := errorBody{Error: errorDetail{
		Code: e.code, Message: e.message,
		AttemptsRemaining: e.attemptsRemaining, ClockOffsetSeconds: e.clockOffsetSeconds,
	}}
	if e.retryAfter > 0 {
		secs := retryAfterSeconds(e.retryAfter)
		body.Error.RetryAfterSeconds = secs
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if e.status == http.StatusUnauthorized && e.code == "unauthorized" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="partner-portal"`)
	}
	switch {
	case e.status >= 500:
		s.log.Warn("answered with an error", "request_id", infoOf(r).id, "status", e.status, "code", e.code)
	case e.cause != nil:
		s.log.Warn("refused", "request_id", infoOf(r).id, "status", e.status, "code", e.code, "cause", e.cause.Error())
	default:
		s.log.Debug("refused", "request_id", infoOf(r).id, "status", e.status, "code", e.code)
	}
	writeJSON(w, e.status, body)
}

// writeJSON writes v as the response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep & in otpauth URIs readable
	if err := enc.Encode(v); err != nil {
		// Only our own response types get here; they always marshal.
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decodeJSON reads the request body into dst (a pointer to a struct of
// request fields): application/json, at most 64 KiB, a single JSON object whose
// keys are dst's fields spelled exactly, each at most once. (encoding/json alone
// would match keys without regard to case and let a repeated key win silently.)
// Its refusals name the problem but never echo what was sent, field names
// included.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errUnsupportedMediaType
	}
	if r.ContentLength > maxBodyBytes {
		return errTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		// Whatever else went wrong came from the client's side of the
		// connection (the server cancels the request's context then too, so
		// that says nothing more); if it has gone, the answer is simply lost.
		return errUnreadableBody(err)
	}
	if err := checkKeys(body, fieldNames(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errInvalidRequest("The request body must hold a single JSON object.")
	}
	return nil
}

// fieldNames lists the JSON names of the struct that dst points to.
func fieldNames(dst any) map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(dst).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	return names
}

// checkKeys walks the top-level object of body and refuses a body that is not
// an object, a key that is not one of names exactly or that comes twice, and a
// null value (encoding/json would take null for "not sent"; the contract allows
// no nulls in requests). Malformed JSON inside is left for the decoder.
func checkKeys(body []byte, names map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if tok != json.Delim('{') {
		return errInvalidRequest("The request body must be a JSON object.")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		switch {
		case !names[key]: // not echoed: it may be anything, a password typed as a key too
			return errInvalidRequest("The body has a field that is not part of this call (field names are matched exactly, case included).")
		case seen[key]:
			return errInvalidRequest("The field %q appears more than once.", key)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil
		}
		if string(value) == "null" {
			return errInvalidRequest("The field %q must not be null; leave it out instead.", key)
		}
	}
	return nil
}

// jsonError turns a decoding error into a refusal without the decoder's own
// message, which can quote bytes of the body (and so of a password).
func jsonError(err error) error {
	var (
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		typeError *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return errTooLarge
	case errors.Is(err, io.EOF):
		return errInvalidRequest("The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errInvalidRequest("The request body is not valid JSON: it ends too early.")
	case errors.As(err, &syntax):
		return errInvalidRequest("The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typeError):
		if typeError.Field == "" {
			return errInvalidRequest("The request body must be a JSON object.")
		}
		return errInvalidRequest("The field %q has the wrong type.", truncate(typeError.Field, 64))
	default:
		return errInvalidRequest("The request body is not valid JSON.")
	}
}

// lengthWithin reports whether s has min to max characters, counted as the
// contract's maxLength counts them (Unicode code points).
func lengthWithin(s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	return n >= lo && n <= hi
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
