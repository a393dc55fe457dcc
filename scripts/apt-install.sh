#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs the Debian/Ubuntu packages that are not
# installed yet, through sudo when not root. Prints nothing when all are there.
set -euo pipefail

missing=()
for p in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "These packages are needed: ${missing[*]}" >&2
	echo "This is not a Debian/Ubuntu machine: install their equivalents by hand (see README.md)." >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "Run as root or install sudo: need ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
