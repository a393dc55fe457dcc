// Command barewindow is the smallest Fyne app that shows what the app's
// first screen shows at the least: a window of the app's size with one line
// of text. make bench launches it beside the app and Chromium, as the floor
// that Fyne and the machine's OpenGL set for any Fyne app's start-up.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("bench.barewindow")
	w := a.NewWindow("Bare Fyne window")
	w.SetContent(widget.NewLabel("Partner Security"))
	w.Resize(fyne.NewSize(860, 680))
	w.ShowAndRun()
}
