#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: host unit tests, then the in-guest suites on every QEMU e1000 model
# (normal kernel) and the reliability suites on the debug kernel. Ends with one line
# "N passed, N failed[, N skipped]" and exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"

MODELS=${MODELS:-"e1000 e1000-82544gc e1000-82545em"}
# Suites run on each model with the normal kernel, and on the debug kernel.
SUITES=${SUITES:-"bringup link datapath ethtool"}
DEBUG_SUITES=${DEBUG_SUITES:-"bringup link stress"}
# The same suites with the C e1000 as the device under test: what correct looks like,
# and every difference from re1000 either intended (README) or a failure. The
# link and datapath references run on the first model only.
REFERENCE_SUITES=${REFERENCE_SUITES:-"ethtool"}
REFERENCE_FIRST_MODEL_SUITES=${REFERENCE_FIRST_MODEL_SUITES:-"link datapath"}
logs=build/logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0

# Adds the counts of a guest run's "RESULT passed=N failed=N skipped=N" line; a run
# that ended without one (crash, timeout) counts as one failure.
tally_guest() {
	local log=$1 line
	line=$(grep -a '^RESULT passed=' "$log" | tail -1 || true)
	if [ -z "$line" ]; then
		echo "FAIL $(basename "$log" .log): the guest run ended without a RESULT line"
		failed=$((failed + 1))
		return
	fi
	line=${line#RESULT }
	for kv in $line; do
		case $kv in
		passed=*) passed=$((passed + ${kv#*=})) ;;
		failed=*) failed=$((failed + ${kv#*=})) ;;
		skipped=*) skipped=$((skipped + ${kv#*=})) ;;
		esac
	done
}

host_tests() {
	local log=$logs/host.log
	cargo test --workspace --quiet 2>&1 | tee "$log"
	local p f i
	p=$(grep -o '[0-9]* passed' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(grep -o '[0-9]* failed' "$log" | awk '{s+=$1} END {print s+0}')
	i=$(grep -o '[0-9]* ignored' "$log" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + i))
	grep -q 'test result: FAILED\|error\[' "$log" && [ "$f" -eq 0 ] && failed=$((failed + 1))
	return 0
}

# guest <label> <kdir> <module> <model> <re1000-guest test args...>
guest() {
	local label=$1 kdir=$2 ko=$3 model=$4
	shift 4
	local log=$logs/$label.log
	target/release/re1000-vm --kdir "$kdir" --model "$model" --timeout 1500 \
		-- target/release/re1000-guest test --module "$ko" "$@" 2>&1 | tee "$log" || true
	tally_guest "$log"
}

# A build step that fails ends the run as a failure.
build() {
	phase "$@" && return 0
	print_phases
	echo
	echo "$passed passed, $((failed + 1)) failed (build step '$1' failed)"
	exit 1
}

phase host-unit-tests host_tests
build kernel-normal capture kdir kernel_dir normal
build module-normal capture ko ci/build-module.sh normal "$kdir"
build test-tools build_tools
for model in $MODELS; do
	# shellcheck disable=SC2086
	phase "guest-$model" guest "$model" "$kdir" "$ko" "$model" --driver re1000 $SUITES
done
first=1
for model in $MODELS; do
	suites=$REFERENCE_SUITES
	[ "$first" = 1 ] && suites="$REFERENCE_FIRST_MODEL_SUITES $suites"
	first=0
	[ -n "${suites// /}" ] || continue
	# shellcheck disable=SC2086
	phase "reference-$model" guest "reference-$model" "$kdir" "$ko" "$model" --driver e1000 $suites
done
if [ -n "$DEBUG_SUITES" ]; then
	build kernel-debug capture kdir_debug kernel_dir debug
	build module-debug capture ko_debug ci/build-module.sh debug "$kdir_debug"
	# shellcheck disable=SC2086
	phase guest-debug guest debug "$kdir_debug" "$ko_debug" e1000 --driver re1000 --debug-kernel $DEBUG_SUITES
fi

print_phases
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo
echo "$summary"
[ "$failed" -eq 0 ]
