//go:build !linux || wayland || !cgo

package glwindow

// Prewarm does nothing on this platform: the set-up it moves off the main
// thread is that of OpenGL on X11. The channel receives a Setup for the
// native API and is closed.
func Prewarm(API) <-chan Setup { return ready(Setup{API: Native}) }
