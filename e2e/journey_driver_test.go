package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The window title in guide mode names the help article's step: the driver
// reads it to know where the app is, as a help-desk agent would.
const (
	appTitle     = "Partner Security"
	articleSteps = 9
)

// stepTitle is the window title in guide mode on article step n.
func stepTitle(n int) string {
	return fmt.Sprintf("%s — Step %d of %d", appTitle, n, articleSteps)
}

// Time limits of the driver. The app under test may be built with -race,
// which makes its password hashing and drawing several times slower.
const (
	windowTimeout = 60 * time.Second // from start to a visible window
	stepTimeout   = 30 * time.Second // from an action to the next step
	toolTimeout   = 15 * time.Second // one xdotool, import or zbarimg call
	pollInterval  = 50 * time.Millisecond
)

// appRun is one run of the built app under the X display, driven from the
// keyboard with xdotool. It keeps the app's standard error in app.log and
// the screenshots in dir, and counts the person's actions.
type appRun struct {
	t      *testing.T
	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	log    *lineLog
	window string
	// actions are the person's actions so far, in words ("Space on
	// Configure"); text typed into one field is one action.
	actions []string
	shots   []string
	// label names the run among two in one test ("agent"): its failure
	// files are kept apart.
	label string
}

// startApp runs bin with args in its own process group, with a fresh HOME
// (no remembered portal, username or guide mode) and its temporary files
// under dir, so that nothing outlives the test. theme is FYNE_THEME.
func startApp(t *testing.T, bin, dir, theme string, args ...string) *appRun {
	t.Helper()
	home := filepath.Join(dir, "home")
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	logFile, err := os.Create(filepath.Join(dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	r := &appRun{t: t, dir: dir, exited: make(chan struct{}), log: &lineLog{file: logFile}}
	r.cmd = exec.Command(bin, args...)
	// A race-detector build stops at its first data race, so the journey
	// fails there ("the app exited early") with the report in app.log.
	r.cmd.Env = append(os.Environ(), "FYNE_THEME="+theme, "FYNE_SCALE=1", "HOME="+home, "TMPDIR="+tmp, "GORACE=halt_on_error=1")
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stdout = logFile
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting the app: %v", err)
	}
	copied := make(chan struct{})
	go func() {
		r.log.copyFrom(stderr)
		close(copied)
	}()
	go func() {
		<-copied
		_ = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(r.stop)
	return r
}

// stop kills the app's process group and waits for it, at most 10 s. A
// data race that the app (built with -race by make test) reported on its
// way fails the test.
func (r *appRun) stop() {
	select {
	case <-r.exited:
	default:
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-r.exited:
		case <-time.After(10 * time.Second):
			r.t.Errorf("the app (pid %d) did not exit within 10 s of SIGKILL", r.cmd.Process.Pid)
		}
	}
	_ = r.log.file.Close()
	for _, line := range r.log.snapshot() {
		if strings.Contains(line, dataRaceReport) {
			r.t.Errorf("the app reported %q; its log is %s", line, filepath.Join(r.dir, "app.log"))
		}
	}
}

// running fails the test if the app has exited.
func (r *appRun) running() {
	r.t.Helper()
	select {
	case <-r.exited:
		r.t.Fatalf("the app exited early (%v); its log is %s", r.cmd.ProcessState, filepath.Join(r.dir, "app.log"))
	default:
	}
}

// demoAddress waits for the line in which -demo tells the demo portal's
// address, and returns the address.
func (r *appRun) demoAddress() string {
	r.t.Helper()
	re := regexp.MustCompile(`^Demo portal: (http://127\.0\.0\.1:[0-9]+) `)
	line := r.waitLog(re, windowTimeout, "the demo portal's address on standard error")
	return re.FindStringSubmatch(line)[1]
}

// waitLog waits for a line of the app's standard error matching re.
func (r *appRun) waitLog(re *regexp.Regexp, timeout time.Duration, what string) string {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, l := range r.log.snapshot() {
			if re.MatchString(l) {
				return l
			}
		}
		r.running()
		if time.Now().After(deadline) {
			r.t.Fatalf("no %s within %v", what, timeout)
		}
		time.Sleep(pollInterval)
	}
}

// findWindow waits for the app's visible window and remembers its ID.
func (r *appRun) findWindow() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), windowTimeout)
	defer cancel()
	// --sync polls every half second: a test needs no finer resolution.
	// --all: this process's window with this title (xdotool ORs the
	// conditions otherwise, and finds another app's window).
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--all", "--onlyvisible",
		"--pid", strconv.Itoa(r.cmd.Process.Pid), "--name", "^"+appTitle).Output()
	if err != nil {
		r.running()
		r.t.Fatalf("no visible window of the app within %v: %v", windowTimeout, err)
	}
	r.window = strings.Fields(string(out))[0]
	// Without a window manager nothing gives the window the keyboard:
	// give it explicitly, so the pointer's position does not matter.
	r.xdotool("windowfocus", "--sync", r.window)
}

