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
		cmd.Env = append(envWithout(os.Environ(), "DISPLAY", "WAYLAND_DISPLAY"), "HOME="+t.TempDir())
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
// "window creation error" and would run on with no window. The app starts
// again on GLX if the window went through EGL, and when that fails too, it
// says so in one line and exits with status 1 instead of lingering unseen.
// MESA_GL_VERSION_OVERRIDE=1.1 makes Mesa refuse Fyne's OpenGL 2.1 context
// through EGL and GLX alike.
func TestWindowWithoutOpenGLEndsTheApp(t *testing.T) {
	requireDesktop(t)
	bin := buildApp(t)
	for _, c := range []struct {
		name string
		env  []string
		want []string
	}{
		{"EGL, then GLX", nil, []string{
			"EGL: Failed to create context",
			"Partner Security: the window could not be created through EGL; starting again with GLX (PARTNERSECURITY_GL=glx)",
			"GLX: Failed to create context",
			"Partner Security: could not open the window: the graphics driver gave it no OpenGL 2.1 context (OpenGL through GLX;",
		}},
		{"GLX only", []string{"PARTNERSECURITY_GL=glx"}, []string{
			"GLX: Failed to create context",
			"Partner Security: could not open the window: the graphics driver gave it no OpenGL 2.1 context (OpenGL through GLX;",
		}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, "-demo")
		tmp := t.TempDir()
		cmd.Env = append(envWithout(os.Environ(), glEnv), "HOME="+tmp, "TMPDIR="+tmp, "MESA_GL_VERSION_OVERRIDE=1.1")
		cmd.Env = append(cmd.Env, c.env...)
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Errorf("%s: the app was still running after 60 s, with no window:\n%s", c.name, out)
			continue
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s: exit: %v, want status 1", c.name, err)
		}
		at := 0
		for _, w := range c.want {
			i := strings.Index(string(out[at:]), w)
			if i < 0 {
				t.Errorf("%s: the output does not say %q (after what came before):\n%s", c.name, w, out)
				break
			}
			at += i + len(w)
		}
		// The demo portal's database went with each try (run's deferred clean-up).
		if left, _ := os.ReadDir(tmp); hasPrefix(left, "partnersecurity-demo-") {
			t.Errorf("%s: the demo portal's directory was left in TMPDIR", c.name)
		}
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
