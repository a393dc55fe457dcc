package portal

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestTurnOffValidatesFirst: with 2FA already off, PUT /account/security
// changes nothing, but a body the contract refuses (code and recovery_code
// together, a code that is not 6 digits) is still 400.
func TestTurnOffValidatesFirst(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	for _, body := range []string{
		`{"require_two_factor":false,"code":"123456","recovery_code":"abcd-efgh-jkmn"}`,
		`{"require_two_factor":false,"code":"12"}`,
		`{"require_two_factor":false,"recovery_code":"not a code"}`,
		`{"require_two_factor":false,"password":""}`,
		`{"require_two_factor":true,"code":"12"}`,
	} {
		wantError(t, tp.call(t, "PUT", "/api/v1/account/security", token, rawJSON(body)), http.StatusBadRequest, "invalid_request")
	}
	wantStatus(t, tp.call(t, "PUT", "/api/v1/account/security", token, map[string]any{"require_two_factor": false, "code": "123456"}), http.StatusOK)
}

// TestRecoveryCodeAlphabet: a recovery code is read in the contract's
// alphabet only; case is folded in ASCII alone, so a look-alike such as
// U+212A KELVIN SIGN (which Unicode lower-cases to k) is refused as
// malformed instead of signing in.
func TestRecoveryCodeAlphabet(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	enr := tp.enroll(t, token, map[string]any{})
	tp.confirm(t, token, enr)
	// Give alice two known recovery codes with a k in them.
	ctx := context.Background()
	acct, err := accountByUsername(ctx, tp.srv.rdb, aliceUser)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"kmnp-qrst-uvwx", "kmnp-qrst-uvwy"} {
		norm, _ := normalizeRecoveryCode(code)
		if _, err := tp.srv.db.ExecContext(ctx, `INSERT INTO recovery_codes (account_id, code_hash) VALUES (?, ?)`,
			acct.id, tp.srv.keys.recoveryHash(norm)); err != nil {
			t.Fatal(err)
		}
	}
	mfa := func(recovery string) *response {
		ch := tp.login(t, aliceUser, alicePassword)
		return tp.call(t, "POST", "/api/v1/login/mfa", "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`","recovery_code":"`+recovery+`"}`))
	}
	for _, lookAlike := range []string{"\u212Amnp-qrst-uvwx", "ｋmnp-qrst-uvwx", "kmnp-qrst-uvw\u0445"} {
		wantError(t, mfa(lookAlike), http.StatusBadRequest, "invalid_request")
	}
	// ASCII upper case, spaces and hyphens are still the same code.
	ch := tp.login(t, aliceUser, alicePassword)
	wantStatus(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": " KMNP QRST-UVWX "}), http.StatusOK)
}

// TestUnknownFieldNotEchoed: a field name that is not part of the call is
// never quoted back (a password typed as a key would end up in the answer
// and the client's logs).
func TestUnknownFieldNotEchoed(t *testing.T) {
	tp := newTestPortal(t)
	for _, key := range []string{"hunter2password", "Password", "correct_horse_battery"} {
		r := tp.call(t, "POST", "/api/v1/login", "", rawJSON(`{"username":"a","password":"b","`+key+`":1}`))
		e := wantError(t, r, http.StatusBadRequest, "invalid_request")
		if strings.Contains(e.Message, key) {
			t.Errorf("the message %q echoes the field name", e.Message)
		}
	}
}
