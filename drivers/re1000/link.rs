// SPDX-License-Identifier: GPL-2.0

//! The link watchdog: polls STATUS.LU every 2 s while the interface is up and mirrors
//! it into the stack's carrier state, logging changes as the C driver does.

use kernel::{
    prelude::*,
    sync::atomic::Relaxed,
    time::msecs_to_jiffies, //
};

use crate::{
    impl_has_delayed_work,
    logic,
    net::workqueue::DelayedWorkHandler,
    netdev::Adapter, //
};

/// Watchdog period, as the C driver's `2 * HZ`.
const WATCHDOG_PERIOD_MS: u32 = 2000;

impl_has_delayed_work! {
    impl<'a> HasDelayedWork for Adapter<'a> { watchdog }
}

impl DelayedWorkHandler for Adapter<'_> {
    fn run(this: Pin<&Self>) {
        let link = this.hw.link_status();
        let netdev = this.netdev;
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
        if this.running.load(Relaxed) {
            this.watchdog.schedule(msecs_to_jiffies(WATCHDOG_PERIOD_MS));
        }
    }
}
