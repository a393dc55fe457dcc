// Package glwindow tunes how the app's OpenGL window starts, under Fyne's
// GLFW driver: two things Fyne leaves at GLFW's defaults.
//
// Prewarm: Fyne's driver opens the X display when the first window is
// created, but sets up OpenGL for it only when the window is shown: the
// driver (Mesa's, say) is loaded and initialised and the display's
// framebuffer configurations are fetched from the X server. On a software
// renderer this is about 40 ms on the main thread, between the screens
// being built and the window appearing. Done on another thread while the
// screens are built, that set-up is cached for the display by the time
// GLFW asks.
//
// NoDepthStencil: GLFW gives a window a 24-bit depth and an 8-bit stencil
// buffer unless told otherwise. Fyne draws in two dimensions, clipping
// with the scissor test, and uses neither, but a software renderer still
// keeps them in memory (2.2 MiB at 860×680) and clears the depth buffer
// with every frame.
package glwindow
