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
    error::{
        from_result,
        VTABLE_DEFAULT_ERROR, //
    },
    prelude::*,
};

pub(crate) use super::device::{
    MacAddr,
    McList,
    NetDev,
    Owned, //
};
use super::{
    bindings,
    ethtool,
    rtnl,
    skb::SkBuff, //
};

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

    /// Transmits `skb` (`ndo_start_xmit`), in softirq context. `more` says that the
    /// stack will send more packets right away (`netdev_xmit_more`), so the doorbell
    /// can wait for the last of them.
    fn start_xmit(this: Pin<&Self>, dev: &NetDev, skb: SkBuff, more: bool) -> TxOutcome;

    /// Fills in interface statistics (`ndo_get_stats64`); must not sleep.
    fn get_stats64(_this: Pin<&Self>, _dev: &NetDev, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Changes the MAC address (`ndo_set_mac_address`), under RTNL. The layer has
    /// already copied it out of the `sockaddr`.
    fn set_mac_address(
        _this: Pin<&Self>,
        _dev: &NetDev,
        _rtnl: &rtnl::Held<'_>,
        _mac: &MacAddr,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Programs the receive filters from the flags and the multicast list
    /// (`ndo_set_rx_mode`), with the address list lock held: must not sleep.
    fn set_rx_mode(_this: Pin<&Self>, _dev: &NetDev, _mc: &McList<'_>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The TX queue has been stopped longer than `watchdog_timeo` (`ndo_tx_timeout`), in
    /// timer context.
    fn tx_timeout(_this: Pin<&Self>, _dev: &NetDev) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
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
        from_result(|| T::open(this, dev).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn stop(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: The core calls `ndo_stop` only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        from_result(|| T::stop(this, dev).map(|()| 0))
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
        // SAFETY: The core calls `ndo_set_mac_address` with RTNL held
        // (`dev_set_mac_address` asserts it), until this callback returns.
        let rtnl = unsafe { rtnl::Held::new() };
        from_result(|| T::set_mac_address(this, dev, &rtnl, &mac).map(|()| 0))
    }

    /// # Safety
    ///
    /// `dev` must be a device registered by [`Registration::new`] with private data `T`.
    unsafe extern "C" fn set_rx_mode(dev: *mut bindings::net_device) {
        // SAFETY: The core calls this only on a registered device.
        let (dev, this) = unsafe { callback_args::<T>(dev) };
        // SAFETY: The core calls `ndo_set_rx_mode` with the address list lock held
        // (`__dev_set_rx_mode` runs under `netif_addr_lock_bh`), until it returns.
        let mc = unsafe { McList::new(dev) };
        T::set_rx_mode(this, dev, &mc);
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
        // SAFETY: Reads this CPU's softnet state, which the caller of `ndo_start_xmit`
        // set for this packet.
        let more = unsafe { bindings::re1000_netdev_xmit_more() };
        match T::start_xmit(this, dev, skb, more) {
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
    /// `init` gets no reference to the device, which it could keep past the device's
    /// life: every callback is given the device, and deferred work and the interrupt
    /// handler get it back from their owner ([`Owned`]).
    pub(crate) fn new<I, E>(parent: &'a Device<Bound>, config: &Config, init: I) -> Result<Self>
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
        // SAFETY: `data` is valid, uninitialised memory for a `T` that is never moved.
        if let Err(e) = unsafe { init.__init(data) } {
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
