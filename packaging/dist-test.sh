#!/usr/bin/env bash
# dist-test.sh: builds dist/ (DIST_REUSE=1 tests what is there instead) and
# checks each package the way a user's machine would meet it:
#   - every .sha256 file verifies; one version (FyneApp.toml's) everywhere;
#   - the .deb: contents, Depends/Recommends, lintian; `dpkg -i` installs it,
#     /usr/bin/partnersecurity opens its window under a throwaway X display,
#     `dpkg -r` and `dpkg -P` leave none of its files behind;
#   - the tar.xz holds the same binary, desktop file and icon;
#   - the exe: GUI subsystem, only Windows' own DLLs, icon and version
#     resources; the MSI: Program Files, Start-menu shortcut, UpgradeCode,
#     major upgrade, and the same signed exe inside;
#   - Wine's msiexec installs the MSI, upgrades it with a newer version,
#     refuses the older one over it, and uninstalls it without a trace;
#   - both Windows files carry a signature that verifies against the
#     certificate in dist/, and stops verifying when a byte changes or another
#     certificate is trusted.
# It installs and removes the package on this machine (through sudo when not
# root). DIST_TEST_SHOT=FILE keeps the window's screenshot. Ends with the line
# "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${DIST_REUSE:-}" != 1 ]; then
	"$PACKAGING/dist.sh" all
fi
load_metadata
V=$APP_VERSION
# The Fyne release go.mod requires: the binaries must record it, unreplaced.
fyne_version=$(cd "$REPO_ROOT" && go list -m -f '{{.Version}}' fyne.io/fyne/v2)
deb=$DIST/${PKG_NAME}_${V}_amd64.deb
tarball=$DIST/$PKG_NAME-$V-linux-amd64.tar.xz
exe=$DIST/$PKG_NAME-$V-windows-amd64.exe
msi=$DIST/$PKG_NAME-$V-windows-amd64.msi
cert=$DIST/$PKG_NAME-$V-codesign.pem
desktop_file=usr/share/applications/$APP_ID.desktop
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME COMMAND...: runs COMMAND, counts it, and shows the end of its
# output when it fails.
check() {
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		passed=$((passed + 1))
		printf 'ok   %s\n' "$name"
	else
		failed=$((failed + 1))
		printf 'FAIL %s\n' "$name"
		sed 's/^/     | /' "$tmp/out" | tail -n 30
	fi
}

# has FILE PATTERN...: FILE has a line matching each extended regex.
has() {
	local file=$1 p
	shift
	for p in "$@"; do
		grep -Eq -- "$p" "$file" || { echo "no line matches /$p/ in:"; cat "$file"; return 1; }
	done
}

# has_all FILE PATTERN... [-- FILE PATTERN...]...: has, for several files.
has_all() {
	local args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then
			has "${args[@]}" || return 1
			args=()
		else
			args+=("$1")
		fi
		shift
	done
	has "${args[@]}"
}

# re STRING: STRING with the regex metacharacters it may hold (dots) escaped.
re() { printf '%s' "${1//./\\.}"; }

status_of() { dpkg-query -W -f='${db:Status-Status}' "$PKG_NAME" 2>/dev/null || echo not-installed; }

# --- what dist/ holds -------------------------------------------------------
files_and_checksums() {
	local f
	for f in "$deb" "$tarball" "$exe" "$msi" "$cert"; do
		[ -s "$f" ] || { echo "missing: $f"; return 1; }
		[ -s "$f.sha256" ] || { echo "missing: $f.sha256"; return 1; }
	done
	(cd "$DIST" && sha256sum -c -- *.sha256)
}
check "every artifact is there and its .sha256 verifies" files_and_checksums

