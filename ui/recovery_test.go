package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// New recovery codes need a current code; the new set replaces the old.
func TestNewRecoveryCodes(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.signIn()
	key, old := h.enable()

	test.Tap(current[*securityScreen](h).configure)
	tapButton(t, current[*configureScreen](h).box, "New recovery codes")
	r := current[*recoveryRenewScreen](h)
	test.Type(r.renewal.code, h.code(key, 0))
	h.wait()
	if b := findButton(r.box, "Done"); b == nil {
		t.Fatalf("no new codes shown: %s", visibleText(r.box))
	}
	text := visibleText(r.box)
	for _, c := range old {
		if strings.Contains(text, c) {
			t.Errorf("an old code is shown again")
		}
	}
	if findButton(r.box, "Cancel") != nil {
		t.Error("Cancel is still offered while the new codes are on screen")
	}
	if h.app.shell.closeQuestion == "" {
		t.Error("closing the window would lose the unsaved codes without asking")
	}
}

// Copy all puts the codes on the clipboard and takes them off after 60 s,
// unless something else was copied meanwhile.
func TestCopiedSecretsLeaveTheClipboard(t *testing.T) {
	h := newHarness(t)
	v := newRecoveryCodesView(h.app.env, h.app.shell, codesOwner{}, []string{"aaaa-bbbb-cccc", "dddd-eeee-ffff"}, func() {})
	cb := h.fyne.Clipboard()

	test.Tap(findButton(v.box, "Copy all"))
	if cb.Content() != "aaaa-bbbb-cccc\ndddd-eeee-ffff" {
		t.Fatalf("clipboard = %q", cb.Content())
	}
	h.ticker.tick()
	if cb.Content() != "" {
		t.Error("the codes stay on the clipboard")
	}

	test.Tap(findButton(v.box, "Copy all"))
	cb.SetContent("something the person copied since")
	h.ticker.tick()
	if cb.Content() != "something the person copied since" {
		t.Error("the clipboard was cleared although it no longer held the codes")
	}
}

// Saved codes are readable by this user only, also over an older file.
func TestSavedCodesFileIsPrivate(t *testing.T) {
	h := newHarness(t)
	v := newRecoveryCodesView(h.app.env, h.app.shell, codesOwner{}, []string{"aaaa-bbbb-cccc", "dddd-eeee-ffff"}, func() {})
	path := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writePrivateFile(path, v.fileText()); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), " 1. aaaa-bbbb-cccc\n 2. dddd-eeee-ffff\n") || strings.Contains(string(b), "old") {
		t.Errorf("file:\n%s", b)
	}
}
