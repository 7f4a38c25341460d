// SPDX-License-Identifier: GPL-2.0

//! `ethtool -p`: the LED setting saved at the first "on" of a blink and restored when
//! the blink ends (`e1000_set_phys_id`'s `e1000_setup_led`/`e1000_cleanup_led`).

use kernel::{
    new_mutex,
    prelude::*,
    sync::Mutex, //
};

/// The saved LED setting (LEDCTL, or CTRL on the 82544), `None` while no blink runs.
/// Every raw value is a possible setting, so "nothing saved" is not encoded in it.
#[pin_data]
pub(crate) struct Identify {
    /// The ethtool core calls `set_phys_id` under RTNL, one call at a time; the lock
    /// makes that a property of this type rather than of its callers.
    #[pin]
    saved: Mutex<Option<u32>>,
}

impl Identify {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            saved <- new_mutex!(None, "re1000_led_saved"),
        })
    }

    /// Saves `current()` unless this blink already saved a setting.
    pub(crate) fn save_once(&self, current: impl FnOnce() -> u32) {
        let mut saved = self.saved.lock();
        if saved.is_none() {
            *saved = Some(current());
        }
    }

    /// The saved setting, to restore at the end of the blink; `None` if none was saved.
    pub(crate) fn take(&self) -> Option<u32> {
        self.saved.lock().take()
    }
}
