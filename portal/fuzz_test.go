package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// Fuzz targets for every handler that reads a JSON body. Each sends the fuzzed
// body to the real handler of a portal on a real database and checks that the
// answer is never a 500 and always one the contract allows. In bodies, $MFA and
// $ENR stand for a live mfa_token and enrollment_id, so the fuzzer reaches past
// the lookups.

func FuzzLogin(f *testing.F) {
	for _, s := range []string{
		`{"username":"alice@example.com","password":"correct horse battery staple"}`,
		`{"username":"alice@example.com","password":"wrong"}`,
		`{"username":"","password":""}`, `{"username":1}`, `{}`, `[]`, `null`, `{"username":"a","password":"b","x":1}`,
		`{"username":"\u0000","password":"\ud800"}`, `{"username":"a","password":"b"}{}`, ``,
	} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "POST", "/api/v1/login", false)
}

func FuzzLoginMFA(f *testing.F) {
	for _, s := range []string{
		`{"mfa_token":"$MFA","code":"123456"}`, `{"mfa_token":"$MFA","recovery_code":"abcd-efgh-jkmn"}`,
		`{"mfa_token":"$MFA","code":"123456","recovery_code":"abcd-efgh-jkmn"}`, `{"mfa_token":"$MFA"}`,
		`{"mfa_token":"x","code":"12345a"}`, `{"mfa_token":"$MFA","recovery_code":"ABCD EFGH JKMN"}`, `{"code":null}`,
	} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "POST", "/api/v1/login/mfa", true)
}

