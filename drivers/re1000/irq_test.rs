// SPDX-License-Identifier: GPL-2.0

//! The interrupt self-test's state, shared by the test (process context) and the
//! interrupt handler, which only records causes while the test runs.

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

pub(crate) struct IrqTest {
    /// While set, the handler records causes and does nothing else.
    testing: Atomic<bool>,
    /// Causes seen since the last [`IrqTest::clear`].
    causes: Atomic<u32>,
}

impl IrqTest {
    pub(crate) fn new() -> Self {
        Self {
            testing: Atomic::new(false),
            causes: Atomic::new(0),
        }
    }

    /// The test begins (before its handler can run) or ends.
    pub(crate) fn set_testing(&self, on: bool) {
        self.testing.store(on, Relaxed);
    }

    /// Forgets the causes seen so far.
    pub(crate) fn clear(&self) {
        self.causes.store(0, Relaxed);
    }

    /// In the handler: records `icr` and returns true while the test runs.
    pub(crate) fn record(&self, icr: u32) -> bool {
        if !self.testing.load(Relaxed) {
            return false;
        }
        // The only writer while testing is the handler, which does not nest.
        let seen = self.causes.load(Relaxed);
        self.causes.store(seen | icr, Relaxed);
        true
    }

    /// Whether the handler saw `cause` since the last clear.
    pub(crate) fn seen(&self, cause: u32) -> bool {
        self.causes.load(Relaxed) & cause != 0
    }
}
