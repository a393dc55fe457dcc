package main

import (
	"os"
	"slices"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// glEnv names the environment variable that keeps the window to GLX
// ("glx"), for a graphics driver or X server that does not get on with EGL.
// The app sets it itself when EGL cannot create its window.
const glEnv = "PARTNERSECURITY_GL"

// windowCreated reports whether Fyne created w's native window when it was
// shown. When the graphics driver refuses the window an OpenGL context,
// Fyne logs "window creation error" and, left to run, would go on with no
// window at all: a process nobody can see or close.
func windowCreated(w fyne.Window) bool {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return true // not a desktop window: nothing to tell
	}
	created := true
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			created = c.WindowHandle != 0
		case driver.WaylandWindowContext:
			created = c.WaylandSurface != 0
		case driver.WindowsWindowContext:
			created = c.HWND != 0
		case driver.MacWindowContext:
			created = c.NSWindow != 0
		}
	})
	return created
}

// restartWithGLX replaces this process with the app started again, with
// the same arguments, keeping to GLX. It returns only on failure.
func restartWithGLX() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, append(envWithout(os.Environ(), glEnv), glEnv+"=glx"))
}

// envWithout returns env (NAME=value entries) without the variables named.
func envWithout(env []string, names ...string) []string {
	var kept []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			kept = append(kept, kv)
		}
	}
	return kept
}
