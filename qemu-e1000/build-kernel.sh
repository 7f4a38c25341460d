#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the Rust-enabled test kernel into a cache outside the repository and
# prints its build directory (usable as KDIR) on the last line of stdout.
#
#   build-kernel.sh [normal|debug]
#
# The cache directory is keyed by the kernel package version, the config
# fragments, rustc/bindgen/gcc/virtme-ng versions and the flavour, so a stale
# build is never reused. A build only counts once its `.re1000-complete` stamp
# exists; an interrupted build is resumed by make.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
flavour=${1:-normal}
case "$flavour" in normal | debug) ;; *) echo "unknown flavour '$flavour' (normal|debug)" >&2; exit 2 ;; esac

export PATH="$VNG_VENV/bin:$HOME/.cargo/bin:$PATH"
export LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VERSION/lib
log() { printf '[kernel] %s\n' "$*" >&2; }

# virtme-ng's own list of options its guest needs, taken from the installed
# package rather than copied into this repository.
vng_fragment=$("$VNG_VENV/bin/python3" - <<-'EOF'
	from virtme.commands import configkernel as c
	for line in c._GENERIC_CONFIG:
	    print(line)
	EOF
)
# Debug info makes the build several times slower; the fragment asks for none.
vng_fragment=$(grep -v -e '^CONFIG_DEBUG_INFO' -e '^##' <<<"$vng_fragment")

fragments=("$here/kernel.config")
[ "$flavour" = debug ] && fragments+=("$here/kernel-debug.config")
key=$( {
	echo "$LINUX_SOURCE_VERSION $flavour"
	rustc --version; bindgen --version; gcc --version | head -1
	echo "virtme-ng $VIRTME_NG_VERSION"
	echo "$vng_fragment"
	cat "${fragments[@]}"
	cat "$0"
} | sha256sum | cut -c1-16)

src=$CACHE_ROOT/src/linux-$LINUX_SOURCE_VERSION
out=$CACHE_ROOT/kernel/$flavour-$key
if [ -f "$out/.re1000-complete" ]; then
	log "cached: $out"
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.re1000-extracted" ]; then
	log "extracting linux-source $LINUX_SOURCE_VERSION"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$KSRC_DEB_CACHE/$LINUX_SOURCE_DEB" |
		tar -xO --wildcards './usr/src/linux-source-7.3.tar.xz' |
		tar -xJ -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.re1000-extracted"
	mv "$src.tmp" "$src"
fi

mkdir -p "$out"
printf '%s\n' "$vng_fragment" >"$out/virtme-ng.config"
if [ ! -f "$out/.config" ]; then
	log "configuring $flavour kernel in $out"
	make -s -C "$src" O="$out" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$out/virtme-ng.config" "${fragments[@]}" >/dev/null
	make -s -C "$src" O="$out" olddefconfig >&2
fi

# Every option the fragments ask for must have survived olddefconfig.
dropped=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		opt=${line%%=*} want=${line#*=}
		got=$(grep -E "^$opt=" "$out/.config" | cut -d= -f2- || true)
		[ "$want" = n ] && { [ -z "$got" ] || [ "$got" = n ]; } && continue
		[ "$got" = "$want" ] || dropped+=("$opt=$want (got ${got:-unset})")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -qE "^$opt=[ym]" "$out/.config" && dropped+=("$opt=n (got set)")
		;;
	esac
done < <(cat "${fragments[@]}")
if [ ${#dropped[@]} -gt 0 ]; then
	echo "error: olddefconfig dropped options from the re1000 fragment:" >&2
	printf '  %s\n' "${dropped[@]}" >&2
	echo "fix their dependencies in qemu-e1000/kernel*.config" >&2
	rm -f "$out/.config"
	exit 1
fi

make -s -C "$src" O="$out" rustavailable >&2
log "building (about 12 min on 2 cores from scratch)"
start=$SECONDS
make -s -C "$src" O="$out" -j"$(($(nproc) + 1))" bzImage modules >&2
log "built in $((SECONDS - start)) s"
touch "$out/.re1000-complete"
echo "$out"
