#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs what building and testing re1000 needs on a Debian bookworm host.
# Idempotent: every step checks first and skips what is already there.
# Versions are pinned in qemu-e1000/versions.env.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

step() { printf '[setup] %s\n' "$*"; }
mkdir -p "$CACHE_ROOT" "$KSRC_DEB_CACHE"

# Debian packages come from bookworm; trixie-backports is added for
# linux-source-7.3 only and pinned below everything else.
if [ ! -f /etc/apt/sources.list.d/re1000-trixie-backports.sources ]; then
	step "adding trixie-backports (linux-source only)"
	cat >/etc/apt/sources.list.d/re1000-trixie-backports.sources <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: trixie-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	cat >/etc/apt/preferences.d/re1000-trixie-backports <<-EOF
	Package: *
	Pin: release n=trixie-backports
	Pin-Priority: -1

	Package: linux-source-7.3
	Pin: release n=trixie-backports
	Pin-Priority: 100
	EOF
	apt_updated=
fi

missing=()
for p in $DEB_PACKAGES; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ -z "${apt_updated+x}" ] && [ ${#missing[@]} -eq 0 ] && [ -f "$KSRC_DEB_CACHE/$LINUX_SOURCE_DEB" ]; then
	:
else
	step "apt-get update"
	apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	step "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm --no-install-recommends \
		"${missing[@]}" >"${CACHE_ROOT}/apt.log" 2>&1 || { cat "${CACHE_ROOT}/apt.log"; exit 1; }
fi

# The kernel source package is downloaded, never installed.

if [ ! -f "$KSRC_DEB_CACHE/$LINUX_SOURCE_DEB" ]; then
	step "downloading linux-source-7.3=$LINUX_SOURCE_VERSION"
	(cd "$KSRC_DEB_CACHE" && apt-get download -qq "linux-source-7.3=$LINUX_SOURCE_VERSION")
fi

# Outputs are captured before matching: `grep -q` closing a pipe early would make
# the producer fail under pipefail.
if [[ "$(rustup component list --installed)" != *rust-src* ]]; then
	step "rustup component add rust-src"
	rustup component add rust-src
fi

if [ "$(bindgen --version 2>/dev/null)" != "bindgen $BINDGEN_VERSION" ]; then
	step "cargo install bindgen-cli $BINDGEN_VERSION"
	cargo install --locked --quiet bindgen-cli --version "$BINDGEN_VERSION"
fi

vng_installed=$("$VNG_VENV/bin/pip" show virtme-ng 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ ! -x "$VNG_VENV/bin/vng" ] || [ "$vng_installed" != "$VIRTME_NG_VERSION" ]; then
	step "virtme-ng $VIRTME_NG_VERSION into $VNG_VENV"
	python3 -m venv "$VNG_VENV"
	"$VNG_VENV/bin/pip" install -q "virtme-ng==$VIRTME_NG_VERSION"
fi
step "host ready"
