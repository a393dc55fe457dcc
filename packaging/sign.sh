#!/usr/bin/env bash
# sign.sh CERT_OUT FILE...: Authenticode-signs each Windows FILE (exe or msi)
# in place with SHA-256, verifies the signature, and writes the public
# certificate that signed it to CERT_OUT (PEM) for `osslsigncode verify -CAfile`.
#
# The signing key:
#   CODESIGN_PFX       a PKCS#12 file with the release code-signing key and
#                      certificate (and its chain);
#   CODESIGN_PASSWORD  its password (passed to osslsigncode on standard input,
#                      never on a command line).
# Without CODESIGN_PFX it signs with a throwaway self-signed certificate made
# here with openssl, valid for 30 days and good only for tests: it is kept in
# CODESIGN_THROWAWAY_DIR (so that several calls share it; default: a temporary
# directory removed on exit). CODESIGN_REQUIRE_PFX=1 refuses that fallback.
#
#   CODESIGN_TIMESTAMP_URL  an RFC 3161 time-stamping service (needs the
#                           network); unset, the signature has no time stamp
#                           and stops verifying once the certificate expires.
#   CODESIGN_TIME           the signing time to record (seconds since 1970);
#                           unset, the current time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: sign.sh CERT_OUT FILE..."
cert_out=$1
shift
load_metadata

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

key_args=()
if [ -n "${CODESIGN_PFX:-}" ]; then
	[ -r "$CODESIGN_PFX" ] || die "CODESIGN_PFX=$CODESIGN_PFX cannot be read"
	printf '%s' "${CODESIGN_PASSWORD:-}" | openssl pkcs12 -in "$CODESIGN_PFX" -passin stdin \
		-nokeys -out "$tmp/certs.pem" 2>/dev/null ||
		die "cannot open CODESIGN_PFX with CODESIGN_PASSWORD"
	openssl x509 -in "$tmp/certs.pem" >/dev/null || die "no certificate in CODESIGN_PFX"
	key_args=(-pkcs12 "$CODESIGN_PFX" -readpass -)
	say "signing with the certificate in CODESIGN_PFX: $(openssl x509 -in "$tmp/certs.pem" -noout -subject)"
else
	[ "${CODESIGN_REQUIRE_PFX:-}" != 1 ] || die "CODESIGN_REQUIRE_PFX=1 but CODESIGN_PFX is not set"
	dir=${CODESIGN_THROWAWAY_DIR:-$tmp/throwaway}
	mkdir -p "$dir"
	chmod 700 "$dir"
	if [ ! -f "$dir/cert.pem" ]; then
		openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 30 \
			-keyout "$dir/key.pem" -out "$dir/cert.pem" \
			-subj "/CN=$APP_NAME test signing (throwaway)/O=Not for distribution" \
			-addext "basicConstraints=critical,CA:FALSE" \
			-addext "keyUsage=critical,digitalSignature" \
			-addext "extendedKeyUsage=critical,codeSigning" 2>/dev/null
	fi
	cp "$dir/cert.pem" "$tmp/certs.pem"
	key_args=(-certs "$dir/cert.pem" -key "$dir/key.pem")
	say "signing with a THROWAWAY self-signed certificate: test builds only (set CODESIGN_PFX for a release)"
fi

# What the new signatures are checked against: the signing certificate and
# its chain, and for a release certificate also the system's trusted roots
# (a PFX rarely holds its CA's root).
cp "$tmp/certs.pem" "$tmp/trust.pem"
system_roots=/etc/ssl/certs/ca-certificates.crt
if [ -n "${CODESIGN_PFX:-}" ] && [ -r "$system_roots" ]; then
	cat "$system_roots" >>"$tmp/trust.pem"
fi
verify_opts=(-CAfile "$tmp/trust.pem")
[ -z "${CODESIGN_TIMESTAMP_URL:-}" ] || [ ! -r "$system_roots" ] || verify_opts+=(-TSA-CAfile "$system_roots")

opts=(-h sha256 -n "$APP_NAME" -i "$APP_WEBSITE")
[ -z "${CODESIGN_TIMESTAMP_URL:-}" ] || opts+=(-ts "$CODESIGN_TIMESTAMP_URL")
[ -z "${CODESIGN_TIME:-}" ] || opts+=(-time "$CODESIGN_TIME")

for f in "$@"; do
	rm -f "$f.signed"
	printf '%s' "${CODESIGN_PASSWORD:-}" |
		osslsigncode sign "${key_args[@]}" "${opts[@]}" -in "$f" -out "$f.signed" >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; die "signing $f failed"; }
	mv "$f.signed" "$f"
	osslsigncode verify "${verify_opts[@]}" -in "$f" >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; die "the signature of $f does not verify"; }
	say "signed $(basename "$f")"
done
cp "$tmp/certs.pem" "$cert_out"
