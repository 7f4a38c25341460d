// SPDX-License-Identifier: GPL-2.0

//! NAPI: interrupt-mitigated polling of a device's queues.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use core::marker::PhantomData;

use kernel::{
    prelude::*,
    sync::atomic::{
        Acquire,
        Atomic,
        Full,
        Release, //
    },
    types::{
        NotThreadSafe,
        Opaque, //
    },
};

use super::{
    bindings,
    device::{
        NetDev,
        Owned, //
    },
    skb::SkBuff, //
};

/// Polls a device for work, in softirq context.
pub(crate) trait NapiPoll: Sync {
    /// Processes at most `budget` received packets and returns how many it processed.
    /// Returning less than `budget` after [`Poll::complete_done`] ends polling.
    fn poll(this: Pin<&Self>, poll: Poll<'_>, budget: u32) -> u32
    where
        Self: HasNapi;
}

/// The NAPI context while its poll callback runs: what may only be done from there
/// (complete TX for BQL, complete the poll, and with a budget, receive).
///
/// # Invariants
///
/// `napi` is the context whose poll callback is running on this CPU, for `'a`, with
/// `budget`. A non-zero budget means the core's softirq poll (`net_rx_action`,
/// `napi_busy_loop`); netpoll polls with budget 0 and may have interrupts disabled.
pub(crate) struct Poll<'a> {
    napi: *mut bindings::napi_struct,
    budget: u32,
    // Tied to the callback's frame and CPU: neither `Send` nor `Sync`.
    _callback: PhantomData<(&'a (), NotThreadSafe)>,
}

/// What a poll with a budget may do besides TX: allocate from the per-CPU NAPI skb
/// cache and hand packets to GRO. Both need bottom-half context, which netpoll's
/// budget-0 poll (TX only, maybe with interrupts off) does not give; that poll gets
/// none (`Documentation/networking/napi.rst`: no RX work at budget 0).
///
/// # Invariants
///
/// `napi` is the context whose softirq poll callback (non-zero budget) is running on
/// this CPU, for `'a`.
pub(crate) struct Receive<'a> {
    napi: *mut bindings::napi_struct,
    _callback: PhantomData<(&'a (), NotThreadSafe)>,
}

impl Receive<'_> {
    /// Passes a received packet to the stack through GRO.
    pub(crate) fn gro_receive(&self, skb: SkBuff) {
        // SAFETY: By the type invariant we are in this context's softirq poll, where
        // `napi_gro_receive` may be called; ownership of the valid skb passes to it.
        unsafe { bindings::re1000_napi_gro_receive(self.napi, skb.into_raw()) }
    }

    /// Allocates a packet buffer for `len` bytes from the per-CPU NAPI cache.
    pub(crate) fn alloc_skb(&self, len: u32) -> Option<SkBuff> {
        // SAFETY: By the type invariant we are in this context's softirq poll, on the
        // CPU that owns the cache; a null return is handled.
        let skb = unsafe { bindings::napi_alloc_skb(self.napi, len) };
        // SAFETY: A non-null return is a fresh skb that we own.
        core::ptr::NonNull::new(skb).map(|skb| unsafe { SkBuff::from_raw(skb) })
    }
}

impl Poll<'_> {
    /// What receiving needs, or `None` in a budget-0 (netpoll) poll, which must not
    /// receive.
    pub(crate) fn receive(&self) -> Option<Receive<'_>> {
        // INVARIANT: A non-zero budget is the softirq poll (type invariant of `Poll`),
        // running for as long as `self` is borrowed.
        (self.budget > 0).then_some(Receive {
            napi: self.napi,
            _callback: PhantomData,
        })
    }

    /// The device this context polls for.
    pub(crate) fn netdev(&self) -> &NetDev {
        // SAFETY: By the type invariant this context is being polled, so it was added
        // to `napi->dev`, which outlives it.
        unsafe { NetDev::from_raw((*self.napi).dev) }
    }

    /// BQL: `pkts` packets of `bytes` the device has sent. The poll is the queue's
    /// only completer (one NAPI context per device, never polled concurrently with
    /// itself), so what is in flight cannot shrink between the check and the call:
    /// completing more than is in flight (which `dql_completed` answers with `BUG()`)
    /// fails with `EINVAL` and changes nothing.
    pub(crate) fn completed_queue(&self, pkts: u32, bytes: u32) -> Result {
        let dev = self.netdev();
        if bytes > dev.bql_in_flight() {
            return Err(EINVAL);
        }
        // SAFETY: The device is valid (`NetDev`); `bytes` is at most what is in flight
        // (checked above), which only this poll reduces and `Napi::reset_queue` resets
        // only while polling is disabled.
        unsafe { bindings::re1000_netdev_completed_queue(dev.as_raw(), pkts, bytes) };
        Ok(())
    }

    /// Ends polling after `work_done` packets; returns false if the core wants another
    /// poll anyway (so interrupts must stay masked), and always in netpoll's budget-0
    /// poll, which does not own the context's scheduled state and must not complete it.
    /// Consumes the context: a poll completes at most once.
    pub(crate) fn complete_done(self, work_done: u32) -> bool {
        if self.budget == 0 {
            return false;
        }
        let work = c_int::try_from(work_done).unwrap_or(c_int::MAX);
        // SAFETY: By the type invariant we are in this context's poll callback, and
        // `self` is consumed, so this is its only completion.
        unsafe { bindings::napi_complete_done(self.napi, work) }
    }
}

