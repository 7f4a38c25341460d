// SPDX-License-Identifier: GPL-2.0

//! The transmit hang detector's memory between watchdog runs (`e1000_watchdog`'s
//! check for descriptors pending without progress), and the reset that a hang or a
//! TX timeout asks the watchdog for (`e1000_tx_timeout` schedules `reset_task`).

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

/// Watchdog runs in a row that may see pending TX descriptors without progress before
/// the device counts as hung (the C driver's check is about 2 s).
const TX_HANG_RUNS: u32 = 2;

pub(crate) struct TxHang {
    /// `tx_packets` at the previous run.
    mark: Atomic<u64>,
    /// Runs in a row that saw work pending and none done.
    stalled_runs: Atomic<u32>,
    /// A hang or a TX timeout asked for a reset the watchdog has not yet done.
    reset_requested: Atomic<bool>,
}

impl TxHang {
    pub(crate) fn new() -> Self {
        Self {
            mark: Atomic::new(0),
            stalled_runs: Atomic::new(0),
            reset_requested: Atomic::new(false),
        }
    }

    /// One watchdog run: `sent` packets so far, whether descriptors are pending and the
    /// link is up. Returns true when the transmitter counts as hung; then a reset is
    /// requested and the count starts over.
    pub(crate) fn observe(&self, sent: u64, stuck_possible: bool) -> bool {
        let last = self.mark.xchg(sent, Relaxed);
        if sent != last || !stuck_possible {
            self.stalled_runs.store(0, Relaxed);
            return false;
        }
        let runs = self.stalled_runs.load(Relaxed).saturating_add(1);
        if runs >= TX_HANG_RUNS {
            self.stalled_runs.store(0, Relaxed);
            self.request_reset();
            return true;
        }
        self.stalled_runs.store(runs, Relaxed);
        false
    }

    /// Asks the watchdog to re-initialise the device (`ndo_tx_timeout`, a hang).
    pub(crate) fn request_reset(&self) {
        self.reset_requested.store(true, Relaxed);
    }

    /// Whether a reset waits (the watchdog; it clears it with `take_reset`).
    pub(crate) fn reset_pending(&self) -> bool {
        self.reset_requested.load(Relaxed)
    }

    /// Clears the request the watchdog is about to carry out.
    pub(crate) fn take_reset(&self) {
        self.reset_requested.store(false, Relaxed);
    }
}
