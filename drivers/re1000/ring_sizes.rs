// SPDX-License-Identifier: GPL-2.0

//! The ring sizes the next `up` allocates (`ethtool -G`, the module parameters), both
//! in one word: `set_ringparam` swaps them together and restores both on failure.

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

/// Descriptors per ring, already checked against what the hardware accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub(crate) rx: u32,
    pub(crate) tx: u32,
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
