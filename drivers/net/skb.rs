// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`) handed to or from a driver.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h)

use core::ptr::NonNull;

use super::bindings;

/// An owned socket buffer.
///
/// Dropping it frees the buffer as a drop (`dev_kfree_skb_any`), which is safe in any context.
///
/// # Invariants
///
/// `self.0` points to a valid `sk_buff` that this value owns exclusively.
pub(crate) struct SkBuff(NonNull<bindings::sk_buff>);

// SAFETY: An owned `sk_buff` may be handed to and freed from any thread.
unsafe impl Send for SkBuff {}

impl SkBuff {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid `sk_buff` whose ownership the caller transfers.
    pub(super) unsafe fn from_raw(ptr: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self(ptr)
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own the buffer; it is not used after this.
        unsafe { bindings::re1000_dev_kfree_skb_any(self.0.as_ptr()) }
    }
}
