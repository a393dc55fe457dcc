package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// factorInput asks for the second factor: the 6-digit code from the
// authenticator app or, after "Use a recovery code instead", one of the
// recovery codes.
type factorInput struct {
	env        *env
	code       *codeEntry
	recovery   *widget.Entry
	toggle     *widget.Button
	prompt     *widget.Label
	prompts    [2]string // for the code, for a recovery code
	byRecovery bool
	onSwitch   func()
}

// newFactorInput returns the input showing the code field. submit runs on
// Enter, and on the sixth digit unless manual is set.
func newFactorInput(e *env, codePrompt, recoveryPrompt string, manual bool, submit func()) *factorInput {
	f := &factorInput{env: e, prompts: [2]string{codePrompt, recoveryPrompt}, prompt: paragraph(codePrompt)}
	f.code = newCodeEntry(func(string) { submit() })
	f.code.manual = manual
	f.recovery = &widget.Entry{PlaceHolder: "Recovery code, like abcd-efgh-jkmn", OnSubmitted: func(string) { submit() }}
	f.recovery.Hide()
	f.toggle = &widget.Button{Text: "Use a recovery code instead", Importance: widget.LowImportance, OnTapped: f.onToggle}
	return f
}

// field is the entry in use.
func (f *factorInput) field() fyne.Focusable {
	if f.byRecovery {
		return f.recovery
	}
	return f.code
}

// controls are the input's widgets to disable while a call runs.
func (f *factorInput) controls() []fyne.Disableable {
	return []fyne.Disableable{f.code, f.recovery, f.toggle}
}

func (f *factorInput) onToggle() {
	f.byRecovery = !f.byRecovery
	if f.byRecovery {
		f.code.Hide()
		f.recovery.Show()
		f.toggle.SetText("Use the code from the app instead")
		f.prompt.SetText(f.prompts[1])
	} else {
		f.recovery.Hide()
		f.code.Show()
		f.toggle.SetText("Use a recovery code instead")
		f.prompt.SetText(f.prompts[0])
	}
	if f.onSwitch != nil {
		f.onSwitch()
	}
	f.env.focus(f.field())
}

// factor returns what was entered, or a sentence saying what is missing.
func (f *factorInput) factor() (client.SecondFactor, string) {
	if f.byRecovery {
		rc := strings.TrimSpace(f.recovery.Text)
		if rc == "" {
			return client.SecondFactor{}, "Enter one of your recovery codes."
		}
		return client.RecoveryCode(rc), ""
	}
	if len(f.code.Text) != codeDigits {
		return client.SecondFactor{}, "Enter the 6-digit code from your authenticator app."
	}
	return client.TOTPCode(f.code.Text), ""
}

// clear empties both fields, after a refusal.
func (f *factorInput) clear() {
	f.code.SetText("")
	f.recovery.SetText("")
}
