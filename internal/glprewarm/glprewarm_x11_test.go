//go:build linux && !wayland && cgo

package glprewarm

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/go-gl/glfw/v3.3/glfw"
)

func init() {
	// GLFW must be used from the main thread: TestMain runs there.
	runtime.LockOSThread()
}

// startUp is the start-up that TestMain performs on the main thread, as
// Fyne's driver does: GLFW opens the display, Start sets OpenGL up for it
// on another thread, and the main thread then creates a window with an
// OpenGL context and makes it current: after Start has finished (waitFirst)
// or while it is still at work, as on a slower machine.
type startUp struct {
	configs int   // what Start reported
	window  error // creating the window
	current bool  // its context became current
}

// The start-ups that TestMain performs, by waitFirst.
var startUps = map[bool]*startUp{}

func TestMain(m *testing.M) {
	for _, waitFirst := range []bool{true, false} {
		if err := glfw.Init(); err != nil {
			fmt.Fprintf(os.Stderr, "glprewarm: GLFW could not open the display (the tests run under Xvfb: make test): %v\n", err)
			os.Exit(1)
		}
		s := &startUp{}
		done := Start()
		if waitFirst {
			s.configs = <-done
		}
		s.current, s.window = openWindow()
		if !waitFirst {
			s.configs = <-done
		}
		glfw.Terminate()
		startUps[waitFirst] = s
	}
	os.Exit(m.Run())
}

// openWindow creates a hidden window with an OpenGL context, as Fyne does,
// makes it current and swaps its buffers once.
func openWindow() (current bool, err error) {
	defer func() {
		if r := recover(); r != nil { // go-gl/glfw reports some errors by panicking
			err = fmt.Errorf("%v", r)
		}
	}()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, err := glfw.CreateWindow(64, 64, "glprewarm test", nil, nil)
	if err != nil {
		return false, err
	}
	defer w.Destroy()
	w.MakeContextCurrent()
	current = glfw.GetCurrentContext() == w
	w.SwapBuffers()
	glfw.DetachCurrentContext()
	return current, nil
}

func TestStartFindsTheDisplaysFramebufferConfigurations(t *testing.T) {
	for waitFirst, s := range startUps {
		if s.configs <= 0 {
			t.Errorf("waitFirst=%v: Start reported %d framebuffer configurations; the Xvfb display offers GLX, so want more than 0", waitFirst, s.configs)
		}
	}
}

func TestWindowOpensWithOpenGLAfterOrDuringStart(t *testing.T) {
	for waitFirst, s := range startUps {
		if s.window != nil {
			t.Errorf("waitFirst=%v: creating a window with an OpenGL context: %v", waitFirst, s.window)
		} else if !s.current {
			t.Errorf("waitFirst=%v: the window's OpenGL context did not become current", waitFirst)
		}
	}
}
