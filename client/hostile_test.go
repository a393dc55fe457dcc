package client_test

// A hostile or broken portal, staged with httptest: its answers are
// well-formed HTTP built to mislead, stall or break the client (issue 14).

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// Given a portal whose error message echoes the code that was sent, the
// error's text carries only the stable code, never the portal's words.
func TestErrorTextIsTheCodeNotThePortalsMessage(t *testing.T) {
	t.Parallel()
	const echoed = "482913"
	s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 403, `{"error":{"code":"reauth_required","message":"Code `+echoed+` needs your password"}}`)
	})
	c := newTestClient(t, s.URL, time.Second)
	_, err := c.RegenerateRecoveryCodes(context.Background(), echoed)
	if !errors.Is(err, client.ErrReauthRequired) {
		t.Fatalf("err = %v, want ErrReauthRequired", err)
	}
	if strings.Contains(err.Error(), echoed) || strings.Contains(err.Error(), "password") {
		t.Fatalf("the error's text carries the portal's message: %q", err.Error())
	}
	if !strings.Contains(err.Error(), "reauth_required") || !strings.Contains(err.Error(), "403") {
		t.Fatalf("the error's text %q does not name the code and status", err.Error())
	}
}

// An error "code" that is not a code (digits, spaces, capitals: text that
// could be an echo of what was sent) is not the portal's error form.
func TestAnErrorCodeThatIsNotACodeIsRefused(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"482913", "Wrong code 482913", "invalid code", "INVALID_CODE", "x\u00e9", strings.Repeat("a", 65)} {
		s := newStage(t, func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 422, `{"error":{"code":"`+code+`","message":"m"}}`)
		})
		c := newTestClient(t, s.URL, time.Second)
		_, err := c.ConfirmTOTPEnrollment(context.Background(), "enr", "482913")
		wantNetworkError(t, err, client.KindNotPortal)
		if strings.Contains(err.Error(), "482913") || strings.Contains(client.CodeOf(err), "482913") {
			t.Fatalf("code %q: the error carries it: %q", code, err.Error())
		}
	}
}