# --- the .deb ------------------------------------------------------------
dpkg-deb -f "$deb" >"$tmp/control"
dpkg-deb -c "$deb" >"$tmp/contents"
dpkg-deb -x "$deb" "$tmp/debroot"
check "deb: Version $V from FyneApp.toml, maintainer, homepage, description" has "$tmp/control" \
	"^Package: $PKG_NAME\$" "^Version: $(re "$V")\$" "^Architecture: amd64\$" \
	'^Maintainer: .+ <.+@.+>$' "^Homepage: https://" '^Description: .{10,}' '^ .{20,}'

deb_relations() {
	local deps p
	deps=$(dpkg-deb -f "$deb" Depends)
	echo "Depends: $deps"
	for p in "libc6 (>=" libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1; do
		[[ ", $deps," == *", $p"[\ ,]* ]] || { echo "lacks $p"; return 1; }
	done
	[ "$(dpkg-deb -f "$deb" Recommends)" = gnome-keyring ]
}
check "deb: Depends on libc6 and the GL/X11 libraries, Recommends gnome-keyring" deb_relations

file_line() { printf '^%s root/root .* \\./%s$' "$1" "$(re "$2")"; }
deb_files=(
	"$(file_line -rwxr-xr-x "usr/bin/$PKG_NAME")"
	"$(file_line -rw-r--r-- "$desktop_file")"
	"$(file_line -rw-r--r-- "usr/share/metainfo/$APP_ID.metainfo.xml")"
	"$(file_line -rw-r--r-- "usr/share/man/man1/$PKG_NAME.1.gz")"
	"$(file_line -rw-r--r-- "usr/share/doc/$PKG_NAME/copyright")"
	"$(file_line -rw-r--r-- "usr/share/doc/$PKG_NAME/changelog.gz")"
)
for s in 16 24 32 48 64 128 256 512; do
	deb_files+=("$(file_line -rw-r--r-- "usr/share/icons/hicolor/${s}x${s}/apps/$APP_ID.png")")
done
check "deb: root-owned binary in /usr/bin, desktop file, AppStream data, man page, icons in every hicolor size" \
	has "$tmp/contents" "${deb_files[@]}"

# Reproducible packages: one timestamp, the commit's, on every file of both.
one_timestamp() {
	{ TZ=UTC tar -tvJf "$tarball"; TZ=UTC dpkg-deb -c "$deb"; } | awk '{ print $4, $5 }' | sort -u >"$tmp/stamps"
	cat "$tmp/stamps"
	[ "$(wc -l <"$tmp/stamps")" = 1 ]
}
check "deb and tar.xz: every file has the same timestamp" one_timestamp

desktop_entry() {
	local f=$tmp/debroot/$desktop_file
	desktop-file-validate "$f" && grep -qx "Exec=$PKG_NAME" "$f" && grep -qx "Icon=$APP_ID" "$f"
}
check "deb: desktop file is valid and starts the installed binary" desktop_entry
check "deb: AppStream data is valid (software centres list the app by it)" \
	appstreamcli validate --no-net --pedantic "$tmp/debroot/usr/share/metainfo/$APP_ID.metainfo.xml"
check "deb: lintian reports no errors or warnings" lintian --fail-on error,warning "$deb"

