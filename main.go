// Command partnersecurity is the Partner Security desktop application: it walks
// a partner-portal user through turning on two-factor authentication.
//
// main is the composition root: it reads the flags, creates the Fyne app and
// wires configuration, the portal client, the session store and the screens.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/assets"
)

// appID identifies the application to the OS; it must equal the ID in
// FyneApp.toml, and it names the service of the keyring entries.
const appID = "uk.co.onlinedatastorageuk.partnersecurity"

// windowTitle is the title of the main window.
const windowTitle = "Partner Security"

func main() {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w := a.NewWindow(windowTitle)
	w.SetContent(widget.NewLabel("Partner Security"))
	w.Resize(fyne.NewSize(720, 560))
	w.ShowAndRun()
}
