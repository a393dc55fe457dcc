#!/usr/bin/env bash
# run-app.sh BINARY [ARG...]: runs the app on this desktop. Without a session
# bus (a bare console or SSH login) it starts a private one, so that the app
# still finds a Secret Service if gnome-keyring can be started on it.
set -euo pipefail

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
	echo "There is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
	echo "Run make demo from a desktop session." >&2
	exit 1
fi
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -S "${XDG_RUNTIME_DIR:-/nonexistent}/bus" ]; then
	exec "$@"
fi
exec dbus-run-session -- "$@"
