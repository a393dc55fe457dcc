package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeTOML writes a FyneApp.toml with the given [Details] lines into a
// temporary directory and returns its path.
func writeTOML(t *testing.T, details string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "FyneApp.toml")
	text := "Website = \"https://example.com/a b\"\n\n[Details]\n" + details + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Given a name with quotes and a dollar sign, when a shell evaluates the
// output of `distmeta env`, then it reads back exactly the file's values.
func TestEnvRoundTripsThroughAShell(t *testing.T) {
	path := writeTOML(t, `Name = "Partner's \"Security\" $HOME"
ID = "uk.example.app"
Version = "1.20.300"
Build = 7`)
	var out bytes.Buffer
	if err := run([]string{"env", "-toml", path}, nil, &out); err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("sh", "-c", `eval "$(cat)"; printf '%s|%s|%s|%s|%s|%s' "$APP_NAME" "$APP_ID" "$APP_VERSION" "$APP_BUILD" "$APP_FILE_VERSION" "$APP_WEBSITE"`)
	sh.Stdin = &out
	got, err := sh.Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	want := `Partner's "Security" $HOME|uk.example.app|1.20.300|7|1.20.300.7|https://example.com/a b`
	if string(got) != want {
		t.Errorf("shell read\n%s\nwant\n%s", got, want)
	}
}

// The repository's own FyneApp.toml must pass the checks the packages need.
func TestRepositoryMetadataIsPackageable(t *testing.T) {
	info, err := loadAppInfo("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if info.Details.Name != "Partner Security" {
		t.Errorf("Name = %q; the install test looks for a window of that title", info.Details.Name)
	}
}

func TestVersionsThePackagesCannotCarryAreRefused(t *testing.T) {
	for _, details := range []string{
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"1.2\"\nBuild = 1",
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"1.2.3-beta\"\nBuild = 1",
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"01.2.3\"\nBuild = 1",
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"256.0.0\"\nBuild = 1",
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"1.0.65536\"\nBuild = 1",
		`Name = "A"` + "\nID = \"a.b\"\nVersion = \"1.0.0\"\nBuild = 0",
		`Name = "A"` + "\nVersion = \"1.0.0\"\nBuild = 1",
	} {
		if _, err := loadAppInfo(writeTOML(t, details)); err == nil {
			t.Errorf("accepted:\n%s", details)
		}
	}
	if _, err := loadAppInfo(writeTOML(t, `Name = "A"`+"\nID = \"a.b\"\nVersion = \"255.255.65535\"\nBuild = 1")); err != nil {
		t.Errorf("refused the largest MSI version: %v", err)
	}
}

// Given the app icon, the icon set has every hicolor size, each file is
// a square PNG of that size with visible pixels, and a second run writes the
// same bytes (the .deb that holds them must be reproducible).
func TestIconsHaveEverySizeAndAreReproducible(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, dir := range dirs {
		if err := run([]string{"icons", "-src", "../../assets/Icon.png", "-out", dir, "-name", "uk.example.app"}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range hicolorSizes {
		rel := filepath.Join(fmt.Sprintf("%dx%d", size, size), "apps", "uk.example.app.png")
		a, err := os.ReadFile(filepath.Join(dirs[0], rel))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", rel)
		}
		img, err := png.Decode(bytes.NewReader(a))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if got := img.Bounds().Size(); got.X != size || got.Y != size {
			t.Errorf("%s is %v", rel, got)
		}
		opaque := 0
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if _, _, _, alpha := img.At(x, y).RGBA(); alpha > 0x8000 {
					opaque++
				}
			}
		}
		if opaque < size*size/4 {
			t.Errorf("%s: only %d of %d pixels are visible", rel, opaque, size*size)
		}
	}
}

func TestIconsRefuseASmallSource(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.png")
	if err := run([]string{"icons", "-src", "../../assets/Icon.png", "-out", dir, "-name", "x"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "64x64", "apps", "x.png"), small); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"icons", "-src", small, "-out", t.TempDir(), "-name", "x"}, nil, nil); err == nil {
		t.Error("scaled a 64-pixel icon up to 512 pixels without complaint")
	}
}

// The GUID of "python.org" in the DNS namespace is the example of RFC 9562.
func TestNameGUIDMatchesTheRFCExample(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"guid", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "python.org"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "886313E1-3B8A-5372-9B90-0C9AEE199E5D\n"; got != want {
		t.Errorf("guid = %q, want %q", got, want)
	}
	a, _ := nameGUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "ProductCode", "1.0.0")
	b, _ := nameGUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "ProductCode", "1.0.1")
	if a == b {
		t.Error("two versions share a ProductCode")
	}
}

func TestBadInvocationsFail(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"nonsense"},
		{"guid", "not-a-guid", "x"},
		{"guid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{"icons", "-src", "../../assets/Icon.png"},
		{"env", "-toml", "/nonexistent/FyneApp.toml"},
	} {
		if err := run(args, nil, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// Given the app icon, the .ico holds one PNG entry per size Windows uses,
// each entry's directory record matching the image it points at.
func TestICOHasEverySizeAsPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.ico")
	if err := run([]string{"ico", "-src", "../../assets/Icon.png", "-out", path}, nil, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(data[0:]) != 0 || le.Uint16(data[2:]) != 1 || int(le.Uint16(data[4:])) != len(icoSizes) {
		t.Fatalf("ICONDIR = % x", data[:6])
	}
	for i, size := range icoSizes {
		e := data[6+16*i : 6+16*(i+1)]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		length, offset := le.Uint32(e[8:]), le.Uint32(e[12:])
		if w != size || int(e[1]) != int(e[0]) || le.Uint16(e[6:]) != 32 {
			t.Errorf("entry %d = % x, want %dx%d at 32 bits", i, e, size, size)
		}
		if int(offset+length) > len(data) {
			t.Fatalf("entry %d points past the end of the file", i)
		}
		img, err := png.Decode(bytes.NewReader(data[offset : offset+length]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if got := img.Bounds().Dx(); got != size {
			t.Errorf("entry %d is %d pixels wide, want %d", i, got, size)
		}
	}
}

// The usage text of Go's flag package, as the app prints it for -h, becomes
// one roff paragraph per option, with hyphens escaped.
func TestManOptionsFromFlagUsage(t *testing.T) {
	usage := "Fyne error:  Error parsing user locale C\n" +
		"Usage of partnersecurity:\n" +
		"  -ca-file file\n" +
		"    \tPEM file of extra certificate authorities, for a branded portal on a private CA\n" +
		"  -demo\n" +
		"    \trun against a demo portal\n" +
		"  -v\tlog each request (never a password) to standard error\n"
	var out bytes.Buffer
	if err := run([]string{"manoptions"}, strings.NewReader(usage), &out); err != nil {
		t.Fatal(err)
	}
	want := ".TP\n.BI \\-ca\\-file \" file\"\nPEM file of extra certificate authorities, for a branded portal on a private CA\n" +
		".TP\n.B \\-demo\nrun against a demo portal\n" +
		".TP\n.B \\-v\nlog each request (never a password) to standard error\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := run([]string{"manoptions"}, strings.NewReader("no flags here\n"), &out); err == nil {
		t.Error("accepted a usage text without options")
	}
}
