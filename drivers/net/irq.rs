// SPDX-License-Identifier: GPL-2.0

//! A shared legacy interrupt line requested and freed at run time (`ndo_open` /
//! `ndo_stop`), whose handler is the owner `T` it is embedded in.
//!
//! `kernel::irq::Registration` ties the handler's lifetime to a registration object,
//! which cannot live inside the net_device private data it needs to reach. This type
//! follows the C pattern instead: `dev_id` is the owner, and the line is freed (which
//! waits for running handlers) before the owner goes away.
//!
//! C header: [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h)

use core::marker::PhantomData;

use kernel::{
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use super::{
    bindings,
    device::Owned, //
};

/// What an interrupt handler returns.
pub(crate) enum IrqReturn {
    /// Not our device's interrupt.
    None,
    /// Handled.
    Handled,
}

/// Handles the interrupt, in hard interrupt context.
pub(crate) trait IrqHandler: Sync + Sized {
    /// Gets the owner and its device. Must not sleep.
    fn handle_irq(this: Owned<'_, Self>) -> IrqReturn;
}

/// Implemented by [`impl_has_irq_line!`](crate::impl_has_irq_line).
///
/// # Safety
///
/// `OFFSET` must be the byte offset of an `IrqLine<Self>` field inside `Self`.
pub(crate) unsafe trait HasIrqLine: IrqHandler + Sized {
    /// Offset of the `IrqLine<Self>` field.
    const OFFSET: usize;

    /// The line inside `this`.
    fn irq_line(this: &Self) -> &IrqLine<Self> {
        // SAFETY: By the trait's contract an `IrqLine<Self>` lives at `OFFSET` inside
        // `*this`, so the pointer is in bounds, aligned and borrowed for as long as `this`.
        unsafe {
            &*core::ptr::from_ref(this)
                .cast::<u8>()
                .add(Self::OFFSET)
                .cast::<IrqLine<Self>>()
        }
    }
}

/// Declares which field of a type is its [`IrqLine`].
#[macro_export]
macro_rules! impl_has_irq_line {
    (impl$(<$($lt:lifetime),*>)? HasIrqLine for $owner:ty { $field:ident }) => {
        // SAFETY: `offset_of!` gives the offset of the named field, whose type `_check`
        // proves to be `IrqLine<$owner>`.
        unsafe impl$(<$($lt),*>)? $crate::net::irq::HasIrqLine for $owner {
            const OFFSET: usize = {
                #[allow(dead_code)]
                fn _check<'check $(, $($lt),*)?>(
                    o: &'check $owner,
                ) -> &'check $crate::net::irq::IrqLine<$owner> {
                    &o.$field
                }
                ::core::mem::offset_of!($owner, $field)
            };
        }
    };
}

/// A shared interrupt line whose handler is the owner `T`.
///
/// # Invariants
///
/// While `requested` is true the line is requested with its owner as `dev_id`: the
/// pinned `T` that holds `self` at `T::OFFSET` (only [`Self::request`] requests it). It
/// is freed on drop at the latest.
pub(crate) struct IrqLine<T: HasIrqLine> {
    irq: u32,
    requested: Atomic<bool>,
    _owner: PhantomData<T>,
}

impl<T: HasIrqLine> IrqLine<T> {
    /// A line for interrupt number `irq` (e.g. a PCI device's INTx), not yet requested.
    pub(crate) fn new(irq: u32) -> Self {
        Self {
            irq,
            requested: Atomic::new(false),
            _owner: PhantomData,
        }
    }

    /// `owner` as the `dev_id` the handler gets back.
    fn dev_id(owner: Pin<&T>) -> *mut c_void {
        core::ptr::from_ref(owner.get_ref()).cast_mut().cast()
    }

    /// The `dev_id` of the line's owner, found from the line's own address.
    fn owner_id(&self) -> *mut c_void {
        core::ptr::from_ref(self)
            .cast::<u8>()
            .wrapping_sub(T::OFFSET)
            .cast_mut()
            .cast()
    }

    /// Requests `owner`'s line as shared (`IRQF_SHARED`). The handler may run at once.
    /// Process context; callers serialise `request` and `free` (RTNL).
    ///
    /// Only the line of an owner that is a net_device's private data can be
    /// requested: the handler gets `dev_id` as its owner, and the device from it.
    pub(crate) fn request(owned: &Owned<'_, T>, name: &'static CStr) -> Result {
        let owner = owned.owner();
        let line = T::irq_line(owner.get_ref());
        if line.requested.load(Relaxed) {
            return Err(EBUSY);
        }
        let flags = c_ulong::try_from(bindings::IRQF_SHARED).map_err(|_| EINVAL)?;
        // SAFETY: `dev_id` is the pinned owner, which holds this line at `T::OFFSET` and
        // stays valid until `free`, which runs at the latest when the owner drops the
        // line. `name` is static.
        let ret = unsafe {
            bindings::request_threaded_irq(
                line.irq,
                Some(Self::handle_raw),
                None,
                flags,
                name.as_char_ptr(),
                Self::dev_id(owner),
            )
        };
        if ret != 0 {
            return Err(Error::from_errno(ret));
        }
        line.requested.store(true, Relaxed);
        Ok(())
    }

    /// Frees the line, waiting for a running handler to finish. Sleeps.
    pub(crate) fn free(&self) {
        if self.requested.xchg(false, Relaxed) {
            // SAFETY: The line was requested with the owner that holds `self` at
            // `T::OFFSET` as `dev_id` (type invariant), which `owner_id` computes back.
            unsafe { bindings::free_irq(self.irq, self.owner_id()) };
        }
    }

    /// # Safety
    ///
    /// `dev_id` must be the owner passed to `request_threaded_irq` by [`Self::request`].
    unsafe extern "C" fn handle_raw(_irq: c_int, dev_id: *mut c_void) -> bindings::irqreturn {
        // SAFETY: `dev_id` is the pinned owner, alive while the line is requested.
        let owner = unsafe { Pin::new_unchecked(&*dev_id.cast::<T>()) };
        // SAFETY: `request` took the owner from an `Owned`; it is alive, so its device is.
        match T::handle_irq(unsafe { Owned::from_owner(owner) }) {
            IrqReturn::None => bindings::irqreturn::IRQ_NONE,
            IrqReturn::Handled => bindings::irqreturn::IRQ_HANDLED,
        }
    }
}

impl<T: HasIrqLine> Drop for IrqLine<T> {
    fn drop(&mut self) {
        self.free();
    }
}
