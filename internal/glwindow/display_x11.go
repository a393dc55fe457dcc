//go:build (linux || freebsd || netbsd || openbsd) && !wayland

package glwindow

// displayVar names the display GLFW opens: here an X display (under
// Wayland, XWayland sets it).
const displayVar = "DISPLAY"
