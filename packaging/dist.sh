#!/usr/bin/env bash
# dist.sh [all|linux|windows]: builds the release packages into dist/, each
# with a .sha256 file beside it (README.md, "Installers", says what each is).
#
#   linux    partnersecurity-VERSION-linux-amd64.tar.xz   (fyne package -os linux)
#            partnersecurity_VERSION_amd64.deb            (dpkg-deb)
#   windows  partnersecurity-VERSION-windows-amd64.exe    (fyne package -os windows, mingw-w64)
#            partnersecurity-VERSION-windows-amd64.msi    (wixl)
#            partnersecurity-VERSION-codesign.pem         (the certificate that signed both)
#
# It builds a snapshot of the working tree (the files git tracks or would
# track) in a temporary directory: `fyne package` writes generated files into
# the source directory and raises Build in FyneApp.toml, and neither may reach
# the shared working tree. Release builds: -trimpath, stripped, no VCS stamp,
# every timestamp SOURCE_DATE_EPOCH (the last commit's time), so the same
# commit gives the same binaries and packages (see packaging/reproducible.sh).
#
# Signing: packaging/sign.sh (CODESIGN_PFX, CODESIGN_PASSWORD,
# CODESIGN_TIMESTAMP_URL); without a PFX it signs with a throwaway self-signed
# certificate. KEEP_WORK=1 keeps the temporary directory and prints its path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-all}
case $what in all | linux | windows) ;; *) die "usage: dist.sh [all|linux|windows]" ;; esac

# The build environment: nothing from the caller's shell may change the bits
# (GOWORK=off: a workspace set for trying a change to a dependency, as
# docs/upstream/ describes, never reaches the installers).
export GOARCH=amd64 GOFLAGS=-buildvcs=false GOWORK=off
unset GOAMD64 GOEXPERIMENT CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_LDFLAGS CC CXX
export TZ=UTC LC_ALL=C.UTF-8

work=$(mktemp -d "${TMPDIR:-/tmp}/partnersecurity-dist.XXXXXX")
if [ "${KEEP_WORK:-}" = 1 ]; then
	trap 'say "work directory kept: $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
src=$work/src
# The snapshot first: the version and everything else come from it, even if
# the working tree changes while this runs.
stage_source "$src"
load_metadata "$src"
VERSION=$APP_VERSION
say "$APP_NAME $VERSION (build $APP_BUILD), tags $BUILD_TAGS, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH ($(date -u -d "@$SOURCE_DATE_EPOCH" +%FT%TZ))"

# timed NAME COMMAND...: runs COMMAND and says how long it took.
timed() {
	local name=$1 start=$SECONDS
	shift
	"$@"
	say "$name: $((SECONDS - start)) s"
}

# prepare: the fyne command for this machine.
prepare() {
	cp "$src/FyneApp.toml" "$work/FyneApp.toml"
	mkdir -p "$work/bin"
	(cd "$src" && GOARCH='' go build -o "$work/bin/fyne" fyne.io/tools/cmd/fyne)
}

# fyne_package OS [ENV...]: runs `fyne package --release` for OS in $src with
# the version from FyneApp.toml and the Makefile's build tags (fyne adds
# `release`, and `migrated_fynedo` from FyneApp.toml), then puts FyneApp.toml back as it was (fyne
# raises its Build number after packaging).
fyne_package() {
	local os=$1
	shift
	(cd "$src" && env "$@" "$work/bin/fyne" package -os "$os" --release --tags "$BUILD_TAGS" \
		--app-version "$APP_VERSION" --app-build "$APP_BUILD")
	cp "$work/FyneApp.toml" "$src/FyneApp.toml"
}

