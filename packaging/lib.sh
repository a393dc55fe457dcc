# lib.sh: what the packaging scripts share. Source it; it needs bash.
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
#
# After `load_metadata` the app's metadata from FyneApp.toml is in APP_NAME,
# APP_ID, APP_VERSION, APP_BUILD, APP_FILE_VERSION and APP_WEBSITE, and
# SOURCE_DATE_EPOCH is set (from the environment, or the last commit's time):
# every timestamp the packages hold is that one, so that two builds of the same
# commit give the same files.

# The product facts the packages need that FyneApp.toml does not hold. The
# environment can override the maintainer and the manufacturer for a fork.
PKG_NAME=partnersecurity
DEB_MAINTAINER=${DEB_MAINTAINER:-Partner Security maintainers <partners@onlinedatastorageuk.co.uk>}
MSI_MANUFACTURER=${MSI_MANUFACTURER:-Online Data Storage UK}
# The MSI's UpgradeCode, also in packaging/windows/partnersecurity.wxs: the
# ProductCode and PackageCode are name-based GUIDs in this namespace.
MSI_UPGRADE_CODE=ACA950F8-4B63-4105-B8BB-5903F777EB61
# The runtime libraries the app needs on Linux beyond what dpkg-shlibdeps
# finds: GLFW opens some of them only when it runs.
DEB_RUNTIME_DEPENDS="libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1"

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PACKAGING=$REPO_ROOT/packaging
DIST=${DIST:-$REPO_ROOT/dist}

# The Go toolchain the Makefile pins (scripts run by hand get it too; the
# machine's own Go may be older and vulnerable).
if [ -z "${GOTOOLCHAIN:-}" ] || [ "$GOTOOLCHAIN" = local ]; then
	GOTOOLCHAIN=$(sed -n 's/^export GOTOOLCHAIN := *//p' "$REPO_ROOT/Makefile")
fi
export GOTOOLCHAIN

# The build tags the Makefile builds and tests with (its TAGS, or the -tags
# of its GOFLAGS): the packaged binaries are built with the same ones.
if [ -z "${BUILD_TAGS+set}" ]; then
	BUILD_TAGS=$(sed -n 's/^TAGS := *//p' "$REPO_ROOT/Makefile")
	[ -n "$BUILD_TAGS" ] || BUILD_TAGS=$(sed -n 's/^export GOFLAGS := .*-tags=\([^ ]*\).*/\1/p' "$REPO_ROOT/Makefile")
fi

# say MESSAGE...: a progress line on standard error.
say() { printf 'dist: %s\n' "$*" >&2; }

# die MESSAGE...: stops with the message.
die() { printf 'dist: %s\n' "$*" >&2; exit 1; }

# load_metadata [SRC]: reads SRC/FyneApp.toml (default: the repository's) into
# APP_* and sets SOURCE_DATE_EPOCH.
load_metadata() {
	local src=${1:-$REPO_ROOT} env
	env=$(cd "$REPO_ROOT" && go run ./packaging/distmeta env -toml "$src/FyneApp.toml") ||
		die "cannot read $src/FyneApp.toml"
	eval "$env"
	if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
		SOURCE_DATE_EPOCH=$(git -C "$REPO_ROOT" log -1 --format=%ct 2>/dev/null) ||
			die "not a git checkout: set SOURCE_DATE_EPOCH to the release's time (seconds since 1970)"
	fi
	export SOURCE_DATE_EPOCH
}

# normalise_tree DIR: gives every file and directory under DIR the same mode
# bits and mtime on every machine (umask and clock differ; packages keep both).
normalise_tree() {
	find "$1" -type d -exec chmod 0755 {} +
	find "$1" -type f -perm /111 -exec chmod 0755 {} +
	find "$1" -type f ! -perm /111 -exec chmod 0644 {} +
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# write_checksum FILE: writes FILE.sha256 beside it, in the form
# `sha256sum -c` reads from the same directory.
write_checksum() {
	local sum=(sha256sum)
	command -v sha256sum >/dev/null || sum=(shasum -a 256) # macOS
	(cd "$(dirname "$1")" && "${sum[@]}" -- "$(basename "$1")" >"$(basename "$1").sha256")
}

# stage_source DIR: copies the working tree's source files (tracked, or
# untracked and not ignored: what `go build` in the tree would see) into DIR.
# `fyne package` writes into the directory it builds and raises Build in its
# FyneApp.toml; it does that in DIR, never in the shared working tree.
stage_source() {
	mkdir -p "$1"
	(cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$1"
}

# msi_guid NAME...: the name-based GUID of NAME... under the UpgradeCode.
msi_guid() {
	(cd "$REPO_ROOT" && go run ./packaging/distmeta guid "$MSI_UPGRADE_CODE" "$@")
}

# make_msi OUT VERSION EXE ICO: builds the MSI of packaging/windows around EXE
# (installed as partnersecurity.exe) for VERSION, with the icon ICO in the same
# directory as EXE (wixl takes only relative paths). Its codes follow from the
# version and the exe, so no GUID is stored per release: the ProductCode from
# VERSION, the PackageCode from VERSION and the exe's SHA-256. wixl and msibuild
# stamp the summary with the current time (and wixl with a random package
# code): faketime makes the time SOURCE_DATE_EPOCH and msibuild writes the
# package code, so that the same inputs give the same MSI.
make_msi() {
	local out=$1 version=$2 exe=$3 ico=$4 dir product_code package_code now
	dir=$(dirname "$exe")
	[ "$(dirname "$ico")" = "$dir" ] || die "make_msi: $ico is not beside $exe"
	product_code=$(msi_guid ProductCode "$version") || return 1
	package_code=$(msi_guid PackageCode "$version" "$(sha256sum "$exe" | cut -d' ' -f1)") || return 1
	now=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')
	rm -f "$out"
	if ! (cd "$dir" && TZ=UTC faketime "$now" wixl -a x64 -o "$out" \
		-D Name="$APP_NAME" -D Manufacturer="$MSI_MANUFACTURER" -D Version="$version" \
		-D Website="$APP_WEBSITE" -D ProductCode="$product_code" -D PackageCode="$package_code" \
		-D ExePath="$(basename "$exe")" -D IconPath="$(basename "$ico")" \
		"$PACKAGING/windows/partnersecurity.wxs") || [ ! -s "$out" ]; then
		die "wixl failed"
	fi
	TZ=UTC faketime "$now" msibuild "$out" -s "$APP_NAME $version installer" "$MSI_MANUFACTURER" \
		"x64;1033" "{$package_code}" || die "msibuild failed"
}
