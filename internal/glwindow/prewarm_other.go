//go:build !linux || wayland || !cgo

package glwindow

// Prewarm does nothing on this platform: the set-up it moves off the main
// thread is GLX's, on X11. The channel receives 0 and is closed.
func Prewarm() <-chan int {
	done := make(chan int, 1)
	done <- 0
	close(done)
	return done
}