# The release build settings, as the Go linker recorded them in the binary.
release_build() {
	local tag
	go version -m "$1" | tee "$tmp/buildinfo" | grep -E '^[[:space:]]build' || return 1
	grep -Eq '^[[:space:]]build[[:space:]]+-trimpath=true$' "$tmp/buildinfo" || { echo "not -trimpath"; return 1; }
	! grep -q 'vcs\.' "$tmp/buildinfo" || { echo "VCS stamped"; return 1; }
	# Fyne as released, at the version go.mod requires: no module replaced.
	grep -Eq "^[[:space:]]dep[[:space:]]+fyne\.io/fyne/v2[[:space:]]+$(re "$fyne_version")[[:space:]]" "$tmp/buildinfo" ||
		{ echo "not built against fyne.io/fyne/v2 $fyne_version"; return 1; }
	! grep -Eq '^[[:space:]]=>' "$tmp/buildinfo" || { echo "a module is replaced"; return 1; }
	for tag in release ${BUILD_TAGS//,/ }; do
		grep -Eq "^[[:space:]]build[[:space:]]+-tags=(.*,)?$tag(,.*)?\$" "$tmp/buildinfo" || { echo "no build tag $tag"; return 1; }
	done
	! x86_64-w64-mingw32-objdump -h "$1" 2>/dev/null | grep -q debug_info && ! objdump -h "$1" 2>/dev/null | grep -q debug_info
}
check "deb: release build of /usr/bin/$PKG_NAME (trimpath, stripped, tags release,$BUILD_TAGS, Fyne as released)" \
	release_build "$tmp/debroot/usr/bin/$PKG_NAME"
pie() { file -L "$1" | tee /dev/stderr | grep -q 'pie executable'; }
check "deb: /usr/bin/$PKG_NAME is position-independent (ASLR)" pie "$tmp/debroot/usr/bin/$PKG_NAME"

# --- the tar.xz ----------------------------------------------------------
# fyne puts the files under usr/local when the build machine has /usr/local.
fyne_tarball() {
	local prefix
	mkdir "$tmp/tar" && tar -xJf "$tarball" -C "$tmp/tar" && cd "$tmp/tar" || return 1
	prefix=$(find "$PKG_NAME/usr" -path "*/bin/$PKG_NAME" -type f)
	prefix=${prefix%/bin/"$PKG_NAME"}
	ls -d "$PKG_NAME/Makefile" "$prefix/bin/$PKG_NAME" "$prefix/share/applications/$APP_ID.desktop" \
		"$prefix/share/pixmaps/$APP_ID.png" &&
		cmp "$prefix/bin/$PKG_NAME" "$tmp/debroot/usr/bin/$PKG_NAME"
}
check "tar.xz: fyne's layout (Makefile, binary, desktop file, icon), same binary as the .deb" fyne_tarball

# --- install, run, remove ------------------------------------------------
if [ "$(status_of)" != not-installed ]; then
	echo "note: $PKG_NAME was installed before this test; purging it first"
	"${sudo[@]}" dpkg -P "$PKG_NAME" >/dev/null
fi
install_deb() {
	"${sudo[@]}" dpkg -i "$deb" || {
		echo "dpkg -i left dependencies to install: apt-get -f install"
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -f install -y -qq --no-install-recommends
	}
	[ "$(status_of) $(dpkg-query -W -f='${Version}' "$PKG_NAME")" = "installed $V" ]
}
check "deb: dpkg -i installs version $V" install_deb
dpkg -L "$PKG_NAME" >"$tmp/owned" 2>/dev/null || true

installed_files() {
	[ "$(command -v "$PKG_NAME")" = "/usr/bin/$PKG_NAME" ] && grep -qx "/usr/bin/$PKG_NAME" "$tmp/owned" &&
		[ -s "/var/lib/dpkg/info/$PKG_NAME.md5sums" ] && dpkg --verify "$PKG_NAME"
}
check "deb: installed files match their md5sums, /usr/bin/$PKG_NAME is on PATH" installed_files

# The installed binary, started as a desktop would start it, opens a visible
# window titled with the app's name, of the class the desktop entry names,
# and draws into it. Runs inside the throwaway desktop of with-desktop.sh.
window_check() {
	local dir=$1 title=$2 class=$3 id got colours
	/usr/bin/"$PKG_NAME" >"$dir/app.log" 2>&1 &
	app_pid=$! # global: the EXIT trap runs after this function has returned
	trap 'kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true' EXIT
	id=$(timeout 60 xdotool search --sync --onlyvisible --name "^$title\$" | head -n1) ||
		{ echo "no visible window named \"$title\" within 60 s"; cat "$dir/app.log"; return 1; }
	got=$(xdotool getwindowname "$id")
	[ "$got" = "$title" ] || { echo "window title is \"$got\""; return 1; }
	# The dock matches the window to the desktop entry by StartupWMClass.
	xdotool search --class "^$class\$" | grep -qx "$id" ||
		{ echo "the window's WM_CLASS is not \"$class\" (StartupWMClass)"; return 1; }
	for _ in $(seq 40); do
		import -window "$id" "$dir/window.png"
		colours=$(convert "$dir/window.png" -format %k info:)
		[ "$colours" -gt 1 ] && break
		sleep 0.25
	done
	echo "window $id \"$got\", $(identify -format %wx%h "$dir/window.png"), $colours colours"
	[ "$colours" -gt 1 ] || { echo "nothing was drawn in the window"; return 1; }
	kill -0 "$app_pid" || { echo "the app exited"; cat "$dir/app.log"; return 1; }
}
run_installed() {
	local class
	class=$(sed -n 's/^StartupWMClass=//p' "$tmp/debroot/$desktop_file")
	"$REPO_ROOT/scripts/with-desktop.sh" bash -c "set -euo pipefail; PKG_NAME=$PKG_NAME; $(declare -f window_check); window_check \"\$@\"" \
		_ "$tmp" "$APP_NAME" "$class"
}
check "deb: /usr/bin/$PKG_NAME opens its \"$APP_NAME\" window under Xvfb" run_installed
[ -z "${DIST_TEST_SHOT:-}" ] || [ ! -f "$tmp/window.png" ] || cp "$tmp/window.png" "$DIST_TEST_SHOT"

remove_deb() {
	"${sudo[@]}" dpkg -r "$PKG_NAME"
	case $(status_of) in config-files | not-installed) ;; *) echo "status after dpkg -r: $(status_of)"; return 1 ;; esac
	"${sudo[@]}" dpkg -P "$PKG_NAME"
	[ "$(status_of)" = not-installed ]
}
check "deb: dpkg -r, then dpkg -P" remove_deb

