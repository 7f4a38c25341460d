// SPDX-License-Identifier: GPL-2.0
//! Driver information, string sets and the counter tables: `-i`, `-S`,
//! `-S --all-groups`.

use anyhow::{ensure, Context, Result};

use super::dut::{all_equal, pair, Dut};
use super::{cli, expect};
use crate::netlink::consts::sset;
use crate::netlink::{StatsGroup, StdGroup};
use crate::suites::{CaseResult, Ctx};
use crate::DUT;

/// GDRVINFO against `ethtool -i`, the PCI address and the dump sizes.
pub(crate) fn drvinfo(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let i = d.io().drvinfo(d.if_())?;
    let names = d.stat_names();
    all_equal(
        "ETHTOOL_GDRVINFO",
        &[
            pair("driver", &i.driver, ctx.driver()),
            pair("bus_info", &i.bus_info, DUT.pci_addr),
            pair("n_stats", i.n_stats, names.len()),
            pair("testinfo_len", i.testinfo_len, expect::TEST_NAMES.len()),
            pair("eedump_len", i.eedump_len, expect::EEPROM_BYTES),
            pair("regdump_len", i.regdump_len, expect::REGS_BYTES),
            pair("n_priv_flags", i.n_priv_flags, 0),
        ],
    )?;
    let out = cli::run(&["-i", d.if_()])?;
    let f = |k| cli::need(&out, k).map(str::to_owned);
    all_equal(
        "ioctl vs `ethtool -i`",
        &[
            pair("driver", f("driver")?, &i.driver),
            pair("version", f("version")?, &i.version),
            pair("firmware-version", f("firmware-version")?, &i.fw_version),
            pair("bus-info", f("bus-info")?, &i.bus_info),
            pair("supports-statistics", f("supports-statistics")?, "yes"),
            pair("supports-test", f("supports-test")?, "yes"),
            pair(
                "supports-eeprom-access",
                f("supports-eeprom-access")?,
                "yes",
            ),
            pair(
                "supports-register-dump",
                f("supports-register-dump")?,
                "yes",
            ),
            pair("supports-priv-flags", f("supports-priv-flags")?, "no"),
        ],
    )?;
    Ok(())
}

/// `ethtool -S`: the C driver's names in its order (then re1000's own),
/// the same through GSTRINGS and netlink STRSET, values between two ioctl
/// reads bracketing the CLI's, and the counters the C table reads from one
/// source equal. All of these are consistency checks of the driver's views
/// of one source against each other, not cross-checks: the counters are
/// cross-checked against the peer's stats64 and the socket in
/// `counters-rx`/`counters-tx`.
pub(crate) fn stats_strings(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let want: Vec<String> = d.stat_names().iter().map(|s| s.to_string()).collect();
    let io_names = d.io().strings(d.if_(), sset::STATS)?;
    ensure!(
        io_names == want,
        "ETHTOOL_GSTRINGS names:\n{io_names:?}\nexpected:\n{want:?}"
    );
    let nl_names = d.eth().strings(d.if_(), sset::STATS)?;
    ensure!(
        nl_names == want,
        "STRSET ETH_SS_STATS names:\n{nl_names:?}\nexpected:\n{want:?}"
    );
    let tests = d.eth().strings(d.if_(), sset::TEST)?;
    ensure!(
        tests == expect::TEST_NAMES,
        "STRSET ETH_SS_TEST: {tests:?}, expected {:?}",
        expect::TEST_NAMES
    );

    let before = d.io().stats(d.if_())?;
    let text = cli::run(&["-S", d.if_()])?;
    let after = d.io().stats(d.if_())?;
    let cli_stats = cli::counters(&text, "NIC statistics:")?;
    let cli_names: Vec<&String> = cli_stats.iter().map(|(n, _)| n).collect();
    ensure!(
        cli_names.iter().copied().eq(want.iter()),
        "`ethtool -S` names {cli_names:?}, expected {want:?}"
    );
    let mut bad = Vec::new();
    for (((name, v), (_, lo)), (_, hi)) in cli_stats.iter().zip(&before).zip(&after) {
        if !(lo <= v && v <= hi) {
            bad.push(format!(
                "{name}: ethtool -S says {v}, the ioctl read {lo} before and {hi} after"
            ));
        }
    }
    ensure!(bad.is_empty(), "{}", bad.join("\n"));
    let get = |n: &str| after.iter().find(|(k, _)| k == n).map(|(_, v)| *v);
    for (a, b) in expect::SAME_SOURCE {
        ensure!(
            get(a) == get(b),
            "consistency: {a} = {:?} but {b} = {:?} in one read (the same hardware counter)",
            get(a),
            get(b)
        );
    }
    ctx.info(
        "consistency checks only (names, CLI vs ioctl, same-source counters); the \
         cross-check against the peer and the socket is counters-rx/tx",
    );
    Ok(())
}

