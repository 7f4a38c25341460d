// SPDX-License-Identifier: GPL-2.0

//! PCI details `kernel::pci` does not expose.

use kernel::{
    device::Bound,
    pci, //
};

use super::bindings;

/// The device's legacy INTx interrupt number (`pdev->irq`).
pub(crate) fn legacy_irq(pdev: &pci::Device<Bound>) -> u32 {
    // `pci::Device` is a transparent wrapper of `struct pci_dev`.
    let raw = core::ptr::from_ref(pdev).cast::<bindings::pci_dev>();
    // SAFETY: `raw` is a valid, bound PCI device; `irq` is a plain field.
    unsafe { bindings::re1000_pci_dev_irq(raw) }
}
