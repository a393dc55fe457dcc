package ui

import (
	"fmt"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/assets"
)

// showAbout shows the app's version, and the support details to copy, in
// a dialog over win.
func showAbout(win fyne.Window, r release, details func(done func(text string)), clipboard fyne.Clipboard) {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(96))
	copied := &widget.Label{Importance: widget.SuccessImportance}
	var copyBtn *widget.Button
	copyBtn = &widget.Button{Text: "Copy support details", Icon: theme.ContentCopyIcon(), OnTapped: func() {
		copyBtn.Disable()
		details(func(text string) {
			clipboard.SetContent(text)
			copyBtn.Enable()
			copied.SetText("Copied.")
		})
	}}
	content := container.NewVBox(
		container.NewCenter(icon),
		&widget.Label{Text: appName, Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText},
		&widget.Label{Text: fmt.Sprintf("Version %s (build %d) · %s/%s", r.version, r.build, runtime.GOOS, runtime.GOARCH), Alignment: fyne.TextAlignCenter},
		paragraph("Turns on two-factor authentication for your partner-portal login, step by step. "+
			"Your sign-in is kept only in this computer's keyring."),
		container.NewCenter(copyBtn),
		container.NewCenter(copied),
	)
	dialog.ShowCustom("About "+appName, "Close", content, win)
}
