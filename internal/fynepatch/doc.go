// Package fynepatch holds the change this project makes to Fyne, and what
// tells that a build carries it: SystemFontsRead, for the tests.
//
// # The change
//
// fyne-v2.7.1.patch (its header says it in full): Fyne's painter adds, to
// the fonts of every text style it measures, the system font that suits the
// user's language, parsed whole, after scanning the system's fonts for it.
// For a language whose text the theme's font already covers (English, and
// any other in Latin, Greek or Cyrillic script), that font is never drawn
// from, yet it is most of the app's memory at start-up: on a Debian desktop,
// DejaVu Sans regular and bold are 5.2 MB of a 9 MB live heap. Patched, the
// painter looks that font up when it first meets a rune none of the style's
// fonts has, in the same order of preference as before. On make bench's
// machine the window is mapped about 20 ms sooner and the app takes about
// 6 MiB less memory (PSS), for the same pixels.
//
// # How builds get it
//
// scripts/fyne-patched.sh makes bin/fyne-patched/: a copy of the Fyne that
// go.mod requires (hard links into the module cache, but for the patched
// files) and a go.work whose workspace replaces Fyne with that copy. The
// Makefile points GOWORK at it for every go command it runs, and
// packaging/dist.sh and the macOS script do the same for the installers, so
// the app a user installs is the app the tests and make bench measure.
// `go version -m` on a binary shows the replacement. A plain `go build` with
// no GOWORK builds against Fyne as released: the app works the same, with
// the memory and start-up time it had before the change; the test here
// fails on such a build, to say so.
//
// # When Fyne moves on
//
// The script refuses to build when go.mod names a Fyne version that has no
// fyne-VERSION.patch here, and when the patch does not apply exactly. Port
// the patch to the new version, or delete this package's patch, the script
// and the Makefile's GOWORK if the new Fyne loads that font only when
// needed. The change is meant for upstream, where it belongs.
package fynepatch