/// Implemented by [`impl_has_napi!`](crate::impl_has_napi) for the owner of a [`Napi`].
///
/// # Safety
///
/// `OFFSET` must be the byte offset of a `Napi<Self>` field inside `Self`.
pub(crate) unsafe trait HasNapi: NapiPoll + Sized {
    /// Offset of the `Napi<Self>` field.
    const OFFSET: usize;

    /// The NAPI context inside `this`.
    fn napi(this: &Self) -> &Napi<Self> {
        // SAFETY: By the trait's contract a `Napi<Self>` lives at `OFFSET` inside
        // `*this`, so the pointer is in bounds, aligned and borrowed for as long as `this`.
        unsafe {
            &*core::ptr::from_ref(this)
                .cast::<u8>()
                .add(Self::OFFSET)
                .cast::<Napi<Self>>()
        }
    }
}

/// Declares which field of a type is its [`Napi`].
#[macro_export]
macro_rules! impl_has_napi {
    (impl$(<$($lt:lifetime),*>)? HasNapi for $owner:ty { $field:ident }) => {
        // SAFETY: `offset_of!` gives the offset of the named field, whose type `_check`
        // proves to be `Napi<$owner>`.
        unsafe impl$(<$($lt),*>)? $crate::net::napi::HasNapi for $owner {
            const OFFSET: usize = {
                #[allow(dead_code)]
                fn _check<'check $(, $($lt),*)?>(
                    o: &'check $owner,
                ) -> &'check $crate::net::napi::Napi<$owner> {
                    &o.$field
                }
                ::core::mem::offset_of!($owner, $field)
            };
        }
    };
}

/// A NAPI context (`struct napi_struct`) embedded in its owner `T`.
///
/// # Invariants
///
/// Until `state` is [`ADDED`] or [`ENABLED`], `napi` is unknown to the core: nothing
/// polls it. `state` is [`ENABLED`] exactly from a `napi_enable` to the `napi_disable`
/// that ends it, so neither is called twice in a row (`napi_enable` would `BUG()`, a
/// second `napi_disable` would wait forever) and drop never deletes an enabled context. Only
/// [`Self::add`] adds it, as the context at `T::OFFSET` inside a pinned `T`, to the
/// net_device whose private data that `T` is, with `Self::poll_raw`; so whenever
/// `poll_raw` runs, `self` lives inside a pinned `T` at `T::OFFSET`. An added context is deleted
/// (`netif_napi_del`) on drop, which happens before the net_device is freed.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct Napi<T: HasNapi> {
    #[pin]
    napi: Opaque<bindings::napi_struct>,
    /// [`NEW`], [`ADDING`], [`ADDED`] or [`ENABLED`].
    state: Atomic<u32>,
    _owner: PhantomData<T>,
}

/// Not known to the core.
const NEW: u32 = 0;
/// [`Napi::add`] is adding it.
const ADDING: u32 = 1;
/// Added to its device, polling disabled.
const ADDED: u32 = 2;
/// Added and enabled: the core may poll it.
const ENABLED: u32 = 3;

// SAFETY: The context is not tied to a thread; it lives inside its owner and moves (by
// the owner's pinning, never) with it.
unsafe impl<T: HasNapi> Send for Napi<T> {}
// SAFETY: The `&self` methods change `state` only by atomic compare-exchange and call
// `napi_enable`/`napi_disable` only from the transition they won, and `napi_schedule`,
// which the core makes safe against a concurrent poll or schedule (NAPI_STATE_SCHED).
unsafe impl<T: HasNapi> Sync for Napi<T> {}