# build_linux: the fyne tar.xz, re-packed with fixed owners, order and times,
# and a .deb holding the same binary.
build_linux() {
	# A position-independent executable, as Debian builds its own (ASLR).
	fyne_package linux GOFLAGS="$GOFLAGS -buildmode=pie"
	mkdir -p "$work/linux"
	tar -xJf "$src/$APP_NAME.tar.xz" -C "$work/linux"
	rm "$src/$APP_NAME.tar.xz"
	normalise_tree "$work/linux"
	local tarball=$DIST/$PKG_NAME-$VERSION-linux-amd64.tar.xz
	(cd "$work/linux" && find . -mindepth 1 -maxdepth 1 -printf '%P\0' | sort -z |
		tar --null -T - --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
			--mtime="@$SOURCE_DATE_EPOCH" -cf -) | xz -T1 -9 -c >"$tarball"
	write_checksum "$tarball"
	local bin
	bin=$(find "$work/linux" -path '*/bin/*' -type f -name "$PKG_NAME")
	if [ -z "$bin" ] || [ "$(printf '%s\n' "$bin" | wc -l)" != 1 ]; then
		die "no single $PKG_NAME binary in the fyne tarball"
	fi
	build_deb "$bin"
}

# build_deb BINARY: the Debian package, from BINARY and packaging/linux.
# shellcheck disable=SC2034 # OPTIONS, DEPENDS, INSTALLED_SIZE: read by subst
build_deb() {
	local root=$work/deb doc=$work/deb/usr/share/doc/$PKG_NAME
	install -D -m 0755 "$1" "$root/usr/bin/$PKG_NAME"
	install -d "$root/usr/share/applications" "$root/usr/share/metainfo" "$doc"
	subst <"$PACKAGING/linux/partnersecurity.desktop.in" >"$root/usr/share/applications/$APP_ID.desktop"
	RELEASE_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F) subst <"$PACKAGING/linux/partnersecurity.metainfo.xml.in" >"$root/usr/share/metainfo/$APP_ID.metainfo.xml"
	(cd "$REPO_ROOT" && go run ./packaging/distmeta icons -src "$src/assets/Icon.png" \
		-out "$root/usr/share/icons/hicolor" -name "$APP_ID")
	cp "$PACKAGING/deb/copyright" "$doc/copyright"
	# The man page lists the options the binary itself prints for -h.
	install -d "$root/usr/share/man/man1"
	OPTIONS=$("$root/usr/bin/$PKG_NAME" -h 2>&1 | (cd "$REPO_ROOT" && go run ./packaging/distmeta manoptions)) ||
		die "cannot read the options of $PKG_NAME -h"
	RELEASE_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F) subst <"$PACKAGING/linux/partnersecurity.1.in" |
		gzip -9n >"$root/usr/share/man/man1/$PKG_NAME.1.gz"
	{
		printf '%s (%s) stable; urgency=medium\n\n' "$PKG_NAME" "$VERSION"
		printf '  * Release %s (build %s).\n\n' "$VERSION" "$APP_BUILD"
		printf ' -- %s  %s\n' "$DEB_MAINTAINER" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$doc/changelog.gz"

	# dpkg-shlibdeps reads debian/control; give it a minimal one.
	mkdir -p "$work/debsrc/debian"
	printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$PKG_NAME" "$PKG_NAME" >"$work/debsrc/debian/control"
	local shlibs
	shlibs=$(cd "$work/debsrc" && dpkg-shlibdeps -O "$root/usr/bin/$PKG_NAME" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
	DEPENDS=$(merge_depends "$shlibs" "$DEB_RUNTIME_DEPENDS")

	normalise_tree "$root"
	mkdir -p "$root/DEBIAN"
	INSTALLED_SIZE=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
	subst <"$PACKAGING/deb/control.in" >"$root/DEBIAN/control"
	# md5sums: what `dpkg --verify` checks the installed files against.
	(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	touch -d "@$SOURCE_DATE_EPOCH" "$root/DEBIAN/control" "$root/DEBIAN/md5sums" "$root/DEBIAN"
	local deb=$DIST/${PKG_NAME}_${VERSION}_amd64.deb
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	write_checksum "$deb"
}

# merge_depends A B: the union of two Depends lists, keeping the first
# mention (with its version) of each package.
merge_depends() {
	printf '%s,%s\n' "$1" "$2" | tr ',' '\n' | sed 's/^ *//; s/ *$//; /^$/d' |
		awk '{ name = $1 } !seen[name]++' | paste -sd, - | sed 's/,/, /g'
}

# subst: copies standard input to standard output with @APP_NAME@ and the
# like replaced by the values of those shell variables.
subst() {
	local line var
	while IFS= read -r line || [ -n "$line" ]; do
		while [[ $line =~ @([A-Z_]+)@ ]]; do
			var=${BASH_REMATCH[1]}
			[ -n "${!var+set}" ] || die "template names @$var@, which is not set"
			line=${line//"@$var@"/${!var}}
		done
		printf '%s\n' "$line"
	done
}

# build_windows: the exe (GUI subsystem, icon and version resources by fyne
# package), signed; then the MSI around the signed exe, signed.
build_windows() {
	local exe=$DIST/$PKG_NAME-$VERSION-windows-amd64.exe
	local msi=$DIST/$PKG_NAME-$VERSION-windows-amd64.msi
	local cert=$DIST/$PKG_NAME-$VERSION-codesign.pem
	export CODESIGN_THROWAWAY_DIR=$work/throwaway-signing
	# The signature records SOURCE_DATE_EPOCH as its signing time, so that
	# one key (without a time-stamping service) signs the same bits the same
	# way. Windows trusts a time only from a time stamp, never this field.
	export CODESIGN_TIME=${CODESIGN_TIME:-$SOURCE_DATE_EPOCH}
	# fyne's release C flags turn on -fstack-protector-strong and
	# _FORTIFY_SOURCE, whose checks mingw-w64 keeps in libssp: link it in
	# statically, so that the exe still needs only Windows' own DLLs.
	timed "windows exe (cross-compiled with mingw-w64)" \
		fyne_package windows CC=x86_64-w64-mingw32-gcc CGO_LDFLAGS=-l:libssp.a
	mkdir -p "$work/windows"
	mv "$src/$APP_NAME.exe" "$work/windows/$PKG_NAME.exe"
	touch -d "@$SOURCE_DATE_EPOCH" "$work/windows/$PKG_NAME.exe"
	"$PACKAGING/sign.sh" "$cert" "$work/windows/$PKG_NAME.exe"
	cp "$work/windows/$PKG_NAME.exe" "$exe"

	# The MSI holds the signed exe.
	(cd "$REPO_ROOT" && go run ./packaging/distmeta ico -src "$src/assets/Icon.png" -out "$work/windows/$PKG_NAME.ico")
	touch -d "@$SOURCE_DATE_EPOCH" "$work/windows/$PKG_NAME.exe" "$work/windows/$PKG_NAME.ico"
	make_msi "$msi.unsigned" "$VERSION" "$work/windows/$PKG_NAME.exe" "$work/windows/$PKG_NAME.ico"
	"$PACKAGING/sign.sh" "$cert" "$msi.unsigned"
	mv "$msi.unsigned" "$msi"
	write_checksum "$exe"
	write_checksum "$msi"
	write_checksum "$cert"
}

mkdir -p "$DIST"
case $what in
all) rm -f "$DIST"/"$PKG_NAME"[-_]* ;;
linux) rm -f "$DIST/$PKG_NAME"-*-linux-* "$DIST/${PKG_NAME}"_*.deb* ;;
windows) rm -f "$DIST/$PKG_NAME"-*-windows-* "$DIST/$PKG_NAME"-*-codesign.pem* ;;
esac
timed "fyne tool" prepare
case $what in
all | linux) timed linux build_linux ;;
esac
case $what in
all | windows) timed windows build_windows ;;
esac
(cd "$DIST" && ls -l "$PKG_NAME"[-_]*) >&2
