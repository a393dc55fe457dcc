package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// recoveryCodesView shows a new set of recovery codes with Copy all and
// Save to file…, and keeps Done disabled until the person ticks "I have
// saved these codes": they are shown only once.
type recoveryCodesView struct {
	env    *env
	guard  closeGuard
	owner  codesOwner
	codes  []string
	saved  *widget.Check
	done   *widget.Button
	status *messageLabel
	box    *fyne.Container
}

// closeGuard asks before the window closes while recovery codes on screen
// are not saved yet (the shell).
type closeGuard interface {
	guardClose(question string)
	unguardClose()
}

// codesOwner names whose recovery codes they are, in the saved file.
type codesOwner struct {
	username, portal string
}

// ownerOf is the owner of the signed-in account's recovery codes.
func ownerOf(s accountState) codesOwner {
	o := codesOwner{portal: s.portal()}
	if s.info != nil {
		o.username = s.info.Username
	}
	return o
}

// newRecoveryCodesView returns the view of owner's codes; onDone runs on
// Done.
func newRecoveryCodesView(e *env, guard closeGuard, owner codesOwner, codes []string, onDone func()) *recoveryCodesView {
	v := &recoveryCodesView{env: e, guard: guard, owner: owner, codes: codes, status: newMessageLabel(widget.SuccessImportance)}
	grid := container.New(layout.NewGridLayoutWithColumns(2))
	for i, c := range codes {
		grid.Add(&widget.Label{Text: fmt.Sprintf("%2d.  %s", i+1, c), TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true})
	}
	copyAll := &widget.Button{Text: "Copy all", Icon: theme.ContentCopyIcon(), OnTapped: v.onCopy}
	save := &widget.Button{Text: "Save to file…", Icon: theme.DocumentSaveIcon(), OnTapped: v.onSave}
	v.done = &widget.Button{Text: "Done", Importance: widget.HighImportance, OnTapped: func() {
		guard.unguardClose()
		onDone()
	}}
	v.done.Disable()
	v.saved = widget.NewCheck("I have saved these codes", func(on bool) {
		if on {
			v.done.Enable()
		} else {
			v.done.Disable()
		}
	})
	v.box = container.NewVBox(
		subheading("Your recovery codes"),
		paragraph("If you lose your phone, each of these codes signs you in once instead of a code from the app. "+
			"Save them now, somewhere safe away from this computer, such as a password manager: they are shown only this once."),
		grid,
		container.NewHBox(copyAll, save),
		v.status,
		container.NewHBox(v.saved, v.done),
	)
	guard.guardClose("Your recovery codes are shown only once. Close the app without saving them?")
	return v
}

func (v *recoveryCodesView) onCopy() {
	v.env.copySecret(strings.Join(v.codes, "\n"))
	v.status.SetText("Copied. Paste them into your password manager now: the clipboard is cleared in 60 seconds.")
}

// onSave asks where to save the codes and writes them there, readable by
// this user only.
func (v *recoveryCodesView) onSave() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		uri := w.URI()
		if uri.Scheme() == "file" {
			// Write the file ourselves, so that it is created with mode
			// 0600 rather than the dialog's default.
			_ = w.Close()
			err = writePrivateFile(uri.Path(), v.fileText())
		} else {
			_, err = io.WriteString(w, v.fileText())
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			v.env.log.Warn("saving recovery codes failed", "err", err)
			v.status.Importance = widget.DangerImportance
			v.status.SetText("The codes couldn't be saved there. Choose another place, or copy them.")
			return
		}
		v.status.Importance = widget.SuccessImportance
		v.status.SetText("Saved to " + uri.Name() + ".")
	}, v.env.win)
	d.SetFileName("partner-portal-recovery-codes.txt")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".txt"}))
	d.Show()
}

// fileText is the saved file: what the codes are for, then the codes.
func (v *recoveryCodesView) fileText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Recovery codes for your partner portal account\n\n")
	if v.owner.username != "" {
		fmt.Fprintf(&b, "Account: %s\n", v.owner.username)
	}
	if v.owner.portal != "" {
		fmt.Fprintf(&b, "Portal:  %s\n", v.owner.portal)
	}
	fmt.Fprintf(&b, "Created: %s\n\n", v.env.now().Local().Format("2 January 2006 15:04"))
	b.WriteString("Each code signs you in once if you can't use your authenticator app.\n")
	b.WriteString("A new set replaces these. Keep this file somewhere safe.\n\n")
	for i, c := range v.codes {
		fmt.Fprintf(&b, "%2d. %s\n", i+1, c)
	}
	return b.String()
}

// writePrivateFile writes text to path with mode 0600, also when the file
// already existed with a wider mode.
func writePrivateFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// recoveryCodesRenewal asks for a current code and gets a new set of
// recovery codes, then shows them in place of itself.
type recoveryCodesRenewal struct {
	env     *env
	api     recoveryCodesAPI
	guard   closeGuard
	account *accountModel
	code    *codeEntry
	message *messageLabel
	sender  *sender
	form    *form
	box     *fyne.Container
	onDone  func()
}

// newRecoveryCodesRenewal returns the code step; onDone runs when the new
// codes are saved, and onCancel, if not nil, adds a Cancel button that
// goes away with the code step.
func newRecoveryCodesRenewal(e *env, api recoveryCodesAPI, guard closeGuard, account *accountModel, prompt string, onDone, onCancel func()) *recoveryCodesRenewal {
	r := &recoveryCodesRenewal{env: e, api: api, guard: guard, account: account, message: e.errorLine(), onDone: onDone}
	r.code = newCodeEntry(func(string) { r.onSubmit() })
	r.sender = newSender(e, "You can enter a code again in %s.", r.code)
	r.form = &form{env: e, sender: r.sender, message: r.message, what: "new recovery codes",
		refused: func(error) { r.code.SetText("") },
		retry:   func(error) fyne.Focusable { return r.code },
	}
	buttons := container.NewHBox(r.sender.activity)
	if onCancel != nil {
		buttons.Objects = []fyne.CanvasObject{&widget.Button{Text: "Cancel", OnTapped: onCancel}, r.sender.activity}
	}
	r.box = container.NewVBox(
		paragraph(prompt),
		r.code,
		buttons,
		r.sender.countdown.label,
		r.message,
	)
	return r
}

func (r *recoveryCodesRenewal) stop() { r.sender.stop() }

func (r *recoveryCodesRenewal) onSubmit() {
	if !r.form.ready() || len(r.code.Text) != codeDigits {
		return
	}
	code := r.code.Text
	submit(r.form, func(ctx context.Context) (*client.RecoveryCodes, error) {
		return r.api.RegenerateRecoveryCodes(ctx, code)
	}, func(res *client.RecoveryCodes) {
		r.account.setTwoFactor(&res.TwoFactor)
		view := newRecoveryCodesView(r.env, r.guard, ownerOf(r.account.get()), res.RecoveryCodes, r.onDone)
		r.box.Objects = []fyne.CanvasObject{view.box}
		r.box.Refresh()
		r.env.focus(view.saved)
	})
}
