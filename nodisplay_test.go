package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Started without a display (from a console or over SSH), or with one
// that is gone, the app says so in one line and exits with status 1,
// instead of GLFW's panic and a stack trace.
func TestWithoutADisplayItSaysSoAndExits(t *testing.T) {
	bin := buildApp(t)
	for _, c := range []struct {
		display string // "" leaves DISPLAY unset
		want    string
	}{
		{"", "Partner Security: no graphical display to open the window on (DISPLAY is not set)"},
		{":4242", "Partner Security: could not open a window on the display ("},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "HOME="+t.TempDir())
		if c.display != "" {
			cmd.Env = append(cmd.Env, "DISPLAY="+c.display)
		}
		out, err := cmd.CombinedOutput()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("DISPLAY=%q: exit: %v, want status 1", c.display, err)
		}
		if !strings.Contains(string(out), c.want) {
			t.Errorf("DISPLAY=%q: output does not say %q:\n%s", c.display, c.want, out)
		}
		if strings.Contains(string(out), "panic") || strings.Contains(string(out), "goroutine ") {
			t.Errorf("DISPLAY=%q: output has a panic or a stack trace:\n%s", c.display, out)
		}
	}
}
