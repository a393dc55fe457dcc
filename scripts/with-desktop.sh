#!/usr/bin/env bash
# with-desktop.sh COMMAND [ARG...]: runs COMMAND inside a throwaway desktop
# session, as the tests need one: a virtual X display (Xvfb), a private D-Bus
# session bus, and an unlocked gnome-keyring answering as the Secret Service.
# HOME and XDG_RUNTIME_DIR point at a temporary directory so that nothing the
# command does reaches the real user's preferences or keyring. Everything is
# stopped and removed when COMMAND ends; its exit status is passed on.
set -euo pipefail

# HOME changes below: keep Go's caches where they are.
GOCACHE=$(go env GOCACHE)
GOMODCACHE=$(go env GOMODCACHE)
GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH

root=$(mktemp -d "${TMPDIR:-/tmp}/partnersecurity-desktop.XXXXXX")
xvfb_pid=
cleanup() {
	if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
	rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$root/home" "$root/run"
chmod 700 "$root/run"

# Xvfb chooses a free display number and writes it to the -displayfd file.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$root/display" 2>"$root/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
	[ -s "$root/display" ] && break
	kill -0 "$xvfb_pid" 2>/dev/null || { cat "$root/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
	sleep 0.1
done
[ -s "$root/display" ] || { echo "Xvfb gave no display number" >&2; exit 1; }

export DISPLAY=":$(head -n1 "$root/display")"
export HOME="$root/home" XDG_RUNTIME_DIR="$root/run"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME DBUS_SESSION_BUS_ADDRESS LC_ALL LANGUAGE
# A fixed, well-formed locale: tests see the same dates and words everywhere.
export LANG=en_GB.UTF-8
# Tests that need a display or the keyring fail, rather than skip, when these are set.
export PARTNERSECURITY_REQUIRE_DISPLAY=1 PARTNERSECURITY_REQUIRE_KEYRING=1
KEYRING_PASSWORD=$(head -c 18 /dev/urandom | base64)
export KEYRING_PASSWORD

# gnome-keyring-daemon creates and unlocks the login keyring with the password
# on its standard input, then serves org.freedesktop.secrets on this bus.
dbus-run-session -- sh -c '
	printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
	unset KEYRING_PASSWORD
	exec "$@"' with-desktop "$@"
