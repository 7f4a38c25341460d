// SPDX-License-Identifier: GPL-2.0

//! The `ethtool -S` counters: the C e1000's 46, same names, order and sources
//! (`e1000_gstrings_stats` in e1000_ethtool.c), then re1000's own.

use super::hwstats::{counter, find, COUNTERS};

/// Software counters the driver keeps (see `stats.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sw {
    TxDropped,
    TxTimeoutCount,
    TxRestartQueue,
    AllocRxBuffFailed,
    NapiPolls,
    RxCopybreak,
    RxDroppedLength,
    RxDroppedErrors,
}

/// Where an `ethtool -S` value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A hardware counter (index into `hwstats::COUNTERS`).
    Hw(usize),
    /// The sum of two hardware counters.
    HwSum(usize, usize),
    /// A driver counter.
    Sw(Sw),
    /// Always 0 on these parts (as in the C driver).
    Zero,
}

/// A counter of [`STATS`] by name; the assertion below [`STATS`] checks every name at
/// build time.
const fn hw(name: &str) -> Source {
    Source::Hw(find(name))
}

/// Name and source of each counter, in `ethtool -S` order.
pub(crate) const STATS: [(&str, Source); 50] = [
    ("rx_packets", hw("GPRC")),
    ("tx_packets", hw("GPTC")),
    ("rx_bytes", hw("GORC")),
    ("tx_bytes", hw("GOTC")),
    ("rx_broadcast", hw("BPRC")),
    ("tx_broadcast", hw("BPTC")),
    ("rx_multicast", hw("MPRC")),
    ("tx_multicast", hw("MPTC")),
    ("rx_errors", hw("RXERRC")),
    (
        "tx_errors",
        Source::HwSum(counter!("ECOL"), counter!("LATECOL")),
    ),
    ("tx_dropped", Source::Sw(Sw::TxDropped)),
    ("multicast", hw("MPRC")),
    ("collisions", hw("COLC")),
    (
        "rx_length_errors",
        Source::HwSum(counter!("RUC"), counter!("ROC")),
    ),
    ("rx_over_errors", hw("RNBC")),
    ("rx_crc_errors", hw("CRCERRS")),
    ("rx_frame_errors", hw("ALGNERRC")),
    ("rx_no_buffer_count", hw("RNBC")),
    ("rx_missed_errors", hw("MPC")),
    ("tx_aborted_errors", hw("ECOL")),
    ("tx_carrier_errors", hw("TNCRS")),
    ("tx_fifo_errors", Source::Zero),
    ("tx_heartbeat_errors", Source::Zero),
    ("tx_window_errors", hw("LATECOL")),
    ("tx_abort_late_coll", hw("LATECOL")),
    ("tx_deferred_ok", hw("DC")),
    ("tx_single_coll_ok", hw("SCC")),
    ("tx_multi_coll_ok", hw("MCC")),
    ("tx_timeout_count", Source::Sw(Sw::TxTimeoutCount)),
    ("tx_restart_queue", Source::Sw(Sw::TxRestartQueue)),
    ("rx_long_length_errors", hw("ROC")),
    ("rx_short_length_errors", hw("RUC")),
    ("rx_align_errors", hw("ALGNERRC")),
    ("tx_tcp_seg_good", hw("TSCTC")),
    ("tx_tcp_seg_failed", hw("TSCTFC")),
    ("rx_flow_control_xon", hw("XONRXC")),
    ("rx_flow_control_xoff", hw("XOFFRXC")),
    ("tx_flow_control_xon", hw("XONTXC")),
    ("tx_flow_control_xoff", hw("XOFFTXC")),
    ("rx_long_byte_count", hw("GORC")),
    // No RX checksum offload: the stack verifies every checksum.
    ("rx_csum_offload_good", Source::Zero),
    ("rx_csum_offload_errors", Source::Zero),
    ("alloc_rx_buff_failed", Source::Sw(Sw::AllocRxBuffFailed)),
    ("tx_smbus", hw("MGTPTC")),
    ("rx_smbus", hw("MGTPRC")),
    ("dropped_smbus", hw("MGTPDC")),
    // re1000's own, after the C driver's.
    ("napi_polls", Source::Sw(Sw::NapiPolls)),
    ("rx_copybreak", Source::Sw(Sw::RxCopybreak)),
    ("rx_dropped_length", Source::Sw(Sw::RxDroppedLength)),
    ("rx_dropped_errors", Source::Sw(Sw::RxDroppedErrors)),
];

/// Every hardware counter [`STATS`] names exists (`find` returns one past the table
/// for an unknown name): checked while the module builds.
const _: () = {
    let mut i = 0;
    while i < STATS.len() {
        if let Source::Hw(c) = STATS[i].1 {
            assert!(
                c < COUNTERS.len(),
                "STATS names an unknown hardware counter"
            );
        }
        i += 1;
    }
};

/// The names, for the ethtool string set.
pub(crate) const NAMES: [&str; STATS.len()] = {
    let mut names = [""; STATS.len()];
    let mut i = 0;
    while i < STATS.len() {
        names[i] = STATS[i].0;
        i += 1;
    }
    names
};

#[cfg(test)]
mod tests {
    use super::*;

    /// e1000_gstrings_stats in Linux 7.3's e1000_ethtool.c, in order.
    const C_E1000: [&str; 46] = [
        "rx_packets",
        "tx_packets",
        "rx_bytes",
        "tx_bytes",
        "rx_broadcast",
        "tx_broadcast",
        "rx_multicast",
        "tx_multicast",
        "rx_errors",
        "tx_errors",
        "tx_dropped",
        "multicast",
        "collisions",
        "rx_length_errors",
        "rx_over_errors",
        "rx_crc_errors",
        "rx_frame_errors",
        "rx_no_buffer_count",
        "rx_missed_errors",
        "tx_aborted_errors",
        "tx_carrier_errors",
        "tx_fifo_errors",
        "tx_heartbeat_errors",
        "tx_window_errors",
        "tx_abort_late_coll",
        "tx_deferred_ok",
        "tx_single_coll_ok",
        "tx_multi_coll_ok",
        "tx_timeout_count",
        "tx_restart_queue",
        "rx_long_length_errors",
        "rx_short_length_errors",
        "rx_align_errors",
        "tx_tcp_seg_good",
        "tx_tcp_seg_failed",
        "rx_flow_control_xon",
        "rx_flow_control_xoff",
        "tx_flow_control_xon",
        "tx_flow_control_xoff",
        "rx_long_byte_count",
        "rx_csum_offload_good",
        "rx_csum_offload_errors",
        "alloc_rx_buff_failed",
        "tx_smbus",
        "rx_smbus",
        "dropped_smbus",
    ];

    #[test]
    fn first_46_are_the_c_drivers_in_order() {
        assert_eq!(&NAMES[..C_E1000.len()], &C_E1000[..]);
    }

    #[test]
    fn names_are_unique_and_fit_eth_gstring_len() {
        for (i, a) in NAMES.iter().enumerate() {
            assert!(a.len() < 32, "{a}");
            assert!(!NAMES[i + 1..].contains(a), "{a} twice");
        }
    }

    #[test]
    fn byte_counters_come_from_the_octet_pairs() {
        assert_eq!(STATS[2].1, Source::Hw(counter!("GORC")));
        assert_eq!(STATS[39].1, Source::Hw(counter!("GORC")));
    }
}
