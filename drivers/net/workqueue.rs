// SPDX-License-Identifier: GPL-2.0

//! A delayed work item embedded in a pinned owner, with synchronous cancel.
//!
//! `kernel::workqueue` in Linux 7.3 only queues reference-counted items and has no
//! `cancel_delayed_work_sync`, which a driver needs to stop its watchdog before
//! tearing down. This type owns a `struct delayed_work` inside its owner `T` and
//! cancels it synchronously when dropped.
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)

use core::marker::PhantomData;

use kernel::{
    prelude::*,
    time::Jiffies,
    types::Opaque, //
};

use super::{
    bindings,
    device::Owned, //
};

/// Runs when a [`DelayedWork`] fires, in process context.
pub(crate) trait DelayedWorkHandler: Sync + Sized {
    /// Called from the system workqueue with the owner and its device; may sleep.
    fn run(this: Owned<'_, Self>);
}

/// Implemented by [`impl_delayed_work_owner!`](crate::impl_delayed_work_owner) for the owner of
/// a [`DelayedWork`] field.
///
/// # Safety
///
/// `OFFSET` must be the byte offset of a `DelayedWork<Self>` field inside `Self`.
pub(crate) unsafe trait DelayedWorkOwner: DelayedWorkHandler + Sized {
    /// Offset of the `DelayedWork<Self>` field.
    const OFFSET: usize;

    /// The work item inside `this`.
    fn delayed_work(this: &Self) -> &DelayedWork<Self> {
        // SAFETY: By the trait's contract a `DelayedWork<Self>` lives at `OFFSET` inside
        // `*this`, so the pointer is in bounds, aligned and borrowed for as long as `this`.
        unsafe {
            &*core::ptr::from_ref(this)
                .cast::<u8>()
                .add(Self::OFFSET)
                .cast::<DelayedWork<Self>>()
        }
    }
}

/// Declares which field of a type is its [`DelayedWork`]. (Not upstream's
/// `impl_has_delayed_work!`, whose trait serves `kernel::workqueue`'s queues of
/// reference-counted items; hence the different name.)
///
/// The field should be the owner's first field so that it is dropped (and the work
/// cancelled) before any other field; owners also cancel it in their own teardown.
///
/// That order is the one rule here the types do not check: a handler that runs while
/// its owner's other fields are being dropped would see them half gone. Upstream's
/// `kernel::workqueue` avoids it by having a queued item hold a reference count on an
/// `Arc` owner; this owner is a net_device's private data, which the registration
/// drops in place, so there is no count to hold. The closest sound alternative, and
/// what re1000 does, is to stop every source before anything is dropped: `ndo_stop`
/// (run by `unregister_netdev` before the registration drops the private data)
/// cancels the work and frees the IRQ, and the owner's `PinnedDrop` does both again
/// before any field drops.
#[macro_export]
macro_rules! impl_delayed_work_owner {
    (impl$(<$($lt:lifetime),*>)? DelayedWorkOwner for $owner:ty { $field:ident }) => {
        // SAFETY: `offset_of!` gives the offset of the named field, whose type `_check`
        // proves to be `DelayedWork<$owner>`.
        unsafe impl$(<$($lt),*>)? $crate::net::workqueue::DelayedWorkOwner for $owner {
            const OFFSET: usize = {
                #[allow(dead_code)]
                fn _check<'check $(, $($lt),*)?>(
                    o: &'check $owner,
                ) -> &'check $crate::net::workqueue::DelayedWork<$owner> {
                    &o.$field
                }
                ::core::mem::offset_of!($owner, $field)
            };
        }
    };
}

/// A `struct delayed_work` that runs [`DelayedWorkHandler::run`] on its owner `T`.
///
/// # Invariants
///
/// `work` was initialised with `INIT_DELAYED_WORK` and `Self::run_raw`. It is queued only
/// by [`Self::schedule`], so whenever `run_raw` runs, `self` lives inside a pinned `T` at
/// `T::OFFSET`, which is a net_device's private data.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct DelayedWork<T: DelayedWorkOwner> {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    _owner: PhantomData<T>,
}

// SAFETY: The C work item may be queued and cancelled from any thread; `T: Sync`
// because `run` gets a shared reference from the workqueue thread.
unsafe impl<T: DelayedWorkOwner> Send for DelayedWork<T> {}
// SAFETY: As above; all methods take `&self` and call thread-safe C functions.
unsafe impl<T: DelayedWorkOwner> Sync for DelayedWork<T> {}

impl<T: DelayedWorkOwner> DelayedWork<T> {
    /// Initialises the work item; it does nothing until [`Self::schedule`].
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid, pinned memory for a `delayed_work`.
            work <- Opaque::ffi_init(|slot| unsafe {
                bindings::re1000_init_delayed_work(slot, Some(Self::run_raw))
            }),
            _owner: PhantomData,
        })
    }

    fn as_raw(&self) -> *mut bindings::delayed_work {
        self.work.get()
    }

    /// Runs `owner`'s handler after `delay` jiffies, or moves an already pending run to
    /// then. Callable from any context, including hard interrupts.
    ///
    /// Only an owner that is a net_device's private data can be scheduled, never a
    /// free-standing item: `run_raw` finds the owner from the item's address, and
    /// the device from the owner's.
    pub(crate) fn schedule(owner: &Owned<'_, T>, delay: Jiffies) {
        let work = T::delayed_work(owner.owner().get_ref());
        // SAFETY: By the type invariant the work item is initialised; it is the field at
        // `T::OFFSET` of the pinned owner, which lives in its device's private area
        // (`Owned`): what `run_raw` relies on.
        unsafe { bindings::re1000_mod_delayed_work(work.as_raw(), delay) };
    }

    /// Cancels a pending run and waits for a running one to finish, even if it re-queues
    /// itself. Sleeps: process context only.
    pub(crate) fn cancel_sync(&self) {
        // SAFETY: By the type invariant the work item is initialised.
        unsafe { bindings::cancel_delayed_work_sync(self.as_raw()) };
    }

    /// # Safety
    ///
    /// `work` must be the `work_struct` of a `DelayedWork<T>` initialised by [`Self::new`].
    unsafe extern "C" fn run_raw(work: *mut bindings::work_struct) {
        // `work` is the first member of `delayed_work`, which is the first field of this
        // `repr(C)` struct, so both pointers are equal.
        let this = work.cast::<Self>();
        // SAFETY: Only `schedule` queues the item, always the one at `T::OFFSET` inside a
        // pinned `T` (type invariant), which stays alive while the work can run (it is
        // cancelled on drop).
        let owner = unsafe { &*this.cast::<u8>().sub(T::OFFSET).cast::<T>() };
        // SAFETY: The owner is pinned (type invariant).
        let owner = unsafe { Pin::new_unchecked(owner) };
        // SAFETY: Only `schedule` queued the item, with the owner of an `Owned`; the
        // owner is alive (above), so its device is.
        T::run(unsafe { Owned::from_owner(owner) });
    }
}

#[pinned_drop]
impl<T: DelayedWorkOwner> PinnedDrop for DelayedWork<T> {
    fn drop(self: Pin<&mut Self>) {
        self.cancel_sync();
    }
}
