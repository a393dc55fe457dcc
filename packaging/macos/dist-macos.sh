#!/usr/bin/env bash
# dist-macos.sh: on a Mac, builds "Partner Security.app" as a universal
# (Apple silicon + Intel) app and a .dmg into dist/, each with a .sha256 file.
# It is NOT run on the Linux build machines: .github/workflows/macos.yml runs
# it on a macOS runner. README.md, "Installers", gives the same steps by hand.
#
# Signing and notarisation happen when these are set, and are skipped (with
# an ad-hoc signature, which runs only on the Mac that built it) when not:
#   MACOS_SIGN_IDENTITY   the keychain identity, "Developer ID Application: NAME (TEAMID)"
#   MACOS_NOTARY_PROFILE  a notarytool keychain profile
#                         (xcrun notarytool store-credentials PROFILE --apple-id … --team-id …)
# Needs: Xcode command line tools, Go (GOTOOLCHAIN fetches the pinned one), git.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ "$(uname -s)" = Darwin ] || die "dist-macos.sh runs on macOS only (see README.md, Installers)"
# As dist.sh: no workspace from the caller's shell reaches the installer.
export GOFLAGS=-buildvcs=false GOWORK=off
unset GOARCH CGO_CFLAGS CGO_LDFLAGS
load_metadata
V=$APP_VERSION
app_name="$APP_NAME.app"
dmg=$DIST/$PKG_NAME-$V-macos-universal.dmg

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage_source "$work/src"
cp "$work/src/FyneApp.toml" "$work/FyneApp.toml"
(cd "$REPO_ROOT" && go build -o "$work/fyne" fyne.io/tools/cmd/fyne)

# One .app per architecture (fyne package builds with cgo for the GOARCH it is
# given; clang cross-compiles between the two), then one binary of both.
for arch in arm64 amd64; do
	clang_arch=$arch
	[ "$arch" = amd64 ] && clang_arch=x86_64
	(cd "$work/src" && GOARCH=$arch CC="clang -arch $clang_arch" "$work/fyne" package -os darwin --release \
		--tags "$BUILD_TAGS" --app-version "$V" --app-build "$APP_BUILD")
	mv "$work/src/$app_name" "$work/$arch.app"
	cp "$work/FyneApp.toml" "$work/src/FyneApp.toml"
done
mkdir -p "$work/out"
cp -R "$work/arm64.app" "$work/out/$app_name"
lipo -create -output "$work/out/$app_name/Contents/MacOS/$PKG_NAME" \
	"$work/arm64.app/Contents/MacOS/$PKG_NAME" "$work/amd64.app/Contents/MacOS/$PKG_NAME"
lipo -info "$work/out/$app_name/Contents/MacOS/$PKG_NAME"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
	# Hardened runtime and a secure time stamp: both required for notarisation.
	codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$work/out/$app_name"
else
	say "MACOS_SIGN_IDENTITY is not set: ad-hoc signature, not for distribution"
	codesign --force --sign - "$work/out/$app_name"
fi
codesign --verify --strict --verbose=2 "$work/out/$app_name"

# The disk image: the app and a link to /Applications to drag it onto.
ln -s /Applications "$work/out/Applications"
mkdir -p "$DIST"
rm -f "$dmg" "$dmg.sha256"
hdiutil create -volname "$APP_NAME $V" -srcfolder "$work/out" -fs HFS+ -format UDZO -ov "$dmg"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
	codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
	if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
		xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
		xcrun stapler staple "$dmg"
		xcrun stapler validate "$dmg"
		spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
	else
		say "MACOS_NOTARY_PROFILE is not set: signed but not notarised (Gatekeeper will warn)"
	fi
fi
write_checksum "$dmg"
ls -l "$DIST"
