package client

import (
	"errors"
	"testing"
)

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"partners.example.com":                          "https://partners.example.com",
		"  partners.example.com  ":                      "https://partners.example.com",
		"Partners.Example.COM/":                         "https://partners.example.com",
		"https://partners.example.com///":               "https://partners.example.com",
		"https://x.example.com/portal/":                 "https://x.example.com/portal",
		"https://x.example.com/portal/api/v1/":          "https://x.example.com/portal",
		"https://x.example.com/api/v1":                  "https://x.example.com",
		"https://partners.example.com:443":              "https://partners.example.com",
		"https://partners.example.com:8443/":            "https://partners.example.com:8443",
		"HTTPS://partners.example.com":                  "https://partners.example.com",
		"http://127.0.0.1:8080":                         "http://127.0.0.1:8080",
		"http://localhost:8080/":                        "http://localhost:8080",
		"http://[::1]:8080":                             "http://[::1]:8080",
		"http://127.0.0.2":                              "http://127.0.0.2",
		"https://[2001:db8::1]/":                        "https://[2001:db8::1]",
		"https://xn--bcher-kva.example":                 "https://xn--bcher-kva.example",
		"https://portal.example.com/a%20b/":             "https://portal.example.com/a%20b",
		DefaultAddress:                                  DefaultAddress,
		"partners.onlinedatastorageuk.co.uk":            DefaultAddress,
		"https://partners.onlinedatastorageuk.co.uk/#/": "", // fragment: invalid
	} {
		got, err := NormalizeAddress(in)
		if want == "" {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Errorf("NormalizeAddress(%q) = %q, %v; want ErrInvalidAddress", in, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeAddressRefuses(t *testing.T) {
	for _, in := range []string{
		"", "   ", "https://", "://x", "ftp://partners.example.com", "partners example.com",
		"https://user:pw@partners.example.com", "https://partners.example.com/?x=1",
		"https://partners.example.com:0", "https://partners.example.com:99999", "https://partners.example.com:",
		"https://-bad-.example.com", "https://bad_host.example.com", "https://exa mple.com",
		"https://[not-ipv6]/", "https://bücher.example", "mailto:someone@example.com", "javascript:alert(1)",
		"https://partners.example.com\\evil", "\x00", "https://a..b",
	} {
		if got, err := NormalizeAddress(in); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want ErrInvalidAddress", in, got, err)
		}
	}
	for _, in := range []string{"http://partners.example.com", "http://10.0.0.1", "http://[2001:db8::1]", "http://localhost.example.com"} {
		if got, err := NormalizeAddress(in); !errors.Is(err, ErrInsecureAddress) {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want ErrInsecureAddress", in, got, err)
		}
	}
}

func TestNewUsesTheDefaultAddress(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Address() != DefaultAddress || c.Host() != "partners.onlinedatastorageuk.co.uk" {
		t.Fatalf("Address = %q, Host = %q", c.Address(), c.Host())
	}
}
