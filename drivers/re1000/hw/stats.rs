// SPDX-License-Identifier: GPL-2.0

//! Accumulating the hardware statistics registers into 64-bit totals. The watchdog
//! reads them every 2 s; readers (`ndo_get_stats64`, ethtool) only load atomics.

use kernel::{
    io::Io,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use super::Hw;
use crate::{
    logic::hwstats::{
        self,
        Counter,
        COUNTERS, //
    },
    regs::BAR0_SIZE,
};

/// Running totals of every counter in [`COUNTERS`].
pub(crate) struct HwStats {
    totals: [Atomic<u64>; COUNTERS.len()],
    /// Previous raw reading of each counter (used for the cumulative ones only).
    last_raw: [Atomic<u64>; COUNTERS.len()],
}

impl HwStats {
    /// Totals from zero, starting at what the device has counted so far: reads every
    /// counter once, which clears the clear-on-read ones and records where the
    /// cumulative ones start. Called at probe, before the interface exists.
    pub(crate) fn baselined(hw: &Hw<'_>) -> Result<Self> {
        let stats = Self {
            totals: [const { Atomic::new(0) }; COUNTERS.len()],
            last_raw: [const { Atomic::new(0) }; COUNTERS.len()],
        };
        for (counter, last) in COUNTERS.iter().zip(&stats.last_raw) {
            last.store(read_counter(hw, counter)?, Relaxed);
        }
        Ok(stats)
    }

    /// Adds what the device counted since the last call. Only the watchdog calls this,
    /// so readings never race each other.
    pub(crate) fn update(&self, hw: &Hw<'_>) -> Result {
        let all = COUNTERS.iter().zip(self.totals.iter().zip(&self.last_raw));
        for (i, (counter, (total, last))) in all.enumerate() {
            let raw = read_counter(hw, counter)?;
            let cumulative = hwstats::is_cumulative(i, hw.emulated);
            let inc = hwstats::increment(raw, last.load(Relaxed), cumulative);
            last.store(raw, Relaxed);
            if inc != 0 {
                total.fetch_add(inc, Relaxed);
            }
        }
        Ok(())
    }

    /// The total of counter `index` (see the constants in `logic::hwstats`).
    pub(crate) fn get(&self, index: usize) -> u64 {
        self.totals.get(index).map_or(0, |t| t.load(Relaxed))
    }
}

/// Every counter register lies inside BAR 0, aligned: checked at build time, so the
/// reads below cannot fail on a device that mapped the BAR.
const _: () = {
    let mut i = 0;
    while i < COUNTERS.len() {
        let c = &COUNTERS[i];
        assert!(c.offset % 4 == 0 && c.offset + if c.pair { 8 } else { 4 } <= BAR0_SIZE);
        i += 1;
    }
};

/// Reads `counter`; a 64-bit pair low half first, since reading the high half clears
/// the pair.
fn read_counter(hw: &Hw<'_>, counter: &Counter) -> Result<u64> {
    let low = hw.bar.try_read32(counter.offset)?;
    if counter.pair {
        let high = hw.bar.try_read32(counter.offset + 4)?;
        Ok(hwstats::combine(low, high))
    } else {
        Ok(u64::from(low))
    }
}
