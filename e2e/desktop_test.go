package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// requireDesktop skips the test when no desktop session is at hand, unless
// the run promised one (make test sets PARTNERSECURITY_REQUIRE_DISPLAY): then
// a missing display or tool is a failure, not a skip.
func requireDesktop(t *testing.T, tools ...string) {
	t.Helper()
	required := os.Getenv("PARTNERSECURITY_REQUIRE_DISPLAY") == "1"
	missing := func(what string) {
		t.Helper()
		if required {
			t.Fatalf("%s, but PARTNERSECURITY_REQUIRE_DISPLAY=1 promised a desktop session", what)
		}
		t.Skipf("%s; run the tests with make test", what)
	}
	if os.Getenv("DISPLAY") == "" {
		missing("DISPLAY is not set")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing(tool + " is not installed")
		}
	}
}
