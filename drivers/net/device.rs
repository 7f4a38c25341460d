// SPDX-License-Identifier: GPL-2.0

//! A network device (`struct net_device`) as its driver's callbacks see it: the
//! leaf of this layer, used by netdev, ethtool, NAPI, skb and DMA.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use kernel::{
    prelude::*,
    types::{
        NotThreadSafe,
        Opaque, //
    },
};

use super::{
    bindings,
    rtnl, //
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

// SAFETY: A `net_device` is not tied to the thread that allocated it; `NetDev` is only
// ever used by reference and owns nothing thread-local.
unsafe impl Send for NetDev {}
// SAFETY: Every `&self` method calls a function the kernel allows from any thread at any
// time (the carrier and queue helpers are atomic bit operations or take the queue's own
// lock; `name`, `flags` and `dev_addr` reads are of fields whose writers the core
// serialises). Operations that need a lock or a callback take its token instead
// (`rtnl::Held` for `set_mac_address`, `McList` for the multicast list).
unsafe impl Sync for NetDev {}

impl NetDev {
    /// # Safety
    ///
    /// `ptr` must point to a `net_device` that stays allocated for `'a`.
    pub(super) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `NetDev` is `repr(transparent)` over `Opaque<net_device>`, and by the
        // caller's contract `ptr` points to a `net_device` allocated for `'a`, which is the
        // type invariant.
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

    /// Whether the driver stopped the TX queue (`netif_queue_stopped`: not a stop by
    /// BQL, see [`Self::xmit_stopped`]).
    pub(crate) fn queue_stopped(&self) -> bool {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_queue_stopped(self.as_raw()) }
    }

    /// Whether the queue is stopped by the driver or by BQL (`netif_xmit_stopped`):
    /// then the stack sends nothing more for now, so packets it announced with
    /// `more` must be handed to the device without waiting for a last one.
    pub(crate) fn xmit_stopped(&self) -> bool {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netif_xmit_stopped(self.as_raw()) }
    }

    /// BQL: `bytes` were queued to the hardware.
    pub(crate) fn sent_queue(&self, bytes: u32) {
        // SAFETY: By the type invariant the device is valid.
        unsafe { bindings::re1000_netdev_sent_queue(self.as_raw(), bytes) }
    }

    /// BQL: bytes queued (`sent_queue`) and not yet completed on TX queue 0.
    /// Completion and reset are the NAPI context's ([`super::napi::Poll::completed_queue`],
    /// [`super::napi::Napi::reset_queue`]), which check against this.
    pub(super) fn bql_in_flight(&self) -> u32 {
        #[cfg(CONFIG_BQL)]
        {
            // SAFETY: The device is valid (type invariant) and was allocated with one TX
            // queue (`alloc_etherdev_mqs(.., 1, 1)`), so `_tx` points to it. `num_queued`
            // may be written by `start_xmit` meanwhile, hence the volatile (READ_ONCE)
            // reads; it only grows, so a stale value errs on the safe side.
            unsafe {
                let dql = core::ptr::addr_of!((*(*self.as_raw())._tx).dql);
                let queued = core::ptr::addr_of!((*dql).num_queued).read_volatile();
                let completed = core::ptr::addr_of!((*dql).num_completed).read_volatile();
                queued.wrapping_sub(completed)
            }
        }
        #[cfg(not(CONFIG_BQL))]
        {
            // Without BQL, `netdev_completed_queue` does nothing and cannot fail.
            u32::MAX
        }
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

    /// Sets the current MAC address (`eth_hw_addr_set`), which readers of `dev_addr`
    /// access under RTNL.
    pub(crate) fn set_mac_address(&self, _rtnl: &rtnl::Held<'_>, mac: &MacAddr) {
        // SAFETY: The device is valid (type invariant) and `_rtnl` proves that this task
        // holds RTNL, which serialises writers of `dev_addr`.
        unsafe { bindings::re1000_eth_hw_addr_set(self.as_raw(), mac.as_ptr()) }
    }
}

