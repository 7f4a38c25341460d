// SPDX-License-Identifier: GPL-2.0

//! The ring sizes the next `up` allocates (`ethtool -G`, the module parameters), both
//! in one word: `set_ringparam` swaps them together and restores both on failure.

use kernel::{
    device::Bound,
    pci,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use crate::logic::ring::{
    self,
    DEFAULT_DESCRIPTORS, //
};

/// Descriptors per ring, already checked against what the hardware accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub(crate) rx: u32,
    pub(crate) tx: u32,
}

impl Sizes {
    /// The sizes the module parameters ask for, falling back to the default (with a
    /// warning) for a size the hardware cannot use.
    pub(crate) fn from_params(pdev: &pci::Device<Bound>, tx: u32, rx: u32) -> Self {
        let check = |name, value| match ring::check_size(value) {
            Ok(n) => n,
            Err(e) => {
                dev_warn!(
                    pdev,
                    "{}={} is invalid ({:?}; 48-4096, multiple of 8), using {}\n",
                    name,
                    value,
                    e,
                    DEFAULT_DESCRIPTORS
                );
                DEFAULT_DESCRIPTORS
            }
        };
        Self {
            tx: check("tx_descriptors", tx),
            rx: check("rx_descriptors", rx),
        }
    }
}

fn pack(s: Sizes) -> u64 {
    u64::from(s.rx) | u64::from(s.tx) << 32
}

fn unpack(w: u64) -> Sizes {
    Sizes {
        rx: w as u32,
        tx: (w >> 32) as u32,
    }
}

pub(crate) struct RingSizes(Atomic<u64>);

impl RingSizes {
    pub(crate) fn new(s: Sizes) -> Self {
        Self(Atomic::new(pack(s)))
    }

    pub(crate) fn get(&self) -> Sizes {
        unpack(self.0.load(Relaxed))
    }

    pub(crate) fn set(&self, s: Sizes) {
        self.0.store(pack(s), Relaxed);
    }

    /// Sets `s` and returns the sizes it replaced.
    pub(crate) fn swap(&self, s: Sizes) -> Sizes {
        unpack(self.0.xchg(pack(s), Relaxed))
    }
}
