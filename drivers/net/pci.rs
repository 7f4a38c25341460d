// SPDX-License-Identifier: GPL-2.0

//! The PCI device enabled for as long as the driver is bound. 7.3's `kernel::pci`
//! enables (`enable_device_mem`, `set_master`) but has no way back, so an unbound
//! device would keep memory decoding and bus mastering on; the C e1000's
//! `e1000_remove` ends with `pci_disable_device`.

use kernel::{
    device::{
        Bound,
        Core, //
    },
    pci,
    prelude::*,
};

use super::bindings;

/// The device enabled for memory access and as a bus master. Dropping it clears bus
/// mastering and disables the device, so that after unbind it can no longer DMA.
/// Dropped after everything that uses the device (last in the driver's data).
///
/// # Invariants
///
/// This value's creation enabled `pdev` once (`pci_enable_device_mem`), which its
/// drop undoes once.
pub(crate) struct Enabled<'a> {
    pdev: &'a pci::Device<Bound>,
}

impl<'a> Enabled<'a> {
    /// Enables the device (probe): memory space, then bus mastering.
    pub(crate) fn new(pdev: &'a pci::Device<Core<'_>>) -> Result<Self> {
        pdev.enable_device_mem()?;
        pdev.set_master();
        // INVARIANT: enabled once, just above.
        Ok(Self { pdev })
    }
}

impl Drop for Enabled<'_> {
    fn drop(&mut self) {
        // `pci::Device` is a transparent wrapper of `struct pci_dev`.
        let raw = core::ptr::from_ref(self.pdev)
            .cast_mut()
            .cast::<bindings::pci_dev>();
        // SAFETY: `raw` is a valid, bound PCI device (`&pci::Device<Bound>`), which
        // this value enabled once (type invariant); this is the one matching disable.
        unsafe {
            bindings::pci_clear_master(raw);
            bindings::pci_disable_device(raw);
        }
    }
}