func FuzzCreateEnrollment(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"replace_existing":true}`, `{"replace_existing":true,"password":"correct horse battery staple"}`,
		`{"replace_existing":"yes"}`, `{"password":""}`, `{"password":"wrong"}`, `{"password":null}`, `null`, `{"replace_existing":null}`,
	} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "POST", "/api/v1/account/security/totp", true)
}

func FuzzConfirmEnrollment(f *testing.F) {
	for _, s := range []string{
		`{"enrollment_id":"$ENR","code":"123456"}`, `{"enrollment_id":"nope","code":"123456"}`,
		`{"enrollment_id":"$ENR","code":"１２３４５６"}`, `{"enrollment_id":"$ENR"}`, `{"enrollment_id":"","code":""}`,
	} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "POST", "/api/v1/account/security/totp/confirm", true)
}

func FuzzUpdateSecurity(f *testing.F) {
	for _, s := range []string{
		`{"require_two_factor":false,"code":"123456"}`, `{"require_two_factor":false,"recovery_code":"abcd-efgh-jkmn"}`,
		`{"require_two_factor":true}`, `{"require_two_factor":false}`, `{"require_two_factor":false,"code":"123456","password":"x"}`,
		`{"require_two_factor":null}`, `{"code":"123456","recovery_code":"abcd-efgh-jkmn","require_two_factor":false}`,
	} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "PUT", "/api/v1/account/security", true)
}

func FuzzRegenerateRecoveryCodes(f *testing.F) {
	for _, s := range []string{`{"code":"123456"}`, `{"code":""}`, `{"code":123456}`, `{}`, `{"code":"000000","x":[]}`} {
		f.Add([]byte(s))
	}
	fuzzJSONHandler(f, "POST", "/api/v1/account/security/recovery-codes", true)
}

// fuzzJSONHandler runs the fuzz target for one call. With twoFactor, alice has
// an authenticator, a session, a sign-in waiting for a code and a pending
// enrollment.
func fuzzJSONHandler(f *testing.F, method, path string, twoFactor bool) {
	tp := newTestPortal(f)
	tp.createAlice()
	token := tp.login(f, aliceUser, alicePassword).Token
	var mfaToken, enrollmentID string
	if twoFactor {
		tp.confirm(f, token, tp.enroll(f, token, map[string]any{}))
		mfaToken = tp.login(f, aliceUser, alicePassword).MFAToken
		enrollmentID = tp.enroll(f, token, map[string]any{"replace_existing": true}).EnrollmentID
	}
	handler := tp.srv.Handler()
	_, router := contract(f)

	f.Fuzz(func(t *testing.T, body []byte) {
		body = bytes.ReplaceAll(body, []byte("$MFA"), []byte(mfaToken))
		body = bytes.ReplaceAll(body, []byte("$ENR"), []byte(enrollmentID))
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body)
		}
		checkReq := httptest.NewRequest(method, path, nil)
		route, params, err := router.FindRoute(checkReq)
		if err != nil {
			t.Fatal(err)
		}
		err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: checkReq, PathParams: params, Route: route},
			Status:                 rec.Code,
			Header:                 rec.Header(),
			Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		})
		if err != nil {
			t.Fatalf("answer %d breaks the contract: %v", rec.Code, err)
		}
		if rec.Code < 300 {
			// What the server accepts, the contract must allow.
			okReq := httptest.NewRequest(method, path, bytes.NewReader(body))
			okReq.Header.Set("Content-Type", "application/json")
			okReq.Header.Set("Authorization", "Bearer "+token)
			err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
				Request: okReq, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
			})
			if err != nil {
				t.Fatalf("the server accepted (%d) a body the contract refuses: %q: %v", rec.Code, body, err)
			}
		}
		if rec.Code == http.StatusBadRequest && bytes.Contains(rec.Body.Bytes(), []byte("correct horse")) {
			t.Fatal("an error message echoes the password")
		}
	})
}

// FuzzDecodeJSON feeds any body to the portal's body decoding (decodeJSON),
// for each request type, and checks what it promises: a refusal is a 400 or
// 413 *apiError that never quotes a field name it does not know (a password
// typed as a key would be echoed); an accepted body is one JSON object that
// encoding/json, strict about unknown fields, decodes to the same value.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"username":"a","password":"b"}`, `{"username":"a","password":"b","hunter2":1}`, `{"Username":"a"}`,
		`{"mfa_token":"t","code":"123456"}`, `{"mfa_token":"t","recovery_code":"\u212Amnp-qrst-uvwx"}`,
		`{"replace_existing":true,"password":"p","code":"123456"}`, `{"require_two_factor":false,"code":null}`,
		`{"enrollment_id":"e","code":"123456"}`, `{"code":"123456"}{}`, `{"a":1,"a":2}`, `[]`, `null`, ``, `{`,
		`{"username":"\ud800"}`, "{\"username\":\"a\"}\n",
	} {
		for kind := range uint8(6) {
			f.Add([]byte(s), kind)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, kind uint8) {
		news := []func() any{
			func() any { return new(loginRequest) }, func() any { return new(mfaLoginRequest) },
			func() any { return new(enrollmentRequest) }, func() any { return new(confirmRequest) },
			func() any { return new(updateSecurityRequest) }, func() any { return new(regenerateRequest) },
		}
		newDst := news[int(kind)%len(news)]
		dst := newDst()
		req := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		err := decodeJSON(httptest.NewRecorder(), req, dst)
		if err != nil {
			e, ok := err.(*apiError)
			if !ok || e.status != http.StatusBadRequest && e.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("refusal %T %v, want a 400 or 413 *apiError", err, err)
			}
			names := fieldNames(dst)
			dec := json.NewDecoder(bytes.NewReader(body))
			for {
				tok, err := dec.Token()
				if err != nil {
					break
				}
				if key, ok := tok.(string); ok && !names[key] && key != "" && strings.Contains(e.message, strconv.Quote(key)) {
					t.Fatalf("the message %q quotes the unknown key %q", e.message, key)
				}
			}
			return
		}
		strict := json.NewDecoder(bytes.NewReader(body))
		strict.DisallowUnknownFields()
		again := newDst()
		if err := strict.Decode(again); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %q: %v", body, err)
		}
		if !reflect.DeepEqual(again, dst) {
			t.Fatalf("accepted %q as %+v, encoding/json reads %+v", body, dst, again)
		}
	})
}
