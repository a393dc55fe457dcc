// Package client is the partner portal's API client: one method per call
// of api/openapi.yaml, each answer turned into a typed result or a typed
// error (see errors.go), over resty with the app's network policy —
// a timeout per attempt and one for the whole call, retries of idempotent
// GETs only, HTTPS except to this computer, an optional extra CA,
// environment proxies, caps on an answer's body (1 MiB) and headers
// (64 KiB), a JSON content-type check and the contract's required fields.
// It also tracks the portal's clock (from the portal's own answers only)
// and the request ID of the latest call, for the app's support details. It
// imports no UI.
package client

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// Network policy.
const (
	// DefaultTimeout bounds each attempt of a request, answer body included.
	DefaultTimeout = 10 * time.Second
	// callTimeoutFactor sets the default cap on a whole call, retries and
	// their waits included: twice the attempt's timeout (20 s by
	// default), so a person never waits more than that for one answer,
	// while a GET can still make a quick retry after a dropped
	// connection or a short 503.
	callTimeoutFactor = 2
	// MaxResponseBytes caps an answer's body; a larger one is an error.
	MaxResponseBytes = 1 << 20
	// maxResponseHeaderBytes caps an answer's headers, which the body cap
	// does not count (net/http's default is 10 MB). The portal's own are
	// under 1 KiB.
	maxResponseHeaderBytes = 64 << 10
	// getRetries is how many times a GET is tried again after a network
	// failure or a 502/503/504.
	getRetries = 3
	// retryWait and maxRetryWait bound the backoff between tries; a
	// Retry-After longer than maxRetryWait ends the retries instead.
	retryWait    = 250 * time.Millisecond
	maxRetryWait = 5 * time.Second
)

// ErrInvalidCAFile means Options.CAFile could not be read or holds no PEM
// certificate.
var ErrInvalidCAFile = errors.New("the CA file holds no usable certificate")

// Options configure New.
type Options struct {
	// Address is the portal address as typed ("partners.example.com");
	// "" means DefaultAddress. See NormalizeAddress.
	Address string
	// Version is the app's version for the User-Agent
	// "PartnerSecurity/VERSION (OS; ARCH)"; "" means "dev".
	Version string
	// Timeout bounds each attempt of a request; 0 means DefaultTimeout.
	Timeout time.Duration
	// CallTimeout bounds a whole call: every attempt of a GET and the
	// waits between them. 0 means twice Timeout (20 s by default); it is
	// never less than Timeout. A retry is only made when its wait leaves
	// time for the attempt; otherwise the last answer is returned.
	CallTimeout time.Duration
	// CAFile names a PEM file of extra certificate authorities, trusted
	// besides the system's, for a branded portal on a private CA.
	CAFile string
	// Transport replaces the HTTP transport (tests); CAFile, the
	// environment proxies and the 64 KiB cap on an answer's headers then
	// do not apply.
	Transport http.RoundTripper
	// Logger receives one debug line per request (method, path, status,
	// request ID, duration; never a header or body); nil discards.
	Logger *slog.Logger
}

// Client calls one portal. It is safe for concurrent use.
type Client struct {
	base      string // normalized portal address, e.g. https://x.example.com/portal
	host      string
	rc        *resty.Client
	limit     time.Duration // the whole call's cap, Options.CallTimeout
	poll      *resty.Client // rc with room for a long poll's wait (longpoll.go)
	pollLimit time.Duration
	log       *slog.Logger
	clock     clock
	mu        sync.Mutex
	token     string
	latest    SupportDetails
}

// New returns a client for opts.Address. It fails on an invalid or
// insecure address (ErrInvalidAddress, ErrInsecureAddress) or an unusable
// CA file (ErrInvalidCAFile).
func New(opts Options) (*Client, error) {
	addr := opts.Address
	if addr == "" {
		addr = DefaultAddress
	}
	base, err := NormalizeAddress(addr)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		// NormalizeAddress only returns addresses that parse; should that
		// ever break, refuse the address rather than call a nil URL.
		return nil, fmt.Errorf("%w: %q cannot be read back as a web address", ErrInvalidAddress, addr)
	}
	transport := opts.Transport
	if transport == nil {
		if transport, err = newTransport(opts.CAFile); err != nil {
			return nil, err
		}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	limit := opts.CallTimeout
	if limit <= 0 {
		limit = callTimeoutFactor * timeout
	}
	limit = max(limit, timeout)
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	userAgent := fmt.Sprintf("PartnerSecurity/%s (%s; %s)", version, runtime.GOOS, runtime.GOARCH)
	return &Client{
		base: base, host: u.Host, log: logger,
		rc: newResty(transport, timeout, userAgent), limit: limit,
		poll: newResty(transport, longPollWait+timeout, userAgent), pollLimit: longPollWait + limit,
	}, nil
}

