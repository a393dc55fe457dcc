package api_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partnersecurity/partnersecurity/api"
)

// TestSpecIsValid loads the embedded contract and checks it against OpenAPI 3.
func TestSpecIsValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, path := range []string{
		"/api/v1/login", "/api/v1/login/mfa", "/api/v1/logout", "/api/v1/account",
		"/api/v1/account/security", "/api/v1/account/security/totp",
		"/api/v1/account/security/totp/confirm", "/api/v1/account/security/recovery-codes",
		"/api/v1/account/security/events", "/api/v1/time", "/api/v1/health",
	} {
		if doc.Paths.Value(path) == nil {
			t.Errorf("path %s missing from the contract", path)
		}
	}
}