# Every file the package owned is gone; a directory it listed may stay only
# while another package owns it too.
left_behind() {
	local p left=0
	[ -s "$tmp/owned" ] || { echo "no file list was recorded"; return 1; }
	while IFS= read -r p; do
		[ "$p" = /. ] && continue
		if [ -d "$p" ] && [ ! -L "$p" ]; then
			dpkg -S "$p" >/dev/null 2>&1 || { echo "directory left behind: $p"; left=1; }
		elif [ -e "$p" ] || [ -L "$p" ]; then
			echo "file left behind: $p"
			left=1
		fi
	done <"$tmp/owned"
	echo "$(grep -c . "$tmp/owned") paths checked"
	return $left
}
check "deb: nothing of the package is left after removal" left_behind

# --- the Windows exe -----------------------------------------------------
x86_64-w64-mingw32-objdump -p "$exe" >"$tmp/pe"
check "exe: 64-bit PE, GUI subsystem, no link time stamp" has "$tmp/pe" \
	'^Magic[[:space:]]+020b' '^Subsystem[[:space:]]+00000002[[:space:]]+\(Windows GUI\)' \
	'^Time/Date[[:space:]]+Thu Jan  1 00:00:00 1970'
system_dlls_only() {
	local dlls
	dlls=$(sed -n 's/^[[:space:]]*DLL Name: //p' "$tmp/pe" | tr '[:upper:]' '[:lower:]' | sort -u)
	echo "$dlls"
	[ -n "$dlls" ] && ! grep -E '^(lib|mingw|msvcp|vcruntime)' <<<"$dlls"
}
check "exe: imports only Windows' own DLLs (no mingw runtime DLL to ship)" system_dlls_only
check "exe: release build (trimpath, stripped, tags release,$BUILD_TAGS, Fyne as released)" release_build "$exe"
exe_resources() {
	wrestool -l "$exe" | tee "$tmp/res"
	grep -q -- "--type=14 " "$tmp/res" && grep -q -- "--type=24 " "$tmp/res" || return 1
	wrestool -x --raw --type=16 "$exe" | strings -el >"$tmp/ver"
	cat "$tmp/ver"
	grep -qx "$APP_NAME" "$tmp/ver" && grep -qx "$APP_FILE_VERSION" "$tmp/ver"
}
check "exe: icon, manifest and version resources; version $APP_FILE_VERSION" exe_resources

