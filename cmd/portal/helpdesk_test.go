package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUserAddRole: useradd -role support creates a help-desk account; an
// unknown role is refused before anything is created.
func TestUserAddRole(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	out, errOut, err := run(t, "a long enough password\n", "useradd", "-db", db, "-username", "staff@example.com", "-name", "Sam Staff", "-role", "support")
	if err != nil || !strings.Contains(out, "support account staff@example.com") {
		t.Fatalf("useradd -role support: %v %q %q", err, out, errOut)
	}
	_, errOut, err = run(t, "a long enough password\n", "useradd", "-db", db, "-username", "x@example.com", "-name", "X", "-role", "admin")
	if err == nil || !strings.Contains(errOut, "-role must be partner or support") {
		t.Errorf("useradd -role admin: %v %q", err, errOut)
	}
}
