package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
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
		{"", "Partner Security: no graphical display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set)"},
		{":4242", "Partner Security: could not open a window on the display ("},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(withoutDisplay(os.Environ()), "HOME="+t.TempDir())
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

// When the graphics driver gives the window no OpenGL context, Fyne logs
// "window creation error" and would run on with no window. The app says so
// in one line and exits with status 1 instead of lingering unseen.
// MESA_GL_VERSION_OVERRIDE=1.1 makes Mesa refuse Fyne's OpenGL 2.1 context.
func TestWindowWithoutOpenGLEndsTheApp(t *testing.T) {
	requireDesktop(t)
	bin := buildApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-demo")
	tmp := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+tmp, "TMPDIR="+tmp, "MESA_GL_VERSION_OVERRIDE=1.1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the app was still running after 60 s, with no window:\n%s", out)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	at := 0
	for _, w := range []string{
		"GLX: Failed to create context",
		"Partner Security: could not open the window: the graphics driver gave it no OpenGL 2.1 context (the error above says more)",
	} {
		i := strings.Index(string(out[at:]), w)
		if i < 0 {
			t.Errorf("the output does not say %q (after what came before):\n%s", w, out)
			break
		}
		at += i + len(w)
	}
	// The demo portal's database went with the app (run's deferred clean-up).
	if left, _ := os.ReadDir(tmp); hasPrefix(left, "partnersecurity-demo-") {
		t.Error("the demo portal's directory was left in TMPDIR")
	}
}

// hasPrefix reports whether a directory entry's name starts with prefix.
func hasPrefix(entries []os.DirEntry, prefix string) bool {
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

// withoutDisplay returns env (NAME=value entries) without DISPLAY and
// WAYLAND_DISPLAY.
func withoutDisplay(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, "DISPLAY=") || strings.HasPrefix(kv, "WAYLAND_DISPLAY=")
	})
}
