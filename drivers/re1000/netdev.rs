// SPDX-License-Identifier: GPL-2.0

//! The driver's `net_device_ops`: open and stop, transmit, statistics, addresses
//! and the receive filter, and the TX timeout.

use kernel::prelude::*;

use crate::{
    adapter::Adapter,
    logic::{
        self,
        filter, //
    },
    net::{
        irq::IrqLine,
        napi::Napi,
        netdev::{
            MacAddr,
            McList,
            NetDev,
            Operations,
            Stats64,
            TxOutcome, //
        },
        rtnl,
        skb::SkBuff,
        workqueue::DelayedWork, //
    },
    ring::tx::{
        TxError,
        TxPlan, //
    },
    rx_filter::Promisc,
    stats, //
};

/// Frames shorter than this are zero-padded before transmission (ETH_ZLEN).
const MIN_FRAME_LEN: u32 = 60;

#[vtable]
impl Operations for Adapter<'_> {
    fn open(this: Pin<&Self>, dev: &NetDev) -> Result {
        let owned = dev.owning(this).ok_or(EINVAL)?;
        // Added on the first open, kept until the adapter is dropped.
        Napi::add(&owned)?;
        this.up(dev)?;
        if let Err(e) = IrqLine::request(&owned, c"re1000") {
            this.down(dev);
            return Err(e);
        }
        this.napi.enable();
        this.set_running(true);
        this.irq_enable();
        // Check the link now rather than in 2 s, so carrier follows at once.
        DelayedWork::schedule(&owned, 0);
        dev.start_queue();
        Ok(())
    }

    fn stop(this: Pin<&Self>, dev: &NetDev) -> Result {
        // As `e1000_down`: taking the txq lock waits for a `start_xmit` still running
        // (the self-test stops the device without the core's deactivation).
        dev.tx_disable();
        this.set_running(false);
        // As `e1000_down`: NAPI first, so that no poll still running re-enables the
        // interrupt (IMS) after it is masked; then mask, and only then free the line
        // (`free_irq` waits for a running handler).
        this.napi.disable();
        this.irq_disable();
        this.irq.free();
        this.watchdog.cancel_sync();
        dev.carrier_off();
        // What the MAC counted since the watchdog's last read, before the reset.
        this.update_hw_stats();
        this.down(dev);
        Ok(())
    }

    fn start_xmit(this: Pin<&Self>, dev: &NetDev, skb: SkBuff, more: bool) -> TxOutcome {
        let Ok(mut skb) = skb.pad_to(MIN_FRAME_LEN) else {
            // `skb_put_padto` freed it.
            stats::add(&this.stats.tx_dropped, 1);
            return TxOutcome::Consumed;
        };
        // Checksum and segmentation requests; TSO rewrites the headers here, before
        // the ring lock is taken.
        let Ok(plan) = TxPlan::for_skb(&mut skb) else {
            stats::add(&this.stats.tx_dropped, 1);
            return TxOutcome::Consumed;
        };
        let mut guard = this.tx_ring.lock();
        let Some(ring) = (*guard).as_mut() else {
            stats::add(&this.stats.tx_dropped, 1);
            return TxOutcome::Consumed;
        };
        skb.tx_timestamp();
        match ring.queue(skb, plan) {
            Ok(bytes) => dev.sent_queue(bytes),
            Err(TxError::RingFull(skb)) => {
                // Should not happen: the queue is stopped before the ring can fill.
                dev.stop_queue();
                return TxOutcome::Busy(skb);
            }
            Err(TxError::MappingFailed) => {
                stats::add(&this.stats.tx_dropped, 1);
            }
        }
        // Stop before the next packet could find the ring full.
        if ring.should_stop() {
            dev.stop_queue();
        }
        // One doorbell per batch: the stack tells us when more packets follow.
        let doorbell = (!more || dev.queue_stopped()).then(|| ring.doorbell());
        drop(guard);
        // Outside the ring lock: the txq lock serialises `start_xmit`, and every path
        // that replaces or frees the ring disables the queue (taking that lock) first.
        if let Some(d) = doorbell {
            d.ring(&this.hw);
        }
        TxOutcome::Consumed
    }

    fn get_stats64(this: Pin<&Self>, _dev: &NetDev, stats: &mut Stats64) {
        this.stats.fill(stats, &this.hw_stats);
    }

    fn set_mac_address(
        this: Pin<&Self>,
        dev: &NetDev,
        rtnl: &rtnl::Held<'_>,
        mac: &MacAddr,
    ) -> Result {
        if !logic::mac::is_valid_station_address(mac) {
            return Err(EADDRNOTAVAIL);
        }
        dev.set_mac_address(rtnl, mac);
        this.hw.set_receive_address(mac);
        Ok(())
    }

    fn set_rx_mode(this: Pin<&Self>, dev: &NetDev, mc: &McList<'_>) {
        // Secondary unicast addresses are not filtered in hardware (IFF_UNICAST_FLT is
        // not set), so the core switches to promiscuous mode for them.
        let promisc = dev.promiscuous();
        let all_multi = promisc || dev.all_multicast();
        let mut mta = [0u32; filter::MTA_WORDS];
        mc.for_each(|addr| filter::mta_set(&mut mta, addr));
        this.hw.set_multicast_table(&mta);
        this.rx_filter.record(
            Promisc {
                unicast: promisc,
                multicast: all_multi,
            },
            &mta,
        );
        this.hw.set_filter_mode(promisc, all_multi);
    }

    fn tx_timeout(this: Pin<&Self>, dev: &NetDev) {
        stats::add(&this.stats.tx_timeout_count, 1);
        dev_warn!(this.pdev, "{}: TX timeout, resetting\n", dev.name());
        this.tx_hang.request_reset();
        match dev.owning(this) {
            Some(owned) => DelayedWork::schedule(&owned, 0),
            // Unreachable: the adapter is always its device's private data.
            None => dev_err!(
                this.pdev,
                "{}: TX timeout: no watchdog to reset\n",
                dev.name()
            ),
        }
    }
}
