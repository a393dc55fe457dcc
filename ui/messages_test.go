package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
)

func TestPhoneClockMessage(t *testing.T) {
	for _, tc := range []struct {
		offset time.Duration
		want   string
	}{
		{-150 * time.Second, "about 2.5 minutes slow"},
		{90 * time.Second, "about 1.5 minutes fast"},
		{-30 * time.Second, "about 30 seconds slow"},
		{60 * time.Second, "about 1 minute fast"},
		{300 * time.Second, "about 5 minutes fast"},
	} {
		if got := phoneClockMessage(tc.offset); !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.offset, got, tc.want)
		}
	}
}

// Every error the screens meet has its own sentence, and none repeats the
// error's own text (which may name internals).
func TestUserMessages(t *testing.T) {
	two := 2
	api := func(code string, status int) *client.APIError {
		return &client.APIError{Status: status, Code: code, Message: "portal says " + code}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&client.RateLimitError{RetryAfter: time.Minute, APIError: api("rate_limited", 429)}, "Too many attempts"},
		{&client.InvalidCodeError{AttemptsRemaining: &two, APIError: api("invalid_code", 422)}, "2 attempts left"},
		{api("code_reused", 409), "just been used"},
		{api("enrollment_expired", 410), "has expired"},
		{api("invalid_credentials", 401), "username or password isn't right"},
		{api("unauthorized", 401), "sign-in has ended"},
		{api("reauth_required", 403), "password again"},
		{&client.NetworkError{Kind: client.KindTimeout, Host: "p.example.com"}, "didn't answer in time"},
		{&client.NetworkError{Kind: client.KindTLS, Host: "p.example.com"}, "certificate isn't trusted"},
		{&client.NetworkError{Kind: client.KindNotPortal, Host: "p.example.com"}, "not like a partner portal"},
		{&client.NetworkError{Kind: client.KindUnreachable, Host: "p.example.com"}, "Can't reach the portal at p.example.com"},
		{api("", 500), "The portal had a problem"},
		{api("something_new", 400), "(something_new)"},
		{session.ErrKeyringUnavailable, "can't keep you signed in"},
		{errors.New("secret internals"), "Something went wrong"},
	} {
		got := userMessage(tc.err)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q, want it to contain %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "portal says") || strings.Contains(got, "internals") {
			t.Errorf("%v: the sentence repeats the error's text: %q", tc.err, got)
		}
	}
}
