package client_test

import (
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/internal/rfc6238"
)

// code is the 6-digit code an authenticator app with the shared secret
// shows at t, from an RFC 6238 implementation independent of the code under
// test and of the portal's.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := rfc6238.AppCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
