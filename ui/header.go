package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/assets"
)

// header is the bar at the top of the window: the product, the signed-in
// account, and the buttons that work on every screen.
type header struct {
	account *widget.Label
	guide   *widget.Button
	share   *widget.Button
	about   *widget.Button
	signOut *widget.Button
	box     fyne.CanvasObject
}

// headerActions are what the header's buttons do.
type headerActions struct {
	guide, share, about, signOut func()
}

// newHeader returns the header, signed out; demo adds the "Demo portal"
// badge.
func newHeader(demo bool, do headerActions) *header {
	h := &header{account: &widget.Label{Truncation: fyne.TextTruncateEllipsis}}
	h.guide = &widget.Button{Text: "Guide mode", Icon: theme.HelpIcon(), OnTapped: do.guide}
	h.share = &widget.Button{Text: shareShortLabel, Icon: theme.VisibilityIcon(), OnTapped: do.share}
	h.share.Hide()
	// About is the icon alone: the account's name needs the room.
	h.about = &widget.Button{Icon: theme.InfoIcon(), Importance: widget.LowImportance, OnTapped: do.about}
	h.signOut = &widget.Button{Text: "Sign out", Icon: theme.LogoutIcon(), OnTapped: do.signOut}
	h.signOut.Hide()

	icon := canvas.NewImageFromResource(assets.SmallIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(28))
	title := &widget.Label{Text: appName, TextStyle: fyne.TextStyle{Bold: true}}
	right := container.NewHBox()
	if demo {
		right.Add(container.NewCenter(newBadge(bannerWarning, "Demo portal")))
	}
	right.Add(h.share)
	right.Add(h.guide)
	right.Add(h.about)
	right.Add(h.signOut)
	h.box = container.NewPadded(container.NewBorder(nil, nil, container.NewHBox(icon, title), right, h.account))
	return h
}

func (h *header) content() fyne.CanvasObject { return h.box }

// show shows the signed-in account, or nothing.
func (h *header) show(s accountState) {
	acc := s.info
	if !s.signedIn() || acc == nil {
		h.account.SetText("")
		h.signOut.Hide()
		return
	}
	text := acc.Name
	if text == "" {
		text = acc.Username
	}
	if acc.Company != "" {
		text += " · " + acc.Company
	}
	h.account.SetText(text)
	h.signOut.Show()
}

// setCanShare shows the share button when sharing may start.
func (h *header) setCanShare(on bool) {
	if on {
		h.share.Show()
	} else {
		h.share.Hide()
	}
}

// setGuide shows whether guide mode is on.
func (h *header) setGuide(on bool) {
	if on {
		h.guide.Importance = widget.HighImportance
	} else {
		h.guide.Importance = widget.MediumImportance
	}
	h.guide.Refresh()
}

func (h *header) setSigningOut(on bool) {
	if on {
		h.signOut.Disable()
	} else {
		h.signOut.Enable()
	}
}