# --- signatures ----------------------------------------------------------
verify_ok() {
	osslsigncode verify -CAfile "$cert" -in "$1" | tee "$tmp/verify"
	grep -qx "Signature verification: ok" "$tmp/verify" &&
		grep -Eq "Message digest algorithm[[:space:]]*: SHA256" "$tmp/verify"
}
check "exe: Authenticode SHA-256 signature verifies against dist's certificate" verify_ok "$exe"
check "msi: Authenticode SHA-256 signature verifies against dist's certificate" verify_ok "$msi"
# The same check must fail when it should: one byte changed in the signed
# part, or another certificate trusted instead of the one in dist/.
refuse_tampered() {
	cp "$1" "$tmp/tampered"
	printf 'X' | dd of="$tmp/tampered" bs=1 seek=$(($(stat -c %s "$1") / 3)) conv=notrunc status=none
	! osslsigncode verify -CAfile "$cert" -in "$tmp/tampered"
}
check "exe: a changed byte breaks the signature" refuse_tampered "$exe"
check "msi: a changed byte breaks the signature" refuse_tampered "$msi"
refuse_other_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout "$tmp/other.key" -out "$tmp/other.pem" \
		-subj "/CN=$APP_NAME test signing (throwaway)/O=Not for distribution" 2>/dev/null
	! osslsigncode verify -CAfile "$tmp/other.pem" -in "$1"
}
check "exe: the signature does not verify against another certificate" refuse_other_ca "$exe"

# --- the MSI -------------------------------------------------------------
for t in Property Directory Shortcut Upgrade InstallExecuteSequence; do
	msiinfo export "$msi" "$t" | tr -d '\r' >"$tmp/$t"
done
msiinfo suminfo "$msi" | tr -d '\r' >"$tmp/suminfo"
product_code=$(cd "$REPO_ROOT" && go run ./packaging/distmeta guid "$MSI_UPGRADE_CODE" ProductCode "$V")
check "msi: ProductVersion $V, ProductName, stable UpgradeCode, ProductCode of $V" has "$tmp/Property" \
	"^ProductVersion	$(re "$V")\$" "^ProductName	$APP_NAME\$" "^UpgradeCode	\\{$MSI_UPGRADE_CODE\\}\$" \
	"^ProductCode	\\{$product_code\\}\$"
check "msi: 64-bit, per-machine, installs into Program Files\\$APP_NAME" \
	has_all "$tmp/suminfo" '^Template: x64;1033$' \
	-- "$tmp/Property" '^ALLUSERS	1$' \
	-- "$tmp/Directory" '^ProgramFiles64Folder	TARGETDIR	\.$' "^INSTALLDIR	ProgramFiles64Folder	([^|]*\\|)?$APP_NAME\$"
check "msi: Start-menu shortcut \"$APP_NAME\" to the installed exe" has "$tmp/Shortcut" \
	"^[A-Za-z0-9_.]+	ProgramMenuFolder	([^|	]*\\|)?$APP_NAME	"
check "msi: major upgrade (older versions replaced in place, newer not downgraded)" \
	has_all "$tmp/Upgrade" "^\\{$MSI_UPGRADE_CODE\\}		$(re "$V")		[0-9]+		WIX_UPGRADE_DETECTED\$" \
	"^\\{$MSI_UPGRADE_CODE\\}	$(re "$V")			2		WIX_DOWNGRADE_DETECTED\$" \
	-- "$tmp/InstallExecuteSequence" '^FindRelatedProducts	' '^RemoveExistingProducts	'
