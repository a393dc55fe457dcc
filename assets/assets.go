// Package assets holds the resources embedded in the application binary:
// the application icon and, as they arrive, other images the screens show.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:generate go run ./icongen -o Icon.png -small icon-64.png

//go:embed Icon.png
var iconPNG []byte

//go:embed icon-64.png
var icon64PNG []byte

// Icon is the application icon, a shield holding a key, 512×512 pixels.
var Icon = fyne.NewStaticResource("Icon.png", iconPNG)

// SmallIcon is the icon at 64×64 pixels, for the window's header and the
// window's own icon (the app's SetIcon): a small image decodes in a
// fraction of the time at start-up.
var SmallIcon = fyne.NewStaticResource("icon-64.png", icon64PNG)