// resize gives the window the size w×h in pixels, unless it has it.
func (r *appRun) resize(w, h int) {
	r.t.Helper()
	want := fmt.Sprintf("Geometry: %dx%d", w, h)
	if strings.Contains(r.xdotool("getwindowgeometry", r.window), want) {
		return
	}
	r.xdotool("windowsize", "--sync", r.window, strconv.Itoa(w), strconv.Itoa(h))
	if got := r.xdotool("getwindowgeometry", r.window); !strings.Contains(got, want) {
		r.fail("the window did not take the size %dx%d: %s", w, h, got)
	}
}

// xdotool runs xdotool with args and returns its output.
func (r *appRun) xdotool(args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", args...).CombinedOutput()
	if err != nil {
		r.running()
		r.t.Fatalf("xdotool %s: %v\n%s", args[0], err, out)
	}
	return strings.TrimSpace(string(out))
}

// title is the window's title now.
func (r *appRun) title() string {
	r.t.Helper()
	return r.xdotool("getwindowname", r.window)
}

// waitTitle waits until the window's title is one of want, returns it,
// and fails the test with the last title seen when none comes within
// timeout.
func (r *appRun) waitTitle(timeout time.Duration, want ...string) string {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := r.title()
		if slices.Contains(want, got) {
			return got
		}
		if time.Now().After(deadline) {
			r.fail("the window title stayed %q for %v, want %q", got, timeout, strings.Join(want, `" or "`))
		}
		time.Sleep(pollInterval)
	}
}

// waitStep waits for guide mode's article step n in the title.
func (r *appRun) waitStep(n int) {
	r.t.Helper()
	r.waitTitle(stepTimeout, stepTitle(n))
}

// fail takes a last screenshot for the person who reads the failure, then
// fails the test.
func (r *appRun) fail(format string, args ...any) {
	r.t.Helper()
	if r.window != "" {
		_, _ = r.tryScreenshot("at-failure")
	}
	r.t.Fatalf(format, args...)
}

// act is one action of the person at the keyboard: what they do, in
// words, and the xdotool arguments that do it in the focused window.
func (r *appRun) act(what string, args ...string) {
	r.t.Helper()
	r.running()
	r.actions = append(r.actions, what)
	r.xdotool(args...)
}

// press presses one key (an X keysym: "space", "Return").
func (r *appRun) press(what, key string) { r.act(what, "key", "--clearmodifiers", key) }

// typeText types text into the focused field. xdotool's default delay
// between keys is kept: a person types no faster.
//
// The text goes on xdotool's standard input, never on its command line,
// where other users of the machine could read it.
func (r *appRun) typeText(what, text string) {
	r.t.Helper()
	r.running()
	r.actions = append(r.actions, what)
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", "type", "--clearmodifiers", "--file", "-")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		r.running()
		r.t.Fatalf("xdotool type: %v\n%s", err, out)
	}
}

// screenshot saves the window as NAME.png in the run's directory and
// returns its path and the decoded image.
func (r *appRun) screenshot(name string) (string, image.Image) {
	r.t.Helper()
	path, img, err := r.tryScreenshotImage(name)
	if err != nil {
		r.t.Fatal(err)
	}
	return path, img
}

func (r *appRun) tryScreenshot(name string) (string, error) {
	path, _, err := r.tryScreenshotImage(name)
	return path, err
}

func (r *appRun) tryScreenshotImage(name string) (string, image.Image, error) {
	path := filepath.Join(r.dir, name+".png")
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	args := []string{"-window", r.window, path}
	if r.label != "" {
		// Two windows, one over the other (no window manager): raise this
		// one, let it redraw what was hidden, and read the screen where it
		// is (reading a window that was covered gives black).
		if out, err := exec.CommandContext(ctx, "xdotool", "windowraise", r.window).CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("screenshot %s: xdotool windowraise: %v\n%s", name, err, out)
		}
		time.Sleep(settleTime)
		args = append([]string{"-screen"}, args...)
	}
	if out, err := exec.CommandContext(ctx, "/usr/bin/import", args...).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("screenshot %s: %v\n%s", name, err, out)
	}
	img, err := readPNG(path)
	if err != nil {
		return "", nil, fmt.Errorf("screenshot %s: %w", name, err)
	}
	r.shots = append(r.shots, path)
	return path, img, nil
}

