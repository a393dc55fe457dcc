package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/partnersecurity/partnersecurity/client"
)

// factorKind is which second factor a factorInput asks for.
type factorKind int

const (
	byCode      factorKind = iota // the 6-digit code from the authenticator app
	byRecovery                    // one of the recovery codes
	byTemporary                   // a temporary access code from the help desk
)

// factorInput asks for the second factor: the 6-digit code from the
// authenticator app or, after "Use a recovery code instead", one of the
// recovery codes; at sign-in also, after "I lost my phone", a temporary
// access code the help desk reads out.
type factorInput struct {
	env       *env
	code      *codeEntry
	recovery  *widget.Entry
	temporary *widget.Entry
	toggle    *widget.Button
	// lost is "I lost my phone"; nil where a temporary code can't be used.
	lost     *widget.Button
	prompt   *widget.Label
	prompts  [3]string // by factorKind
	kind     factorKind
	onSwitch func()
}

// factorPrompts are what the input says for each kind of factor; an empty
// temporary prompt leaves out "I lost my phone".
type factorPrompts struct {
	code, recovery, temporary string
}

// newFactorInput returns the input showing the code field. submit runs on
// Enter, and on the sixth digit unless manual is set.
func newFactorInput(e *env, prompts factorPrompts, manual bool, submit func()) *factorInput {
	f := &factorInput{env: e, prompts: [3]string{prompts.code, prompts.recovery, prompts.temporary}, prompt: paragraph(prompts.code)}
	f.code = newCodeEntry(func(string) { submit() })
	f.code.manual = manual
	f.recovery = &widget.Entry{PlaceHolder: "Recovery code, like abcd-efgh-jkmn", OnSubmitted: func(string) { submit() }}
	f.recovery.Hide()
	f.temporary = &widget.Entry{PlaceHolder: "Temporary access code, like K7QM-2XHD-9RTA-WC4E", OnSubmitted: func(string) { submit() }}
	f.temporary.Hide()
	f.toggle = &widget.Button{Text: "Use a recovery code instead", Importance: widget.LowImportance, OnTapped: f.onToggle}
	if prompts.temporary != "" {
		f.lost = &widget.Button{Text: "I lost my phone", Importance: widget.LowImportance, OnTapped: func() { f.show(byTemporary) }}
	}
	return f
}

// box lays the input out: its prompt, the field in use, and the buttons
// that switch between the factors.
func (f *factorInput) box() *fyne.Container {
	buttons := container.NewHBox(f.toggle)
	if f.lost != nil {
		buttons.Add(f.lost)
	}
	return container.NewVBox(f.prompt, f.code, f.recovery, f.temporary, buttons)
}

// field is the entry in use.
func (f *factorInput) field() fyne.Focusable {
	switch f.kind {
	case byRecovery:
		return f.recovery
	case byTemporary:
		return f.temporary
	}
	return f.code
}

// controls are the input's widgets to disable while a call runs.
func (f *factorInput) controls() []fyne.Disableable {
	c := []fyne.Disableable{f.code, f.recovery, f.temporary, f.toggle}
	if f.lost != nil {
		c = append(c, f.lost)
	}
	return c
}

// onToggle goes from the app's code to a recovery code, and from either of
// the others back to the app's code.
func (f *factorInput) onToggle() {
	if f.kind == byCode {
		f.show(byRecovery)
	} else {
		f.show(byCode)
	}
}

// show asks for the factor k.
func (f *factorInput) show(k factorKind) {
	f.kind = k
	for kind, field := range map[factorKind]fyne.CanvasObject{byCode: f.code, byRecovery: f.recovery, byTemporary: f.temporary} {
		if kind == k {
			field.Show()
		} else {
			field.Hide()
		}
	}
	if k == byCode {
		f.toggle.SetText("Use a recovery code instead")
	} else {
		f.toggle.SetText("Use the code from the app instead")
	}
	if f.lost != nil {
		if k == byTemporary {
			f.lost.Hide()
		} else {
			f.lost.Show()
		}
	}
	f.prompt.SetText(f.prompts[k])
	if f.onSwitch != nil {
		f.onSwitch()
	}
	f.env.focus(f.field())
}

// factor returns what was entered, or a sentence saying what is missing.
func (f *factorInput) factor() (client.SecondFactor, string) {
	switch f.kind {
	case byRecovery:
		rc := strings.TrimSpace(f.recovery.Text)
		if rc == "" {
			return client.SecondFactor{}, "Enter one of your recovery codes."
		}
		return client.RecoveryCode(rc), ""
	case byTemporary:
		if _, ok := client.NormalizeTemporaryCode(f.temporary.Text); !ok {
			return client.SecondFactor{}, "Enter the 16-character code the help desk read out to you, like K7QM-2XHD-9RTA-WC4E."
		}
		return client.TemporaryAccessCode(f.temporary.Text), ""
	}
	if len(f.code.Text) != codeDigits {
		return client.SecondFactor{}, "Enter the 6-digit code from your authenticator app."
	}
	return client.TOTPCode(f.code.Text), ""
}

// clear empties the fields, after a refusal.
func (f *factorInput) clear() {
	f.code.SetText("")
	f.recovery.SetText("")
	f.temporary.SetText("")
}
