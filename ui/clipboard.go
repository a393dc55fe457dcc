package ui

import "time"

// clipboardClearAfter is how long a copied secret stays on the clipboard.
const clipboardClearAfter = 60 * time.Second

// copySecret puts text on the clipboard and takes it off again after
// clipboardClearAfter, unless something else was copied meanwhile.
func (a *App) copySecret(text string) {
	cb := a.cfg.App.Clipboard()
	cb.SetContent(text)
	a.after(clipboardClearAfter, func() {
		if cb.Content() == text {
			cb.SetContent("")
		}
	})
}
