package portal

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestJourney walks the contract call by call, as the article's user and the
// app do, and answers every error code of the contract on the way.
func TestJourney(t *testing.T) {
	tp := newTestPortal(t)
	tp.createAlice()

	t.Run("service calls", func(t *testing.T) {
		wantStatus(t, tp.call(t, "GET", "/api/v1/health", "", nil), http.StatusOK)
		r := tp.call(t, "GET", "/api/v1/time", "", nil)
		wantStatus(t, r, http.StatusOK)
		got := r.json(t)["time"].(string)
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$`).MatchString(got) {
			t.Errorf("time %q lacks nanoseconds", got)
		}
		if at, _ := time.Parse(time.RFC3339Nano, got); !at.Equal(tp.clock.Now()) {
			t.Errorf("time %s, want the portal clock %s", got, tp.clock.Now())
		}
	})

	t.Run("unknown paths and methods", func(t *testing.T) {
		wantError(t, tp.call(t, "GET", "/api/v1/nothing", "", nil), http.StatusNotFound, "not_found")
		wantError(t, tp.call(t, "GET", "/api/v1/login/", "", nil), http.StatusNotFound, "not_found")
		wantError(t, tp.call(t, "GET", "/api//v1/health", "", nil), http.StatusNotFound, "not_found")
		r := tp.call(t, "DELETE", "/api/v1/login", "", nil)
		wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
		if r.header.Get("Allow") != "POST" {
			t.Errorf("Allow %q, want POST", r.header.Get("Allow"))
		}
		r = tp.call(t, "POST", "/api/v1/account/security", "", nil)
		wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PUT") {
			t.Errorf("Allow %q, want GET and PUT", allow)
		}
	})

	t.Run("request ID is echoed when well-formed", func(t *testing.T) {
		r := callPortal(t, tp.http.URL, "GET", "/api/v1/health", "", nil, http.Header{"X-Request-Id": {"app-1234.abc"}})
		if r.header.Get("X-Request-ID") != "app-1234.abc" {
			t.Errorf("X-Request-ID %q", r.header.Get("X-Request-ID"))
		}
		r = callPortal(t, tp.http.URL, "GET", "/api/v1/health", "", nil, http.Header{"X-Request-Id": {"bad id\twith spaces"}})
		if id := r.header.Get("X-Request-ID"); id == "" || strings.Contains(id, " ") {
			t.Errorf("X-Request-ID %q", id)
		}
	})

	t.Run("login refusals", func(t *testing.T) {
		login := "/api/v1/login"
		wantError(t, tp.call(t, "POST", login, "", map[string]string{"username": aliceUser, "password": "wrong password"}),
			http.StatusUnauthorized, "invalid_credentials")
		wantError(t, tp.call(t, "POST", login, "", map[string]string{"username": "nobody@example.com", "password": alicePassword}),
			http.StatusUnauthorized, "invalid_credentials")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`{"username": "a",`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`[]`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`{"username":"a","password":"b","extra":1}`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`{"username":"a"}`)), http.StatusBadRequest, "invalid_request")
		// Keys are matched exactly and once (encoding/json alone would take
		// "Password" for "password" and let a repeated key win).
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`{"username":"a","Password":"b"}`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", raw{contentType: "application/json", data: []byte(`{"username":"a","password":"b","password":"c"}`)}),
			http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", raw{contentType: "application/json", data: []byte(`{"username":"a","password":"b"} {}`)}), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", raw{contentType: "application/json"}), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`null`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", rawJSON(`{"username":"a","password":null}`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", login, "", raw{contentType: "text/plain", data: []byte(`{"username":"a","password":"b"}`)}),
			http.StatusUnsupportedMediaType, "unsupported_media_type")
		big := `{"username":"a","password":"` + strings.Repeat("x", 70<<10) + `"}`
		wantError(t, tp.call(t, "POST", login, "", rawJSON(big)), http.StatusRequestEntityTooLarge, "request_too_large")
		// Without a Content-Length the limit still holds while reading.
		r := callPortalChunked(t, tp.http.URL+login, big)
		if r != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked oversized body: status %d, want 413", r)
		}
	})

	s := tp.login(t, " Alice@Example.com ", alicePassword) // usernames ignore case and spaces
	token := s.Token
	if s.Token == "" || s.MFARequired || s.Account.Username != aliceUser || s.Account.Name != "Alice Example" || s.Account.Company != "Example Ltd" {
		t.Fatalf("login: %+v", s.Account)
	}
	if !s.ExpiresAt.Equal(tp.clock.Now().Add(12 * time.Hour)) {
		t.Errorf("expires_at %v, want 12 hours on", s.ExpiresAt)
	}

	t.Run("account and status", func(t *testing.T) {
		r := tp.call(t, "GET", "/api/v1/account", token, nil)
		wantStatus(t, r, http.StatusOK)
		if m := r.json(t); m["username"] != aliceUser || m["id"] != s.Account.ID {
			t.Errorf("account %v", m)
		}
		st := tp.security(t, token).TwoFactor
		if st.Required || st.Configured || st.ConfiguredAt != nil || st.RecoveryCodesRemaining != 0 {
			t.Errorf("status before 2FA: %+v", st)
		}
		for _, bad := range []string{"", "not-a-token", strings.Repeat("x", 300)} {
			r := tp.call(t, "GET", "/api/v1/account", bad, nil)
			wantError(t, r, http.StatusUnauthorized, "unauthorized")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
			}
		}
	})

	t.Run("2FA off: nothing to turn off or regenerate", func(t *testing.T) {
		r := tp.call(t, "PUT", "/api/v1/account/security", token, map[string]any{"require_two_factor": false})
		wantStatus(t, r, http.StatusOK)
		wantError(t, tp.call(t, "PUT", "/api/v1/account/security", token, map[string]any{"require_two_factor": true}),
			http.StatusConflict, "enrollment_required")
		wantError(t, tp.call(t, "POST", "/api/v1/account/security/recovery-codes", token, map[string]any{"code": "123456"}),
			http.StatusConflict, "two_factor_not_enabled")
	})

	// Article steps 5-9: generate, scan, enter the code, save the recovery codes.
	enr := tp.enroll(t, token, map[string]any{"replace_existing": false})
	t.Run("enrollment", func(t *testing.T) {
		u, err := url.Parse(enr.OTPAuthURI)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != enr.Secret ||
			u.Query().Get("issuer") != DefaultIssuer || u.EscapedPath() != "/Partner%20Portal:alice%40example.com" {
			t.Errorf("otpauth URI does not carry the label, issuer and secret")
		}
		if enr.Issuer != DefaultIssuer || enr.AccountName != aliceUser || !enr.ExpiresAt.Equal(tp.clock.Now().Add(10*time.Minute)) {
			t.Errorf("enrollment %+v", enr.ExpiresAt)
		}
		if st := tp.security(t, token).TwoFactor; st.Configured {
			t.Error("2FA configured before confirmation")
		}
	})

	confirmPath := "/api/v1/account/security/totp/confirm"
	t.Run("confirm refusals", func(t *testing.T) {
		wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": "no-such-id", "code": "123456"}),
			http.StatusNotFound, "enrollment_not_found")
		wantError(t, tp.call(t, "POST", confirmPath, token, rawJSON(`{"enrollment_id":"`+enr.EnrollmentID+`","code":"12345"}`)),
			http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", confirmPath, token, rawJSON(`{"enrollment_id":"`+enr.EnrollmentID+`","code":123456}`)),
			http.StatusBadRequest, "invalid_request")

		now := tp.clock.Now()
		wrong := otherCode(refCode(t, enr.Secret, now))
		e := wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": enr.EnrollmentID, "code": wrong}),
			http.StatusUnprocessableEntity, "invalid_code")
		if e.AttemptsRemaining == nil || *e.AttemptsRemaining != 4 || e.ClockOffsetSeconds != nil {
			t.Errorf("wrong code: attempts %v offset %v, want 4 and none", e.AttemptsRemaining, e.ClockOffsetSeconds)
		}
		// A phone 150 s slow shows the code of 150 s ago.
		slow := refCode(t, enr.Secret, now.Add(-150*time.Second))
		e = wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": enr.EnrollmentID, "code": slow}),
			http.StatusUnprocessableEntity, "invalid_code")
		if e.ClockOffsetSeconds == nil || *e.ClockOffsetSeconds != -150 || *e.AttemptsRemaining != 3 {
			t.Errorf("slow phone: offset %v attempts %v, want -150 and 3", e.ClockOffsetSeconds, e.AttemptsRemaining)
		}
		fast := refCode(t, enr.Secret, now.Add(5*30*time.Second))
		e = wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": enr.EnrollmentID, "code": fast}),
			http.StatusUnprocessableEntity, "invalid_code")
		if e.ClockOffsetSeconds == nil || *e.ClockOffsetSeconds != 150 {
			t.Errorf("fast phone: offset %v, want 150", e.ClockOffsetSeconds)
		}
	})

	res := tp.confirm(t, token, enr)
	t.Run("confirmed", func(t *testing.T) {
		if !res.TwoFactor.Configured || !res.TwoFactor.Required || res.TwoFactor.RecoveryCodesRemaining != 10 ||
			res.TwoFactor.ConfiguredAt == nil || len(res.RecoveryCodes) != 10 {
			t.Fatalf("after confirm: %+v, %d codes", res.TwoFactor, len(res.RecoveryCodes))
		}
		// The enrollment is used up; the same code again is refused.
		wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": enr.EnrollmentID, "code": refCode(t, enr.Secret, tp.clock.Now())}),
			http.StatusNotFound, "enrollment_not_found")
	})

	// The next sign-in asks for a code.
	loginPath, mfaPath := "/api/v1/login", "/api/v1/login/mfa"
	t.Run("sign-in with a code", func(t *testing.T) {
		ch := tp.login(t, aliceUser, alicePassword)
		if !ch.MFARequired || ch.MFAToken == "" || ch.Token != "" || !ch.ExpiresAt.Equal(tp.clock.Now().Add(5*time.Minute)) {
			t.Fatalf("login with 2FA: %+v", ch)
		}
		mfa := func(body map[string]string) *response { return tp.call(t, "POST", mfaPath, "", body) }
		wantError(t, mfa(map[string]string{"mfa_token": "nope", "code": "123456"}), http.StatusUnauthorized, "invalid_mfa_token")
		wantError(t, tp.call(t, "POST", mfaPath, "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`"}`)), http.StatusBadRequest, "invalid_request")
		wantError(t, tp.call(t, "POST", mfaPath, "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`","code":"123456","recovery_code":"`+res.RecoveryCodes[0]+`"}`)),
			http.StatusBadRequest, "invalid_request")
		// The step accepted at confirmation cannot be used again.
		e := wantError(t, mfa(map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, enr.Secret, tp.clock.Now())}),
			http.StatusUnauthorized, "code_reused")
		if e.AttemptsRemaining == nil || *e.AttemptsRemaining != 4 {
			t.Errorf("reused: attempts %v, want 4 (the confirmation cleared the count)", e.AttemptsRemaining)
		}
		wantError(t, mfa(map[string]string{"mfa_token": ch.MFAToken, "code": otherCode(refCode(t, enr.Secret, tp.clock.Now()))}),
			http.StatusUnauthorized, "invalid_code")
		tp.clock.NextStep()
		r := mfa(map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, enr.Secret, tp.clock.Now())})
		wantStatus(t, r, http.StatusOK)
		var done sessionResp
		r.decode(t, &done)
		if done.Token == "" || done.Account.Username != aliceUser {
			t.Fatalf("mfa login: %+v", done)
		}
		wantError(t, mfa(map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, enr.Secret, tp.clock.Now())}),
			http.StatusUnauthorized, "invalid_mfa_token") // single use
	})

	t.Run("sign-in with a recovery code", func(t *testing.T) {
		ch := tp.login(t, aliceUser, alicePassword)
		wantError(t, tp.call(t, "POST", mfaPath, "", rawJSON(`{"mfa_token":"`+ch.MFAToken+`","recovery_code":"not-a-code!"}`)),
			http.StatusBadRequest, "invalid_request")
		// Typed in capitals with spaces: still the code.
		typed := strings.ToUpper(strings.ReplaceAll(res.RecoveryCodes[0], "-", " "))
		r := tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": typed})
		wantStatus(t, r, http.StatusOK)
		if st := tp.security(t, token).TwoFactor; st.RecoveryCodesRemaining != 9 {
			t.Errorf("recovery codes left %d, want 9", st.RecoveryCodesRemaining)
		}
		ch = tp.login(t, aliceUser, alicePassword)
		e := wantError(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": res.RecoveryCodes[0]}),
			http.StatusUnauthorized, "invalid_code")
		if e.ClockOffsetSeconds != nil {
			t.Error("clock offset on a recovery code")
		}
	})

	recoveryPath := "/api/v1/account/security/recovery-codes"
	t.Run("regenerate recovery codes", func(t *testing.T) {
		wantError(t, tp.call(t, "POST", recoveryPath, token, map[string]string{"code": refCode(t, enr.Secret, tp.clock.Now())}),
			http.StatusConflict, "code_reused")
		wantError(t, tp.call(t, "POST", recoveryPath, token, map[string]string{"code": otherCode(refCode(t, enr.Secret, tp.clock.Now()))}),
			http.StatusUnprocessableEntity, "invalid_code")
		tp.clock.NextStep()
		r := tp.call(t, "POST", recoveryPath, token, map[string]string{"code": refCode(t, enr.Secret, tp.clock.Now())})
		wantStatus(t, r, http.StatusOK)
		var fresh twoFactorResp
		r.decode(t, &fresh)
		if len(fresh.RecoveryCodes) != 10 || fresh.TwoFactor.RecoveryCodesRemaining != 10 {
			t.Fatalf("new set: %d codes, %d remaining", len(fresh.RecoveryCodes), fresh.TwoFactor.RecoveryCodesRemaining)
		}
		// The old set stops working.
		ch := tp.login(t, aliceUser, alicePassword)
		wantError(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": res.RecoveryCodes[1]}),
			http.StatusUnauthorized, "invalid_code")
		r = tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": fresh.RecoveryCodes[1]})
		wantStatus(t, r, http.StatusOK)
		res = fresh
	})

	// Replacing the authenticator (article step 6).
	totpPath := "/api/v1/account/security/totp"
	var replacement enrollmentResp
	t.Run("replace needs confirmation and a recent sign-in", func(t *testing.T) {
		wantError(t, tp.call(t, "POST", totpPath, token, map[string]any{}), http.StatusConflict, "replace_confirmation_required")
		wantError(t, tp.call(t, "POST", totpPath, token, map[string]any{"replace_existing": false}), http.StatusConflict, "replace_confirmation_required")
		tp.clock.Advance(11 * time.Minute) // the sign-in is now older than 10 minutes
		wantError(t, tp.call(t, "POST", totpPath, token, map[string]any{"replace_existing": true}), http.StatusForbidden, "reauth_required")
		// The password alone is not enough: full re-authentication takes a code too.
		wantError(t, tp.call(t, "POST", totpPath, token, map[string]any{"replace_existing": true, "password": alicePassword}),
			http.StatusForbidden, "reauth_required")
		tp.clock.NextStep()
		code := refCode(t, enr.Secret, tp.clock.Now())
		wantError(t, tp.call(t, "POST", totpPath, token, map[string]any{"replace_existing": true, "password": "wrong password", "code": code}),
			http.StatusForbidden, "invalid_password")
		replacement = tp.enroll(t, token, map[string]any{"replace_existing": true, "password": alicePassword, "code": code})
		// Password and code renewed the sign-in: neither is needed now.
		replacement = tp.enroll(t, token, map[string]any{"replace_existing": true})
	})

	t.Run("the old authenticator works until the new one is confirmed", func(t *testing.T) {
		tp.clock.Advance(11 * time.Minute)
		wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": replacement.EnrollmentID, "code": refCode(t, replacement.Secret, tp.clock.Now())}),
			http.StatusGone, "enrollment_expired")
		tp.clock.NextStep()
		replacement = tp.enroll(t, token, map[string]any{"replace_existing": true, "password": alicePassword, "code": refCode(t, enr.Secret, tp.clock.Now())})

		other := tp.loginWithCode(t, aliceUser, alicePassword, enr.Secret)
		wantStatus(t, tp.call(t, "GET", "/api/v1/account", other, nil), http.StatusOK)
		// The old authenticator's code took this step: the new one's code of the
		// same step is refused, since replay is per account.
		wantError(t, tp.call(t, "POST", confirmPath, token, map[string]string{"enrollment_id": replacement.EnrollmentID,
			"code": refCode(t, replacement.Secret, tp.clock.Now())}), http.StatusConflict, "code_reused")
		done := tp.confirm(t, token, replacement)
		if len(done.RecoveryCodes) != 10 {
			t.Fatalf("replacement: %d recovery codes", len(done.RecoveryCodes))
		}
		res = done
		// Every other session ended; this one goes on.
		wantError(t, tp.call(t, "GET", "/api/v1/account", other, nil), http.StatusUnauthorized, "unauthorized")
		wantStatus(t, tp.call(t, "GET", "/api/v1/account", token, nil), http.StatusOK)
		// The old authenticator no longer works; the new one does.
		ch := tp.login(t, aliceUser, alicePassword)
		tp.clock.NextStep()
		wantError(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, enr.Secret, tp.clock.Now())}),
			http.StatusUnauthorized, "invalid_code")
		wantStatus(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, replacement.Secret, tp.clock.Now())}), http.StatusOK)
	})
	secret := replacement.Secret

	t.Run("code limit", func(t *testing.T) {
		ch := tp.login(t, aliceUser, alicePassword)
		tp.clock.NextStep()
		for i := 4; i >= 0; i-- {
			e := wantError(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "code": otherCode(refCode(t, secret, tp.clock.Now()))}),
				http.StatusUnauthorized, "invalid_code")
			if *e.AttemptsRemaining != i {
				t.Fatalf("attempts_remaining %d, want %d", *e.AttemptsRemaining, i)
			}
			tp.clock.Advance(time.Second)
		}
		// Limited: even the right code is refused, at every call that takes codes.
		right := map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, secret, tp.clock.Now())}
		r := tp.call(t, "POST", mfaPath, "", right)
		e := wantError(t, r, http.StatusTooManyRequests, "rate_limited")
		retry, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || retry != e.RetryAfterSeconds || retry < 290 || retry > 300 {
			t.Fatalf("Retry-After %q (%d in the body), want about 295 s", r.header.Get("Retry-After"), e.RetryAfterSeconds)
		}
		wantError(t, tp.call(t, "POST", recoveryPath, token, map[string]string{"code": right["code"]}), http.StatusTooManyRequests, "rate_limited")
		wantError(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": res.RecoveryCodes[0]}),
			http.StatusTooManyRequests, "rate_limited")
		wantError(t, tp.call(t, "PUT", "/api/v1/account/security", token, map[string]any{"require_two_factor": false, "recovery_code": res.RecoveryCodes[0], "password": alicePassword}),
			http.StatusTooManyRequests, "rate_limited")
		tp.clock.Advance(time.Duration(retry) * time.Second)
		ch = tp.login(t, aliceUser, alicePassword) // the mfa_token has expired meanwhile
		tp.clock.NextStep()
		wantStatus(t, tp.call(t, "POST", mfaPath, "", map[string]string{"mfa_token": ch.MFAToken, "code": refCode(t, secret, tp.clock.Now())}), http.StatusOK)
	})

	t.Run("password limit per address", func(t *testing.T) {
		// Ten wrong passwords from this address (the account-wide limit is
		// 100: limits_test.go).
		for range 10 {
			wantError(t, tp.call(t, "POST", loginPath, "", map[string]string{"username": aliceUser, "password": "wrong password"}),
				http.StatusUnauthorized, "invalid_credentials")
		}
		r := tp.call(t, "POST", loginPath, "", map[string]string{"username": aliceUser, "password": alicePassword})
		wantError(t, r, http.StatusTooManyRequests, "rate_limited")
		tp.clock.Advance(15 * time.Minute)
		if ch := tp.login(t, aliceUser, alicePassword); !ch.MFARequired {
			t.Error("after the window: want the code step")
		}
	})

	t.Run("turn 2FA off", func(t *testing.T) {
		token = tp.loginWithCode(t, aliceUser, alicePassword, secret)
		other := tp.loginWithCode(t, aliceUser, alicePassword, secret)
		put := func(body any) *response { return tp.call(t, "PUT", "/api/v1/account/security", token, body) }
		wantError(t, put(map[string]any{"require_two_factor": false}), http.StatusBadRequest, "invalid_request")
		wantError(t, put(rawJSON(`{"require_two_factor":false,"code":"123456","recovery_code":"`+res.RecoveryCodes[2]+`"}`)),
			http.StatusBadRequest, "invalid_request")
		wantError(t, put(rawJSON(`{"code":"123456"}`)), http.StatusBadRequest, "invalid_request")
		wantError(t, put(map[string]any{"require_two_factor": false, "code": otherCode(refCode(t, secret, tp.clock.Now()))}),
			http.StatusUnprocessableEntity, "invalid_code")
		wantError(t, put(map[string]any{"require_two_factor": false, "code": refCode(t, secret, tp.clock.Now())}),
			http.StatusConflict, "code_reused")
		r := put(map[string]any{"require_two_factor": true})
		wantStatus(t, r, http.StatusOK) // already on: nothing changes
		tp.clock.NextStep()
		r = put(map[string]any{"require_two_factor": false, "recovery_code": res.RecoveryCodes[3]})
		wantStatus(t, r, http.StatusOK)
		var st twoFactorResp
		r.decode(t, &st)
		if st.TwoFactor.Configured || st.TwoFactor.Required || st.TwoFactor.RecoveryCodesRemaining != 0 || st.TwoFactor.ConfiguredAt != nil {
			t.Fatalf("after turning off: %+v", st.TwoFactor)
		}
		wantError(t, tp.call(t, "GET", "/api/v1/account", other, nil), http.StatusUnauthorized, "unauthorized")
		if s := tp.login(t, aliceUser, alicePassword); s.MFARequired || s.Token == "" {
			t.Fatal("sign-in still asks for a code")
		}
	})

	t.Run("security events", func(t *testing.T) {
		events := tp.events(t, token)
		for i := 1; i < len(events); i++ {
			if events[i].ID >= events[i-1].ID || events[i].At.After(events[i-1].At) {
				t.Fatalf("events not newest first at %d", i)
			}
		}
		types := eventTypes(events)
		for _, want := range []string{eventSignedIn, eventSignInFailed, eventCodeFailed, eventTwoFactorEnabled, eventTwoFactorDisabled,
			eventAuthenticatorReplaced, eventRecoveryCodeUsed, eventRecoveryCodesRegenerated} {
			if !strings.Contains(types, want) {
				t.Errorf("no %s event in %s", want, types)
			}
		}
		if !strings.HasPrefix(types, "signed_in two_factor_disabled recovery_code_used") {
			t.Errorf("newest events %s", types[:min(len(types), 80)])
		}
		for _, e := range events {
			if e.ClientAddress != "127.0.0.1" || e.Detail == "" {
				t.Fatalf("event %+v lacks address or detail", e)
			}
		}
		var offsetEvent bool
		for _, e := range events {
			offsetEvent = offsetEvent || (e.Type == eventCodeFailed && strings.Contains(e.Detail, "150 seconds behind"))
		}
		if !offsetEvent {
			t.Error("no code_failed event tells of the slow phone")
		}
		r := tp.call(t, "GET", "/api/v1/account/security/events?limit=2", token, nil)
		var two struct{ Events []eventResp }
		r.decode(t, &two)
		if len(two.Events) != 2 || two.Events[0].ID != events[0].ID {
			t.Errorf("limit=2 gave %d events", len(two.Events))
		}
		wantError(t, tp.call(t, "GET", "/api/v1/account/security/events?limit=0", token, raw{specInvalid: true}), http.StatusBadRequest, "invalid_request")
	})

	t.Run("logout", func(t *testing.T) {
		wantStatus(t, tp.call(t, "POST", "/api/v1/logout", token, nil), http.StatusNoContent)
		wantError(t, tp.call(t, "GET", "/api/v1/account", token, nil), http.StatusUnauthorized, "unauthorized")
		wantError(t, tp.call(t, "POST", "/api/v1/logout", token, nil), http.StatusUnauthorized, "unauthorized")
	})

	t.Run("help desk", func(t *testing.T) { walkHelpDesk(t, tp) })

	t.Run("storage failure", func(t *testing.T) {
		live := tp.login(t, aliceUser, alicePassword).Token
		tp.srv.rdb.Close() // the database stops answering
		wantError(t, tp.call(t, "GET", "/api/v1/health", "", nil), http.StatusServiceUnavailable, "unavailable")
		wantError(t, tp.call(t, "GET", "/api/v1/account", live, nil), http.StatusInternalServerError, "internal_error")
	})

	t.Run("every error code of the contract was answered", func(t *testing.T) {
		doc, _ := contract(t)
		enum := doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value.Enum
		for _, code := range enum {
			if _, ok := seenCodes.Load(code); !ok {
				t.Errorf("error code %v never answered", code)
			}
		}
	})
}

// otherCode is a six-digit code different from code.
func otherCode(code string) string {
	n, _ := strconv.Atoi(code)
	return strconv.Itoa(100000 + (n+1)%900000)
}

// callPortalChunked posts body without a Content-Length and returns the status.
func callPortalChunked(t *testing.T, url, body string) int {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
