package session

// Until entries were keyed by the whole portal address, they were keyed by
// the portal's host alone: a session under "<host>|<username>" and the last
// pointer under "<host>", where host came from legacyHostKey's rules. So
// that nobody is signed out by the change, such an entry is moved on first
// use. This file is only that migration; it can go once no installed
// version keys by host.
//
// One host entry may be wanted by several portals on that host (tenants on
// other paths, ports or schemes). The entry knows whose it is, Session.
// Portal being the address it was saved for, and it moves only to that
// address: another tenant leaves it alone, so it never gets someone else's
// token.

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// legacyHostKey returns the host key under which entries of portal were
// stored before keys held the whole address, by exactly the rules of the
// time: the host lower-cased, with its port unless it is the scheme's
// default (https assumed without a scheme). ok is false when those rules
// gave no key, so no legacy entry can exist.
func legacyHostKey(portal string) (host string, ok bool) {
	p := strings.TrimSpace(portal)
	if p == "" {
		return "", false
	}
	if !strings.Contains(p, "://") {
		p = "https://" + p
	}
	u, err := url.Parse(p)
	if err != nil || u.Host == "" || strings.ContainsAny(u.Host, "|/ ") {
		return "", false
	}
	host = strings.ToLower(u.Host)
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return host, true
}

// legacyLastUsername returns the username the legacy last pointer of
// portal's host names, or ErrNotFound. The pointer may be another tenant's
// on the same host; moveLegacy tells.
func (v vault) legacyLastUsername(portal string) (string, error) {
	host, ok := legacyHostKey(portal)
	if !ok {
		return "", ErrNotFound
	}
	return v.lastUsername(host)
}

// moveLegacy moves username's legacy entry to portal's key when it was
// saved for portal (its Session.Portal equals portal, which has passed
// portalKey), and reports whether it wrote one there. The new entry is
// written before the legacy one is deleted, so an interrupted move loses
// nothing, and it never replaces an entry already under the new key (that
// one is newer: the legacy entry is just dropped). The legacy last pointer
// follows when it names username: it becomes portal's pointer unless
// portal has one.
//
// An entry saved for another portal is left as it is, with the pointer.
// An unreadable entry, or a pointer whose entry is gone, belongs to nobody
// and is deleted.
func (v vault) moveLegacy(portal, username string) (moved bool, err error) {
	host, ok := legacyHostKey(portal)
	if !ok {
		return false, nil
	}
	legacy := entryUser(host, username)
	raw, err := v.b.get(legacy)
	var owned bool // the legacy entry was saved for portal
	switch {
	case errors.Is(err, errNoEntry):
		// Nothing to move; a pointer naming username has lost its entry.
	case err != nil:
		return false, err
	default:
		var s Session
		readable := json.Unmarshal([]byte(raw), &s) == nil
		if readable && s.Portal != portal {
			return false, nil
		}
		if owned = readable; owned {
			if moved, err = v.setIfAbsent(entryUser(portal, username), raw); err != nil {
				return false, err
			}
		}
		if err := v.b.delete(legacy); err != nil && !errors.Is(err, errNoEntry) {
			return moved, err
		}
	}

	last, err := v.lastUsername(host)
	if errors.Is(err, ErrNotFound) || (err == nil && last != username) {
		return moved, nil
	}
	if err != nil {
		return moved, err
	}
	if owned {
		if _, err := v.setIfAbsent(portal, pointerValue(username)); err != nil {
			return moved, err
		}
	}
	if err := v.b.delete(host); err != nil && !errors.Is(err, errNoEntry) {
		return moved, err
	}
	return moved, nil
}

// setIfAbsent stores value under user unless an entry is there already,
// and reports whether it stored it.
func (v vault) setIfAbsent(user, value string) (bool, error) {
	_, err := v.b.get(user)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, errNoEntry) {
		return false, err
	}
	if err := v.b.set(user, value); err != nil {
		return false, err
	}
	return true, nil
}
