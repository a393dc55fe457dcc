package main

import "testing"

// The demo portal sends its emails only to a relay on this computer.
func TestDemoMailerIsOnLoopbackOnly(t *testing.T) {
	if m, err := demoMailer(""); m != nil || err != nil {
		t.Errorf(`demoMailer("") = %v, %v; want no relay`, m, err)
	}
	for _, addr := range []string{"127.0.0.1:8025", "[::1]:8025"} {
		if m, err := demoMailer(addr); m == nil || err != nil {
			t.Errorf("demoMailer(%q) = %v, %v; want a relay", addr, m, err)
		}
	}
	for _, addr := range []string{"192.0.2.1:25", "mail.example.com:25", "localhost", "127.0.0.1"} {
		if _, err := demoMailer(addr); err == nil {
			t.Errorf("demoMailer(%q) accepted a relay off this computer or without a port", addr)
		}
	}
}
