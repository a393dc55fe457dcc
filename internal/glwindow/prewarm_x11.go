//go:build linux && !wayland && cgo

package glwindow

/*
#cgo LDFLAGS: -lX11 -lGL
#include <X11/Xlib.h>
#include <GL/glx.h>

// prewarm asks for the display's GLX framebuffer configurations: libglvnd
// chooses the vendor library, which loads and initialises its driver and
// fetches the configurations from the X server, once for the display.
// GLFW called XInitThreads before opening the display, so it may be used
// from this thread while the main thread uses it too. It returns how many
// configurations there are.
static int prewarm(void *p) {
	Display *d = p;
	int n = 0;
	GLXFBConfig *c = glXGetFBConfigs(d, DefaultScreen(d), &n);
	if (c == NULL) return 0;
	XFree(c);
	return n;
}
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// Prewarm sets up OpenGL for the X display that Fyne's GLFW driver opened,
// on another thread, and returns at once. Call it on the main goroutine
// after the first window has been created (GLFW has opened the display by
// then), before building the window's content. The channel then receives
// the number of framebuffer configurations the display offers (0 if it
// has no OpenGL) and is closed. Receive from it before the window is
// shown: the display must stay open until the set-up is done, and only
// the running app can close it.
func Prewarm() <-chan int {
	done := make(chan int, 1)
	d := unsafe.Pointer(glfw.GetX11Display())
	if d == nil {
		done <- 0
		close(done)
		return done
	}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- int(C.prewarm(d))
		close(done)
	}()
	return done
}
