// SPDX-License-Identifier: GPL-2.0

//! The RTNL lock, which serialises configuration of all network devices.
//!
//! C header: [`include/linux/rtnetlink.h`](srctree/include/linux/rtnetlink.h)

use core::marker::PhantomData;

use kernel::types::NotThreadSafe;

use super::bindings;

/// Proof that the RTNL lock is held; unlocks on drop.
pub(crate) struct RtnlGuard {
    // Not `Send`: the lock is released by the task that took it.
    _not_send: NotThreadSafe,
}

/// Proof, handed to RTNL-only operations, that this task holds RTNL for `'a`: inside a
/// callback the core calls under RTNL.
///
/// # Invariants
///
/// The current task holds RTNL for `'a`.
pub(crate) struct Held<'a> {
    // Neither `Send` nor `Sync`: the lock belongs to this task.
    _held: PhantomData<(&'a (), NotThreadSafe)>,
}

impl Held<'_> {
    /// # Safety
    ///
    /// The current task holds RTNL for as long as the returned value lives.
    pub(super) unsafe fn new() -> Self {
        // INVARIANT: Guaranteed by the caller.
        Held { _held: PhantomData }
    }
}

/// Takes the RTNL lock if it is free. Work items use this instead of sleeping on it,
/// because `ndo_stop` (which holds RTNL) waits for them to finish.
pub(crate) fn try_lock() -> Option<RtnlGuard> {
    // SAFETY: Plain lock attempt; on success the guard unlocks exactly once.
    (unsafe { bindings::rtnl_trylock() } != 0).then_some(RtnlGuard {
        _not_send: NotThreadSafe,
    })
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: The guard exists only while this task holds RTNL.
        unsafe { bindings::rtnl_unlock() }
    }
}
