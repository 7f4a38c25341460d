// SPDX-License-Identifier: GPL-2.0

//! Ethernet network devices (`struct net_device`) and their registration.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use core::{
    marker::PhantomData,
    ptr::NonNull, //
};

use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*,
    types::Opaque, //
};

use super::{
    bindings,
    ethtool,
    skb::SkBuff, //
};

/// An Ethernet MAC address.
pub(crate) type MacAddr = [u8; 6];

/// A network device.
///
/// # Invariants
///
/// The wrapped `net_device` was allocated by `alloc_etherdev_mqs` and stays allocated for
/// as long as the reference to this value is valid.
#[repr(transparent)]
pub(crate) struct NetDev(Opaque<bindings::net_device>);

// SAFETY: The net_device functions used here are callable from any thread.
unsafe impl Send for NetDev {}
// SAFETY: As above; the C side does its own locking.
unsafe impl Sync for NetDev {}

impl NetDev {
    /// # Safety
    ///
    /// `ptr` must point to a `net_device` that stays allocated for `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `NetDev` is a transparent wrapper; validity is guaranteed by the caller.
        unsafe { &*ptr.cast::<Self>() }
    }

    pub(super) fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// The interface name, e.g. `enp0s9`, for log messages.
    pub(crate) fn name(&self) -> &str {
        // SAFETY: `name` is a NUL-terminated `IFNAMSIZ` array inside a valid net_device.
        let name = unsafe { CStr::from_char_ptr((*self.as_raw()).name.as_ptr()) };
        name.to_str().unwrap_or("?")
    }

    /// Tells the stack the link is up.
    pub(crate) fn carrier_on(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::netif_carrier_on(self.as_raw()) }
    }

    /// Tells the stack the link is down.
    pub(crate) fn carrier_off(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::netif_carrier_off(self.as_raw()) }
    }

    /// Whether the stack considers the link up.
    pub(crate) fn carrier_ok(&self) -> bool {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_carrier_ok(self.as_raw()) }
    }

    /// Lets the stack hand packets to `start_xmit`.
    pub(crate) fn start_queue(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_start_queue(self.as_raw()) }
    }

    /// Stops the stack from calling `start_xmit`.
    pub(crate) fn stop_queue(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_stop_queue(self.as_raw()) }
    }

    /// Stops the queue and waits for a `start_xmit` running on another CPU to
    /// return: afterwards nothing transmits until the queue is woken. Process or
    /// softirq context (takes the TX lock with bottom halves disabled).
    pub(crate) fn tx_disable(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_tx_disable(self.as_raw()) }
    }

    /// Restarts a stopped queue and lets the stack resume sending.
    pub(crate) fn wake_queue(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_wake_queue(self.as_raw()) }
    }

    /// Whether the TX queue is stopped.
    pub(crate) fn queue_stopped(&self) -> bool {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_queue_stopped(self.as_raw()) }
    }

    /// Whether the stack will send more packets right away, so the doorbell can wait.
    /// Only meaningful inside `start_xmit`.
    pub(crate) fn xmit_more(&self) -> bool {
        // SAFETY: Reads per-CPU softnet state.
        unsafe { bindings::re1000_netdev_xmit_more() }
    }

    /// BQL: `bytes` were queued to the hardware.
    pub(crate) fn sent_queue(&self, bytes: u32) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netdev_sent_queue(self.as_raw(), bytes) }
    }

    /// BQL: `pkts` packets of `bytes` completed.
    pub(crate) fn completed_queue(&self, pkts: u32, bytes: u32) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netdev_completed_queue(self.as_raw(), pkts, bytes) }
    }

    /// BQL: forget everything in flight (the ring was emptied).
    pub(crate) fn reset_queue(&self) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netdev_reset_queue(self.as_raw()) }
    }

    /// Whether the interface is in promiscuous mode (`IFF_PROMISC`).
    pub(crate) fn promiscuous(&self) -> bool {
        // SAFETY: By the type invariant the device is valid; `flags` is a plain field.
        unsafe { (*self.as_raw()).flags & bindings::net_device_flags_IFF_PROMISC != 0 }
    }

    /// Whether all multicast is wanted (`IFF_ALLMULTI`).
    pub(crate) fn all_multicast(&self) -> bool {
        // SAFETY: As above.
        unsafe { (*self.as_raw()).flags & bindings::net_device_flags_IFF_ALLMULTI != 0 }
    }

    /// Calls `f` with each multicast address joined (`netdev_for_each_mc_addr`). Only
    /// called from `set_rx_mode`, which holds the address list lock.
    pub(crate) fn for_each_mc_addr(&self, mut f: impl FnMut(&MacAddr)) {
        // SAFETY: The device is valid; `mc.list` is a list of `netdev_hw_addr` linked
        // through their first field `list`, stable while the address lock is held.
        unsafe {
            let head = core::ptr::addr_of_mut!((*self.as_raw()).mc.list);
            let mut pos = (*head).next;
            while !pos.is_null() && pos != head {
                let ha = pos.cast::<bindings::netdev_hw_addr>();
                let addr = &(*ha).addr;
                let mut mac = [0u8; 6];
                mac.copy_from_slice(&addr[..6]);
                f(&mac);
                pos = (*pos).next;
            }
        }
    }

    /// The current MAC address (`dev_addr`).
    pub(crate) fn mac_address(&self) -> MacAddr {
        let mut mac = [0u8; 6];
        // SAFETY: `dev_addr` points to at least ETH_ALEN bytes for an Ethernet device.
        unsafe {
            let addr = (*self.as_raw()).dev_addr;
            if !addr.is_null() {
                core::ptr::copy_nonoverlapping(addr, mac.as_mut_ptr(), mac.len());
            }
        }
        mac
    }

    /// Sets the current MAC address (`eth_hw_addr_set`); the caller holds RTNL.
    pub(crate) fn set_mac_address(&self, mac: &MacAddr) {
        // SAFETY: The device is valid and callers run under RTNL (ndo_set_mac_address).
        unsafe { bindings::re1000_eth_hw_addr_set(self.as_raw(), mac.as_ptr()) }
    }
}