# msiextract leaves out ProgramFiles64Folder, which only Windows can resolve.
msi_payload() {
	mkdir "$tmp/msi" && msiextract -C "$tmp/msi" "$msi" >/dev/null && (cd "$tmp/msi" && find . -type f) | tee "$tmp/files"
	[ "$(cat "$tmp/files")" = "./$APP_NAME/$PKG_NAME.exe" ] && cmp "$tmp/msi/$APP_NAME/$PKG_NAME.exe" "$exe"
}
check "msi: holds the signed exe, and nothing else, as $APP_NAME\\$PKG_NAME.exe" msi_payload

# --- the MSI under Wine's msiexec ------------------------------------------
# Wine's Windows Installer (an emulation, not Windows) runs the MSI's own
# tables: install, upgrade by a newer version, a downgrade refused, uninstall.
# The newer version is this MSI rebuilt with the patch number raised.
export WINEPREFIX=$tmp/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
next_version=${V%.*}.$((${V##*.} + 1))
next_msi=$tmp/next.msi
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
program_dir="$WINEPREFIX/drive_c/Program Files/$APP_NAME"

# registered: the product codes Windows Installer has registered, one a line.
registered() {
	wine reg query "$uninstall_key" 2>/dev/null | tr -d '\r' | sed -n 's/.*\\{\(.*\)}$/\1/p' | sort
}
# shortcuts: the Start-menu shortcuts named after the app, wherever Wine put them.
shortcuts() { find "$WINEPREFIX/drive_c" -path '*Start Menu*' -name "$APP_NAME.lnk"; }

wine_install() {
	wineboot -i >/dev/null 2>&1 && wineserver -w
	(cd "$tmp" && mkdir next && cp "$exe" "next/$PKG_NAME.exe" &&
		cd "$REPO_ROOT" && go run ./packaging/distmeta ico -out "$tmp/next/$PKG_NAME.ico") &&
		make_msi "$next_msi" "$next_version" "$tmp/next/$PKG_NAME.exe" "$tmp/next/$PKG_NAME.ico" >/dev/null || return 1
	wine msiexec /i "$msi" /qn || { echo "msiexec /i exited $?"; return 1; }
	cmp "$program_dir/$PKG_NAME.exe" "$exe" && shortcuts | grep . &&
		[ "$(registered)" = "$product_code" ] &&
		wine reg query "$uninstall_key\\{$product_code}" /v DisplayVersion | tr -d '\r' | grep -E "DisplayVersion.*$(re "$V")\$"
}
check "msi (Wine's msiexec): installs the exe into Program Files\\$APP_NAME, the shortcut, and registers $V" wine_install
wine_upgrade() {
	wine msiexec /i "$next_msi" /qn || { echo "msiexec /i exited $?"; return 1; }
	registered
	[ "$(registered)" = "$(msi_guid ProductCode "$next_version")" ] && [ -f "$program_dir/$PKG_NAME.exe" ] &&
		[ "$(shortcuts | wc -l)" = 1 ]
}
check "msi (Wine's msiexec): version $next_version replaces $V in place" wine_upgrade
wine_no_downgrade() {
	if wine msiexec /i "$msi" /qn; then echo "msiexec installed $V over $next_version"; return 1; fi
	[ "$(registered)" = "$(msi_guid ProductCode "$next_version")" ]
}
check "msi (Wine's msiexec): $V does not install over $next_version" wine_no_downgrade
wine_uninstall() {
	wine msiexec /x "$next_msi" /qn || { echo "msiexec /x exited $?"; return 1; }
	local left
	left=$(find "$WINEPREFIX/drive_c" -iname "*$PKG_NAME*" -o -iname "$APP_NAME*" -o -iname "*$(msi_guid ProductCode "$next_version")*")
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }
	[ -z "$(registered)" ] || { echo "still registered: $(registered)"; return 1; }
}
check "msi (Wine's msiexec): uninstalling leaves no file, shortcut or registration" wine_uninstall
wineserver -k 2>/dev/null || true

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
