# Installers: `make dist` builds the Linux and Windows packages into dist/,
# `make dist-test` checks them (and installs, runs and removes the .deb on this
# machine). README.md, "Installers", says what each one is; packaging/ holds
# the scripts and templates.

# To build: cross-compile for Windows, make and sign the MSI, and the Debian
# tools (dpkg-shlibdeps) and xz for the Linux packages.
DIST_PKGS := gcc-mingw-w64-x86-64 wixl msitools osslsigncode openssl faketime \
	dpkg-dev xz-utils git
# To check: PE inspection, the desktop-file, AppStream and Debian-policy checkers, and
# Wine, whose msiexec installs, upgrades and removes the MSI.
DIST_TEST_PKGS := binutils-mingw-w64-x86-64 icoutils desktop-file-utils appstream lintian \
	wine wine64

.PHONY: dist dist-linux dist-windows dist-test dist-reproducible deps-dist

## dist: every package, each with a .sha256 file, in dist/.
dist: deps-dist
	./packaging/dist.sh all

## dist-linux, dist-windows: only those packages.
dist-linux: deps-dist
	./packaging/dist.sh linux

dist-windows: deps-dist
	./packaging/dist.sh windows

## dist-test: builds dist/ and checks every package (DIST_REUSE=1: test the
## dist/ already there).
dist-test: deps-test deps-dist
	./scripts/apt-install.sh $(DIST_TEST_PKGS)
	./packaging/dist-test.sh

## dist-reproducible: builds HEAD twice in two clones (the second with an
## empty Go build cache) and compares every package byte for byte.
dist-reproducible: deps-dist
	./packaging/reproducible.sh

deps-dist: deps-build
	./scripts/apt-install.sh $(DIST_PKGS)
