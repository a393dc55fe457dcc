package fynepatch

import "path/filepath"

// SystemFontsRead reports whether Fyne has looked at the system's fonts
// with cacheDir as the user's cache directory (XDG_CACHE_HOME): the font
// scanner it uses writes its index of them there the first time, and only
// then. This package's test proves the file name on both sides (absent for
// text Fyne's fonts cover, present after a rune they lack), so the tests of
// the real app can rely on it.
func SystemFontsRead(cacheDir string) bool {
	found, _ := filepath.Glob(filepath.Join(cacheDir, "font_index_v*.cache"))
	return len(found) > 0
}
