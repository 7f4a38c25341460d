// SPDX-License-Identifier: GPL-2.0

//! The link watchdog: polls STATUS.LU every 2 s while the interface is up and mirrors
//! it into the stack's carrier state, logging changes as the C driver does.

use kernel::{
    prelude::*,
    sync::atomic::Relaxed,
    time::msecs_to_jiffies, //
};

use crate::{
    adapter::Adapter, //
    impl_delayed_work_owner,
    logic,
    net::{
        netdev::{
            NetDev,
            Owned, //
        },
        rtnl,
        workqueue::{
            DelayedWork,
            DelayedWorkHandler, //
        },
    },
};

/// Watchdog period, as the C driver's `2 * HZ`.
const WATCHDOG_PERIOD_MS: u32 = 2000;

impl_delayed_work_owner! {
    impl<'a> DelayedWorkOwner for Adapter<'a> { watchdog }
}

impl Adapter<'_> {
    /// Notes whether TX made progress since the last run; when it has been stuck for
    /// long enough with work pending, asks for a reset.
    fn check_tx_hang(&self, netdev: &NetDev) {
        let sent = self.stats.tx_packets.load(Relaxed);
        let pending = self.tx_pending() && netdev.carrier_ok();
        if self.tx_hang.observe(sent, pending) {
            dev_err!(
                self.pdev,
                "{}: Detected Tx Unit Hang, resetting\n",
                netdev.name()
            );
        }
    }

    /// Performs a requested reset if RTNL is free; otherwise retries on the next tick.
    /// Returns whether the reset still waits.
    fn handle_reset(&self, netdev: &NetDev) -> bool {
        if !self.tx_hang.reset_pending() {
            return false;
        }
        let Some(_rtnl) = rtnl::try_lock() else {
            return true;
        };
        self.tx_hang.take_reset();
        // A failure is logged by reinit. New rings that could not be allocated leave
        // the device on its old ones, still needing the reset: ask again, for the next
        // watchdog run.
        if self.is_running() && self.reinit(netdev).is_err() {
            self.tx_hang.request_reset();
        }
        false
    }
}

impl DelayedWorkHandler for Adapter<'_> {
    fn run(owned: Owned<'_, Self>) {
        let (this, netdev) = (owned.owner(), owned.netdev());
        if this.is_running() {
            this.check_tx_hang(netdev);
        }
        if this.handle_reset(netdev) {
            DelayedWork::schedule(&owned, 1);
            return;
        }
        this.update_hw_stats();
        let link = this.hw.link_status();
        this.itr.set_link_speed(link.speed_mbps);
        if link.up && !netdev.carrier_ok() {
            dev_info!(
                this.pdev,
                "{}: NIC Link is Up {} Mbps {}, Flow Control: None\n",
                netdev.name(),
                link.speed_mbps,
                logic::status::duplex_name(link.full_duplex)
            );
            netdev.carrier_on();
        } else if !link.up && netdev.carrier_ok() {
            dev_info!(this.pdev, "{}: NIC Link is Down\n", netdev.name());
            netdev.carrier_off();
        }
        if this.is_running() {
            DelayedWork::schedule(&owned, msecs_to_jiffies(WATCHDOG_PERIOD_MS));
        }
    }
}
