#!/usr/bin/env bash
# need-go.sh: makes sure a go command is on PATH that can fetch the pinned
# toolchain (any Go ≥ 1.21 downloads GOTOOLCHAIN from the module proxy).
set -euo pipefail

if ! command -v go >/dev/null 2>&1; then
	"$(dirname "$0")/apt-install.sh" golang-go ca-certificates
fi
minor=$(GOTOOLCHAIN=local go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$minor" ] || [ "$minor" -lt 21 ]; then
	echo "Go $(GOTOOLCHAIN=local go env GOVERSION) is too old to fetch the pinned toolchain $GOTOOLCHAIN." >&2
	echo "Install Go 1.21 or newer from https://go.dev/dl/ and run make again." >&2
	exit 1
fi
go version >/dev/null # fetches $GOTOOLCHAIN on first use
