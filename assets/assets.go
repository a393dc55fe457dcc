// Package assets holds the resources embedded in the application binary:
// the application icon and, as they arrive, other images the screens show.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:generate go run ./icongen -o Icon.png

//go:embed Icon.png
var iconPNG []byte

// Icon is the application icon, a shield holding a key, 512×512 pixels.
var Icon = fyne.NewStaticResource("Icon.png", iconPNG)
