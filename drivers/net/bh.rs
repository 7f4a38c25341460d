// SPDX-License-Identifier: GPL-2.0

//! Disabling bottom halves (softirqs) on the local CPU.
//!
//! A lock that NAPI and `start_xmit` take in softirq context must be taken from process
//! context with softirqs disabled, or a softirq on the same CPU could spin on it
//! forever (and lockdep reports the inconsistent usage).
//!
//! C header: [`include/linux/bottom_half.h`](srctree/include/linux/bottom_half.h)

use kernel::types::NotThreadSafe;

use super::bindings;

/// Softirqs stay disabled on this CPU while the guard lives. Must not sleep meanwhile.
pub(crate) struct BhGuard {
    // Not `Send`: re-enabled on the CPU that disabled them.
    _not_send: NotThreadSafe,
}

/// Disables softirqs until the returned guard is dropped (`local_bh_disable`).
pub(crate) fn disable() -> BhGuard {
    // SAFETY: Always callable; the guard re-enables exactly once.
    unsafe { bindings::re1000_local_bh_disable() };
    BhGuard {
        _not_send: NotThreadSafe,
    }
}

impl Drop for BhGuard {
    fn drop(&mut self) {
        // SAFETY: Pairs with the `local_bh_disable` in `disable`.
        unsafe { bindings::re1000_local_bh_enable() }
    }
}
