// SPDX-License-Identifier: GPL-2.0
//! Checks every constant of [`super::consts`] and [`super::ioctl::abi`]
//! against the kernel's uapi headers, read from the Linux source tree the
//! kernel build extracts: `$RE1000_LINUX_SRC` (what `make check` sets), else
//! the path `qemu-e1000/versions.env` gives it
//! (`${XDG_CACHE_HOME:-~/.cache}/re1000/src/linux-$LINUX_SOURCE_VERSION`).
//! Without that tree the check fails: run `make kernel` first.

use std::collections::HashMap;
use std::path::PathBuf;

use super::consts::*;
use super::ioctl::abi::{self, cmd};

/// `LINUX_SOURCE_VERSION` from versions.env, the build's one source of it.
fn source_version() -> String {
    let env = concat!(env!("CARGO_MANIFEST_DIR"), "/../qemu-e1000/versions.env");
    let text = std::fs::read_to_string(env).unwrap_or_else(|e| panic!("{env}: {e}"));
    text.lines()
        .find_map(|l| l.strip_prefix("LINUX_SOURCE_VERSION="))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("{env}: no LINUX_SOURCE_VERSION"))
}

/// The tree as build-kernel.sh extracts it (`$CACHE_ROOT/src/linux-$VERSION`).
fn source_tree() -> PathBuf {
    if let Some(p) = std::env::var_os("RE1000_LINUX_SRC") {
        return PathBuf::from(p);
    }
    let cache = match std::env::var_os("XDG_CACHE_HOME") {
        Some(c) if !c.is_empty() => PathBuf::from(c),
        _ => PathBuf::from(std::env::var_os("HOME").expect("HOME is not set")).join(".cache"),
    };
    cache
        .join("re1000/src")
        .join(format!("linux-{}", source_version()))
}

