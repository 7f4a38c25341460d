#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: re1000 against the C e1000, side by side in one guest per QEMU model
# (`re1000-guest bench`: PAIRS pairs per workload in ABBA order), then per-pair
# ratios, medians, spreads and a chart (`re1000-bench`) in build/bench/. AA=1 puts
# the C e1000 in both slots: the noise floor. Reports numbers; fails only if a run
# left a metric without a complete pair.
. "$(dirname "$0")/lib.sh"

MODELS=${MODELS:-"e1000 e1000-82544gc e1000-82545em"}
PAIRS=${PAIRS:-6}
SECS=${SECS:-10}
PINGS=${PINGS:-1000}
AA=${AA:-}
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
		-- target/release/re1000-guest bench --module "$ko" --pairs "$PAIRS" --seconds "$SECS" \
		--pings "$PINGS" ${AA:+--aa} \
		2>&1 | tee "$2" | grep -a -E '^(#|re1000-guest|\[vm\])'
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
