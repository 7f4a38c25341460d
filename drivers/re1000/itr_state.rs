// SPDX-License-Identifier: GPL-2.0

//! The interrupt rate as the adapter keeps it: the `ethtool -C` setting with the rate
//! it selects, which change together, and the dynamic modes' latency classes.

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

use crate::logic::itr::{
    self,
    Dynamic,
    Itr,
    Latency, //
};

/// `ethtool -C` (process context, RTNL) sets the setting and its rate together; the
/// NAPI poll (softirq) moves the rate within the setting's dynamic mode. One atomic
/// word holds both, so the poll never writes a rate chosen for a setting that was
/// replaced meanwhile.
pub(crate) struct ItrState {
    /// Setting in bits 31:0, rate in bits 63:32.
    itr: Atomic<u64>,
    /// The dynamic modes' latency classes (TX in bits 7:0, RX in 15:8); written by
    /// the poll only.
    classes: Atomic<u32>,
    /// The link runs at 1000 Mb/s, where the dynamic modes hold 4000/s (`e1000_set_itr`
    /// reads `link_speed`); written by the watchdog, read by the poll.
    link_gigabit: Atomic<bool>,
}

fn pack(i: Itr) -> u64 {
    u64::from(i.setting) | u64::from(i.rate) << 32
}

fn unpack(w: u64) -> Itr {
    Itr {
        setting: w as u32,
        rate: (w >> 32) as u32,
    }
}

impl ItrState {
    pub(crate) fn new() -> Self {
        Self {
            itr: Atomic::new(pack(itr::DEFAULT)),
            classes: Atomic::new(0),
            link_gigabit: Atomic::new(true),
        }
    }

    /// The current setting and rate.
    pub(crate) fn get(&self) -> Itr {
        unpack(self.itr.load(Relaxed))
    }

    /// A new setting and its rate (`ethtool -C`).
    pub(crate) fn set(&self, new: Itr) {
        self.itr.store(pack(new), Relaxed);
    }

    /// Moves the rate from what `seen` read to `rate`, unless the setting changed since
    /// `seen` was read. Returns whether it did (then the register must follow).
    pub(crate) fn move_rate(&self, seen: Itr, rate: u32) -> bool {
        let new = Itr {
            setting: seen.setting,
            rate,
        };
        self.itr.cmpxchg(pack(seen), pack(new), Relaxed).is_ok()
    }

    /// The latency classes the dynamic modes carry from one NAPI run to the next.
    pub(crate) fn classes(&self) -> Dynamic {
        let raw = self.classes.load(Relaxed);
        Dynamic {
            tx: Latency::from_raw(raw & 0xff),
            rx: Latency::from_raw(raw >> 8),
        }
    }

    /// Stores the classes after a NAPI run.
    pub(crate) fn set_classes(&self, c: Dynamic) {
        self.classes
            .store(c.tx.to_raw() | c.rx.to_raw() << 8, Relaxed);
    }

    /// Whether the last watchdog run saw a 1000 Mb/s link.
    pub(crate) fn link_gigabit(&self) -> bool {
        self.link_gigabit.load(Relaxed)
    }

    /// The link speed the watchdog read.
    pub(crate) fn set_link_speed(&self, mbps: u32) {
        self.link_gigabit.store(mbps == 1000, Relaxed);
    }
}
