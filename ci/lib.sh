# SPDX-License-Identifier: GPL-2.0
# Shared glue for ci/run.sh and ci/check.sh: paths, timing, kernel and module builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../qemu-e1000/versions.env
. qemu-e1000/versions.env
export PATH="$HOME/.cargo/bin:$VNG_VENV/bin:$PATH"
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-$LLVM_VERSION/lib}

declare -a PHASES=()
# phase <name> <command...>: runs a command and records its wall time.
phase() {
	local name=$1 start=$SECONDS rc=0
	shift
	printf '\n=== %s\n' "$name"
	"$@" || rc=$?
	PHASES+=("$(printf '%-28s %4d s%s' "$name" $((SECONDS - start)) "$([ $rc -eq 0 ] || echo "  (exit $rc)")")")
	return $rc
}
print_phases() {
	printf '\n=== timings\n'
	printf '%s\n' "${PHASES[@]}"
}

# kernel_dir <flavour>: KDIR if given, else the cached test kernel (built if needed).
# Cached builds of the flavour with another key can never be used again: removed.
kernel_dir() {
	if [ -n "${KDIR:-}" ]; then
		echo "$KDIR"
		return
	fi
	local dir old
	# Callers run this where `set -e` does not apply (phase's `||`): check by hand,
	# so that a failed or interrupted build never prunes the good cached ones.
	dir=$(qemu-e1000/build-kernel.sh "$1") || return $?
	[ -f "$dir/.re1000-complete" ] || {
		echo "kernel build for $1 left no complete tree (got '$dir')" >&2
		return 1
	}
	for old in "$CACHE_ROOT/kernel/$1"-*; do
		[ "$old" = "$dir" ] || rm -rf "$old"
	done
	echo "$dir"
}

build_tools() {
	cargo build --release --quiet -p re1000-vm -p ethtool-tests -p re1000-bench
}

# capture <var> <command...>: runs a command, shows its output, and stores its last
# output line in <var> (used for paths printed by the build scripts).
capture() {
	local __var=$1 __out
	shift
	__out=$("$@") || return $?
	printf '%s\n' "$__out"
	printf -v "$__var" '%s' "$(tail -1 <<<"$__out")"
}
