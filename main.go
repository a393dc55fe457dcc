// Command partnersecurity is the Partner Security desktop application: it walks
// a partner-portal user through turning on two-factor authentication.
//
// main is the composition root: it reads the flags, creates the Fyne app and
// wires configuration, the portal client, the session store and the screens.
package main

import (
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/assets"
)

func main() {
	info, err := loadAppInfo()
	if err != nil {
		log.Fatal(err)
	}
	a := app.NewWithID(info.ID)
	a.SetIcon(assets.Icon)
	w := a.NewWindow(info.Name)
	w.SetContent(widget.NewLabel(info.Name + " " + info.Version))
	w.Resize(fyne.NewSize(720, 560))
	w.ShowAndRun()
}
