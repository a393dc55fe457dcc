package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
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
		"https://[::ffff:10.0.0.1]":                     "https://[::ffff:10.0.0.1]",
		"https://[::FFFF:10.0.0.1]:8443/portal":         "https://[::ffff:10.0.0.1]:8443/portal",
		"http://[::ffff:127.0.0.1]:8080":                "http://[::ffff:127.0.0.1]:8080",
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

// An IPv6 address that holds an IPv4 one keeps its brackets: without them
// the address cannot be read back, and New used to panic on it.
func TestNewWithAnIPv4MappedAddress(t *testing.T) {
	c, err := New(Options{Address: "https://[::ffff:10.0.0.1]"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Address() != "https://[::ffff:10.0.0.1]" || c.Host() != "[::ffff:10.0.0.1]" {
		t.Fatalf("Address = %q, Host = %q", c.Address(), c.Host())
	}
}

// FuzzNormalizeAddress types arbitrary text into the portal address: New
// must never panic; it refuses with ErrInvalidAddress or
// ErrInsecureAddress, or returns a client whose address normalizes to
// itself and whose requests go to exactly that host.
func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range []string{
		"partners.example.com", "https://[::ffff:10.0.0.1]", "http://[::ffff:127.0.0.1]:8080",
		"https://[2001:db8::1]:8443/portal/", "http://[::1]", "https://[fe80::1%25eth0]/",
		"https://x.example.com/portal/api/v1/", "https://a:1:2", "[::1]", "::1", "https://[::]",
		"https://portal.example.com/a%20b/", "http://localhost:8080", "https://user@x", "https://x/?#",
		"HTTPS://X.EXAMPLE.COM:443", "https://x.example.com/%zz", "https://[1.2.3.4]", "https://1.2.3.4:65535",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, address string) {
		norm, nerr := NormalizeAddress(address)
		if nerr != nil && !errors.Is(nerr, ErrInvalidAddress) && !errors.Is(nerr, ErrInsecureAddress) {
			t.Fatalf("NormalizeAddress(%q): untyped error %v", address, nerr)
		}
		var sent *http.Request
		c, err := New(Options{Address: address, Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			sent = r
			return nil, errors.New("no network in this test")
		})})
		switch {
		case address == "":
			return // New uses DefaultAddress
		case nerr != nil:
			if err == nil {
				t.Fatalf("New(%q) accepted what NormalizeAddress refused: %v", address, nerr)
			}
			return
		case err != nil:
			t.Fatalf("New(%q): %v, but NormalizeAddress gave %q", address, err, norm)
		}
		if c.Address() != norm {
			t.Fatalf("New(%q).Address() = %q, NormalizeAddress gave %q", address, c.Address(), norm)
		}
		if again, err := NormalizeAddress(norm); err != nil || again != norm {
			t.Fatalf("NormalizeAddress(%q) = %q, %v; want it unchanged", norm, again, err)
		}
		u, err := url.Parse(norm)
		if err != nil || u.Host != c.Host() || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q reads back as %+v, %v (Host %q)", norm, u, err, c.Host())
		}
		_, _ = c.GetHealth(context.Background())
		if sent == nil || sent.URL.Host != c.Host() || sent.URL.Scheme != u.Scheme ||
			!strings.HasSuffix(sent.URL.EscapedPath(), apiPrefix+"/health") {
			t.Fatalf("for %q the request went to %v", norm, sent)
		}
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
