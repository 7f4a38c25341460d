// SPDX-License-Identifier: GPL-2.0

//! The receive filter `set_rx_mode` last programmed, kept to program it again after a
//! reset wiped the registers (`restore_filters`).

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

use crate::logic::filter::MTA_WORDS;

/// Unicast promiscuous in bit 0, multicast promiscuous in bit 1.
const UNICAST: u32 = 1 << 0;
const MULTICAST: u32 = 1 << 1;

/// Written by `set_rx_mode` (under the address-list lock), read by the reset paths.
pub(crate) struct RxFilter {
    promisc: Atomic<u32>,
    mta: [Atomic<u32>; MTA_WORDS],
}

/// The promiscuous bits (RCTL.UPE, RCTL.MPE).
#[derive(Clone, Copy)]
pub(crate) struct Promisc {
    pub(crate) unicast: bool,
    pub(crate) multicast: bool,
}

impl RxFilter {
    pub(crate) fn new() -> Self {
        Self {
            promisc: Atomic::new(0),
            mta: [const { Atomic::new(0) }; MTA_WORDS],
        }
    }

    /// Remembers what `set_rx_mode` programmed.
    pub(crate) fn record(&self, promisc: Promisc, mta: &[u32; MTA_WORDS]) {
        for (shadow, word) in self.mta.iter().zip(mta) {
            shadow.store(*word, Relaxed);
        }
        let bit = |on: bool, b: u32| if on { b } else { 0 };
        self.promisc.store(
            bit(promisc.unicast, UNICAST) | bit(promisc.multicast, MULTICAST),
            Relaxed,
        );
    }

    pub(crate) fn promisc(&self) -> Promisc {
        let p = self.promisc.load(Relaxed);
        Promisc {
            unicast: p & UNICAST != 0,
            multicast: p & MULTICAST != 0,
        }
    }

    /// The multicast hash table.
    pub(crate) fn mta(&self) -> [u32; MTA_WORDS] {
        let mut mta = [0u32; MTA_WORDS];
        for (word, shadow) in mta.iter_mut().zip(&self.mta) {
            *word = shadow.load(Relaxed);
        }
        mta
    }
}