impl<T: HasNapi> Napi<T> {
    /// A NAPI context that no device knows yet; [`Self::add`] adds the owner's.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            napi <- Opaque::zeroed(),
            state: Atomic::new(NEW),
            _owner: PhantomData,
        })
    }

    /// Adds the owner's NAPI context to the owner's device (`netif_napi_add`),
    /// disabled until [`Self::enable`]; does nothing if it was added already (`EBUSY`
    /// while another call is adding it).
    ///
    /// Only an owner's context can be added, never a free-standing one: `poll_raw`
    /// finds the owner from the context's address. The device is the one whose
    /// private data the owner is (`Owned`), so it outlives the context, which drop
    /// deletes from it.
    pub(crate) fn add(owned: &Owned<'_, T>) -> Result {
        let this = T::napi(owned.owner().get_ref());
        match this.state.cmpxchg(NEW, ADDING, Acquire) {
            Ok(_) => {}
            Err(ADDED | ENABLED) => return Ok(()),
            Err(_) => return Err(EBUSY),
        }
        // SAFETY: `this` is the zeroed, unlisted context at `T::OFFSET` inside the pinned
        // owner, which `poll_raw` relies on; the device is the allocated net_device whose
        // private data the owner is, so it outlives the context. Only this call, which
        // moved the state to ADDING, touches the context until the state is ADDED.
        unsafe {
            bindings::re1000_netif_napi_add(
                owned.netdev().as_raw(),
                this.as_raw(),
                Some(Self::poll_raw),
            )
        };
        // INVARIANT: Added, as the owner's context; published to `added` readers.
        this.state.store(ADDED, Release);
        Ok(())
    }

    /// Whether [`Self::add`] added the context. A context that was never added is
    /// never enabled, scheduled or disabled: the core does not know it.
    fn added(&self) -> bool {
        matches!(self.state.load(Acquire), ADDED | ENABLED)
    }

    fn as_raw(&self) -> *mut bindings::napi_struct {
        self.napi.get()
    }

    /// Allows polling (`ndo_open`). Process context. Does nothing for a context that
    /// was never added or is enabled already.
    pub(crate) fn enable(&self) {
        if self.state.cmpxchg(ADDED, ENABLED, Full).is_ok() {
            // SAFETY: The context was added and was disabled (the state was ADDED, see
            // the type invariant); this call alone moved it to ENABLED.
            unsafe { bindings::napi_enable(self.as_raw()) }
        }
    }

    /// Waits for a running poll to end and stops further ones (`ndo_stop`). Sleeps.
    /// Does nothing unless the context is enabled.
    pub(crate) fn disable(&self) {
        if self.state.cmpxchg(ENABLED, ADDED, Full).is_ok() {
            // SAFETY: The context was added and enabled (the state was ENABLED, see the
            // type invariant); this call alone moved it back to ADDED. Should it race an
            // `enable`, `napi_disable` waits until that `napi_enable` has run.
            unsafe { bindings::napi_disable(self.as_raw()) }
        }
    }

    /// BQL: forgets what was in flight (the ring was emptied). Only while polling is
    /// disabled, so that no poll completes bytes the reset forgot: `EBUSY` while the
    /// context is enabled. A context never added has no device and nothing to reset.
    pub(crate) fn reset_queue(&self) -> Result {
        match self.state.load(Acquire) {
            ENABLED => Err(EBUSY),
            ADDED => {
                // SAFETY: The context was added (state ADDED), so `dev` is the allocated
                // device it was added to (type invariant), and it is disabled, so no
                // poll completes bytes meanwhile.
                unsafe { bindings::re1000_netdev_reset_queue((*self.as_raw()).dev) };
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Schedules a poll; callable from hard interrupt context. False if a poll was
    /// already scheduled or polling is disabled.
    pub(crate) fn schedule(&self) -> bool {
        // SAFETY: The context was added (checked), so it is the owner's and `poll_raw`
        // may run for it.
        self.added() && unsafe { bindings::re1000_napi_schedule(self.as_raw()) }
    }

    /// # Safety
    ///
    /// `napi` must be the context of a `Napi<T>` added by [`Self::add`].
    unsafe extern "C" fn poll_raw(napi: *mut bindings::napi_struct, budget: c_int) -> c_int {
        let this = napi.cast::<Self>();
        // SAFETY: `napi` is the first field of this `repr(C)` struct, which `add` added
        // only as the field at `T::OFFSET` of a pinned `T`, which outlives the context.
        let owner = unsafe { &*this.cast::<u8>().sub(T::OFFSET).cast::<T>() };
        let budget = u32::try_from(budget).unwrap_or(0);
        // INVARIANT: The core is running this context's poll callback with `budget`,
        // which ends when `T::poll` returns.
        let poll = Poll {
            napi,
            budget,
            _callback: PhantomData,
        };
        // SAFETY: The owner is pinned (type invariant).
        let done = T::poll(unsafe { Pin::new_unchecked(owner) }, poll, budget);
        c_int::try_from(done.min(budget)).unwrap_or(0)
    }
}

#[pinned_drop]
impl<T: HasNapi> PinnedDrop for Napi<T> {
    fn drop(self: Pin<&mut Self>) {
        // Normally `ndo_stop` disabled it; a context still enabled is disabled here, so
        // no poll runs on memory about to be freed.
        self.disable();
        if self.added() {
            // SAFETY: The context was added and is disabled (checked and done above;
            // `&mut` excludes a concurrent `enable`) and the net_device is still
            // allocated (type invariant).
            unsafe { bindings::re1000_netif_napi_del(self.as_raw()) }
        }
    }
}
