// SPDX-License-Identifier: GPL-2.0

//! The driver's private data: the state every other part of the driver works on
//! (each sub-state owned by its own module), and bringing the device up and down.

use kernel::{
    device::Bound,
    new_mutex, new_spinlock, pci,
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Mutex,
        SpinLock, //
    },
};

use crate::{
    hw::{
        stats::HwStats,
        Hw, //
    },
    identify::Identify,
    irq_test::IrqTest,
    itr_state::ItrState,
    link_config::LinkConfig,
    logic::itr,
    napi_work::NapiWork,
    net::{
        bh,
        irq::IrqLine,
        napi::Napi,
        netdev::NetDev,
        workqueue::DelayedWork, //
    },
    ring::{
        rx::RxRing,
        tx::{
            self,
            TxCleaner,
            TxQueue, //
        }, //
    },
    ring_sizes::{
        RingSizes,
        Sizes, //
    },
    rx_filter::RxFilter,
    stats::SwStats,
    tx_hang::TxHang,
};

/// The transmit ring's two halves.
type TxRings<'a> = (TxQueue<'a>, TxCleaner<'a>);

/// NETIF_MSG_DRV | NETIF_MSG_PROBE | NETIF_MSG_LINK, the C driver's default.
const DEFAULT_MSG_ENABLE: u32 = 0x7;

/// Per-device state, living in the net_device's private area.
///
/// Deferred work, the interrupt and NAPI come first so that they are stopped before
/// anything they use is dropped.
#[pin_data(PinnedDrop)]
pub(crate) struct Adapter<'a> {
    /// The link watchdog.
    #[pin]
    pub(crate) watchdog: DelayedWork<Adapter<'a>>,
    /// The device's INTx line, requested while the interface is up.
    pub(crate) irq: IrqLine<Adapter<'a>>,
    /// RX/TX polling.
    #[pin]
    pub(crate) napi: Napi<Adapter<'a>>,
    /// The transmit ring's filling half: taken by `start_xmit` (softirq), which the
    /// txq lock already serialises, and by open/stop and the self-test while it cannot
    /// run; so never contended.
    #[pin]
    pub(crate) tx_queue: SpinLock<Option<TxQueue<'a>>>,
    /// The transmit ring's cleaning half: taken by the NAPI poll, the watchdog's hang
    /// check, and open/stop and the self-test while the poll cannot run. Transmit and
    /// clean-up share no lock (the C driver's lockless ring).
    #[pin]
    pub(crate) tx_clean: SpinLock<Option<TxCleaner<'a>>>,
    /// The receive ring: taken by the NAPI poll, and by open/stop while it cannot run.
    #[pin]
    pub(crate) rx_ring: SpinLock<Option<RxRing<'a>>>,
    /// Ring sizes for the next open.
    pub(crate) ring_sizes: RingSizes,
    /// Whether the interface is up (open to stop; the C driver's `__E1000_DOWN`,
    /// inverted): the watchdog re-arms itself and the poll unmasks only while it is.
    running: Atomic<bool>,
    /// The receive filter last programmed by `set_rx_mode`, restored after resets.
    pub(crate) rx_filter: RxFilter,
    /// The TX hang detector and the reset a hang or a TX timeout requests.
    pub(crate) tx_hang: TxHang,
    pub(crate) stats: SwStats,
    /// Totals of the hardware statistics registers, updated by the watchdog.
    pub(crate) hw_stats: HwStats,
    /// Serialises reading the clear-on-read statistics registers (watchdog, ethtool).
    #[pin]
    pub(crate) hw_stats_lock: Mutex<()>,
    /// `ethtool -s msglvl` (NETIF_MSG_* bits).
    msg_enable: Atomic<u32>,
    /// `ethtool -C rx-usecs` and the interrupt rate; the dynamic modes' inputs.
    pub(crate) itr: ItrState,
    pub(crate) napi_work: NapiWork,
    /// Autonegotiation, advertised modes and flow control (`ethtool -s`, `-A`).
    pub(crate) link_config: LinkConfig,
    /// The interrupt self-test's causes.
    pub(crate) irq_test: IrqTest,
    /// The LED setting saved while `ethtool -p` blinks it.
    #[pin]
    pub(crate) identify: Identify,
    pub(crate) pdev: &'a pci::Device<Bound>,
    pub(crate) hw: Hw<'a>,
}