/// Interface statistics reported by `ndo_get_stats64` (`struct rtnl_link_stats64`).
#[repr(transparent)]
pub(crate) struct Stats64(bindings::rtnl_link_stats64);

impl Stats64 {
    /// Mutable access to the counters; all start at zero.
    pub(crate) fn get_mut(&mut self) -> &mut bindings::rtnl_link_stats64 {
        &mut self.0
    }
}

/// What `start_xmit` did with a packet.
pub(crate) enum TxOutcome {
    /// The packet was consumed (sent, queued or dropped).
    Consumed,
    /// The ring is full: the queue was stopped and the stack keeps the packet.
    Busy(SkBuff),
}

/// The `net_device_ops` a driver implements.
///
/// `Self` is the driver's private data, which lives inside the net_device.
#[vtable]
pub(crate) trait Operations: Sized + Send + Sync {
    /// The interface is being brought up (`ndo_open`), under RTNL.
    fn open(this: Pin<&Self>, dev: &NetDev) -> Result;

    /// The interface is being brought down (`ndo_stop`), under RTNL.
    fn stop(this: Pin<&Self>, dev: &NetDev) -> Result;

    /// Transmits `skb` (`ndo_start_xmit`), in softirq context.
    fn start_xmit(this: Pin<&Self>, dev: &NetDev, skb: SkBuff) -> TxOutcome;

    /// Fills in interface statistics (`ndo_get_stats64`); must not sleep.
    fn get_stats64(_this: Pin<&Self>, _dev: &NetDev, _stats: &mut Stats64) {}

    /// Changes the MAC address (`ndo_set_mac_address`), under RTNL. The layer has
    /// already copied it out of the `sockaddr`.
    fn set_mac_address(_this: Pin<&Self>, _dev: &NetDev, _mac: &MacAddr) -> Result {
        Err(EOPNOTSUPP)
    }

    /// Programs the receive filters from the flags and address lists
    /// (`ndo_set_rx_mode`), with the address list lock held: must not sleep.
    fn set_rx_mode(_this: Pin<&Self>, _dev: &NetDev) {}

    /// The TX queue has been stopped longer than `watchdog_timeo` (`ndo_tx_timeout`), in
    /// timer context.
    fn tx_timeout(_this: Pin<&Self>, _dev: &NetDev) {}
}

/// Recovers the device and its private data inside a net_device callback.
///
/// # Safety
///
/// `dev` must be a net_device registered by [`Registration::new`] with private data `T`.
unsafe fn callback_args<'a, T>(dev: *mut bindings::net_device) -> (&'a NetDev, Pin<&'a T>) {
    // SAFETY: Callbacks only run while the device is registered, so it is allocated and
    // its private area holds an initialised, pinned `T` (Registration's invariants).
    unsafe {
        let data = bindings::re1000_netdev_priv(dev).cast::<T>();
        (NetDev::from_raw(dev), Pin::new_unchecked(&*data))
    }
}

struct OpsTable<T>(PhantomData<T>);

