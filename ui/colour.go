package ui

import "image/color"

// colorWithAlpha returns the colour with 16-bit channels r, g, b at alpha a
// (0–255), non-premultiplied.
func colorWithAlpha(r, g, b uint32, a uint8) color.NRGBA {
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
