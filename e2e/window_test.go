package e2e

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// dataRaceReport starts the report of a data race that a -race build of the
// app writes to its standard error; the real-window tests fail on it.
const dataRaceReport = "WARNING: DATA RACE"

// raceEnabled reports whether the test binary was built with -race; the app
// under test is built the same way, so it reuses the compiled Fyne packages.
var raceEnabled bool

// The app binary that buildApp built, once for all the tests here.
var (
	appBuild       sync.Once
	appDir, appBin string
	appBuildErr    error
)

// appPackage is the app's main package, which buildApp builds.
const appPackage = "github.com/partnersecurity/partnersecurity"

// buildApp builds the real application binary, once per test run, and
// returns its path.
func buildApp(t *testing.T) string {
	t.Helper()
	appBuild.Do(func() {
		appDir, appBuildErr = os.MkdirTemp("", "partnersecurity-app-")
		if appBuildErr != nil {
			return
		}
		appBin = filepath.Join(appDir, "partnersecurity")
		args := []string{"build", "-o", appBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, appPackage)...).CombinedOutput(); err != nil {
			appBuildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if appBuildErr != nil {
		t.Fatal(appBuildErr)
	}
	return appBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if appDir != "" {
		os.RemoveAll(appDir)
	}
	os.Exit(code)
}

// TestWindowOpens is the smoke test of the real window: the built app starts
// under the X display, shows a window titled "Partner Security", and that
// window has something drawn in it.
func TestWindowOpens(t *testing.T) {
	requireDesktop(t, "xdotool", "/usr/bin/import")
	dir := t.TempDir()
	bin := buildApp(t)

	proc := exec.Command(bin)
	proc.Env = append(os.Environ(), "FYNE_THEME=light")
	// The app's standard error, for a data race that a -race build reports.
	var stderr strings.Builder
	proc.Stderr = io.MultiWriter(os.Stderr, &stderr)
	if err := proc.Start(); err != nil {
		t.Fatalf("starting the app: %v", err)
	}
	t.Cleanup(func() {
		_ = proc.Process.Kill()
		_ = proc.Wait() // returns once the output is copied
		if strings.Contains(stderr.String(), dataRaceReport) {
			t.Error("the app reported a data race (above)")
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Partner Security$").Output()
	if err != nil {
		t.Fatalf("no visible window named %q within 60 s: %v", "Partner Security", err)
	}
	id := strings.Fields(string(out))[0]

	name, err := exec.CommandContext(ctx, "xdotool", "getwindowname", id).Output()
	if err != nil {
		t.Fatalf("xdotool getwindowname: %v", err)
	}
	if got := strings.TrimSpace(string(name)); got != "Partner Security" {
		t.Errorf("window title = %q, want %q", got, "Partner Security")
	}

	shot := filepath.Join(dir, "window.png")
	// The first frames may still be blank: retry the screenshot until the
	// window shows more than one colour, or the deadline passes.
	for {
		if err := exec.CommandContext(ctx, "/usr/bin/import", "-window", id, shot).Run(); err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if colours(t, shot) > 1 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the window stayed a single colour: nothing was drawn")
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// colours counts the distinct colours in a PNG file, stopping at 2.
func colours(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("window is only %v", b.Size())
	}
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, y) != first {
				return 2
			}
		}
	}
	return 1
}
