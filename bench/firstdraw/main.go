//go:build linux

// Command firstdraw waits until an X window shows more than one colour, the
// first frame with something drawn in it, and prints the time from a given
// moment in milliseconds. make bench runs it on the window of each launch,
// as soon as the window is mapped, for the "window drawn" figure.
//
// Usage: firstdraw -window 0x1a00003 -t0 UNIX_MICROSECONDS [-timeout 30s]
//
// It reads the window's pixels with XGetImage every 2 ms (a read of an
// 860×680 window takes a few milliseconds on Xvfb), so the figure is late by
// at most a few milliseconds, never early.
package main

/*
#cgo pkg-config: x11
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

// A window that goes away must not end the process: X errors are ignored,
// and a failed read counts as "not drawn yet".
static int ignoreErrors(Display *d, XErrorEvent *e) { return 0; }

static void setHandler(void) { XSetErrorHandler(ignoreErrors); }

// drawn returns 1 if the window holds more than one colour, 0 if not (or
// if it cannot be read: not viewable yet, or gone).
static int drawn(Display *d, Window w) {
	XWindowAttributes a;
	if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable || a.width < 2 || a.height < 2)
		return 0;
	XImage *img = XGetImage(d, w, 0, 0, a.width, a.height, AllPlanes, ZPixmap);
	if (img == NULL)
		return 0;
	unsigned long first = XGetPixel(img, 0, 0);
	int found = 0;
	for (int y = 0; y < img->height && !found; y++)
		for (int x = 0; x < img->width; x++)
			if (XGetPixel(img, x, y) != first) { found = 1; break; }
	XDestroyImage(img);
	return found;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	window := flag.String("window", "", "the X window `id`, as xev prints it (0x…)")
	t0 := flag.Int64("t0", 0, "the moment to measure from, in Unix `microseconds`")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait for a drawn frame")
	flag.Parse()
	id, err := strconv.ParseUint(*window, 0, 32)
	if err != nil || *t0 == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstdraw -window 0xID -t0 UNIX_MICROSECONDS [-timeout 30s]")
		os.Exit(2)
	}

	d := C.XOpenDisplay(nil)
	if d == nil {
		fmt.Fprintln(os.Stderr, "firstdraw: cannot open the display $DISPLAY")
		os.Exit(1)
	}
	defer C.XCloseDisplay(d)
	C.setHandler()

	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		if C.drawn(d, C.Window(id)) == 1 {
			// The time the read ended: never early, late by at most a
			// poll period and a read.
			fmt.Println((time.Now().UnixMicro() - *t0) / 1000)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "firstdraw: window %s showed a single colour for %v\n", *window, *timeout)
	os.Exit(1)
}
