package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
)

// nameGUID returns the name-based GUID (RFC 9562 version 5, SHA-1) of the
// names joined by "/" within the namespace GUID, in the upper-case form
// Windows Installer uses. The same inputs always give the same GUID, so the
// MSI's ProductCode can follow the version without being stored anywhere.
func nameGUID(namespace string, names ...string) (string, error) {
	ns, err := parseGUID(namespace)
	if err != nil {
		return "", err
	}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(strings.Join(names, "/")))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	s := hex.EncodeToString(u[:])
	return strings.ToUpper(s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]), nil
}

// parseGUID reads a GUID written as 8-4-4-4-12 hex digits, with or without
// braces.
func parseGUID(s string) ([16]byte, error) {
	var u [16]byte
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return u, fmt.Errorf("%q is not a GUID", s)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(t, "-", ""))
	if err != nil {
		return u, fmt.Errorf("%q is not a GUID", s)
	}
	copy(u[:], b)
	return u, nil
}
