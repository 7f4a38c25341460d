// SPDX-License-Identifier: GPL-2.0

//! The RTNL lock, which serialises configuration of all network devices.
//!
//! C header: [`include/linux/rtnetlink.h`](srctree/include/linux/rtnetlink.h)

use core::marker::PhantomData;

use super::bindings;

/// Proof that the RTNL lock is held; unlocks on drop.
pub(crate) struct RtnlGuard {
    // Not `Send`: the lock is released by the task that took it.
    _not_send: PhantomData<*mut ()>,
}

/// Takes the RTNL lock if it is free. Work items use this instead of sleeping on it,
/// because `ndo_stop` (which holds RTNL) waits for them to finish.
pub(crate) fn try_lock() -> Option<RtnlGuard> {
    // SAFETY: Plain lock attempt; on success the guard unlocks exactly once.
    (unsafe { bindings::rtnl_trylock() } != 0).then_some(RtnlGuard {
        _not_send: PhantomData,
    })
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: The guard exists only while this task holds RTNL.
        unsafe { bindings::rtnl_unlock() }
    }
}
