package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// errNoDisplay is checkDisplay's answer when there is no display at all.
var errNoDisplay = errors.New("no graphical display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): start it from your desktop")

// checkDisplay reports, before Fyne starts GLFW, whether there is a display
// to open the window on: started from a console or over SSH without one,
// GLFW's failure would end in a panic and a stack trace. getenv is
// os.Getenv; Windows and macOS always have their display.
func checkDisplay(goos string, getenv func(string) string) error {
	switch goos {
	case "windows", "darwin":
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return errNoDisplay
	}
	return nil
}

// newWindow creates the app's window. Fyne starts GLFW with the first
// window, and GLFW panics when the display named in DISPLAY can't be
// opened (a stale DISPLAY over SSH, say): that becomes an error for a
// person to read, not a stack trace.
func newWindow(a fyne.App, title string) (w fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("could not open a window on the display (%v)", r)
		}
	}()
	return a.NewWindow(title), nil
}

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

// quitOnSignal quits the app on SIGINT or SIGTERM, until stop is called:
// Ctrl+C or a kill ends the app as closing the window does, so that the
// deferred clean-up (the demo portal's database) runs.
func quitOnSignal(a fyne.App) (stop func()) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-done:
		}
	}()
	return func() {
		close(done)
		cancel()
	}
}
