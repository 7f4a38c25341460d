// SPDX-License-Identifier: GPL-2.0

//! The driver's private data and its `net_device_ops`.

use kernel::{
    device::Bound,
    pci,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use crate::{
    hw::Hw,
    net::{
        netdev::{
            NetDev,
            Operations,
            TxOutcome, //
        },
        skb::SkBuff,
        workqueue::DelayedWork, //
    },
};

/// Per-device state, living in the net_device's private area.
#[pin_data(PinnedDrop)]
pub(crate) struct Adapter<'a> {
    /// The link watchdog; first, so that it is cancelled before anything else drops.
    #[pin]
    pub(crate) watchdog: DelayedWork<Adapter<'a>>,
    /// Whether the interface is up; the watchdog re-arms itself only while it is.
    pub(crate) running: Atomic<bool>,
    /// Packets dropped by `start_xmit`.
    pub(crate) tx_dropped: Atomic<u64>,
    pub(crate) netdev: &'a NetDev,
    pub(crate) pdev: &'a pci::Device<Bound>,
    pub(crate) hw: Hw<'a>,
}

impl<'a> Adapter<'a> {
    pub(crate) fn new(
        pdev: &'a pci::Device<Bound>,
        netdev: &'a NetDev,
        hw: Hw<'a>,
    ) -> impl PinInit<Self, Error> + 'a {
        try_pin_init!(Self {
            watchdog <- DelayedWork::new(),
            running: Atomic::new(false),
            tx_dropped: Atomic::new(0),
            netdev,
            pdev,
            hw,
        })
    }
}

#[pinned_drop]
impl PinnedDrop for Adapter<'_> {
    fn drop(self: Pin<&mut Self>) {
        // The interface is unregistered (and so stopped) by now; make sure no deferred
        // work runs and the device does no DMA before the BAR is unmapped.
        self.watchdog.cancel_sync();
        self.hw.quiesce();
    }
}

#[vtable]
impl Operations for Adapter<'_> {
    fn open(this: Pin<&Self>, dev: &NetDev) -> Result {
        this.hw.set_link_up();
        this.running.store(true, Relaxed);
        // Check the link now rather than in 2 s, so carrier follows at once.
        this.watchdog.schedule(0);
        dev.start_queue();
        Ok(())
    }

    fn stop(this: Pin<&Self>, dev: &NetDev) -> Result {
        dev.stop_queue();
        this.running.store(false, Relaxed);
        this.watchdog.cancel_sync();
        dev.carrier_off();
        Ok(())
    }

    fn start_xmit(this: Pin<&Self>, _dev: &NetDev, skb: SkBuff) -> TxOutcome {
        // No TX ring yet (issue #3): account for the packet and drop it.
        this.tx_dropped.fetch_add(1, Relaxed);
        drop(skb);
        TxOutcome::Consumed
    }
}
