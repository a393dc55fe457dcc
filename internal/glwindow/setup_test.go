package glwindow

import "testing"

func TestSetupSaysHowTheWindowDraws(t *testing.T) {
	for _, c := range []struct {
		s    Setup
		want string
	}{
		{Setup{API: EGL, Configs: 40}, "OpenGL through EGL"},
		{Setup{API: GLX, Configs: 840}, "OpenGL through GLX"},
		{Setup{API: Native}, "OpenGL"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.s, got, c.want)
		}
	}
}
