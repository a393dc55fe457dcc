//go:build !linux && !freebsd && !netbsd && !openbsd

package glwindow

// displayVar is empty: Windows and macOS always have their display.
const displayVar = ""
