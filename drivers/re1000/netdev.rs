// SPDX-License-Identifier: GPL-2.0

//! The driver's `net_device_ops`: open and stop, transmit, statistics, addresses
//! and the receive filter, and the TX timeout.

use kernel::{
    prelude::*,
    sync::barrier::{
        smp_mb,
        Full, //
    },
};

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
        // As `e1000_down` (`__E1000_DOWN` first): no poll unmasks the interrupt from here.
        this.set_running(false);
        // NAPI before the queue, as `reinit` (C needs `__E1000_DOWN` in its TX clean-up
        // because it orders them the other way): a poll still running could otherwise
        // wake the queue after `tx_disable`, and the self-test, which stops the device
        // without the core's qdisc deactivation, would see the stack's packets on its
        // ring. NAPI before the mask, so that no poll re-enables the interrupt (IMS)
        // after it; only then the line is freed (`free_irq` waits for a running
        // handler, which finds NAPI disabled and leaves the interrupt masked).
        this.napi.disable();
        // The txq lock waits for a `start_xmit` still running, its TDT write included.
        dev.tx_disable();
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
        // Checksum and segmentation requests; TSO rewrites the headers here, before
        // the ring lock is taken. A packet that cannot be prepared is dropped (and
        // freed here), but the doorbell below still rings for those queued before it.
        let prepared = match skb.pad_to(MIN_FRAME_LEN) {
            Ok(mut skb) => TxPlan::for_skb(&mut skb).ok().map(|plan| (skb, plan)),
            // `skb_put_padto` freed it.
            Err(_) => None,
        };
        let mut outcome = TxOutcome::Consumed;
        let mut guard = this.tx_queue.lock();
        let Some(ring) = (*guard).as_mut() else {
            stats::add(&this.stats.tx_dropped, 1);
            return outcome;
        };
        match prepared {
            None => stats::add(&this.stats.tx_dropped, 1),
            Some((mut skb, plan)) => {
                skb.tx_timestamp();
                match ring.queue(skb, plan) {
                    Ok(bytes) => dev.sent_queue(bytes),
                    Err(TxError::RingFull(skb)) => {
                        // Should not happen: the queue is stopped before the ring can fill.
                        outcome = TxOutcome::Busy(skb);
                    }
                    Err(TxError::MappingFailed) => {
                        stats::add(&this.stats.tx_dropped, 1);
                    }
                }
            }
        }
        // Stop before the next packet could find the ring full. The clean-up runs
        // beside us without a lock: the barrier pairs with the one in its wake-up, so
        // either it sees the stopped queue or we see the space it made, and then the
        // queue starts again (`__e1000_maybe_stop_tx`).
        if ring.should_stop() || matches!(outcome, TxOutcome::Busy(_)) {
            dev.stop_queue();
            smp_mb(Full);
            if !ring.should_stop() {
                dev.start_queue();
                stats::add(&this.stats.tx_restart_queue, 1);
            }
        }
        // One doorbell per batch: the stack tells us when more packets follow; on every
        // path, so that a dropped last packet does not strand the ones before it, and
        // whenever the queue is stopped, by us or by BQL (`sent_queue` above may have
        // hit its limit): the stack then sends nothing more for now, and the packets
        // announced with `more` would wait for the next completion (C's
        // `netif_xmit_stopped` in `e1000_xmit_frame`).
        let doorbell = (!more || dev.xmit_stopped()).then(|| ring.doorbell());
        drop(guard);
        // Outside the lock: the txq lock serialises `start_xmit`, and every path that
        // replaces or frees the ring disables the queue (taking that lock) first.
        if let Some(d) = doorbell {
            d.ring(&this.hw);
        }
        outcome
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
