#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: re1000 against the C e1000, side by side in one guest per QEMU model
# (`re1000-guest bench`), then medians, ratios and a chart (`re1000-bench`) in
# build/bench/. Reports numbers; fails only if a run produced no results.
. "$(dirname "$0")/lib.sh"

MODELS=${MODELS:-"e1000 e1000-82544gc e1000-82545em"}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-8}
out=build/bench
mkdir -p "$out"
rm -f "$out"/*.log

phase kernel capture kdir kernel_dir normal
phase module capture ko ci/build-module.sh normal "$kdir"
phase tools cargo build --release --quiet -p re1000-vm -p ethtool-tests -p re1000-bench
# bench_model <model> <log>: one guest, both drivers; shows the result lines as they
# come and keeps the whole console in the log.
bench_model() {
	target/release/re1000-vm --kdir "$kdir" --model "$1" --timeout 3000 \
		-- target/release/re1000-guest bench --module "$ko" --rounds "$ROUNDS" --seconds "$SECS" \
		2>&1 | tee "$2" | grep -a -E '^(BENCH|#|re1000-guest|\[vm\])'
	return "${PIPESTATUS[0]}"
}

logs=()
for model in $MODELS; do
	logs+=("$out/$model.log")
	phase "bench-$model" bench_model "$model" "$out/$model.log" || true
done
rc=0
phase report target/release/re1000-bench --out "$out" "${logs[@]}" || rc=$?
print_phases
exit $rc
