package fynepatch

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestSystemFontsOnlyForRunesFyneLacks measures text as every widget does,
// in each text style: text in the scripts Fyne's own fonts cover must not
// make Fyne read the system's fonts; a rune they lack must, so that it is
// still drawn from a system font. It must be the only test in this process
// that measures text: the font scanner is set up once per process.
func TestSystemFontsOnlyForRunesFyneLacks(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	test.NewTempApp(t)

	styles := []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}}
	covered := "Sign in — “Require two-factor authentication” · 6-digit code… Ωμέγα Привет Çà ß"
	for _, style := range styles {
		if size := fyne.MeasureText(covered, 14, style); size.Width <= 0 {
			t.Fatalf("text in style %+v measured %v wide", style, size.Width)
		}
	}
	if SystemFontsRead(cache) {
		t.Fatal("Fyne read the system's fonts to measure text its own fonts cover: " +
			"this build's Fyne lacks internal/fynepatch's change (build and test with make, " +
			"which sets GOWORK; see internal/fynepatch/doc.go)")
	}

	// Armenian, which Fyne's own fonts lack.
	fyne.MeasureText("Բարեւ", 14, fyne.TextStyle{})
	if !SystemFontsRead(cache) {
		t.Fatal("a rune Fyne's own fonts lack did not make Fyne look for it in the system's fonts")
	}
}