impl<T: Operations + ethtool::Operations> OpsTable<T> {
    const OPS: bindings::net_device_ops = bindings::net_device_ops {
        ndo_open: Some(Self::open),
        ndo_stop: Some(Self::stop),
        ndo_start_xmit: Some(Self::start_xmit),
        ndo_validate_addr: Some(bindings::eth_validate_addr),
        ndo_get_stats64: if T::HAS_GET_STATS64 {
            Some(Self::get_stats64)
        } else {
            None
        },
        ndo_set_mac_address: if T::HAS_SET_MAC_ADDRESS {
            Some(Self::set_mac_address)
        } else {
            None
        },
        ndo_set_rx_mode: if T::HAS_SET_RX_MODE {
            Some(Self::set_rx_mode)
        } else {
            None
        },
        ndo_tx_timeout: if T::HAS_TX_TIMEOUT {
            Some(Self::tx_timeout)
        } else {
            None
        },
        // SAFETY: All-zero is valid for this struct of optional function pointers.
        ..unsafe { core::mem::zeroed() }
    };

    const fn build() -> &'static bindings::net_device_ops {
        &Self::OPS
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn open(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: The core calls `ndo_open` only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        match T::open(this, dev) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: The core calls `ndo_stop` only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        match T::stop(this, dev) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`,
    /// and `stats` valid for writes.
    unsafe extern "C" fn get_stats64(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: The core calls this only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        // SAFETY: `stats` is valid and ours for the call; `Stats64` is transparent.
        let stats = unsafe { &mut *stats.cast::<Stats64>() };
        T::get_stats64(this, dev, stats);
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`,
    /// and `addr` a `struct sockaddr`.
    unsafe extern "C" fn set_mac_address(
        dev: *mut bindings::net_device,
        addr: *mut c_void,
    ) -> c_int {
        // SAFETY: The core calls this only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        // SAFETY: `addr` is a `sockaddr` whose `sa_data` holds at least 6 bytes.
        let data = unsafe { &(*addr.cast::<bindings::sockaddr>()).sa_data };
        let mut mac = [0u8; 6];
        for (m, d) in mac.iter_mut().zip(data.iter()) {
            *m = *d;
        }
        match T::set_mac_address(this, dev, &mac) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn set_rx_mode(dev: *mut bindings::net_device) {
        // SAFETY: The core calls this only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        T::set_rx_mode(this, dev);
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn tx_timeout(dev: *mut bindings::net_device, _txqueue: c_uint) {
        // SAFETY: The core calls this only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        T::tx_timeout(this, dev);
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`,
    /// and `skb` a buffer whose ownership the caller passes.
    unsafe extern "C" fn start_xmit(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core calls `ndo_start_xmit` only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        let Some(skb) = NonNull::new(skb) else {
            return bindings::netdev_tx_NETDEV_TX_OK;
        };
        // SAFETY: The stack passes ownership of a valid skb to `ndo_start_xmit`.
        let skb = unsafe { SkBuff::from_raw(skb) };
        match T::start_xmit(this, dev, skb) {
            TxOutcome::Consumed => bindings::netdev_tx_NETDEV_TX_OK,
            TxOutcome::Busy(skb) => {
                // The stack requeues the skb it still owns.
                let _ = skb.into_raw();
                bindings::netdev_tx_NETDEV_TX_BUSY
            }
        }
    }
}

/// A set of `NETIF_F_*` offload features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Features(u64);

impl Features {
    /// Scatter-gather: the device sends packets made of several buffers.
    pub(crate) const SG: Self = Self(1 << bindings::NETIF_F_SG_BIT);
    /// The device inserts any `CHECKSUM_PARTIAL` checksum (start and offset given).
    pub(crate) const HW_CSUM: Self = Self(1 << bindings::NETIF_F_HW_CSUM_BIT);
    /// TCP segmentation of IPv4 packets.
    pub(crate) const TSO: Self = Self(1 << bindings::NETIF_F_TSO_BIT);

    /// Both sets.
    pub(crate) const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// What a driver sets on its net_device before registering it.
pub(crate) struct Config {
    /// Offloads the device can do (`ethtool -k` may toggle them); all start enabled.
    pub(crate) features: Features,
    /// The permanent and current MAC address.
    pub(crate) mac: MacAddr,
    /// Smallest MTU `ip link set mtu` accepts.
    pub(crate) min_mtu: u32,
    /// Largest MTU `ip link set mtu` accepts.
    pub(crate) max_mtu: u32,
    /// How long a stopped TX queue may stay stopped before `ndo_tx_timeout`, in jiffies.
    pub(crate) watchdog_timeo: kernel::time::Jiffies,
}

/// A registered Ethernet device whose private data is `T`.
///
/// Dropping it unregisters the device (which stops it first), drops `T` and frees it.
///
/// # Invariants
///
/// `dev` is registered, and its private area holds an initialised, pinned `T` that is
/// never moved. It lives no longer than `'a`, the binding of its parent device.
pub(crate) struct Registration<'a, T: Operations + ethtool::Operations> {
    dev: NonNull<bindings::net_device>,
    _data: PhantomData<&'a T>,
}

// SAFETY: The registration can be dropped from any thread; `T` is `Send + Sync`.
unsafe impl<T: Operations + ethtool::Operations> Send for Registration<'_, T> {}
// SAFETY: Shared access only hands out `&NetDev` and `Pin<&T>`, both `Sync`.
unsafe impl<T: Operations + ethtool::Operations> Sync for Registration<'_, T> {}

impl<'a, T: Operations + ethtool::Operations + 'a> Registration<'a, T> {
    /// Allocates an Ethernet device with one TX and one RX queue below `parent`,
    /// initialises its private data with `init` and registers it.
    ///
    /// `init` gets the device so that `T` can keep a reference to it; it must not
    /// outlive `T`, which is dropped before the device is freed.
    pub(crate) fn new<I, E>(
        parent: &'a Device<Bound>,
        config: &Config,
        init: impl FnOnce(&'a NetDev) -> I,
    ) -> Result<Self>
    where
        I: PinInit<T, E>,
        Error: From<E>,
    {
        const {
            assert!(core::mem::align_of::<T>() <= bindings::NETDEV_ALIGN as usize);
        }
        let priv_size = c_int::try_from(core::mem::size_of::<T>()).map_err(|_| EINVAL)?;
        // SAFETY: Plain allocation call; a null return is handled.
        let raw = unsafe { bindings::alloc_etherdev_mqs(priv_size, 1, 1) };
        let dev = NonNull::new(raw).ok_or(ENOMEM)?;
        let parent_raw = core::ptr::from_ref(parent)
            .cast_mut()
            .cast::<bindings::device>();
        // SAFETY: `raw` is a fresh, unregistered net_device that only we use. `Device` is a
        // transparent wrapper of `struct device`, so `parent_raw` is a valid device pointer.
        unsafe {
            bindings::re1000_set_netdev_dev(raw, parent_raw);
            (*raw).netdev_ops = OpsTable::<T>::build();
            (*raw).ethtool_ops = ethtool::build::<T>();
            (*raw).hw_features = config.features.0;
            (*raw).features = config.features.0;
            (*raw).min_mtu = config.min_mtu;
            (*raw).max_mtu = config.max_mtu;
            (*raw).watchdog_timeo = c_int::try_from(config.watchdog_timeo).unwrap_or(c_int::MAX);
            bindings::re1000_eth_hw_addr_set(raw, config.mac.as_ptr());
        }
        // SAFETY: The private area is sized for `T`, aligned to NETDEV_ALIGN (checked above)
        // and lives as long as the net_device.
        let data = unsafe { bindings::re1000_netdev_priv(raw) }.cast::<T>();
        // SAFETY: `raw` stays allocated until `drop`, after `T` has been dropped.
        let netdev = unsafe { NetDev::from_raw(raw) };
        // SAFETY: `data` is valid, uninitialised memory for a `T` that is never moved.
        if let Err(e) = unsafe { init(netdev).__init(data) } {
            // SAFETY: Never registered; nothing else refers to it.
            unsafe { bindings::free_netdev(raw) };
            return Err(e.into());
        }
        // SAFETY: The device is fully set up; from here on callbacks may run.
        let ret = unsafe { bindings::register_netdev(raw) };
        if ret != 0 {
            // SAFETY: Registration failed, so no callback can run; `T` was initialised above.
            unsafe {
                core::ptr::drop_in_place(data);
                bindings::free_netdev(raw);
            }
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: Registered with an initialised `T` in its private area.
        Ok(Self {
            dev,
            _data: PhantomData,
        })
    }

    /// The driver's private data.
    pub(crate) fn data(&self) -> Pin<&T> {
        // SAFETY: By the type invariant the private area holds a pinned, initialised `T`.
        unsafe { callback_args::<T>(self.dev.as_ptr()).1 }
    }

    /// The registered device.
    pub(crate) fn netdev(&self) -> &NetDev {
        // SAFETY: By the type invariant the device is allocated while `self` lives.
        unsafe { NetDev::from_raw(self.dev.as_ptr()) }
    }
}

impl<T: Operations + ethtool::Operations> Drop for Registration<'_, T> {
    fn drop(&mut self) {
        let raw = self.dev.as_ptr();
        // SAFETY: By the type invariant the device is registered. After
        // `unregister_netdev` returns no callback runs any more, so `T` can be dropped in
        // place and the device freed.
        unsafe {
            bindings::unregister_netdev(raw);
            core::ptr::drop_in_place(bindings::re1000_netdev_priv(raw).cast::<T>());
            bindings::free_netdev(raw);
        }
    }
}
