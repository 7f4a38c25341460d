// SPDX-License-Identifier: GPL-2.0

//! The interrupt handler and the NAPI poll: the interrupt only masks the device and
//! schedules NAPI; the poll cleans TX, then RX within the budget, and unmasks when done.

use kernel::{
    io::Io,
    prelude::*,
    sync::barrier::{
        smp_mb,
        Full, //
    },
};

use crate::{
    adapter::Adapter,
    impl_has_irq_line,
    impl_has_napi,
    logic::itr,
    net::{
        irq::{
            IrqHandler,
            IrqReturn, //
        },
        napi::{
            NapiPoll,
            Poll, //
        },
        netdev::Owned,
        workqueue::DelayedWork,
    },
    regs::*,
    stats, //
};

impl_has_napi! {
    impl<'a> HasNapi for Adapter<'a> { napi }
}

impl_has_irq_line! {
    impl<'a> HasIrqLine for Adapter<'a> { irq }
}

impl Adapter<'_> {
    /// In the dynamic modes, adapts the interrupt rate to the NAPI run that just ended
    /// (`e1000_set_itr`). Called from the poll only.
    fn update_itr(&self) {
        let seen = self.itr.get();
        let mut classes = self.itr.classes();
        let (tx, rx) = self.napi_work.totals();
        let gigabit = self.itr.link_gigabit();
        if let Some(rate) = itr::next_rate(seen.setting, seen.rate, gigabit, &mut classes, tx, rx) {
            // Lost to an `ethtool -C` meanwhile: that one programmed the register.
            if self.itr.move_rate(seen, rate) {
                self.hw.set_itr(itr::register_value(itr::Itr {
                    setting: seen.setting,
                    rate,
                }));
            }
        }
        self.itr.set_classes(classes);
    }

    /// Unmasks the causes the driver handles.
    pub(crate) fn irq_enable(&self) {
        self.hw
            .bar
            .write_reg(IMS::zeroed().with_causes(irq_cause::ENABLED));
    }

    /// Masks every cause.
    pub(crate) fn irq_disable(&self) {
        self.hw.bar.write_reg(IMC::zeroed().with_causes(u32::MAX));
    }

    /// Frees what the device has sent and wakes the queue if it was stopped for space.
    /// Packets queued during the clean-up (see [`crate::ring::tx::TxCleaner::clean`])
    /// complete with a TX interrupt of their own.
    fn clean_tx(&self, napi: &Poll<'_>, budget: u32) {
        let netdev = napi.netdev();
        let mut guard = self.tx_clean.lock();
        let Some(ring) = (*guard).as_mut() else {
            return;
        };
        let done = ring.clean(budget);
        self.napi_work.add_tx(done.packets, done.bytes.into());
        if done.packets > 0 {
            if napi.completed_queue(done.packets, done.bytes).is_err() {
                // The ring reported more than was queued: BQL is left as it was.
                dev_err!(
                    self.pdev,
                    "{}: TX completed {} bytes, more than in flight\n",
                    netdev.name(),
                    done.bytes
                );
            }
            stats::add(&self.stats.tx_packets, done.packets.into());
            stats::add(&self.stats.tx_bytes, done.bytes.into());
        }
        if done.lost_track {
            dev_err!(
                self.pdev,
                "{}: TX ring lost track of a packet's last descriptor\n",
                netdev.name()
            );
        }
        // A poll racing `ndo_stop` may wake the queue: `ndo_stop` disables NAPI (waiting
        // for this poll) before it disables the queue, so the wake cannot outlast it.
        // The barrier pairs with the one in `start_xmit`: either it sees the slots just
        // given back, or we see the queue it stopped (`e1000_clean_tx_irq`).
        if done.packets == 0 || !ring.may_wake() {
            return;
        }
        smp_mb(Full);
        if netdev.queue_stopped() && netdev.carrier_ok() {
            netdev.wake_queue();
            stats::add(&self.stats.tx_restart_queue, 1);
        }
    }

    fn clean_rx(&self, napi: &Poll<'_>, budget: u32) -> u32 {
        let mut guard = self.rx_ring.lock();
        let Some(ring) = (*guard).as_mut() else {
            return 0;
        };
        // None in netpoll's budget-0 poll, which only cleans TX.
        let Some(rx) = napi.receive() else {
            return 0;
        };
        let copybreak = crate::copybreak();
        let out = ring.clean(&rx, napi.netdev(), &self.hw, budget, copybreak);
        self.napi_work.add_rx(out.packets, out.bytes);
        stats::add(&self.stats.rx_packets, out.packets.into());
        stats::add(&self.stats.rx_bytes, out.bytes);
        stats::add(&self.stats.rx_errors, out.errors.into());
        stats::add(&self.stats.rx_length_errors, out.length_errors.into());
        stats::add(&self.stats.rx_copybreak, out.copybreak.into());
        stats::add(&self.stats.alloc_rx_buff_failed, out.alloc_failed.into());
        out.packets
    }
}

impl IrqHandler for Adapter<'_> {
    fn handle_irq(owned: Owned<'_, Self>) -> IrqReturn {
        let this = owned.owner();
        let icr = this.hw.bar.read(ICR).into_raw();
        if icr == 0 {
            // Not ours: the INTx line is shared.
            return IrqReturn::None;
        }
        if this.irq_test.record(icr) {
            return IrqReturn::Handled;
        }
        if icr & (irq_cause::LSC | irq_cause::RXSEQ) != 0 {
            DelayedWork::schedule(&owned, 1);
        }
        this.irq_disable();
        this.napi_work.reset();
        if !this.napi.schedule() {
            // Already polling (or down): the poll unmasks when it completes.
        }
        IrqReturn::Handled
    }
}

impl NapiPoll for Adapter<'_> {
    fn poll(this: Pin<&Self>, napi: Poll<'_>, budget: u32) -> u32 {
        stats::add(&this.stats.napi_polls, 1);
        this.clean_tx(&napi, budget);
        let rx_done = this.clean_rx(&napi, budget);
        if rx_done >= budget {
            return budget;
        }
        if napi.complete_done(rx_done) && this.is_running() {
            this.update_itr();
            this.irq_enable();
        }
        rx_done
    }
}
