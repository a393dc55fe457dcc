// Package api holds the portal API contract, api/openapi.yaml, embedded so that the
// reference portal's tests and the client's tests check real traffic against the
// same document.
package api

import _ "embed"

// Spec is the OpenAPI 3 document of the portal API (v1), as YAML.
//
//go:embed openapi.yaml
var Spec []byte
