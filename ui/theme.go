package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Fyne's default theme, light or dark as the system prefers, with
// three colours changed so that they can be read and seen:
//   - focus: the default blends a tint of the primary colour over a
//     button, which disappears on the primary buttons ("Configure",
//     "Generate shared secret"), so a keyboard user could not see where
//     Space would go;
//   - success and warning in the light theme: the default bright green and
//     orange carry white text ("Updated", "Demo portal") at a contrast of
//     about 1.5:1 and 2:1; these darker shades give about 5:1.
func Theme() fyne.Theme { return readableTheme{theme.DefaultTheme()} }

type readableTheme struct{ fyne.Theme }

// Color is the default theme's, but for the colours named above.
func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	dark := v == theme.VariantDark
	switch {
	case n == theme.ColorNameFocus && dark:
		return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x4c}
	case n == theme.ColorNameFocus:
		return color.NRGBA{A: 0x40}
	case n == theme.ColorNameSuccess && !dark:
		return color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	case n == theme.ColorNameWarning && !dark:
		return color.NRGBA{R: 0xb4, G: 0x53, B: 0x09, A: 0xff}
	}
	return t.Theme.Color(n, v)
}
