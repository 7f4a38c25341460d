// SPDX-License-Identifier: GPL-2.0

//! NAPI: interrupt-mitigated polling of a device's queues.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use core::marker::PhantomData;

use kernel::{
    prelude::*,
    types::Opaque, //
};

use super::{
    bindings,
    netdev::NetDev,
    skb::SkBuff, //
};

/// Polls a device for work, in softirq context.
pub(crate) trait NapiPoll: Sync {
    /// Processes at most `budget` received packets and returns how many it processed.
    /// Returning less than `budget` after [`Napi::complete_done`] ends polling.
    fn poll(this: Pin<&Self>, napi: &Napi<Self>, budget: u32) -> u32
    where
        Self: HasNapi;
}

/// Implemented by [`impl_has_napi!`](crate::impl_has_napi) for the owner of a [`Napi`].
///
/// # Safety
///
/// `OFFSET` must be the byte offset of a `Napi<Self>` field inside `Self`.
pub(crate) unsafe trait HasNapi: NapiPoll + Sized {
    /// Offset of the `Napi<Self>` field.
    const OFFSET: usize;
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
/// `napi` was added to a net_device with `netif_napi_add` and `Self::poll_raw`, and
/// `self` lives inside a pinned `T` at `T::OFFSET`. It is deleted (`netif_napi_del`) on
/// drop, which happens before the net_device is freed.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct Napi<T: HasNapi> {
    #[pin]
    napi: Opaque<bindings::napi_struct>,
    _owner: PhantomData<T>,
}

// SAFETY: NAPI functions are callable from any context the methods document.
unsafe impl<T: HasNapi> Send for Napi<T> {}
// SAFETY: As above; the C side serialises polling itself.
unsafe impl<T: HasNapi> Sync for Napi<T> {}

impl<T: HasNapi> Napi<T> {
    /// Adds a NAPI context to `dev`; it stays disabled until [`Self::enable`].
    pub(crate) fn new<'b>(dev: &'b NetDev) -> impl PinInit<Self> + 'b
    where
        T: 'b,
    {
        pin_init!(Self {
            // SAFETY: `slot` is valid pinned memory; `dev` is an allocated net_device.
            napi <- Opaque::ffi_init(|slot: *mut bindings::napi_struct| unsafe {
                slot.write_bytes(0, 1);
                bindings::re1000_netif_napi_add(dev.as_raw(), slot, Some(Self::poll_raw));
            }),
            _owner: PhantomData,
        })
    }

    fn as_raw(&self) -> *mut bindings::napi_struct {
        self.napi.get()
    }

    /// Allows polling (`ndo_open`). Process context.
    pub(crate) fn enable(&self) {
        // SAFETY: By the type invariant the context was added.
        unsafe { bindings::napi_enable(self.as_raw()) }
    }

    /// Waits for a running poll to end and stops further ones (`ndo_stop`). Sleeps.
    pub(crate) fn disable(&self) {
        // SAFETY: By the type invariant the context was added.
        unsafe { bindings::napi_disable(self.as_raw()) }
    }

    /// Schedules a poll; callable from hard interrupt context.
    pub(crate) fn schedule(&self) -> bool {
        // SAFETY: By the type invariant the context was added.
        unsafe { bindings::re1000_napi_schedule(self.as_raw()) }
    }

    /// Ends polling after `work_done` packets; returns false if the core wants another
    /// poll anyway (so interrupts must stay masked).
    pub(crate) fn complete_done(&self, work_done: u32) -> bool {
        let work = c_int::try_from(work_done).unwrap_or(c_int::MAX);
        // SAFETY: Called from the poll callback (type invariant holds).
        unsafe { bindings::napi_complete_done(self.as_raw(), work) }
    }

    /// Passes a received packet to the stack through GRO.
    pub(crate) fn gro_receive(&self, skb: SkBuff) {
        // SAFETY: Ownership of the valid skb passes to the stack.
        unsafe { bindings::re1000_napi_gro_receive(self.as_raw(), skb.into_raw()) }
    }

    /// Allocates a packet buffer for `len` bytes from the NAPI cache (poll context).
    pub(crate) fn alloc_skb(&self, len: u32) -> Option<SkBuff> {
        // SAFETY: Called from the poll callback; a null return is handled.
        let skb = unsafe { bindings::napi_alloc_skb(self.as_raw(), len) };
        // SAFETY: A non-null return is a fresh skb that we own.
        core::ptr::NonNull::new(skb).map(|skb| unsafe { SkBuff::from_raw(skb) })
    }

    /// # Safety
    ///
    /// `napi` must be the context of a `Napi<T>` initialised by [`Self::new`].
    unsafe extern "C" fn poll_raw(napi: *mut bindings::napi_struct, budget: c_int) -> c_int {
        let this = napi.cast::<Self>();
        // SAFETY: `napi` is the first field of this `repr(C)` struct, which lives at
        // `T::OFFSET` inside a pinned `T` that outlives the NAPI context.
        let owner = unsafe { &*this.cast::<u8>().sub(T::OFFSET).cast::<T>() };
        // SAFETY: As above.
        let napi = unsafe { &*this };
        let budget = u32::try_from(budget).unwrap_or(0);
        // SAFETY: The owner is pinned (type invariant).
        let done = T::poll(unsafe { Pin::new_unchecked(owner) }, napi, budget);
        c_int::try_from(done.min(budget)).unwrap_or(0)
    }
}

#[pinned_drop]
impl<T: HasNapi> PinnedDrop for Napi<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the context was added and the net_device is still
        // allocated; polling was disabled when the interface went down.
        unsafe { bindings::re1000_netif_napi_del(self.as_raw()) }
    }
}
