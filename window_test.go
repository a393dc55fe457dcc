package main

import "testing"

// Without a display, the app says so before Fyne starts GLFW, which would
// panic; DISPLAY (X11, XWayland) or WAYLAND_DISPLAY is enough, and Windows
// and macOS always have their display.
func TestCheckDisplayNamesWhatIsMissing(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(name string) string { return vars[name] }
	}
	for _, c := range []struct {
		goos string
		vars map[string]string
		want error
	}{
		{"linux", nil, errNoDisplay},
		{"linux", map[string]string{"DISPLAY": ""}, errNoDisplay},
		{"freebsd", nil, errNoDisplay},
		{"linux", map[string]string{"DISPLAY": ":0"}, nil},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, nil},
		{"windows", nil, nil},
		{"darwin", nil, nil},
	} {
		if got := checkDisplay(c.goos, env(c.vars)); got != c.want {
			t.Errorf("checkDisplay(%q, %v) = %v, want %v", c.goos, c.vars, got, c.want)
		}
	}
}