fn literal(s: &str) -> Option<i64> {
    let s = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    if let Some((a, b)) = s.split_once("<<") {
        return Some(literal(a)? << literal(b)?);
    }
    match s.strip_prefix("0x") {
        Some(h) => i64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Enumerator and `#define` values of a C header (the simple forms the
/// uapi headers use: implicit or literal enumerators, literal defines).
fn c_values(text: &str, out: &mut HashMap<String, i64>) {
    let mut in_enum = false;
    let mut next = 0i64;
    for raw in text.lines() {
        let line = raw.split("/*").next().unwrap_or("").trim();
        if line.starts_with("enum") && line.ends_with('{') {
            in_enum = true;
            next = 0;
            continue;
        }
        if in_enum && line.starts_with('}') {
            in_enum = false;
            continue;
        }
        if in_enum {
            let item = line.trim_end_matches(',');
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), literal(v)),
                None => (item, Some(next)),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(v) = value {
                out.insert(name.to_owned(), v);
                next = v + 1;
            }
        } else if let Some(rest) = line.strip_prefix("#define") {
            let mut it = rest.split_whitespace();
            if let (Some(n), Some(v)) = (it.next(), it.next()) {
                if let Some(v) = literal(v) {
                    out.insert(n.to_owned(), v);
                }
            }
        }
    }
}

#[test]
fn constants_match_the_uapi_headers() {
    let tree = source_tree();
    assert!(
        tree.join("include/uapi/linux/ethtool.h").is_file(),
        "{}: no Linux source tree (extracted by `make kernel`; or set RE1000_LINUX_SRC)",
        tree.display()
    );
    let mut c = HashMap::new();
    for h in [
        "ethtool_netlink_generated.h",
        "ethtool_netlink.h",
        "ethtool.h",
        "sockios.h",
    ] {
        let path = tree.join("include/uapi/linux").join(h);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        c_values(&text, &mut c);
    }
    let ours: Vec<(&str, u64)> = vec![
        (
            "ETHTOOL_FLAG_COMPACT_BITSETS",
            u64::from(flag::COMPACT_BITSETS),
        ),
        ("ETHTOOL_FLAG_OMIT_REPLY", u64::from(flag::OMIT_REPLY)),
        ("ETHTOOL_FLAG_STATS", u64::from(flag::STATS)),
        ("ETHTOOL_MSG_STRSET_GET", u64::from(msg::STRSET_GET)),
        ("ETHTOOL_MSG_LINKINFO_GET", u64::from(msg::LINKINFO_GET)),
        ("ETHTOOL_MSG_LINKINFO_SET", u64::from(msg::LINKINFO_SET)),
        ("ETHTOOL_MSG_LINKMODES_GET", u64::from(msg::LINKMODES_GET)),
        ("ETHTOOL_MSG_LINKMODES_SET", u64::from(msg::LINKMODES_SET)),
        ("ETHTOOL_MSG_LINKSTATE_GET", u64::from(msg::LINKSTATE_GET)),
        ("ETHTOOL_MSG_DEBUG_GET", u64::from(msg::DEBUG_GET)),
        ("ETHTOOL_MSG_DEBUG_SET", u64::from(msg::DEBUG_SET)),
        ("ETHTOOL_MSG_WOL_GET", u64::from(msg::WOL_GET)),
        ("ETHTOOL_MSG_WOL_SET", u64::from(msg::WOL_SET)),
        ("ETHTOOL_MSG_FEATURES_GET", u64::from(msg::FEATURES_GET)),
        ("ETHTOOL_MSG_FEATURES_SET", u64::from(msg::FEATURES_SET)),
        ("ETHTOOL_MSG_RINGS_GET", u64::from(msg::RINGS_GET)),
        ("ETHTOOL_MSG_RINGS_SET", u64::from(msg::RINGS_SET)),
        ("ETHTOOL_MSG_COALESCE_GET", u64::from(msg::COALESCE_GET)),
        ("ETHTOOL_MSG_COALESCE_SET", u64::from(msg::COALESCE_SET)),
        ("ETHTOOL_MSG_PAUSE_GET", u64::from(msg::PAUSE_GET)),
        ("ETHTOOL_MSG_PAUSE_SET", u64::from(msg::PAUSE_SET)),
        ("ETHTOOL_MSG_TSINFO_GET", u64::from(msg::TSINFO_GET)),
        ("ETHTOOL_MSG_STATS_GET", u64::from(msg::STATS_GET)),
        (
            "ETHTOOL_MSG_STRSET_GET_REPLY",
            u64::from(reply::STRSET_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_LINKINFO_GET_REPLY",
            u64::from(reply::LINKINFO_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_LINKMODES_GET_REPLY",
            u64::from(reply::LINKMODES_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_LINKSTATE_GET_REPLY",
            u64::from(reply::LINKSTATE_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_DEBUG_GET_REPLY",
            u64::from(reply::DEBUG_GET_REPLY),
        ),
        ("ETHTOOL_MSG_WOL_GET_REPLY", u64::from(reply::WOL_GET_REPLY)),
        (
            "ETHTOOL_MSG_FEATURES_GET_REPLY",
            u64::from(reply::FEATURES_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_FEATURES_SET_REPLY",
            u64::from(reply::FEATURES_SET_REPLY),
        ),
        (
            "ETHTOOL_MSG_RINGS_GET_REPLY",
            u64::from(reply::RINGS_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_COALESCE_GET_REPLY",
            u64::from(reply::COALESCE_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_PAUSE_GET_REPLY",
            u64::from(reply::PAUSE_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_TSINFO_GET_REPLY",
            u64::from(reply::TSINFO_GET_REPLY),
        ),
        (
            "ETHTOOL_MSG_STATS_GET_REPLY",
            u64::from(reply::STATS_GET_REPLY),
        ),
        ("ETHTOOL_A_HEADER_DEV_INDEX", u64::from(header::DEV_INDEX)),
        ("ETHTOOL_A_HEADER_DEV_NAME", u64::from(header::DEV_NAME)),
        ("ETHTOOL_A_HEADER_FLAGS", u64::from(header::FLAGS)),
        ("ETHTOOL_A_HEADER_PHY_INDEX", u64::from(header::PHY_INDEX)),
        ("ETHTOOL_A_BITSET_NOMASK", u64::from(bitset::NOMASK)),
        ("ETHTOOL_A_BITSET_SIZE", u64::from(bitset::SIZE)),
        ("ETHTOOL_A_BITSET_BITS", u64::from(bitset::BITS)),
        ("ETHTOOL_A_BITSET_VALUE", u64::from(bitset::VALUE)),
        ("ETHTOOL_A_BITSET_MASK", u64::from(bitset::MASK)),
        ("ETHTOOL_A_BITSET_BITS_BIT", u64::from(bitset_bits::BIT)),
        ("ETHTOOL_A_BITSET_BIT_INDEX", u64::from(bitset_bit::INDEX)),
        ("ETHTOOL_A_BITSET_BIT_NAME", u64::from(bitset_bit::NAME)),
        ("ETHTOOL_A_BITSET_BIT_VALUE", u64::from(bitset_bit::VALUE)),
        ("ETHTOOL_A_STRSET_HEADER", u64::from(strset::HEADER)),
        ("ETHTOOL_A_STRSET_STRINGSETS", u64::from(strset::STRINGSETS)),
        (
            "ETHTOOL_A_STRSET_COUNTS_ONLY",
            u64::from(strset::COUNTS_ONLY),
        ),
        (
            "ETHTOOL_A_STRINGSETS_STRINGSET",
            u64::from(strset::STRINGSETS_STRINGSET),
        ),
        ("ETHTOOL_A_STRINGSET_ID", u64::from(strset::STRINGSET_ID)),
        (
            "ETHTOOL_A_STRINGSET_COUNT",
            u64::from(strset::STRINGSET_COUNT),
        ),
        (
            "ETHTOOL_A_STRINGSET_STRINGS",
            u64::from(strset::STRINGSET_STRINGS),
        ),
        (
            "ETHTOOL_A_STRINGS_STRING",
            u64::from(strset::STRINGS_STRING),
        ),
        ("ETHTOOL_A_STRING_INDEX", u64::from(strset::STRING_INDEX)),
        ("ETHTOOL_A_STRING_VALUE", u64::from(strset::STRING_VALUE)),
        ("ETHTOOL_A_LINKINFO_HEADER", u64::from(linkinfo::HEADER)),
        ("ETHTOOL_A_LINKINFO_PORT", u64::from(linkinfo::PORT)),
        ("ETHTOOL_A_LINKINFO_PHYADDR", u64::from(linkinfo::PHYADDR)),
        ("ETHTOOL_A_LINKINFO_TP_MDIX", u64::from(linkinfo::TP_MDIX)),
        (
            "ETHTOOL_A_LINKINFO_TP_MDIX_CTRL",
            u64::from(linkinfo::TP_MDIX_CTRL),
        ),
        (
            "ETHTOOL_A_LINKINFO_TRANSCEIVER",
            u64::from(linkinfo::TRANSCEIVER),
        ),
        ("ETHTOOL_A_LINKMODES_HEADER", u64::from(linkmodes::HEADER)),
        ("ETHTOOL_A_LINKMODES_AUTONEG", u64::from(linkmodes::AUTONEG)),
        ("ETHTOOL_A_LINKMODES_OURS", u64::from(linkmodes::OURS)),
        ("ETHTOOL_A_LINKMODES_PEER", u64::from(linkmodes::PEER)),
        ("ETHTOOL_A_LINKMODES_SPEED", u64::from(linkmodes::SPEED)),
        ("ETHTOOL_A_LINKMODES_DUPLEX", u64::from(linkmodes::DUPLEX)),
        (
            "ETHTOOL_A_LINKMODES_MASTER_SLAVE_CFG",
            u64::from(linkmodes::MASTER_SLAVE_CFG),
        ),
        (
            "ETHTOOL_A_LINKMODES_MASTER_SLAVE_STATE",
            u64::from(linkmodes::MASTER_SLAVE_STATE),
        ),
        ("ETHTOOL_A_LINKMODES_LANES", u64::from(linkmodes::LANES)),
        (
            "ETHTOOL_A_LINKMODES_RATE_MATCHING",
            u64::from(linkmodes::RATE_MATCHING),
        ),
        ("ETHTOOL_A_LINKSTATE_HEADER", u64::from(linkstate::HEADER)),
        ("ETHTOOL_A_LINKSTATE_LINK", u64::from(linkstate::LINK)),
        ("ETHTOOL_A_LINKSTATE_SQI", u64::from(linkstate::SQI)),
        ("ETHTOOL_A_LINKSTATE_SQI_MAX", u64::from(linkstate::SQI_MAX)),
        (
            "ETHTOOL_A_LINKSTATE_EXT_STATE",
            u64::from(linkstate::EXT_STATE),
        ),
        (
            "ETHTOOL_A_LINKSTATE_EXT_SUBSTATE",
            u64::from(linkstate::EXT_SUBSTATE),
        ),
        (
            "ETHTOOL_A_LINKSTATE_EXT_DOWN_CNT",
            u64::from(linkstate::EXT_DOWN_CNT),
        ),
        ("ETHTOOL_A_DEBUG_HEADER", u64::from(debug::HEADER)),
        ("ETHTOOL_A_DEBUG_MSGMASK", u64::from(debug::MSGMASK)),
        ("ETHTOOL_A_WOL_HEADER", u64::from(wol::HEADER)),
        ("ETHTOOL_A_WOL_MODES", u64::from(wol::MODES)),
        ("ETHTOOL_A_WOL_SOPASS", u64::from(wol::SOPASS)),
        ("ETHTOOL_A_FEATURES_HEADER", u64::from(features::HEADER)),
        ("ETHTOOL_A_FEATURES_HW", u64::from(features::HW)),
        ("ETHTOOL_A_FEATURES_WANTED", u64::from(features::WANTED)),
        ("ETHTOOL_A_FEATURES_ACTIVE", u64::from(features::ACTIVE)),
        ("ETHTOOL_A_FEATURES_NOCHANGE", u64::from(features::NOCHANGE)),
        ("ETHTOOL_A_RINGS_HEADER", u64::from(rings::HEADER)),
        ("ETHTOOL_A_RINGS_RX_MAX", u64::from(rings::RX_MAX)),
        ("ETHTOOL_A_RINGS_RX_MINI_MAX", u64::from(rings::RX_MINI_MAX)),
        (
            "ETHTOOL_A_RINGS_RX_JUMBO_MAX",
            u64::from(rings::RX_JUMBO_MAX),
        ),
        ("ETHTOOL_A_RINGS_TX_MAX", u64::from(rings::TX_MAX)),
        ("ETHTOOL_A_RINGS_RX", u64::from(rings::RX)),
        ("ETHTOOL_A_RINGS_RX_MINI", u64::from(rings::RX_MINI)),
        ("ETHTOOL_A_RINGS_RX_JUMBO", u64::from(rings::RX_JUMBO)),
        ("ETHTOOL_A_RINGS_TX", u64::from(rings::TX)),
        ("ETHTOOL_A_RINGS_RX_BUF_LEN", u64::from(rings::RX_BUF_LEN)),
        (
            "ETHTOOL_A_RINGS_TCP_DATA_SPLIT",
            u64::from(rings::TCP_DATA_SPLIT),
        ),
        ("ETHTOOL_A_RINGS_CQE_SIZE", u64::from(rings::CQE_SIZE)),
        ("ETHTOOL_A_RINGS_TX_PUSH", u64::from(rings::TX_PUSH)),
        ("ETHTOOL_A_RINGS_RX_PUSH", u64::from(rings::RX_PUSH)),
        ("ETHTOOL_A_COALESCE_HEADER", u64::from(coalesce::HEADER)),
        ("ETHTOOL_A_COALESCE_RX_USECS", u64::from(coalesce::RX_USECS)),
        (
            "ETHTOOL_A_COALESCE_RX_MAX_FRAMES",
            u64::from(coalesce::RX_MAX_FRAMES),
        ),
        (
            "ETHTOOL_A_COALESCE_RX_USECS_IRQ",
            u64::from(coalesce::RX_USECS_IRQ),
        ),
        (
            "ETHTOOL_A_COALESCE_RX_MAX_FRAMES_IRQ",
            u64::from(coalesce::RX_MAX_FRAMES_IRQ),
        ),
        ("ETHTOOL_A_COALESCE_TX_USECS", u64::from(coalesce::TX_USECS)),
        (
            "ETHTOOL_A_COALESCE_TX_MAX_FRAMES",
            u64::from(coalesce::TX_MAX_FRAMES),
        ),
        (
            "ETHTOOL_A_COALESCE_TX_USECS_IRQ",
            u64::from(coalesce::TX_USECS_IRQ),
        ),
        (
            "ETHTOOL_A_COALESCE_TX_MAX_FRAMES_IRQ",
            u64::from(coalesce::TX_MAX_FRAMES_IRQ),
        ),
        (
            "ETHTOOL_A_COALESCE_STATS_BLOCK_USECS",
            u64::from(coalesce::STATS_BLOCK_USECS),
        ),
        (
            "ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX",
            u64::from(coalesce::USE_ADAPTIVE_RX),
        ),
        (
            "ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX",
            u64::from(coalesce::USE_ADAPTIVE_TX),
        ),
        (
            "ETHTOOL_A_COALESCE_PKT_RATE_LOW",
            u64::from(coalesce::PKT_RATE_LOW),
        ),
        (
            "ETHTOOL_A_COALESCE_PKT_RATE_HIGH",
            u64::from(coalesce::PKT_RATE_HIGH),
        ),
        (
            "ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL",
            u64::from(coalesce::RATE_SAMPLE_INTERVAL),
        ),
        ("ETHTOOL_A_PAUSE_HEADER", u64::from(pause::HEADER)),
        ("ETHTOOL_A_PAUSE_AUTONEG", u64::from(pause::AUTONEG)),
        ("ETHTOOL_A_PAUSE_RX", u64::from(pause::RX)),
        ("ETHTOOL_A_PAUSE_TX", u64::from(pause::TX)),
        ("ETHTOOL_A_PAUSE_STATS", u64::from(pause::STATS)),
        ("ETHTOOL_A_PAUSE_STATS_SRC", u64::from(pause::STATS_SRC)),
        ("ETHTOOL_A_PAUSE_STAT_PAD", u64::from(pause_stat::PAD)),
        (
            "ETHTOOL_A_PAUSE_STAT_TX_FRAMES",
            u64::from(pause_stat::TX_FRAMES),
        ),
        (
            "ETHTOOL_A_PAUSE_STAT_RX_FRAMES",
            u64::from(pause_stat::RX_FRAMES),
        ),
        (
            "ETHTOOL_A_PAUSE_STAT_TX_PAUSE_STORM_EVENTS",
            u64::from(pause_stat::TX_PAUSE_STORM_EVENTS),
        ),
        ("ETHTOOL_A_TSINFO_HEADER", u64::from(tsinfo::HEADER)),
        (
            "ETHTOOL_A_TSINFO_TIMESTAMPING",
            u64::from(tsinfo::TIMESTAMPING),
        ),
        ("ETHTOOL_A_TSINFO_TX_TYPES", u64::from(tsinfo::TX_TYPES)),
        ("ETHTOOL_A_TSINFO_RX_FILTERS", u64::from(tsinfo::RX_FILTERS)),
        ("ETHTOOL_A_TSINFO_PHC_INDEX", u64::from(tsinfo::PHC_INDEX)),
        ("ETHTOOL_A_STATS_PAD", u64::from(stats::PAD)),
        ("ETHTOOL_A_STATS_HEADER", u64::from(stats::HEADER)),
        ("ETHTOOL_A_STATS_GROUPS", u64::from(stats::GROUPS)),
        ("ETHTOOL_A_STATS_GRP", u64::from(stats::GRP)),
        ("ETHTOOL_A_STATS_SRC", u64::from(stats::SRC)),
        ("ETHTOOL_A_STATS_GRP_PAD", u64::from(stats_grp::PAD)),
        ("ETHTOOL_A_STATS_GRP_ID", u64::from(stats_grp::ID)),
        ("ETHTOOL_A_STATS_GRP_SS_ID", u64::from(stats_grp::SS_ID)),
        ("ETHTOOL_A_STATS_GRP_STAT", u64::from(stats_grp::STAT)),
        ("ETHTOOL_A_STATS_GRP_HIST_RX", u64::from(stats_grp::HIST_RX)),
        ("ETHTOOL_A_STATS_GRP_HIST_TX", u64::from(stats_grp::HIST_TX)),
        (
            "ETHTOOL_A_STATS_GRP_HIST_BKT_LOW",
            u64::from(stats_grp::HIST_BKT_LOW),
        ),
        (
            "ETHTOOL_A_STATS_GRP_HIST_BKT_HI",
            u64::from(stats_grp::HIST_BKT_HI),
        ),
        (
            "ETHTOOL_A_STATS_GRP_HIST_VAL",
            u64::from(stats_grp::HIST_VAL),
        ),
        ("ETHTOOL_STATS_ETH_PHY", u64::from(stats_group::ETH_PHY)),
        ("ETHTOOL_STATS_ETH_MAC", u64::from(stats_group::ETH_MAC)),
        ("ETHTOOL_STATS_ETH_CTRL", u64::from(stats_group::ETH_CTRL)),
        ("ETHTOOL_STATS_RMON", u64::from(stats_group::RMON)),
        ("ETHTOOL_STATS_PHY", u64::from(stats_group::PHY)),
        ("ETH_SS_TEST", u64::from(sset::TEST)),
        ("ETH_SS_STATS", u64::from(sset::STATS)),
        ("ETH_SS_PRIV_FLAGS", u64::from(sset::PRIV_FLAGS)),
        ("ETH_SS_FEATURES", u64::from(sset::FEATURES)),
        ("ETH_SS_LINK_MODES", u64::from(sset::LINK_MODES)),
        ("ETH_SS_MSG_CLASSES", u64::from(sset::MSG_CLASSES)),
        ("ETH_SS_WOL_MODES", u64::from(sset::WOL_MODES)),
        ("ETH_SS_SOF_TIMESTAMPING", u64::from(sset::SOF_TIMESTAMPING)),
        ("ETH_SS_TS_TX_TYPES", u64::from(sset::TS_TX_TYPES)),
        ("ETH_SS_TS_RX_FILTERS", u64::from(sset::TS_RX_FILTERS)),
        ("ETH_SS_STATS_STD", u64::from(sset::STATS_STD)),
        ("ETH_SS_STATS_ETH_PHY", u64::from(sset::STATS_ETH_PHY)),
        ("ETH_SS_STATS_ETH_MAC", u64::from(sset::STATS_ETH_MAC)),
        ("ETH_SS_STATS_ETH_CTRL", u64::from(sset::STATS_ETH_CTRL)),
        ("ETH_SS_STATS_RMON", u64::from(sset::STATS_RMON)),
        ("ETH_SS_STATS_PHY", u64::from(sset::STATS_PHY)),
        ("DUPLEX_HALF", u64::from(link::DUPLEX_HALF)),
        ("DUPLEX_FULL", u64::from(link::DUPLEX_FULL)),
        ("DUPLEX_UNKNOWN", u64::from(link::DUPLEX_UNKNOWN)),
        ("SIOCETHTOOL", u64::from(abi::SIOCETHTOOL)),
        ("ETHTOOL_GDRVINFO", u64::from(cmd::GDRVINFO)),
        ("ETHTOOL_GREGS", u64::from(cmd::GREGS)),
        ("ETHTOOL_NWAY_RST", u64::from(cmd::NWAY_RST)),
        ("ETHTOOL_GEEPROM", u64::from(cmd::GEEPROM)),
        ("ETHTOOL_SEEPROM", u64::from(cmd::SEEPROM)),
        ("ETHTOOL_TEST", u64::from(cmd::TEST)),
        ("ETHTOOL_GSTRINGS", u64::from(cmd::GSTRINGS)),
        ("ETHTOOL_PHYS_ID", u64::from(cmd::PHYS_ID)),
        ("ETHTOOL_GSTATS", u64::from(cmd::GSTATS)),
        ("ETHTOOL_GSSET_INFO", u64::from(cmd::GSSET_INFO)),
        ("ETH_GSTRING_LEN", abi::GSTRING_LEN as u64),
        ("ETH_TEST_FL_OFFLINE", u64::from(abi::ETH_TEST_FL_OFFLINE)),
        ("ETH_TEST_FL_FAILED", u64::from(abi::ETH_TEST_FL_FAILED)),
    ];
    let mut bad = Vec::new();
    for (name, v) in &ours {
        match c.get(*name) {
            Some(cv) if *cv == *v as i64 => {}
            Some(cv) => bad.push(format!("{name}: ours {v}, header {cv}")),
            None => bad.push(format!("{name}: not found in the headers")),
        }
    }
    assert!(bad.is_empty(), "{}:\n{}", tree.display(), bad.join("\n"));
    assert_eq!(GENL_VERSION, 1);
}
