package portal

import (
	"net/http"
	"testing"
	"time"
)

// TestReplaceAuthenticatorNeedsFullReauthentication: once the sign-in is
// older than 10 minutes, replacing the authenticator takes the password and
// a current code (or an unused recovery code), as DESIGN § Security rules
// says; the password alone is not enough. The full re-authentication renews
// the sign-in; a password without a code does not.
func TestReplaceAuthenticatorNeedsFullReauthentication(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()
	first := tp.login(t, aliceUser, alicePassword).Token
	enr := tp.enroll(t, first, map[string]any{})
	res := tp.confirm(t, first, enr)
	token := tp.loginWithCode(t, aliceUser, alicePassword, enr.Secret)
	totp := "/api/v1/account/security/totp"

	// A recent sign-in with its code is enough.
	tp.enroll(t, token, map[string]any{"replace_existing": true})
	// A sign-in made with its code ten minutes ago or more is not.
	tp.clock.Advance(11 * time.Minute)
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true}), http.StatusForbidden, "reauth_required")
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true, "password": alicePassword}),
		http.StatusForbidden, "reauth_required")
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true, "code": refCode(t, enr.Secret, tp.clock.Now())}),
		http.StatusForbidden, "reauth_required")
	wantError(t, tp.call(t, "POST", totp, token, rawJSON(`{"replace_existing":true,"password":"x","code":"123456","recovery_code":"abcd-efgh-jkmn"}`)),
		http.StatusBadRequest, "invalid_request")
	wantError(t, tp.call(t, "POST", totp, token, rawJSON(`{"replace_existing":true,"password":"x","code":"12"}`)),
		http.StatusBadRequest, "invalid_request")

	// Each half is checked: a wrong password, a wrong code, a reused code.
	tp.clock.NextStep()
	code := refCode(t, enr.Secret, tp.clock.Now())
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true, "password": "wrong password", "code": code}),
		http.StatusForbidden, "invalid_password")
	e := wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true, "password": alicePassword, "code": otherCode(code)}),
		http.StatusUnprocessableEntity, "invalid_code")
	if e.AttemptsRemaining == nil || *e.AttemptsRemaining != 4 {
		t.Errorf("wrong code: attempts_remaining %v, want 4", e.AttemptsRemaining)
	}
	// The password without a code did not renew the sign-in.
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true}), http.StatusForbidden, "reauth_required")

	// Password and code: the new secret, and the sign-in is renewed.
	tp.enroll(t, token, map[string]any{"replace_existing": true, "password": alicePassword, "code": code})
	tp.enroll(t, token, map[string]any{"replace_existing": true})
	wantError(t, tp.call(t, "POST", totp, token, map[string]any{"replace_existing": true, "password": alicePassword, "code": code}),
		http.StatusConflict, "code_reused")

	// Password and a recovery code do too; the recovery code is spent.
	tp.clock.Advance(11 * time.Minute)
	tp.enroll(t, token, map[string]any{"replace_existing": true, "password": alicePassword, "recovery_code": res.RecoveryCodes[0]})
	if left := tp.security(t, token).TwoFactor.RecoveryCodesRemaining; left != 9 {
		t.Errorf("%d recovery codes left, want 9", left)
	}
	if ev := tp.events(t, token); len(ev) == 0 || ev[0].Type != "recovery_code_used" {
		t.Errorf("events %s, want recovery_code_used first", eventTypes(ev))
	}

	// Without 2FA there is no second factor to prove: the password alone
	// re-authenticates the first enrollment.
	tp.createUser(NewUser{Username: "bob@example.com", Password: alicePassword, Name: "Bob"})
	bob := tp.login(t, "bob@example.com", alicePassword).Token
	tp.clock.Advance(11 * time.Minute)
	wantError(t, tp.call(t, "POST", totp, bob, map[string]any{}), http.StatusForbidden, "reauth_required")
	tp.enroll(t, bob, map[string]any{"password": alicePassword})
	tp.enroll(t, bob, map[string]any{})
}