/// The multicast addresses a device has joined, as `set_rx_mode` sees them.
///
/// # Invariants
///
/// The device's address list lock (`netif_addr_lock`) is held for `'a`, so the list
/// does not change while this value exists.
pub(crate) struct McList<'a> {
    dev: &'a NetDev,
    // Exists only inside the callback that holds the lock: neither `Send` nor `Sync`.
    _locked: NotThreadSafe,
}

impl<'a> McList<'a> {
    /// # Safety
    ///
    /// `dev`'s address list lock is held for `'a`.
    pub(super) unsafe fn new(dev: &'a NetDev) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self {
            dev,
            _locked: NotThreadSafe,
        }
    }

    /// Calls `f` with each multicast address joined (`netdev_for_each_mc_addr`).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&MacAddr)) {
        // SAFETY: The device is valid; `mc.list` is a list of `netdev_hw_addr` linked
        // through their first field `list`, which does not change while the address
        // list lock is held (type invariant).
        unsafe {
            let head = core::ptr::addr_of_mut!((*self.dev.as_raw()).mc.list);
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
}

/// Proof that `owner` is the private data of `dev`: the pair that deferred work and
/// the interrupt handler get back, which hold only the owner.
///
/// # Invariants
///
/// `owner` lives in `dev`'s private area (at `netdev_priv(dev)`), and `dev` is
/// allocated for `'a`.
pub(crate) struct Owned<'a, T> {
    owner: Pin<&'a T>,
    dev: &'a NetDev,
}

impl<T> Clone for Owned<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Owned<'_, T> {}

/// Offset of the private area in a net_device (`netdev_priv` is `dev->priv`).
const PRIV_OFFSET: usize = core::mem::offset_of!(bindings::net_device, priv_);

impl<'a, T> Owned<'a, T> {
    /// The owner, the device's private data.
    pub(crate) fn owner(&self) -> Pin<&'a T> {
        self.owner
    }

    /// The device.
    pub(crate) fn netdev(&self) -> &'a NetDev {
        self.dev
    }

    /// Recovers the pair from the owner alone.
    ///
    /// # Safety
    ///
    /// `owner` was the owner of an [`Owned`] (so it lives in a net_device's private
    /// area), and is still borrowed, so that device is still allocated.
    pub(super) unsafe fn from_owner(owner: Pin<&'a T>) -> Self {
        let dev = core::ptr::from_ref(owner.get_ref())
            .cast::<u8>()
            .wrapping_sub(PRIV_OFFSET)
            .cast::<bindings::net_device>()
            .cast_mut();
        // SAFETY: By the caller, `owner` is at `netdev_priv(dev)` of an allocated
        // device, and `owning` checked that this subtraction finds that device.
        let dev = unsafe { NetDev::from_raw(dev) };
        // INVARIANT: As above.
        Self { owner, dev }
    }
}

impl NetDev {
    /// `owner` with its device, if `owner` is this device's private data; `None` if
    /// `owner` lives anywhere else.
    pub(crate) fn owning<'a, T>(&'a self, owner: Pin<&'a T>) -> Option<Owned<'a, T>> {
        // SAFETY: The device is valid (type invariant); `netdev_priv` only computes an
        // address.
        let area = unsafe { bindings::re1000_netdev_priv(self.as_raw()) };
        let at = core::ptr::from_ref(owner.get_ref()).cast::<u8>();
        let ok = core::ptr::eq(area.cast::<u8>().cast_const(), at)
            && core::ptr::eq(at.wrapping_sub(PRIV_OFFSET), self.as_raw().cast::<u8>());
        // INVARIANT: `owner` lives at `netdev_priv(self)`, and `self` is borrowed for
        // `'a`, so it is allocated that long.
        ok.then_some(Owned { owner, dev: self })
    }
}
