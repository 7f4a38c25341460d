#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: host unit tests, then the in-guest suites on every QEMU e1000 model
# (normal kernel) and the reliability suites on the debug kernel. Ends with one line
# "N passed, N failed[, N skipped]" and exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"

MODELS=${MODELS-"e1000 e1000-82544gc e1000-82545em"}
# Suites run on each model with the normal kernel, and on the debug kernel.
# The first model runs them at full scale; the others, whose differences from it
# are the PHY, the EEPROM and the MAC type, and the debug kernel, whose checkers
# report a bad path the first time it runs, at `--scale short`: the same cases
# and checks with fewer cycles and smaller transfers (ethtool-tests/src/suites).
SUITES=${SUITES-"bringup link datapath ethtool stress netfilter"}
DEBUG_SUITES=${DEBUG_SUITES-"bringup link datapath ethtool stress netfilter"}
# The same suites with the C e1000 as the device under test: what correct looks like,
# and every difference from re1000 either intended (README) or a failure. The
# link and datapath references run on the first model only.
REFERENCE_SUITES=${REFERENCE_SUITES-"ethtool"}
REFERENCE_FIRST_MODEL_SUITES=${REFERENCE_FIRST_MODEL_SUITES-"link datapath netfilter"}
logs=build/logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0

# VM_LOCK=<file> (optional): hold this lock around each VM run, so that runs of
# several checkouts on one machine take turns instead of slowing each other.

# Every failed result, one line each, repeated above the summary line.
failures=()

