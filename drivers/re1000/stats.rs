// SPDX-License-Identifier: GPL-2.0

//! Counters the driver keeps itself, updated locklessly from the data path and read
//! by `ndo_get_stats64` in any context.

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

use crate::{
    hw::stats::HwStats,
    logic::hwstats::*,
    net::netdev::Stats64, //
};

/// Monotonic 64-bit counters.
pub(crate) struct SwStats {
    pub(crate) rx_packets: Atomic<u64>,
    pub(crate) rx_bytes: Atomic<u64>,
    pub(crate) rx_errors: Atomic<u64>,
    pub(crate) rx_length_errors: Atomic<u64>,
    pub(crate) tx_packets: Atomic<u64>,
    pub(crate) tx_bytes: Atomic<u64>,
    pub(crate) tx_dropped: Atomic<u64>,
    pub(crate) tx_restart_queue: Atomic<u64>,
    pub(crate) tx_timeout_count: Atomic<u64>,
    pub(crate) alloc_rx_buff_failed: Atomic<u64>,
    pub(crate) rx_copybreak: Atomic<u64>,
    pub(crate) napi_polls: Atomic<u64>,
}

impl SwStats {
    pub(crate) const fn new() -> Self {
        Self {
            rx_packets: Atomic::new(0),
            rx_bytes: Atomic::new(0),
            rx_errors: Atomic::new(0),
            rx_length_errors: Atomic::new(0),
            tx_packets: Atomic::new(0),
            tx_bytes: Atomic::new(0),
            tx_dropped: Atomic::new(0),
            tx_restart_queue: Atomic::new(0),
            tx_timeout_count: Atomic::new(0),
            alloc_rx_buff_failed: Atomic::new(0),
            rx_copybreak: Atomic::new(0),
            napi_polls: Atomic::new(0),
        }
    }

    /// Fills `ndo_get_stats64`: packets and bytes from the driver's own exact counts,
    /// errors from the hardware counters as the C driver's `e1000_update_stats`.
    pub(crate) fn fill(&self, stats: &mut Stats64, hw: &HwStats) {
        let s = stats.get_mut();
        s.rx_packets = self.rx_packets.load(Relaxed);
        s.rx_bytes = self.rx_bytes.load(Relaxed);
        s.rx_crc_errors = hw.get(CRCERRS);
        s.rx_frame_errors = hw.get(ALGNERRC);
        s.rx_missed_errors = hw.get(MPC);
        s.rx_over_errors = hw.get(RNBC);
        s.rx_length_errors =
            self.rx_length_errors.load(Relaxed) + hw.get(RUC) + hw.get(ROC) + hw.get(RLEC);
        s.rx_errors = self.rx_errors.load(Relaxed)
            + s.rx_length_errors
            + s.rx_crc_errors
            + s.rx_frame_errors
            + hw.get(RXERRC)
            + hw.get(CEXTERR);
        s.multicast = hw.get(MPRC);
        s.collisions = hw.get(COLC);
        s.tx_aborted_errors = hw.get(ECOL);
        s.tx_window_errors = hw.get(LATECOL);
        s.tx_errors = s.tx_aborted_errors + s.tx_window_errors;
        s.tx_packets = self.tx_packets.load(Relaxed);
        s.tx_bytes = self.tx_bytes.load(Relaxed);
        s.tx_dropped = self.tx_dropped.load(Relaxed);
        s.rx_dropped = self.alloc_rx_buff_failed.load(Relaxed);
    }
}

/// Adds `n` to a counter.
pub(crate) fn add(counter: &Atomic<u64>, n: u64) {
    if n != 0 {
        counter.fetch_add(n, Relaxed);
    }
}
