#!/usr/bin/env bash
# fyne-patched.sh DIR: makes DIR/go.work, a Go workspace of this module in
# which Fyne is DIR/fyne-VERSION: the Fyne release that go.mod requires, with
# internal/fynepatch/fyne-VERSION.patch applied. The Makefile points GOWORK
# at it, so that every build and test uses the patched Fyne; a plain `go
# build` without it uses Fyne as released. internal/fynepatch/doc.go says why.
#
# The copy is hard links into the module cache but for the files the patch
# changes, and is made again only when the Fyne version or the patch
# changes. It fails, saying so, when there is no patch for that version or
# when the patch no longer applies exactly.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: fyne-patched.sh DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
# The workspace being made may be named in GOWORK already.
export GOWORK=off

version=$(cd "$root" && go list -m -f '{{.Version}}' fyne.io/fyne/v2)
patch_file=$root/internal/fynepatch/fyne-$version.patch
if [ ! -f "$patch_file" ]; then
	echo "fyne-patched: go.mod requires Fyne $version, and internal/fynepatch has no fyne-$version.patch." >&2
	echo "Port the patch to $version, or delete it if that Fyne loads the language font lazily itself (internal/fynepatch/doc.go)." >&2
	exit 1
fi
go_version=$(cd "$root" && go list -m -f '{{.GoVersion}}')
tree=fyne-$version
stamp="$version $go_version $(cksum <"$patch_file") $root"
if [ -f "$out/go.work" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

module=$(cd "$root" && go mod download -json "fyne.io/fyne/v2@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$module" ] || { echo "fyne-patched: could not download fyne.io/fyne/v2@$version" >&2; exit 1; }

# writable_dirs: the copy's directories (its own, not the cache's) become
# writable, so that files can be replaced in them and removed.
writable_dirs() { [ ! -d "$out/$tree" ] || find "$out/$tree" -type d -exec chmod u+w {} +; }
writable_dirs
rm -rf "${out:?}/$tree" "$out/go.work" "$out/stamp"
if ! cp -al "$module" "$out/$tree" 2>/dev/null; then
	writable_dirs
	rm -rf "${out:?}/$tree"
	cp -r "$module" "$out/$tree" # the module cache is on another file system
fi
writable_dirs
# The files the patch changes (+++ b/PATH) become copies of their own, so that
# patching them leaves the module cache as it is.
while IFS= read -r f; do
	rm -f "$out/$tree/$f"
	cp "$module/$f" "$out/$tree/$f"
	chmod u+w "$out/$tree/$f"
done < <(sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$patch_file")
if ! patch -d "$out/$tree" -p1 -F 0 -N -s <"$patch_file"; then
	echo "fyne-patched: $patch_file does not apply to fyne.io/fyne/v2@$version as it is." >&2
	exit 1
fi

# The replacement's path is relative: builds record it (go version -m), the
# same on every machine.
printf 'go %s\n\nuse %s\n\nreplace fyne.io/fyne/v2 %s => ./%s\n' "$go_version" "$root" "$version" "$tree" >"$out/go.work"
echo "$stamp" >"$out/stamp"
