package main

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// TestKeyringRoundTrip stores, reads and deletes an entry in the system
// keyring (the Secret Service on Linux) through go-keyring, under the app's
// service name. make test runs a real gnome-keyring and sets
// PARTNERSECURITY_REQUIRE_KEYRING, so there an unreachable keyring fails.
func TestKeyringRoundTrip(t *testing.T) {
	const user = "smoke-test|keyring@example.com"
	const value = "not-a-real-token"

	// go-keyring can block forever on a locked keyring's unlock prompt:
	// run each call with a deadline.
	call := func(name string, f func() error) error {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- f() }()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("keyring %s: no answer within 10 s (is the keyring locked?)", name)
			return nil
		}
	}

	if err := call("set", func() error { return keyring.Set(appID, user, value) }); err != nil {
		if os.Getenv("PARTNERSECURITY_REQUIRE_KEYRING") == "1" {
			t.Fatalf("keyring set: %v (PARTNERSECURITY_REQUIRE_KEYRING=1 promised a Secret Service)", err)
		}
		t.Skipf("no usable system keyring (%v); run the tests with make test", err)
	}
	t.Cleanup(func() { _ = keyring.Delete(appID, user) })

	var got string
	if err := call("get", func() (err error) { got, err = keyring.Get(appID, user); return err }); err != nil {
		t.Fatalf("keyring get: %v", err)
	}
	if got != value {
		t.Errorf("keyring get returned a different value than was stored")
	}
	if err := call("delete", func() error { return keyring.Delete(appID, user) }); err != nil {
		t.Fatalf("keyring delete: %v", err)
	}
	err := call("get after delete", func() (err error) { _, err = keyring.Get(appID, user); return err })
	if !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keyring get after delete: err = %v, want ErrNotFound", err)
	}
}
