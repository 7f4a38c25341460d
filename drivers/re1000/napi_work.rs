// SPDX-License-Identifier: GPL-2.0

//! What one interrupt's NAPI run has handled: the input of the dynamic interrupt rate
//! (`e1000_set_itr` looks at the packets and bytes of one interrupt's work).

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

use crate::logic::itr;

/// Reset by the interrupt that schedules a NAPI run; added to by its polls, which
/// the NAPI core serialises, and read by the poll that completes the run.
pub(crate) struct NapiWork {
    tx_packets: Atomic<u32>,
    tx_bytes: Atomic<u64>,
    rx_packets: Atomic<u32>,
    rx_bytes: Atomic<u64>,
}

impl NapiWork {
    pub(crate) fn new() -> Self {
        Self {
            tx_packets: Atomic::new(0),
            tx_bytes: Atomic::new(0),
            rx_packets: Atomic::new(0),
            rx_bytes: Atomic::new(0),
        }
    }

    /// A new run begins (the interrupt, before it schedules the poll).
    pub(crate) fn reset(&self) {
        self.tx_packets.store(0, Relaxed);
        self.tx_bytes.store(0, Relaxed);
        self.rx_packets.store(0, Relaxed);
        self.rx_bytes.store(0, Relaxed);
    }

    fn add(packets: &Atomic<u32>, bytes: &Atomic<u64>, p: u32, b: u64) {
        if p != 0 {
            packets.store(packets.load(Relaxed).saturating_add(p), Relaxed);
            bytes.store(bytes.load(Relaxed).saturating_add(b), Relaxed);
        }
    }

    /// A poll completed `packets` transmitted frames of `bytes`.
    pub(crate) fn add_tx(&self, packets: u32, bytes: u64) {
        Self::add(&self.tx_packets, &self.tx_bytes, packets, bytes);
    }

    /// A poll received `packets` frames of `bytes`.
    pub(crate) fn add_rx(&self, packets: u32, bytes: u64) {
        Self::add(&self.rx_packets, &self.rx_bytes, packets, bytes);
    }

    /// The run's transmit and receive work so far.
    pub(crate) fn totals(&self) -> (itr::Work, itr::Work) {
        let w = |p: &Atomic<u32>, b: &Atomic<u64>| itr::Work {
            packets: p.load(Relaxed),
            bytes: b.load(Relaxed),
        };
        (
            w(&self.tx_packets, &self.tx_bytes),
            w(&self.rx_packets, &self.rx_bytes),
        )
    }
}
