package client

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultAddress is the vendor's own partner portal.
const DefaultAddress = "https://partners.onlinedatastorageuk.co.uk"

// Address errors; NormalizeAddress and New wrap them with the reason.
var (
	// ErrInvalidAddress means the text is not a usable portal address.
	ErrInvalidAddress = errors.New("not a valid portal address")
	// ErrInsecureAddress means the address uses plain http:// for a host
	// other than this computer; the token would cross the network unencrypted.
	ErrInsecureAddress = errors.New("plain http:// is only allowed for this computer (localhost); use https://")
)

// apiPrefix is the API's path below a portal address.
const apiPrefix = "/api/v1"

// NormalizeAddress turns what a person types as a portal address into the
// canonical base URL the client calls: https:// is assumed when no scheme
// is given, the host is lower-cased, the default port, trailing slashes and
// a pasted "/api/v1" suffix are dropped, and a path prefix is kept
// ("https://x.example.com/portal/" → "https://x.example.com/portal", whose
// API is at /portal/api/v1/…). Errors wrap ErrInvalidAddress (empty,
// garbage, credentials, query or fragment, another scheme) or
// ErrInsecureAddress (http:// to anything but a loopback address).
func NormalizeAddress(address string) (string, error) {
	a := strings.TrimSpace(address)
	if a == "" {
		return "", fmt.Errorf("%w: the address is empty", ErrInvalidAddress)
	}
	if strings.ContainsAny(a, " \t\r\n\\") {
		return "", fmt.Errorf("%w: %q contains spaces or backslashes", ErrInvalidAddress, address)
	}
	if !strings.Contains(a, "://") {
		a = "https://" + a
	}
	u, err := url.Parse(a)
	if err != nil {
		return "", fmt.Errorf("%w: %q cannot be read as a web address", ErrInvalidAddress, address)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "https" && scheme != "http":
		return "", fmt.Errorf("%w: %q must start with https://", ErrInvalidAddress, address)
	case u.User != nil:
		return "", fmt.Errorf("%w: the address must not contain a user name or password", ErrInvalidAddress)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%w: %q must not contain ? or #", ErrInvalidAddress, address)
	case u.Opaque != "":
		return "", fmt.Errorf("%w: %q cannot be read as a web address", ErrInvalidAddress, address)
	}
	host, err := normalizeHost(u)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrInvalidAddress, address, err)
	}
	if scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("%w (%s)", ErrInsecureAddress, host)
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	p = strings.TrimSuffix(p, apiPrefix)
	p = strings.TrimRight(p, "/")
	return scheme + "://" + host + p, nil
}

// normalizeHost checks u's host and port and returns them lower-cased,
// without the scheme's default port.
func normalizeHost(u *url.URL) (string, error) {
	name := strings.ToLower(u.Hostname())
	if name == "" {
		return "", errors.New("no host name")
	}
	if ip := net.ParseIP(name); ip == nil {
		if strings.Contains(u.Host, "[") {
			return "", errors.New("the bracketed host is not an IPv6 address")
		}
		if err := checkHostname(name); err != nil {
			return "", err
		}
	} else if strings.Contains(name, ":") {
		// Every IPv6 literal keeps its brackets, including one that holds
		// an IPv4 address (::ffff:10.0.0.1, for which To4 is not nil):
		// without them the port cannot be told from the address.
		name = "[" + name + "]"
	}
	port := u.Port()
	if port == "" && strings.HasSuffix(u.Host, ":") {
		return "", errors.New("the port is empty")
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
		}
		if (u.Scheme == "https" && n == 443) || (u.Scheme == "http" && n == 80) {
			port = ""
		} else {
			port = strconv.Itoa(n)
		}
	}
	if port != "" {
		return name + ":" + port, nil
	}
	return name, nil
}

// checkHostname accepts DNS names of letters, digits, hyphens and dots
// (internationalized names in their xn-- form).
func checkHostname(name string) error {
	if len(name) > 253 {
		return errors.New("the host name is too long")
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a valid host name", name)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("%q is not a valid host name", name)
			}
		}
	}
	return nil
}

// isLoopback reports whether host (without port or brackets) names this
// computer: "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
