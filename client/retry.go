package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"
)

// errStopRetrying stops the retries of a GET whose answer asks for a
// longer wait than the client is willing to make, or whose next attempt
// would not fit in the call's deadline; the answer itself is then decoded
// as usual.
var errStopRetrying = errors.New("no time left for another attempt")

// minAttempt is the least time a retry must have left after its wait (or
// half the attempt timeout, when that is shorter): less would mostly turn
// the portal's answer into a timeout.
const minAttempt = time.Second

// shouldRetry allows a retry only for a GET, and only after a transient
// network failure or a 502/503/504. A POST or PUT is never sent twice: a
// lost answer to a code submission is resolved by re-reading the security
// status. Timeouts are not retried either: the portal already had the full
// timeout to answer, and retrying would keep the person waiting four times
// as long.
func shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil || resp.Request.Method != http.MethodGet {
		return false
	}
	if err != nil {
		return transientNetworkError(err)
	}
	switch resp.StatusCode() {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transientNetworkError reports whether err is a connection failure that a
// second try may not meet.
func transientNetworkError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, resty.ErrResponseBodyTooLarge) || isTimeout(err) || tlsProblem(err) != "" {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTemporary && !dns.IsNotFound
	}
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// retryAfter tells resty how long to wait before retrying: the answer's
// Retry-After, else an exponential backoff with jitter. It stops the
// retries when the wait is longer than maxRetryWait or leaves too little of
// the call's deadline for the attempt.
func retryAfter(rc *resty.Client, resp *resty.Response) (time.Duration, error) {
	d := parseRetryAfter(resp.Header().Get("Retry-After"), answerTime(resp.Header(), resp.ReceivedAt()))
	if d > maxRetryWait {
		return 0, errStopRetrying
	}
	if d == 0 {
		d = backoff(resp.Request.Attempt)
	}
	if deadline, ok := resp.Request.Context().Deadline(); ok {
		need := minAttempt
		if t := rc.GetClient().Timeout; t > 0 {
			need = min(need, t/2)
		}
		if time.Until(deadline)-d < need {
			return 0, errStopRetrying
		}
	}
	return d, nil
}

// backoff is the wait after the given attempt (1, 2, …) without a
// Retry-After: retryWait doubled per attempt, plus up to half of it again
// so that clients do not retry in step, at most maxRetryWait.
func backoff(attempt int) time.Duration {
	d := retryWait << min(max(attempt-1, 0), 8)
	d = min(d, maxRetryWait)
	return min(d+rand.N(d/2+1), maxRetryWait)
}

// transportError turns a failed exchange into a *NetworkError, or returns
// the caller's own cancellation as it is.
func (c *Client) transportError(ctx context.Context, err error, requestID string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	ne := &NetworkError{Host: c.host, RequestID: requestID, Err: err}
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		ne.Kind, ne.Detail = KindNotPortal, "the answer is larger than 1 MiB"
	case strings.Contains(err.Error(), "server response headers exceeded"):
		// net/http reports MaxResponseHeaderBytes only as text.
		ne.Kind, ne.Detail = KindNotPortal, "the answer's headers are larger than 64 KiB"
	case ctx.Err() != nil || isTimeout(err):
		ne.Kind, ne.Detail = KindTimeout, "no answer within the time limit"
	case tlsProblem(err) != "":
		ne.Kind, ne.Detail = KindTLS, tlsProblem(err)
	default:
		ne.Kind, ne.Detail = KindUnreachable, unreachableDetail(err)
	}
	return ne
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &t) && t.Timeout())
}

// tlsProblem describes a TLS failure in a few words, or returns "".
func tlsProblem(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		return "its certificate is not from a trusted authority (a private CA needs the CA file option)"
	case errors.As(err, &hostname):
		return "its certificate is for another host name"
	case errors.As(err, &invalid):
		return "its certificate is not valid (expired or not yet valid?)"
	case errors.As(err, &verify):
		return "its certificate could not be verified"
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http reports the second case only as text.
		return "it does not speak HTTPS on this port"
	case errors.As(err, &alert):
		return "it refused the secure connection"
	}
	return ""
}

func unreachableDetail(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "the host name was not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection was closed before an answer came"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "there is no network route to it"
	}
	return "the connection failed"
}
