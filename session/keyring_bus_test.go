package session

// The tests here need a D-Bus session bus of their own: godbus keeps one
// session-bus connection per process, so each scenario runs in a child
// process (this test binary again, its role chosen by childRoleEnv) on a
// bus the parent test starts for it.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	childRoleEnv = "PARTNERSECURITY_KEYRING_CHILD"
	childOK      = "KEYRING-CHILD-OK"
	// keyringPassword unlocks the throwaway login keyring of the timeout
	// scenario; it protects nothing.
	keyringPassword = "throwaway-test-keyring"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childRoleEnv); role != "" {
		os.Exit(runChild(role))
	}
	os.Exit(m.Run())
}

// runChild runs one scenario and prints childOK on success.
func runChild(role string) int {
	var err error
	switch role {
	case "unavailable":
		err = childUnavailable()
	case "timeout":
		err = childTimeout()
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Println("child failed:", err)
		return 1
	}
	fmt.Println(childOK, role)
	return 0
}

// lookTools returns the paths of the named programs, failing or skipping
// the test when one is missing.
func lookTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			skipOrFail(t, name+" is not installed")
		}
	}
}

// startProcess starts name in a process group of its own and ends that
// group when the test finishes.
func startProcess(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	})
}

// startBus starts a private dbus-daemon and returns its address. With
// activation false, its configuration lists no services, so nothing can
// be started on demand: a bus without a Secret Service.
func startBus(t *testing.T, env []string, activation bool) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "psbus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	args := []string{"--session"}
	if !activation {
		conf := filepath.Join(dir, "bus.conf")
		err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
		if err != nil {
			t.Fatal(err)
		}
		args = []string{"--config-file=" + conf}
	}
	cmd := exec.Command("dbus-daemon", append(args, "--nofork", "--print-address")...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	startProcess(t, cmd)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// startXvfb starts Xvfb on a free display and returns it (":N").
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "800x600x24")
	cmd.ExtraFiles = []*os.File{w}
	startProcess(t, cmd)
	_ = w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	_ = r.Close()
	if err != nil {
		t.Fatalf("Xvfb reported no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// runChildProcess runs this test binary in role with env and checks that
// the scenario ran and passed.
func runChildProcess(t *testing.T, role string, env []string, limit time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(env, childRoleEnv+"="+role)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), childOK+" "+role) {
		t.Fatalf("child %s: %v\n%s", role, err, out)
	}
}

// baseEnv is the environment without any session bus or display.
func baseEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "HOME", "XDG_RUNTIME_DIR", childRoleEnv:
			continue
		}
		env = append(env, kv)
	}
	if home != "" {
		env = append(env, "HOME="+home)
	}
	return env
}

// Given a session bus on which no Secret Service runs (and, separately, no
// session bus at all), every keyring call fails at once with
// ErrKeyringUnavailable rather than waiting for the timeout.
func TestKeyringUnavailableWithoutSecretService(t *testing.T) {
	lookTools(t, "dbus-daemon")
	t.Run("bus without a Secret Service", func(t *testing.T) {
		addr := startBus(t, baseEnv(t.TempDir()), false)
		runChildProcess(t, "unavailable", append(baseEnv(t.TempDir()), "DBUS_SESSION_BUS_ADDRESS="+addr), time.Minute)
	})
	t.Run("no session bus", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-bus-here")
		runChildProcess(t, "unavailable", append(baseEnv(t.TempDir()), "DBUS_SESSION_BUS_ADDRESS=unix:path="+missing), time.Minute)
	})
}

func childUnavailable() error {
	k := NewKeyring("uk.co.onlinedatastorageuk.partnersecurity.test-unavailable")
	ctx := context.Background()
	s := Session{Token: "tok", Username: "u@example.com", Portal: "https://p.example", ExpiresAt: time.Now().Add(time.Hour)}
	for name, call := range map[string]func() error{
		"load":   func() error { _, err := k.Load(ctx, s.Portal, s.Username); return err },
		"save":   func() error { return k.Save(ctx, s) },
		"delete": func() error { return k.Delete(ctx, s.Portal, s.Username) },
		"last":   func() error { _, err := k.Last(ctx, s.Portal); return err },
	} {
		start := time.Now()
		err := call()
		took := time.Since(start)
		if !errors.Is(err, ErrKeyringUnavailable) {
			return fmt.Errorf("%s: err = %v, want ErrKeyringUnavailable", name, err)
		}
		if took >= DefaultKeyringTimeout/2 {
			return fmt.Errorf("%s: took %v, want an answer at once", name, took)
		}
		if strings.Contains(err.Error(), s.Token) {
			return fmt.Errorf("%s: error message contains the token", name)
		}
	}
	return nil
}

