package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// codeDigits is the length of an authenticator code.
const codeDigits = 6

// codeEntry is the field for a 6-digit authenticator code: it takes digits
// only, tolerates the spaces and dashes of a pasted code, and calls
// onComplete as soon as the sixth digit is in (unless manual is set) and on
// Enter.
type codeEntry struct {
	widget.Entry
	onComplete func(code string)
	// manual: submit on Enter only, for a step that deserves a pause
	// before it is sent (turning two-factor authentication off).
	manual bool
	// onEdit, if set, is called with the clean text after each change.
	onEdit func(text string)
}

// newCodeEntry returns an empty code field.
func newCodeEntry(onComplete func(code string)) *codeEntry {
	e := &codeEntry{onComplete: onComplete}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = "6-digit code"
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.OnChanged = e.changed
	e.OnSubmitted = func(string) { e.complete() }
	return e
}

// TypedRune lets only digits in, and no more than six.
func (e *codeEntry) TypedRune(r rune) {
	if r < '0' || r > '9' || len(e.Text) >= codeDigits {
		return
	}
	e.Entry.TypedRune(r)
}

// changed keeps the text to digits (a paste may bring spaces, dashes or a
// line break) and submits on the sixth.
func (e *codeEntry) changed(text string) {
	digits := onlyDigits(text)
	if len(digits) > codeDigits {
		digits = digits[:codeDigits]
	}
	if digits != text {
		e.SetText(digits) // calls changed again with the clean text
		return
	}
	if e.onEdit != nil {
		e.onEdit(digits)
	}
	if len(digits) == codeDigits && !e.manual {
		e.complete()
	}
}

func (e *codeEntry) complete() {
	if len(e.Text) == codeDigits && !e.Disabled() && e.onComplete != nil {
		e.onComplete(e.Text)
	}
}

// onlyDigits returns the ASCII digits of s, in order.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
