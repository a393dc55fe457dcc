// Package glwindow tunes how the app's OpenGL window starts, under Fyne's
// GLFW driver: what Fyne leaves to GLFW's defaults.
//
// Prewarm: Fyne's driver opens the X display when the first window is
// created, but sets up OpenGL for it only when the window is shown: the
// driver (Mesa's, say) is loaded and initialised and the display's
// framebuffer configurations are made. On a software renderer this is
// about 40 ms on the main thread, between the screens being built and the
// window appearing. Done on another thread while the screens are built,
// that set-up is cached for the display by the time GLFW asks.
//
// Prewarm sets up EGL when asked and the display's driver offers it, and
// GLX otherwise; Setup.Use then has GLFW create the window's context
// through the same API. GLX is X11's default, but through it GLFW chooses
// among all the framebuffer configurations the X server lists (840 under
// Xvfb), and Mesa looks each one up in a list for each of their attributes
// it is asked: about 11 ms on the main thread. EGL lists only the
// configurations its driver can render a window with (40), and its set-up
// is quicker: the window is mapped about 25 ms sooner on make bench's
// machine, for 0.7 MiB more memory (Mesa's EGL keeps the window's back
// buffer in the process, where its GLX shares it with the X server).
// Firefox draws through EGL on X11 too. Without libEGL, or with an EGL
// that offers no desktop OpenGL, the window uses GLX.
//
// NoDepthStencil: GLFW gives a window a 24-bit depth and an 8-bit stencil
// buffer unless told otherwise. Fyne draws in two dimensions, clipping
// with the scissor test, and uses neither, but a software renderer still
// keeps them in memory (2.2 MiB at 860×680) and clears the depth buffer
// with every frame.
package glwindow