// Given a locked keyring whose unlock prompt opens on a display and that
// nobody answers, a keyring call returns ErrKeyringTimeout by its deadline
// and its late channel stays pending; once the person types the keyring
// password into the prompt, the saved session arrives on that channel.
func TestKeyringTimeoutWhileUnlockPromptIsOpen(t *testing.T) {
	lookTools(t, "dbus-daemon", "gnome-keyring-daemon", "Xvfb", "xdotool")
	home := t.TempDir()
	runtime, err := os.MkdirTemp("", "psrt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(runtime) })
	if err := os.Chmod(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	// The bus starts the unlock prompt (gcr-prompter) on demand, so it must
	// know the display; NO_AT_BRIDGE keeps GTK from starting an a11y bus.
	env := append(baseEnv(home), "XDG_RUNTIME_DIR="+runtime, "DISPLAY="+display, "NO_AT_BRIDGE=1")
	addr := startBus(t, env, true)
	env = append(env, "DBUS_SESSION_BUS_ADDRESS="+addr)

	gkd := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	gkd.Env = env
	gkd.Stdin = strings.NewReader(keyringPassword)
	startProcess(t, gkd)

	runChildProcess(t, "timeout", env, 2*time.Minute)
}

func childTimeout() error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	if err := waitForName(conn, "org.freedesktop.secrets", 20*time.Second); err != nil {
		return err
	}
	const timeout = time.Second
	k := NewKeyring("uk.co.onlinedatastorageuk.partnersecurity.test-timeout", WithTimeout(timeout))
	ctx := context.Background()
	want := Session{Token: "late-token", Username: "late@example.com", Portal: "https://p.example", ExpiresAt: time.Now().Add(time.Hour)}
	if err := k.Save(ctx, want); err != nil {
		return fmt.Errorf("save while unlocked: %w", err)
	}

	// Lock the login keyring, as after a screen lock or a fresh login
	// without auto-unlock.
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).
		Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		return fmt.Errorf("lock the login keyring: %v (locked %v)", err, locked)
	}

	start := time.Now()
	_, err = k.Load(ctx, want.Portal, want.Username)
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, ErrKeyringTimeout) {
		return fmt.Errorf("load while the prompt is open: err = %v, want *TimeoutError", err)
	}
	if took < timeout-50*time.Millisecond || took > timeout+2*time.Second {
		return fmt.Errorf("load returned after %v, want about %v", took, timeout)
	}
	select {
	case r := <-te.Late:
		return fmt.Errorf("late channel answered (%v) while nobody answered the prompt", r.Err)
	case <-time.After(time.Second):
	}

	if err := answerUnlockPrompt(); err != nil {
		return err
	}
	select {
	case r, ok := <-te.Late:
		if !ok || r.Err != nil || r.Session == nil {
			return fmt.Errorf("late answer: ok=%v err=%v", ok, r.Err)
		}
		if r.Session.Token != want.Token || r.Session.Username != want.Username {
			return fmt.Errorf("late answer is not the saved session: %v", r.Session)
		}
	case <-time.After(30 * time.Second):
		return errors.New("no late answer after the keyring was unlocked")
	}
	// Once unlocked, calls answer in time again.
	if _, err := k.Last(ctx, want.Portal); err != nil {
		return fmt.Errorf("last after unlock: %w", err)
	}
	return k.Delete(ctx, want.Portal, want.Username)
}

// waitForName waits until name has an owner on conn.
func waitForName(conn *dbus.Conn, name string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has)
		if err == nil && has {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear on the bus: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// answerUnlockPrompt types the keyring password into the open "Unlock
// Login Keyring" window, as the person at the desktop would.
func answerUnlockPrompt() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "Unlock").Output()
	if err != nil {
		return fmt.Errorf("no unlock prompt window: %v", err)
	}
	win := strings.Fields(string(out))[0]
	for _, args := range [][]string{
		{"windowfocus", "--sync", win},
		{"type", "--delay", "20", keyringPassword},
		{"key", "Return"},
	} {
		if out, err := exec.CommandContext(ctx, "xdotool", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("xdotool %s: %v: %s", args[0], err, out)
		}
	}
	return nil
}
