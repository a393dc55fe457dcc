#!/usr/bin/env bash
# Offline vulnerability scan: builds a Go vulnerability database from the
# golang.org/x/vulndb module at a pinned version (the online database is out of
# reach from our build machines), caches it outside the repository, and runs
# govulncheck against it. Fails when the project's code is affected.
#
# The pinned version is raised on purpose, in its own commit: VULNDB_VERSION in
# the Makefile.
set -euo pipefail

version=${VULNDB_VERSION:?VULNDB_VERSION must be set (see Makefile)}
cache=${PARTNERSECURITY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/partnersecurity}
db="$cache/vulndb-$version"

if [ ! -f "$db/index/db.json" ]; then
	echo "vulncheck: building the offline vulnerability database from golang.org/x/vulndb@$version"
	src=$(go mod download -json "golang.org/x/vulndb@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$src" ] || { echo "vulncheck: could not download golang.org/x/vulndb@$version" >&2; exit 1; }
	work=$(mktemp -d)
	trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
	# gendb reads the reports from a git repository, so give it one.
	cp -r "$src" "$work/vulndb"
	chmod -R u+w "$work/vulndb"
	git -C "$work/vulndb" init -q
	git -C "$work/vulndb" -c user.name=vulncheck -c user.email=vulncheck@localhost add -A
	git -C "$work/vulndb" -c user.name=vulncheck -c user.email=vulncheck@localhost commit -q -m "vulndb $version"
	(cd "$work/vulndb" && go run ./cmd/gendb -repo . -out "$work/out")
	mkdir -p "$cache"
	rm -rf "$db.tmp" && mv "$work/out" "$db.tmp" && rm -rf "$db" && mv "$db.tmp" "$db"
fi

echo "vulncheck: govulncheck against golang.org/x/vulndb@$version"
exec go tool govulncheck -db "file://$db" "$@" ./...
