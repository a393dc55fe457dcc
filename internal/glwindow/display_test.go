//go:build linux || freebsd || netbsd || openbsd

package glwindow

import (
	"strings"
	"testing"
)

func TestCheckDisplayNamesTheMissingDisplay(t *testing.T) {
	t.Setenv(displayVar, "")
	err := CheckDisplay()
	if err == nil || !strings.Contains(err.Error(), displayVar+" is not set") {
		t.Errorf("CheckDisplay() with no %s = %v, want an error naming it", displayVar, err)
	}
	t.Setenv(displayVar, ":99")
	if err := CheckDisplay(); err != nil {
		t.Errorf("CheckDisplay() with %s set = %v, want nil", displayVar, err)
	}
}
