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
/// (hand packets to GRO, allocate from the per-CPU NAPI cache, complete the poll).
///
/// # Invariants
///
/// `napi` is the context whose poll callback is running on this CPU, for `'a`.
pub(crate) struct Poll<'a> {
    napi: *mut bindings::napi_struct,
    // Tied to the callback's frame and CPU: neither `Send` nor `Sync`.
    _callback: PhantomData<(&'a (), NotThreadSafe)>,
}

impl Poll<'_> {
    /// The device this context polls for.
    pub(crate) fn netdev(&self) -> &NetDev {
        // SAFETY: By the type invariant this context is being polled, so it was added
        // to `napi->dev`, which outlives it.
        unsafe { NetDev::from_raw((*self.napi).dev) }
    }

    /// Passes a received packet to the stack through GRO.
    pub(crate) fn gro_receive(&self, skb: SkBuff) {
        // SAFETY: By the type invariant we are in this context's poll callback, where
        // `napi_gro_receive` may be called; ownership of the valid skb passes to it.
        unsafe { bindings::re1000_napi_gro_receive(self.napi, skb.into_raw()) }
    }

    /// Allocates a packet buffer for `len` bytes from the per-CPU NAPI cache.
    pub(crate) fn alloc_skb(&self, len: u32) -> Option<SkBuff> {
        // SAFETY: By the type invariant we are in this context's poll callback (softirq,
        // on the CPU that owns the cache); a null return is handled.
        let skb = unsafe { bindings::napi_alloc_skb(self.napi, len) };
        // SAFETY: A non-null return is a fresh skb that we own.
        core::ptr::NonNull::new(skb).map(|skb| unsafe { SkBuff::from_raw(skb) })
    }

    /// Ends polling after `work_done` packets; returns false if the core wants another
    /// poll anyway (so interrupts must stay masked). Consumes the context: a poll
    /// completes at most once.
    pub(crate) fn complete_done(self, work_done: u32) -> bool {
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
/// Until `state` is [`ADDED`], `napi` is unknown to the core: nothing polls it. Only
/// [`Self::add`] adds it, as the context at `T::OFFSET` inside a pinned `T`, to the
/// net_device whose private data that `T` is, with `Self::poll_raw`; so whenever
/// `poll_raw` runs, `self` lives inside a pinned `T` at `T::OFFSET`. An added context is deleted
/// (`netif_napi_del`) on drop, which happens before the net_device is freed.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct Napi<T: HasNapi> {
    #[pin]
    napi: Opaque<bindings::napi_struct>,
    /// [`NEW`], [`ADDING`] or [`ADDED`].
    state: Atomic<u32>,
    _owner: PhantomData<T>,
}

/// Not known to the core.
const NEW: u32 = 0;
/// [`Napi::add`] is adding it.
const ADDING: u32 = 1;
/// Added to its device.
const ADDED: u32 = 2;

// SAFETY: NAPI functions are callable from any context the methods document.
unsafe impl<T: HasNapi> Send for Napi<T> {}
// SAFETY: As above; the C side serialises polling itself.
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
            Err(ADDED) => return Ok(()),
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
        self.state.load(Acquire) == ADDED
    }

    fn as_raw(&self) -> *mut bindings::napi_struct {
        self.napi.get()
    }

    /// Allows polling (`ndo_open`). Process context.
    pub(crate) fn enable(&self) {
        if self.added() {
            // SAFETY: The context was added (checked), so the core knows it.
            unsafe { bindings::napi_enable(self.as_raw()) }
        }
    }

    /// Waits for a running poll to end and stops further ones (`ndo_stop`). Sleeps.
    pub(crate) fn disable(&self) {
        if self.added() {
            // SAFETY: The context was added (checked), so the core knows it.
            unsafe { bindings::napi_disable(self.as_raw()) }
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
        // INVARIANT: The core is running this context's poll callback, which ends when
        // `T::poll` returns.
        let poll = Poll {
            napi,
            _callback: PhantomData,
        };
        let budget = u32::try_from(budget).unwrap_or(0);
        // SAFETY: The owner is pinned (type invariant).
        let done = T::poll(unsafe { Pin::new_unchecked(owner) }, poll, budget);
        c_int::try_from(done.min(budget)).unwrap_or(0)
    }
}

#[pinned_drop]
impl<T: HasNapi> PinnedDrop for Napi<T> {
    fn drop(self: Pin<&mut Self>) {
        if self.added() {
            // SAFETY: The context was added (checked) and the net_device is still
            // allocated (type invariant); polling was disabled when the interface went
            // down.
            unsafe { bindings::re1000_netif_napi_del(self.as_raw()) }
        }
    }
}