// readPNG decodes the PNG file at path.
func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// keepOnFailure copies the run's screenshots and the app's log to
// testdata/failed/TEST/ (git-ignored) when the test has failed, since
// t.TempDir is deleted: a person can then look at what the window showed.
// The files hold only the throwaway demo portal's secrets.
func (r *appRun) keepOnFailure() {
	if !r.t.Failed() {
		return
	}
	dst := filepath.Join("testdata", "failed", strings.ReplaceAll(r.t.Name(), "/", "_"), r.label)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		r.t.Logf("keeping the screenshots: %v", err)
		return
	}
	for _, src := range append([]string{filepath.Join(r.dir, "app.log")}, r.shots...) {
		if err := copyFile(src, filepath.Join(dst, filepath.Base(src))); err != nil {
			r.t.Logf("keeping %s: %v", filepath.Base(src), err)
		}
	}
	abs, _ := filepath.Abs(dst)
	r.t.Logf("the screenshots and the app's log are kept in %s", abs)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lineLog keeps the lines of the app's standard error, in memory for the
// test to read and in a file for the person who reads a failure.
type lineLog struct {
	mu    sync.Mutex
	lines []string
	file  *os.File
}

func (l *lineLog) copyFrom(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		l.mu.Lock()
		l.lines = append(l.lines, line)
		_, _ = fmt.Fprintln(l.file, line)
		l.mu.Unlock()
	}
	if err := sc.Err(); err != nil && !errors.Is(err, os.ErrClosed) {
		l.mu.Lock()
		_, _ = fmt.Fprintln(l.file, "journey test: reading the app's standard error:", err)
		l.mu.Unlock()
	}
}

// snapshot returns the lines so far.
func (l *lineLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// mark is the number of lines so far, to count lines from a point on.
func (l *lineLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// hideGuide clicks the header's "Guide mode" button to hide the guide
// panel and returns where the button is, for showGuide. The button is
// found in a screenshot as the one drawn in the theme's primary colour in
// the header while guide mode is on; the header's other buttons come and go
// (Sign out), so it is looked for each time.
//
// A button takes no keyboard focus when clicked, so the focus stays where
// the journey needs it.
func (r *appRun) hideGuide() image.Point {
	r.t.Helper()
	_, img := r.screenshot("find-guide-button")
	p, ok := primaryButtonInHeader(img)
	if !ok {
		r.fail("no button in the primary colour in the window's header: is guide mode on?")
	}
	r.click(p)
	return p
}

// showGuide clicks the "Guide mode" button at p again.
func (r *appRun) showGuide(p image.Point) {
	r.t.Helper()
	r.click(p)
}

// click clicks at p in the window, then moves the pointer off the window
// so that no hover shows in a screenshot.
func (r *appRun) click(p image.Point) {
	r.t.Helper()
	r.xdotool("mousemove", "--window", r.window, "--sync", strconv.Itoa(p.X), strconv.Itoa(p.Y))
	// A click that follows the move at once lands before the app has
	// seen the pointer arrive, where it unfocuses instead of tapping.
	time.Sleep(200 * time.Millisecond)
	r.xdotool("click", "1")
	time.Sleep(100 * time.Millisecond)
	r.xdotool("mousemove", "--sync", "1279", "1023")
}

// headerHeight bounds the header in a screenshot at scale 1.
const headerHeight = 50

// primaryButtonInHeader finds the centre of the widest block of the light
// theme's primary blue in the top headerHeight rows of img: a button's
// fill, not the icon's or a text's few blue pixels.
func primaryButtonInHeader(img image.Image) (image.Point, bool) {
	b := img.Bounds()
	primary := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		r, g, bl = r>>8, g>>8, bl>>8
		return bl > 180 && r < 120 && g < 160 && bl-r > 100
	}
	// The longest run of primary pixels in each row.
	type run struct{ y, x0, x1 int }
	var best run
	var rows []run
	for y := b.Min.Y; y < min(b.Max.Y, b.Min.Y+headerHeight); y++ {
		cur, long := run{y: y}, run{y: y}
		for x := b.Min.X; x <= b.Max.X; x++ {
			if x < b.Max.X && primary(x, y) {
				if cur.x1 != x {
					cur.x0 = x
				}
				cur.x1 = x + 1
				continue
			}
			if cur.x1-cur.x0 > long.x1-long.x0 {
				long = cur
			}
			cur = run{y: y}
		}
		rows = append(rows, long)
		if long.x1-long.x0 > best.x1-best.x0 {
			best = long
		}
	}
	if best.x1-best.x0 < 40 {
		return image.Point{}, false
	}
	// The button's rows: those whose longest run is most of the best one.
	y0, y1 := best.y, best.y
	for _, r := range rows {
		if r.x1-r.x0 >= (best.x1-best.x0)*3/4 && r.x0 < best.x1 && best.x0 < r.x1 {
			y0, y1 = min(y0, r.y), max(y1, r.y)
		}
	}
	return image.Pt((best.x0+best.x1)/2, (y0+y1)/2), true
}