/// The CLI name of a standard-group counter or histogram bucket
/// (ethtool 6.1 netlink/stats.c).
fn std_cli_names(g: &StatsGroup) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = g
        .counters
        .iter()
        .map(|(n, x)| (format!("{}-{n}", g.group.name()), *x))
        .collect();
    for (dir, h) in [("rx", &g.hist_rx), ("tx", &g.hist_tx)] {
        for b in h {
            let range = match (b.low, b.high) {
                (0, hi) => format!("{hi}Octets"),
                (lo, 0) => format!("{lo}toMaxOctets"),
                (lo, hi) => format!("{lo}to{hi}Octets"),
            };
            v.push((
                format!("{dir}-{}-etherStatsPkts{range}", g.group.name()),
                b.value,
            ));
        }
    }
    v
}

/// The standard groups (eth-mac, eth-ctrl, rmon with its histogram; no
/// eth-phy) against `ethtool -S --all-groups` and the private counters
/// that read the same registers: consistency checks of two views of the
/// same registers, not cross-checks (eth-mac and rmon are checked against
/// the peer's stats64 in `counters-rx`/`counters-tx`). The C driver has
/// none (README).
pub(crate) fn std_stats(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let all = [
        StdGroup::EthPhy,
        StdGroup::EthMac,
        StdGroup::EthCtrl,
        StdGroup::Rmon,
    ];
    let g0 = d.eth().stats_get(d.if_(), &all)?;
    let text = cli::run(&["-S", d.if_(), "--all-groups"])?;
    let nic = d.io().stats(d.if_())?;
    let g1 = d.eth().stats_get(d.if_(), &all)?;
    let header = format!("Standard stats for {}:", d.if_());
    let cli_std = cli::counters(&text, &header)?;
    if d.reference {
        ensure!(
            g1.iter().all(StatsGroup::is_empty) && cli_std.is_empty(),
            "the C e1000 reported standard statistics: {g1:?} / {cli_std:?}"
        );
        ctx.info("C e1000: no standard statistics groups (README: re1000 only)");
        return Ok(());
    }
    let group = |gs: &[StatsGroup], g: StdGroup| -> Result<StatsGroup> {
        gs.iter()
            .find(|x| x.group == g)
            .cloned()
            .with_context(|| format!("no {} group", g.name()))
    };
    ensure!(
        group(&g1, StdGroup::EthPhy)?.is_empty(),
        "eth-phy is not empty (no PHY counters on the 8254x)"
    );
    for g in [StdGroup::EthMac, StdGroup::EthCtrl, StdGroup::Rmon] {
        ensure!(!group(&g1, g)?.counters.is_empty(), "{} is empty", g.name());
    }
    let rmon = group(&g1, StdGroup::Rmon)?;
    for (dir, h) in [("rx", &rmon.hist_rx), ("tx", &rmon.hist_tx)] {
        let ranges: Vec<(u32, u32)> = h.iter().map(|b| (b.low, b.high)).collect();
        ensure!(
            ranges == expect::RMON_RANGES,
            "rmon {dir} histogram ranges {ranges:?}, expected {:?}",
            expect::RMON_RANGES
        );
    }

    // The CLI's numbers lie between the two library reads.
    let lib0: Vec<(String, u64)> = g0.iter().flat_map(std_cli_names).collect();
    let lib1: Vec<(String, u64)> = g1.iter().flat_map(std_cli_names).collect();
    let mut bad = Vec::new();
    for (name, v) in &cli_std {
        let lo = lib0.iter().find(|(n, _)| n == name).map(|x| x.1);
        let hi = lib1.iter().find(|(n, _)| n == name).map(|x| x.1);
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= *v && *v <= hi => {}
            _ => bad.push(format!("{name}: CLI {v}, library {lo:?}..{hi:?}")),
        }
    }
    // The CLI leaves out zero counters; everything it omits must be zero.
    for (name, v) in &lib0 {
        if *v != 0 && !cli_std.iter().any(|(n, _)| n == name) {
            bad.push(format!(
                "{name} = {v} missing from `ethtool -S --all-groups`"
            ));
        }
    }
    ensure!(
        bad.is_empty(),
        "`ethtool -S {} --all-groups` vs STATS_GET:\n{}",
        d.if_(),
        bad.join("\n")
    );

    // Same registers as the private counters, so the reads bracket them.
    let mac0 = group(&g0, StdGroup::EthMac)?;
    let mac1 = group(&g1, StdGroup::EthMac)?;
    let n = |k: &str| nic.iter().find(|(x, _)| x == k).map(|(_, v)| *v);
    for (std, private) in [
        ("FramesReceivedOK", "rx_packets"),
        ("FramesTransmittedOK", "tx_packets"),
        ("OctetsReceivedOK", "rx_bytes"),
        ("OctetsTransmittedOK", "tx_bytes"),
        ("MulticastFramesReceivedOK", "rx_multicast"),
        ("BroadcastFramesXmittedOK", "tx_broadcast"),
    ] {
        let (lo, hi, v) = (mac0.get(std), mac1.get(std), n(private));
        ensure!(
            matches!((lo, hi, v), (Some(lo), Some(hi), Some(v)) if lo <= v && v <= hi),
            "consistency: eth-mac {std} {lo:?}..{hi:?} vs ethtool -S {private} {v:?} (the \
             same register)"
        );
    }
    ctx.info(
        "consistency checks only (STATS_GET vs the CLI, eth-mac vs -S of the same \
         registers); eth-mac/rmon against the peer's counters: counters-rx/tx",
    );
    Ok(())
}
