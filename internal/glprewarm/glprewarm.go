// Package glprewarm sets up OpenGL for the app's X display on a spare core
// while the main goroutine builds the first screen.
//
// Fyne's GLFW driver opens the X display when the first window is created,
// but sets up OpenGL for it only when the window is shown: the driver
// (Mesa's, say) is loaded and initialised and the display's framebuffer
// configurations are fetched from the X server. On a software renderer this
// is about 40 ms, on the main thread, between the screens being built and
// the window appearing. Done on another thread beside the building of the
// screens, that set-up is cached for the display by the time GLFW asks.
package glprewarm
