#!/usr/bin/env bash
# reproducible.sh [REV]: shows whether the release packages are reproducible.
# It clones REV (default: HEAD) into two different directories, runs
# packaging/dist.sh in each, and compares every artifact byte for byte.
#
# The second build uses an empty Go build cache (FAST=1 shares the cache, which
# is quicker but proves less: a cached package is not compiled again). Both
# builds sign with one throwaway key, given as a PFX as a release's would be
# (dist.sh records SOURCE_DATE_EPOCH as the signing time), so that the signed
# files can match too; a release signed with a time-stamping service
# cannot (the service's answer carries its own time and serial number).
# Ends with the line "N passed, N failed", one line per artifact.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=$(git -C "$REPO_ROOT" rev-parse "${1:-HEAD}")
root=$(mktemp -d "${TMPDIR:-/tmp}/partnersecurity-repro.XXXXXX")
trap 'chmod -R u+w "$root"; rm -rf "$root"' EXIT

# One signing key for both builds, in a PFX as a release would have.
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 30 -keyout "$root/key.pem" -out "$root/cert.pem" \
	-subj "/CN=Partner Security reproducibility check (throwaway)" \
	-addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
	-addext "extendedKeyUsage=critical,codeSigning" 2>/dev/null
CODESIGN_PASSWORD=$(head -c 18 /dev/urandom | base64)
printf '%s' "$CODESIGN_PASSWORD" | openssl pkcs12 -export -inkey "$root/key.pem" -in "$root/cert.pem" \
	-passout stdin -out "$root/sign.pfx"
export CODESIGN_PFX=$root/sign.pfx CODESIGN_PASSWORD
unset CODESIGN_TIMESTAMP_URL CODESIGN_TIME SOURCE_DATE_EPOCH

for n in 1 2; do
	dir=$root/clone-$n/partnersecurity-$n
	git clone -q --no-hardlinks "$REPO_ROOT" "$dir"
	git -C "$dir" -c advice.detachedHead=false checkout -q "$rev"
	cache=()
	if [ "$n" = 2 ] && [ "${FAST:-}" != 1 ]; then
		cache=(GOCACHE="$root/gocache-2")
	fi
	say "build $n of $rev in $dir ${cache[*]}"
	start=$SECONDS
	env "${cache[@]}" DIST="$dir/dist" "$dir/packaging/dist.sh" all
	say "build $n took $((SECONDS - start)) s"
done

passed=0
failed=0
for a in "$root"/clone-1/*/dist/*; do
	name=$(basename "$a")
	case $name in *.sha256) continue ;; esac
	b=$(echo "$root"/clone-2/*/dist/"$name")
	sum_a=$(sha256sum "$a" | cut -d' ' -f1)
	sum_b=$(sha256sum "$b" 2>/dev/null | cut -d' ' -f1 || true)
	if [ "$sum_a" = "$sum_b" ]; then
		passed=$((passed + 1))
		printf 'same      %s  %s\n' "$sum_a" "$name"
	else
		failed=$((failed + 1))
		printf 'DIFFERENT %s  %s (second build: %s)\n' "$sum_a" "$name" "${sum_b:-missing}"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
