package glwindow

import "github.com/go-gl/glfw/v3.3/glfw"

// API is a way to create OpenGL contexts for windows on a display.
type API int

const (
	// Native is GLFW's default: GLX on X11, WGL on Windows, NSGL on macOS,
	// EGL under Wayland.
	Native API = iota
	// GLX is X11's own.
	GLX
	// EGL is Khronos's, which X11 drivers offer too (libEGL).
	EGL
)

func (a API) String() string {
	switch a {
	case GLX:
		return "GLX"
	case EGL:
		return "EGL"
	default:
		return "native"
	}
}

// Setup is what Prewarm set up for the display.
type Setup struct {
	// API is the one the window's context should be created with.
	API API
	// Configs is how many framebuffer configurations the display offers
	// through API (for EGL, those for OpenGL in a window); 0 when Prewarm
	// did nothing or found no OpenGL, and GLFW will say why when the window
	// is created.
	Configs int
}

// String says how the window draws, for a person: "OpenGL through EGL".
func (s Setup) String() string {
	if s.API == Native {
		return "OpenGL"
	}
	return "OpenGL through " + s.API.String()
}

// ready returns a channel that holds s and is closed: Prewarm's answer when
// there is nothing to wait for.
func ready(s Setup) <-chan Setup {
	done := make(chan Setup, 1)
	done <- s
	close(done)
	return done
}

// Use asks GLFW to create the contexts of the windows created from now on
// with s.API. Call it on the main goroutine after GLFW is initialised (the
// first window has been created) and before the window is shown.
func (s Setup) Use() {
	if s.API == EGL {
		glfw.WindowHint(glfw.ContextCreationAPI, glfw.EGLContextAPI)
	} else {
		glfw.WindowHint(glfw.ContextCreationAPI, glfw.NativeContextAPI)
	}
}
