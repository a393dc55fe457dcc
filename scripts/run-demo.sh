#!/usr/bin/env bash
# run-demo.sh BINARY: runs the app against its in-process demo portal (make
# demo), with a mail relay on loopback that prints each notification email
# the portal sends (Debian's python3-aiosmtpd, a real SMTP server), so that
# every change of the second factor shows its email in this terminal.
set -euo pipefail

bin=$1
# A free loopback port for the relay.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m aiosmtpd --nosetuid --listen "127.0.0.1:$port" --class aiosmtpd.handlers.Debugging stdout &
relay=$!
trap 'kill "$relay" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	kill -0 "$relay" 2>/dev/null || { echo "the demo's mail relay did not start" >&2; exit 1; }
	sleep 0.1
done
echo "Demo mail relay: 127.0.0.1:$port; the portal's emails are printed below."
"$(dirname "$0")/run-app.sh" "$bin" -demo -demo-smtp "127.0.0.1:$port"
