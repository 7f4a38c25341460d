// SPDX-License-Identifier: GPL-2.0

//! Accumulating the hardware statistics registers into 64-bit totals. The watchdog
//! reads them every 2 s; readers (`ndo_get_stats64`, ethtool) only load atomics.

use kernel::{
    io::Io,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use super::Hw;
use crate::logic::hwstats::{
    self,
    COUNTERS, //
};

/// Running totals of every counter in [`COUNTERS`].
pub(crate) struct HwStats {
    totals: [Atomic<u64>; COUNTERS.len()],
    /// Previous raw reading of each counter (used for the cumulative ones only).
    last_raw: [Atomic<u64>; COUNTERS.len()],
}

impl HwStats {
    pub(crate) fn new() -> Self {
        Self {
            totals: [const { Atomic::new(0) }; COUNTERS.len()],
            last_raw: [const { Atomic::new(0) }; COUNTERS.len()],
        }
    }

    /// Reads every counter once: clears the clear-on-read ones and records where the
    /// cumulative ones start, without counting anything. Called at probe.
    pub(crate) fn baseline(&self, hw: &Hw<'_>) {
        for (i, _) in COUNTERS.iter().enumerate() {
            let raw = read_counter(hw, i);
            if let Some(last) = self.last_raw.get(i) {
                last.store(raw, Relaxed);
            }
        }
    }

    /// Adds what the device counted since the last call. Only the watchdog calls this,
    /// so readings never race each other.
    pub(crate) fn update(&self, hw: &Hw<'_>) {
        for (i, (total, last)) in self.totals.iter().zip(&self.last_raw).enumerate() {
            let raw = read_counter(hw, i);
            let cumulative = hwstats::is_cumulative(i, hw.emulated);
            let inc = hwstats::increment(raw, last.load(Relaxed), cumulative);
            last.store(raw, Relaxed);
            if inc != 0 {
                total.fetch_add(inc, Relaxed);
            }
        }
    }

    /// The total of counter `index` (see the constants in `logic::hwstats`).
    pub(crate) fn get(&self, index: usize) -> u64 {
        self.totals.get(index).map_or(0, |t| t.load(Relaxed))
    }
}

/// Reads counter `i`; a 64-bit pair low half first, since reading the high half
/// clears the pair.
fn read_counter(hw: &Hw<'_>, i: usize) -> u64 {
    let Some(counter) = COUNTERS.get(i) else {
        return 0;
    };
    let low = hw.bar.try_read32(counter.offset).unwrap_or(0);
    if counter.pair {
        let high = hw.bar.try_read32(counter.offset + 4).unwrap_or(0);
        hwstats::combine(low, high)
    } else {
        u64::from(low)
    }
}