# Adds the counts of a tally's "TALLY passed=N failed=N skipped=N" line.
add_counts() {
	local kv
	for kv in ${1#TALLY }; do
		case $kv in
		passed=*) passed=$((passed + ${kv#*=})) ;;
		failed=*) failed=$((failed + ${kv#*=})) ;;
		skipped=*) skipped=$((skipped + ${kv#*=})) ;;
		esac
	done
}

# Unit tests of the module logic and the tools, against the kernel source tree
# the build extracted. Every crate runs (--no-fail-fast); a non-zero exit that
# names no failed test (a test binary killed by a signal, a build error) is a
# failure of its own, and an ignored test is a skip nobody declared: a failure.
host_tests() {
	local log=$logs/host.log rc p f i
	RE1000_LINUX_SRC=$CACHE_ROOT/src/linux-$LINUX_SOURCE_VERSION \
		cargo test --workspace --no-fail-fast --quiet 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -a -o '^test result: .*' "$log" | grep -o '[0-9]* passed' | awk '{s+=$1} END {print s+0}')
	f=$(grep -a -o '^test result: .*' "$log" | grep -o '[0-9]* failed' | awk '{s+=$1} END {print s+0}')
	i=$(grep -a -o '^test result: .*' "$log" | grep -o '[0-9]* ignored' | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p)) failed=$((failed + f + i))
	while read -r t; do
		failures+=("FAIL host: $t")
	done < <(grep -a -E '^test .* \.\.\. FAILED$' "$log" | sed 's/^test \(.*\) \.\.\. FAILED$/\1/')
	[ "$i" -eq 0 ] || failures+=("FAIL host: $i ignored test(s), a skip without a declared reason")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("FAIL host: cargo test exited $rc without naming a failed test (a test binary crashed or did not build)")
	fi
	[ "$rc" -eq 0 ] && [ "$i" -eq 0 ]
}

# guest <label> <kdir> <module> <model> <timeout> <re1000-guest test args...>: one VM run,
# counted by re1000-guest's tally against the run's plan (see ethtool-tests/src/
# tally.rs): results the guest never reported, undeclared skips and a non-zero
# re1000-vm status (crash, timeout) are failures.
guest() {
	local label=$1 kdir=$2 ko=$3 model=$4 timeout=$5 rc out line
	shift 5
	local log=$logs/$label.log
	${VM_LOCK:+flock "$VM_LOCK"} target/release/re1000-vm --kdir "$kdir" --model "$model" --timeout "$timeout" \
		-- target/release/re1000-guest test --module "$ko" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	out=$(target/release/re1000-guest tally --log "$log" --status "$rc" --label "$label" "$@") || {
		failed=$((failed + 1))
		failures+=("FAIL $label: the tally of $log failed")
		return 1
	}
	printf '%s\n' "$out"
	line=$(grep '^TALLY ' <<<"$out")
	add_counts "$line"
	while IFS= read -r line; do
		failures+=("$line")
	done < <(grep '^FAIL ' <<<"$out")
	grep -q '^TALLY .* failed=0 ' <<<"$out"
}

# A build step that fails ends the run as a failure.
build() {
	phase "$@" && return 0
	print_phases
	echo
	printf '%s\n' "${failures[@]}"
	echo "$passed passed, $((failed + 1)) failed (build step '$1' failed)"
	exit 1
}

# The normal kernel first: its build extracts the source tree the host tests
# check the uapi constants against.
build kernel-normal capture kdir kernel_dir normal
# The debug kernel, when not cached, builds from here on at the lowest CPU
# priority, beside the host tests and the normal kernel's guests: these leave the
# cores idle whenever they wait, and the build takes next to nothing from them
# otherwise. Its own process group, so that an early exit can stop it.
debug_build=
if [ -n "$DEBUG_SUITES" ] && [ -z "${KDIR:-}" ]; then
	setsid nice -n 19 qemu-e1000/build-kernel.sh debug >"$logs/kernel-debug.log" 2>&1 &
	debug_build=$!
	trap '[ -z "$debug_build" ] || kill -- -"$debug_build" 2>/dev/null || true' EXIT
fi
# Waits for the background build (in this shell: `wait` needs its parent). If it
# failed, its log's end is shown and kernel-debug builds in the foreground.
wait_debug_build() {
	local rc=0
	wait "$debug_build" || rc=$?
	debug_build=
	grep -a '^\[kernel\]' "$logs/kernel-debug.log" || true
	[ "$rc" -eq 0 ] || tail -20 "$logs/kernel-debug.log"
	return "$rc"
}

phase host-unit-tests host_tests || true
build module-normal capture ko ci/build-module.sh normal "$kdir"
build test-tools build_tools
scale=full
for model in $MODELS; do
	[ -n "${SUITES// /}" ] || break
	# shellcheck disable=SC2086
	phase "guest-$model" guest "$model" "$kdir" "$ko" "$model" 1500 --driver re1000 --scale $scale $SUITES || true
	scale=short
done
first=1
for model in $MODELS; do
	suites=$REFERENCE_SUITES
	[ "$first" = 1 ] && suites="$REFERENCE_FIRST_MODEL_SUITES $suites"
	first=0
	[ -n "${suites// /}" ] || continue
	# shellcheck disable=SC2086
	phase "reference-$model" guest "reference-$model" "$kdir" "$ko" "$model" 1500 --driver e1000 $suites || true
done
# The bench in miniature (one pair of 2 s per workload on the first model), so that
# `make bench` cannot rot: one result, a failure unless every metric of the bench
# has a complete pair and re1000-bench writes its report.
bench_smoke() {
	local log=$logs/bench-smoke.log model=${MODELS%% *} rc=0
	${VM_LOCK:+flock "$VM_LOCK"} target/release/re1000-vm --kdir "$kdir" --model "$model" --timeout 900 \
		-- target/release/re1000-guest bench --module "$ko" --pairs 1 --seconds 2 --pings 50 \
		>"$log" 2>&1 || rc=$?
	grep -a '^# bench' "$log" || true
	if [ "$rc" -eq 0 ] && target/release/re1000-bench --out build/bench-smoke "$log" >/dev/null; then
		passed=$((passed + 1))
		echo "ok bench-smoke"
		return 0
	fi
	failed=$((failed + 1))
	failures+=("FAIL bench-smoke: re1000-guest bench exited $rc or left a metric without a complete pair ($log)")
	return 1
}
if [ "${BENCH_SMOKE-1}" = 1 ] && [ -n "${MODELS// /}" ]; then
	phase bench-smoke bench_smoke || true
fi
if [ -n "$DEBUG_SUITES" ]; then
	[ -z "$debug_build" ] || phase kernel-debug-background wait_debug_build || true
	build kernel-debug capture kdir_debug kernel_dir debug
	build module-debug capture ko_debug ci/build-module.sh debug "$kdir_debug"
	# shellcheck disable=SC2086
	phase guest-debug guest debug "$kdir_debug" "$ko_debug" e1000 3000 --driver re1000 --debug-kernel --scale short $DEBUG_SUITES || true
fi

print_phases
echo
[ "${#failures[@]}" -eq 0 ] || printf '%s\n' "${failures[@]}"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo
echo "$summary"
[ "$failed" -eq 0 ]
