//go:build (linux || freebsd || netbsd || openbsd) && wayland

package glwindow

// displayVar names the display GLFW opens: here a Wayland compositor's.
const displayVar = "WAYLAND_DISPLAY"
