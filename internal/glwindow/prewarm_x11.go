//go:build linux && !wayland && cgo

package glwindow

/*
#cgo LDFLAGS: -lX11 -lGL -ldl
#include <X11/Xlib.h>
#include <GL/glx.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// prewarm_glx asks for the display's GLX framebuffer configurations:
// libglvnd chooses the vendor library, which loads and initialises its
// driver and fetches the configurations from the X server, once for the
// display. GLFW called XInitThreads before opening the display, so it may
// be used from this thread while the main thread uses it too. It returns
// how many configurations there are.
static int prewarm_glx(void *p) {
	Display *d = p;
	int n = 0;
	GLXFBConfig *c = glXGetFBConfigs(d, DefaultScreen(d), &n);
	if (c == NULL) return 0;
	XFree(c);
	return n;
}

// EGL's types and constants, from Khronos's EGL/egl.h: libEGL is opened
// at run time, as GLFW opens it, so neither its headers nor the library
// are needed to build.
typedef void *egl_display;
typedef void *egl_config;
typedef unsigned int egl_boolean;
typedef int32_t egl_int;
enum {
	EGL_CLIENT_APIS_ = 0x308D,
	EGL_OPENGL_API_ = 0x30A2,
	EGL_RENDERABLE_TYPE_ = 0x3040,
	EGL_OPENGL_BIT_ = 0x0008,
	EGL_SURFACE_TYPE_ = 0x3033,
	EGL_WINDOW_BIT_ = 0x0004,
	EGL_NONE_ = 0x3038,
};

// has_word reports whether the space-separated list s holds word.
static int has_word(const char *s, const char *word) {
	size_t n = strlen(word);
	for (const char *p = s; (p = strstr(p, word)) != NULL; p += n) {
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
	}
	return 0;
}

// prewarm_egl initialises EGL for the X display p, as GLFW will when it
// creates a window with an EGL context: the same library (libEGL.so.1), the same
// eglGetDisplay, which gives the same EGLDisplay for the same X display,
// initialised once. Its driver is loaded and its configurations made here.
// It returns how many configurations offer OpenGL (not only OpenGL ES) in a
// window, or 0 when EGL can't give the window an OpenGL context. Failing
// that, nothing is left that GLFW would trip on: it opens and initialises
// EGL itself only when asked to.
static int prewarm_egl(void *p, const char *library) {
	void *lib = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
	if (lib == NULL) return 0;
	egl_display (*get_display)(void *) = (egl_display (*)(void *))dlsym(lib, "eglGetDisplay");
	egl_boolean (*initialize)(egl_display, egl_int *, egl_int *) =
		(egl_boolean (*)(egl_display, egl_int *, egl_int *))dlsym(lib, "eglInitialize");
	const char *(*query_string)(egl_display, egl_int) = (const char *(*)(egl_display, egl_int))dlsym(lib, "eglQueryString");
	egl_boolean (*bind_api)(unsigned int) = (egl_boolean (*)(unsigned int))dlsym(lib, "eglBindAPI");
	egl_boolean (*choose_config)(egl_display, const egl_int *, egl_config *, egl_int, egl_int *) =
		(egl_boolean (*)(egl_display, const egl_int *, egl_config *, egl_int, egl_int *))dlsym(lib, "eglChooseConfig");
	if (!get_display || !initialize || !query_string || !bind_api || !choose_config) return 0;

	egl_display d = get_display(p);
	egl_int major, minor;
	if (d == NULL || !initialize(d, &major, &minor)) return 0;
	const char *apis = query_string(d, EGL_CLIENT_APIS_);
	if (apis == NULL || !has_word(apis, "OpenGL") || !bind_api(EGL_OPENGL_API_)) return 0;
	const egl_int want[] = {EGL_RENDERABLE_TYPE_, EGL_OPENGL_BIT_, EGL_SURFACE_TYPE_, EGL_WINDOW_BIT_, EGL_NONE_};
	egl_int n = 0;
	if (!choose_config(d, want, NULL, 0, &n)) return 0;
	return n;
}
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// eglLibrary is the EGL library GLFW opens; a test names one that is absent.
var eglLibrary = "libEGL.so.1"

// Prewarm sets up OpenGL for the X display that Fyne's GLFW driver opened,
// on another thread, and returns at once. Call it on the main goroutine
// after the first window has been created (GLFW has opened the display by
// then), before building the window's content.
//
// With EGL, it tries EGL first and falls back to GLX when EGL can't give a
// window an OpenGL context (no libEGL, say); with GLX, it sets up GLX
// only. The channel then receives what was set up, and is closed. Receive
// from it and Use the Setup before the window is shown: the display must
// stay open until the set-up is done, and only the running app can close it.
func Prewarm(prefer API) <-chan Setup {
	d := unsafe.Pointer(glfw.GetX11Display())
	if d == nil {
		return ready(Setup{API: Native})
	}
	done := make(chan Setup, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- prewarm(d, prefer)
		close(done)
	}()
	return done
}

// prewarm sets up EGL for the display d if prefer is EGL and it can, else
// GLX.
func prewarm(d unsafe.Pointer, prefer API) Setup {
	if prefer == EGL {
		lib := C.CString(eglLibrary)
		defer C.free(unsafe.Pointer(lib))
		if n := int(C.prewarm_egl(d, lib)); n > 0 {
			return Setup{API: EGL, Configs: n}
		}
	}
	return Setup{API: GLX, Configs: int(C.prewarm_glx(d))}
}