impl<'a> Adapter<'a> {
    /// The adapter, complete before the interface is registered: an `ndo_open` racing
    /// the probe (udev) sees the configured ring sizes, and the statistics baseline
    /// (`hw_stats`, taken by the caller) is in place before the watchdog can run.
    pub(crate) fn new(
        pdev: &'a pci::Device<Bound>,
        hw: Hw<'a>,
        hw_stats: HwStats,
        ring_sizes: Sizes,
        irq: u32,
    ) -> impl PinInit<Self, Error> + 'a {
        try_pin_init!(Self {
            watchdog <- DelayedWork::new(),
            irq: IrqLine::new(irq),
            napi <- Napi::new(),
            tx_queue <- new_spinlock!(None, "re1000_tx_queue"),
            tx_clean <- new_spinlock!(None, "re1000_tx_clean"),
            rx_ring <- new_spinlock!(None, "re1000_rx_ring"),
            ring_sizes: RingSizes::new(ring_sizes),
            running: Atomic::new(false),
            rx_filter: RxFilter::new(),
            tx_hang: TxHang::new(),
            stats: SwStats::new(),
            hw_stats,
            hw_stats_lock <- new_mutex!((), "re1000_hw_stats"),
            msg_enable: Atomic::new(DEFAULT_MSG_ENABLE),
            itr: ItrState::new(),
            napi_work: NapiWork::new(),
            link_config: LinkConfig::new(),
            irq_test: IrqTest::new(),
            identify <- Identify::new(),
            pdev,
            hw,
        })
    }

    /// Whether the interface is up.
    pub(crate) fn is_running(&self) -> bool {
        self.running.load(Relaxed)
    }

    /// Set by `ndo_open` once everything is in place, cleared first by `ndo_stop`.
    pub(crate) fn set_running(&self, running: bool) {
        self.running.store(running, Relaxed);
    }

    /// The NETIF_MSG_* bits `ethtool -s msglvl` set.
    pub(crate) fn msg_level(&self) -> u32 {
        self.msg_enable.load(Relaxed)
    }

    /// `ethtool -s msglvl`.
    pub(crate) fn set_msg_level(&self, level: u32) {
        self.msg_enable.store(level, Relaxed);
    }

    /// Reprograms the receive filters after a reset wiped them: station address, the
    /// multicast hash and the promiscuous bits.
    pub(crate) fn restore_filters(&self, netdev: &NetDev) {
        self.hw.set_multicast_table(&self.rx_filter.mta());
        self.hw.set_receive_address(&netdev.mac_address());
    }

    /// Allocates both rings, programs them and enables the receiver and transmitter.
    pub(crate) fn up(&self, netdev: &NetDev) -> Result {
        let rings = self.alloc_rings()?;
        self.start(netdev, rings);
        Ok(())
    }

    /// Both rings at the configured sizes, with their receive buffers, not yet known
    /// to the device: allocating touches no register.
    fn alloc_rings(&self) -> Result<(TxRings<'a>, RxRing<'a>)> {
        let dev = self.pdev.as_ref();
        let sizes = self.ring_sizes.get();
        let tx = tx::new(dev, sizes.tx)?;
        let rx = RxRing::new(dev, sizes.rx)?;
        Ok((tx, rx))
    }

    /// Programs the device, which may have been reset, for `rings` and starts the
    /// receiver and transmitter: link, station address and multicast table, both
    /// rings, flow control and the filter mode. BQL needs no reset here: a new device
    /// has nothing in flight, and `down` forgot what the old rings held.
    fn start(&self, netdev: &NetDev, ((tx, tx_clean), rx): (TxRings<'a>, RxRing<'a>)) {
        self.hw.set_link_up();
        self.restore_filters(netdev);
        self.hw.configure_tx(tx.descs());
        self.hw
            .configure_rx(rx.descs(), rx.tail(), self.itr_register());
        let fc = self.link_config.get().fc;
        self.hw.set_flow_control(fc.rx, fc.tx);
        let promisc = self.rx_filter.promisc();
        self.hw.set_filter_mode(promisc.unicast, promisc.multicast);
        {
            let _bh = bh::disable();
            *self.tx_queue.lock() = Some(tx);
            *self.tx_clean.lock() = Some(tx_clean);
            *self.rx_ring.lock() = Some(rx);
        }
    }

    /// Re-initialises a running device (TX timeout or hang, new ring sizes): new rings
    /// first, then stop everything, reset the MAC and start on the new rings, as
    /// `e1000_set_ringparam` allocates before it takes the interface down. If the new
    /// rings cannot be allocated the device keeps running on the old ones, untouched,
    /// and the error is returned. Caller holds RTNL; sleeps.
    pub(crate) fn reinit(&self, dev: &NetDev) -> Result {
        let rings = self.alloc_rings().inspect_err(|e| {
            dev_err!(self.pdev, "{}: reset failed: {:?}\n", dev.name(), e);
        })?;
        // NAPI first: a TX clean-up could otherwise wake the queue after it was
        // stopped, and packets would reach the rings while they are replaced.
        self.irq_disable();
        self.napi.disable();
        dev.tx_disable();
        self.update_hw_stats();
        self.down(dev);
        self.start(dev, rings);
        self.napi.enable();
        self.irq_enable();
        dev.wake_queue();
        Ok(())
    }

    /// The ITR register value for the current `rx-usecs` setting.
    pub(crate) fn itr_register(&self) -> u32 {
        itr::register_value(self.itr.get())
    }

    /// Reads the statistics registers into the totals now.
    pub(crate) fn update_hw_stats(&self) {
        let _guard = self.hw_stats_lock.lock();
        if let Err(e) = self.hw_stats.update(&self.hw) {
            // Cannot happen (the offsets are checked at build time), but not hidden.
            dev_err!(self.pdev, "reading the statistics registers: {:?}\n", e);
        }
    }

    /// Whether TX descriptors are waiting for the device.
    pub(crate) fn tx_pending(&self) -> bool {
        let _bh = bh::disable();
        // A local, so that the lock guard is dropped before softirqs are re-enabled.
        let guard = self.tx_clean.lock();
        guard.as_ref().is_some_and(|ring| ring.busy())
    }

    /// Stops the device's DMA, lets it drain and resets the MAC (`e1000_down`: disable
    /// RX/TX, flush, 10 ms, `e1000_reset`), and only then frees both rings and their
    /// buffers, so no DMA still in flight lands in freed memory. The reset clears the
    /// statistics registers on silicon: `ndo_stop` and `reinit` read them first (the
    /// self-test's own resets do not, as in C).
    pub(crate) fn down(&self, netdev: &NetDev) {
        self.hw.reset();
        // Take the rings out under the locks, free them (DMA unmap and coherent free)
        // after softirqs are enabled again.
        let (tx, rx) = {
            let _bh = bh::disable();
            let tx = self.tx_queue.lock().take();
            let tx_clean = self.tx_clean.lock().take();
            let rx = self.rx_ring.lock().take();
            ((tx, tx_clean), rx)
        };
        drop(tx);
        drop(rx);
        // The rings' packets are freed: forget them. Every caller disabled NAPI first.
        if let Err(e) = self.napi.reset_queue() {
            dev_err!(
                self.pdev,
                "{}: BQL reset with NAPI on: {:?}\n",
                netdev.name(),
                e
            );
        }
    }
}

#[pinned_drop]
impl PinnedDrop for Adapter<'_> {
    fn drop(self: Pin<&mut Self>) {
        // The interface is unregistered (and so stopped) by now; make sure nothing
        // deferred runs and the device does no DMA before the BAR is unmapped.
        self.watchdog.cancel_sync();
        self.irq.free();
        self.hw.quiesce();
    }
}
