//go:build linux && !wayland && cgo

package glwindow

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"github.com/go-gl/gl/v2.1/gl"
	"github.com/go-gl/glfw/v3.3/glfw"
)

func init() {
	// GLFW must be used from the main thread: TestMain runs there.
	runtime.LockOSThread()
}

// startUp is one start-up as Fyne's driver performs it, on the main
// thread of a process of its own (as the app has): GLFW opens the display,
// Prewarm sets OpenGL up for it on another thread, and the main thread then
// creates a window with an OpenGL 2.1 context, makes it current and reads
// what its framebuffer has.
type startUp struct {
	prefer     API    // what Prewarm was asked to set up
	eglLibrary string // instead of libEGL.so.1
	want       API    // what it should set up
	waitFirst  bool   // the window is created after Prewarm has finished (and with its Setup), not while it works
	noDepthSt  bool   // NoDepthStencil was called first
	result     startUpResult
}

// startUpResult is what a start-up found, as its process reports it.
type startUpResult struct {
	Setup      Setup
	Window     string // the error creating the window, if any
	Current    bool   // the window's context became current
	ContextAPI int    // the API GLFW says the context was created with
	Depth, Stc int32  // the framebuffer's depth and stencil bits
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

// startUpVar names the start-up a process of this test binary performs and
// reports, as JSON on standard output, instead of running the tests. GLFW
// is initialised once per process, as in the app: initialising it again
// after glfw.Terminate failed to open the display now and then (about one
// run in twenty, with or without Prewarm's EGL).
const startUpVar = "GLWINDOW_TEST_STARTUP"

func TestMain(m *testing.M) {
	if i, ok := os.LookupEnv(startUpVar); ok {
		n, err := strconv.Atoi(i)
		if err != nil || n < 0 || n >= len(startUps) {
			fmt.Fprintf(os.Stderr, "glwindow: %s=%q names no start-up\n", startUpVar, i)
			os.Exit(2)
		}
		if err := json.NewEncoder(os.Stdout).Encode(startUps[n].perform()); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	for i, s := range startUps {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", startUpVar, i))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err == nil {
			err = json.Unmarshal(out, &s.result)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "glwindow: %v: %v\n", s, err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// perform does the start-up in this process, on the main thread.
func (s *startUp) perform() startUpResult {
	if err := glfw.Init(); err != nil {
		fmt.Fprintf(os.Stderr, "glwindow: GLFW could not open the display (the tests run under Xvfb: make test): %v\n", err)
		os.Exit(1)
	}
	defer glfw.Terminate()
	glfw.DefaultWindowHints()
	if s.noDepthSt {
		NoDepthStencil()
	}
	if s.eglLibrary != "" {
		eglLibrary = s.eglLibrary
	}
	var r startUpResult
	done := Prewarm(s.prefer)
	if s.waitFirst {
		r.Setup = <-done
		r.Setup.Use()
	}
	s.open(&r)
	if !s.waitFirst {
		r.Setup = <-done
	}
	return r
}

// open creates a hidden window with an OpenGL 2.1 context, as Fyne does,
// makes it current, reads its depth and stencil bits and swaps its buffers
// once, into r.
func (s *startUp) open(r *startUpResult) {
	defer func() {
		if p := recover(); p != nil { // go-gl/glfw reports some errors by panicking
			r.Window = fmt.Sprint(p)
		}
	}()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, err := glfw.CreateWindow(64, 64, "glwindow test", nil, nil)
	if err != nil {
		r.Window = err.Error()
		return
	}
	defer w.Destroy()
	w.MakeContextCurrent()
	defer glfw.DetachCurrentContext()
	r.Current = glfw.GetCurrentContext() == w
	r.ContextAPI = w.GetAttrib(glfw.ContextCreationAPI)
	if err := gl.Init(); err != nil {
		r.Window = err.Error()
		return
	}
	gl.GetIntegerv(gl.DEPTH_BITS, &r.Depth)
	gl.GetIntegerv(gl.STENCIL_BITS, &r.Stc)
	w.SwapBuffers()
}

func (s *startUp) String() string {
	return fmt.Sprintf("start-up (Prewarm(%v) with %q; window created after Prewarm finished: %v; NoDepthStencil: %v)", s.prefer, s.eglLibrary, s.waitFirst, s.noDepthSt)
}

func TestPrewarmSetsUpWhatItIsAskedFor(t *testing.T) {
	for _, s := range startUps {
		if s.result.Setup.API != s.want {
			t.Errorf("%v: Prewarm set up %v, want %v", s, s.result.Setup.API, s.want)
		}
		if s.result.Setup.Configs <= 0 {
			t.Errorf("%v: Prewarm reported %d framebuffer configurations; the Xvfb display offers %v, so want more than 0", s, s.result.Setup.Configs, s.want)
		}
	}
}

func TestWindowContextUsesTheSetUpAPI(t *testing.T) {
	for _, s := range startUps {
		if s.result.Window != "" {
			continue // reported below
		}
		want := glfw.NativeContextAPI
		if s.waitFirst && s.result.Setup.API == EGL {
			want = glfw.EGLContextAPI
		}
		if s.result.ContextAPI != want {
			t.Errorf("%v: the window's context was created with GLFW context API %#x, want %#x", s, s.result.ContextAPI, want)
		}
	}
}

func TestWindowOpensWithOpenGLAfterOrDuringPrewarm(t *testing.T) {
	for _, s := range startUps {
		if s.result.Window != "" {
			t.Errorf("%v: creating a window with an OpenGL context: %v", s, s.result.Window)
		} else if !s.result.Current {
			t.Errorf("%v: the window's OpenGL context did not become current", s)
		}
	}
}

func TestNoDepthStencilLeavesTheFramebufferWithout(t *testing.T) {
	for _, s := range startUps {
		if s.result.Window != "" {
			continue // reported above
		}
		if s.noDepthSt && (s.result.Depth != 0 || s.result.Stc != 0) {
			t.Errorf("%v: %d depth and %d stencil bits, want none", s, s.result.Depth, s.result.Stc)
		}
		// GLFW's defaults, which Fyne keeps: the check above can tell.
		if !s.noDepthSt && (s.result.Depth == 0 || s.result.Stc == 0) {
			t.Errorf("%v: %d depth and %d stencil bits, want GLFW's default 24 and 8", s, s.result.Depth, s.result.Stc)
		}
	}
}