// newResty is the resty client every call goes through: attempts bounded
// by timeout, answers capped, GETs retried (retry.go).
func newResty(transport http.RoundTripper, timeout time.Duration, userAgent string) *resty.Client {
	hc := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// The API never redirects; following one could carry the token
		// somewhere else, so a redirect is answered as "not a portal".
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return resty.NewWithClient(hc).
		SetLogger(discardLogger{}).
		SetDisableWarn(true).
		SetHeader("User-Agent", userAgent).
		SetHeader("Accept", "application/json").
		SetResponseBodyLimit(MaxResponseBytes).
		SetRetryCount(getRetries).
		SetRetryWaitTime(retryWait).
		SetRetryMaxWaitTime(maxRetryWait).
		SetRetryAfter(retryAfter).
		AddRetryCondition(shouldRetry)
}

// newTransport is the default transport with the system's roots plus
// caFile's, TLS 1.2 at least, proxies from the environment, and headers
// capped at maxResponseHeaderBytes.
func newTransport(caFile string) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	t.MaxResponseHeaderBytes = maxResponseHeaderBytes
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidCAFile, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: %s", ErrInvalidCAFile, caFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t, nil
}

// Address returns the normalized portal address the client calls.
func (c *Client) Address() string { return c.base }

// Host returns the portal's host (with a non-default port).
func (c *Client) Host() string { return c.host }

// Token returns the session token of the current sign-in ("" when signed
// out), for saving in the keyring. Secret: never log it.
func (c *Client) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SetToken restores a saved session token ("" forgets it). Login and
// LoginMFA set it; Logout clears it.
func (c *Client) SetToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = token
}

// SupportDetails is what the app's "support details" show about the
// client's latest requests.
type SupportDetails struct {
	// RequestID is the X-Request-ID of the latest request.
	RequestID string
	// ErrorCode is CodeOf the latest failed request ("invalid_code",
	// "network:timeout"…), "" when none failed yet.
	ErrorCode string
	// ErrorRequestID is the X-Request-ID of that failed request.
	ErrorRequestID string
	// ErrorAt is when that request failed.
	ErrorAt time.Time
}

// SupportDetails returns the request IDs and error code of the latest
// requests.
func (c *Client) SupportDetails() SupportDetails {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latest
}

func (c *Client) record(requestID string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latest.RequestID = requestID
	if err != nil && !errors.Is(err, context.Canceled) {
		c.latest.ErrorCode = CodeOf(err)
		c.latest.ErrorRequestID = requestID
		c.latest.ErrorAt = time.Now()
	}
}

// callInfo is what call reports about a completed exchange.
type callInfo struct {
	sent, received time.Time
}

// call sends one API request and decodes its answer into out (nil for a
// 204 answer). body, when not nil, is sent as JSON.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body any, out validator) (callInfo, error) {
	return c.callVia(ctx, c.rc, c.limit, method, path, query, body, out)
}

// callVia is call through rc, with limit as the whole call's deadline.
func (c *Client) callVia(ctx context.Context, rc *resty.Client, limit time.Duration, method, path string, query url.Values, body any, out validator) (callInfo, error) {
	// One deadline for every attempt and wait; retryAfter reads it to
	// decide whether another attempt still fits.
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	requestID := newRequestID()
	r := rc.R().SetContext(ctx).SetHeader("X-Request-ID", requestID)
	if token := c.Token(); token != "" {
		r.SetAuthToken(token)
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return callInfo{}, fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
		r.SetHeader("Content-Type", "application/json").SetBody(b)
	}
	if len(query) > 0 {
		r.SetQueryParamsFromValues(query)
	}
	start := time.Now()
	resp, err := r.Execute(method, c.base+apiPrefix+path)
	if err != nil && !errors.Is(err, errStopRetrying) {
		err = c.transportError(ctx, err, requestID)
		c.record(requestID, err)
		c.log.Debug("portal request failed", "method", method, "path", path, "request_id", requestID,
			"error", CodeOf(err), "duration", time.Since(start))
		return callInfo{}, err
	}
	info := callInfo{sent: resp.Request.Time, received: resp.ReceivedAt()}
	if id := resp.Header().Get("X-Request-ID"); id != "" {
		requestID = printable(id, 64)
	}
	own, err := decode(answer{
		status:    resp.StatusCode(),
		header:    resp.Header(),
		body:      resp.Body(),
		host:      c.host,
		requestID: requestID,
		received:  info.received,
	}, out)
	if reading, ok := dateReading(resp.Header(), info.sent, info.received); ok && own {
		c.clock.set(reading)
	}
	c.record(requestID, err)
	c.log.Debug("portal request", "method", method, "path", path, "status", resp.StatusCode(),
		"request_id", requestID, "attempts", resp.Request.Attempt, "duration", time.Since(start))
	return info, err
}

// newRequestID makes the X-Request-ID the client sends, so that even a
// request that got no answer has an ID to quote to support.
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "ps-" + hex.EncodeToString(b[:])
}

// discardLogger silences resty's own logging, which would print errors
// outside the app's log.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
