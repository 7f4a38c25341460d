#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: build what is needed, boot QEMU with two e1000 NICs, load re1000 with
# modprobe, bring the link up, show ip/ethtool output, ping the peer, and exit with
# the guest's status.
. "$(dirname "$0")/lib.sh"
MODEL=${MODEL:-e1000}

phase kernel capture kdir kernel_dir normal
phase module capture ko ci/build-module.sh normal "$kdir"
phase test-tools build_tools
rc=0
phase "vm-$MODEL" target/release/re1000-vm --kdir "$kdir" --model "$MODEL" --timeout 600 \
	-- target/release/re1000-guest demo --module "$ko" --expect-ping || rc=$?
print_phases
exit $rc
