//go:build linux && !wayland && cgo

package glwindow

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/go-gl/gl/v2.1/gl"
	"github.com/go-gl/glfw/v3.3/glfw"
)

func init() {
	// GLFW must be used from the main thread: TestMain runs there.
	runtime.LockOSThread()
}

// startUp is one start-up that TestMain performs on the main thread, as
// Fyne's driver does: GLFW opens the display, Prewarm sets OpenGL up for
// it on another thread, and the main thread then creates a window with an
// OpenGL 2.1 context, makes it current and reads what its framebuffer has.
type startUp struct {
	prefer     API    // what Prewarm was asked to set up
	eglLibrary string // instead of libEGL.so.1
	want       API    // what it should set up
	waitFirst  bool   // the window is created after Prewarm has finished (and with its Setup), not while it works
	noDepthSt  bool   // NoDepthStencil was called first
	setup      Setup
	window     error
	current    bool  // the window's context became current
	contextAPI int   // the API GLFW says the context was created with
	depth, stc int32 // the framebuffer's depth and stencil bits
}

var startUps = []*startUp{
	{prefer: GLX, want: GLX, waitFirst: true},
	{prefer: GLX, want: GLX, waitFirst: false},
	{prefer: GLX, want: GLX, waitFirst: true, noDepthSt: true},
	// The app's start-up. Xvfb with Mesa offers EGL as well as GLX.
	{prefer: EGL, want: EGL, waitFirst: true, noDepthSt: true},
	{prefer: EGL, want: EGL, waitFirst: true},
	// A machine without libEGL: GLX, as if EGL had not been asked for.
	{prefer: EGL, eglLibrary: "libEGL-absent.so.1", want: GLX, waitFirst: true, noDepthSt: true},
}

func TestMain(m *testing.M) {
	for _, s := range startUps {
		if err := glfw.Init(); err != nil {
			fmt.Fprintf(os.Stderr, "glwindow: GLFW could not open the display (the tests run under Xvfb: make test): %v\n", err)
			os.Exit(1)
		}
		glfw.DefaultWindowHints()
		if s.noDepthSt {
			NoDepthStencil()
		}
		if s.eglLibrary != "" {
			eglLibrary = s.eglLibrary
		}
		done := Prewarm(s.prefer)
		if s.waitFirst {
			s.setup = <-done
			s.setup.Use()
		}
		s.open()
		if !s.waitFirst {
			s.setup = <-done
		}
		glfw.Terminate()
		eglLibrary = "libEGL.so.1"
	}
	os.Exit(m.Run())
}

// open creates a hidden window with an OpenGL 2.1 context, as Fyne does,
// makes it current, reads its depth and stencil bits and swaps its buffers
// once.
func (s *startUp) open() {
	defer func() {
		if r := recover(); r != nil { // go-gl/glfw reports some errors by panicking
			s.window = fmt.Errorf("%v", r)
		}
	}()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, err := glfw.CreateWindow(64, 64, "glwindow test", nil, nil)
	if err != nil {
		s.window = err
		return
	}
	defer w.Destroy()
	w.MakeContextCurrent()
	defer glfw.DetachCurrentContext()
	s.current = glfw.GetCurrentContext() == w
	s.contextAPI = w.GetAttrib(glfw.ContextCreationAPI)
	if err := gl.Init(); err != nil {
		s.window = err
		return
	}
	gl.GetIntegerv(gl.DEPTH_BITS, &s.depth)
	gl.GetIntegerv(gl.STENCIL_BITS, &s.stc)
	w.SwapBuffers()
}

func (s *startUp) String() string {
	return fmt.Sprintf("start-up (Prewarm(%v) with %q; window created after Prewarm finished: %v; NoDepthStencil: %v)", s.prefer, s.eglLibrary, s.waitFirst, s.noDepthSt)
}

func TestPrewarmSetsUpWhatItIsAskedFor(t *testing.T) {
	for _, s := range startUps {
		if s.setup.API != s.want {
			t.Errorf("%v: Prewarm set up %v, want %v", s, s.setup.API, s.want)
		}
		if s.setup.Configs <= 0 {
			t.Errorf("%v: Prewarm reported %d framebuffer configurations; the Xvfb display offers %v, so want more than 0", s, s.setup.Configs, s.want)
		}
	}
}

func TestWindowContextUsesTheSetUpAPI(t *testing.T) {
	for _, s := range startUps {
		if s.window != nil {
			continue // reported below
		}
		want := glfw.NativeContextAPI
		if s.waitFirst && s.setup.API == EGL {
			want = glfw.EGLContextAPI
		}
		if s.contextAPI != want {
			t.Errorf("%v: the window's context was created with GLFW context API %#x, want %#x", s, s.contextAPI, want)
		}
	}
}

func TestWindowOpensWithOpenGLAfterOrDuringPrewarm(t *testing.T) {
	for _, s := range startUps {
		if s.window != nil {
			t.Errorf("%v: creating a window with an OpenGL context: %v", s, s.window)
		} else if !s.current {
			t.Errorf("%v: the window's OpenGL context did not become current", s)
		}
	}
}

func TestNoDepthStencilLeavesTheFramebufferWithout(t *testing.T) {
	for _, s := range startUps {
		if s.window != nil {
			continue // reported above
		}
		if s.noDepthSt && (s.depth != 0 || s.stc != 0) {
			t.Errorf("%v: %d depth and %d stencil bits, want none", s, s.depth, s.stc)
		}
		// GLFW's defaults, which Fyne keeps: the check above can tell.
		if !s.noDepthSt && (s.depth == 0 || s.stc == 0) {
			t.Errorf("%v: %d depth and %d stencil bits, want GLFW's default 24 and 8", s, s.depth, s.stc)
		}
	}
}
