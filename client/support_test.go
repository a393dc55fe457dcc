package client

import "testing"

// A temporary access code is read as the portal reads it, however it was
// typed from what the help desk read out.
func TestNormalizeTemporaryCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"K7QM-2XHD-9RTA-WC4E", "K7QM-2XHD-9RTA-WC4E", true},
		{"k7qm2xhd9rtawc4e", "K7QM-2XHD-9RTA-WC4E", true},
		{" k7qm 2xhd 9rta wc4e ", "K7QM-2XHD-9RTA-WC4E", true},
		{"O0IL-1111-2222-3333", "0011-1111-2222-3333", true}, // Crockford's look-alikes
		{"K7QM-2XHD-9RTA-WC4", "", false},                    // 15 characters
		{"K7QM-2XHD-9RTA-WC4EE", "", false},                  // 17
		{"K7QM-2XHD-9RTA-WC4U", "", false},                   // U is not in the alphabet
		{"K7QM-2XHD-9RTA-WC4\u212a", "", false},              // KELVIN SIGN is not K
		{"", "", false},
	} {
		got, ok := NormalizeTemporaryCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeTemporaryCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// The portal's answer must hold a code as the contract writes it: one
// that the help desk could not read out right is refused.
func TestTemporaryAccessAnswerIsChecked(t *testing.T) {
	for code, ok := range map[string]bool{
		"K7QM-2XHD-9RTA-WC4E": true,
		"K7QM2XHD9RTAWC4E":    false,
		"k7qm-2xhd-9rta-wc4e": false,
		"K7QM-2XHD-9RTA-WC4I": false,
	} {
		if got := validTemporaryCode(code); got != ok {
			t.Errorf("validTemporaryCode(%q) = %v, want %v", code, got, ok)
		}
	}
}
