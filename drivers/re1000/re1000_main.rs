// SPDX-License-Identifier: GPL-2.0

//! re1000: a Rust driver for Intel 8254x (e1000) PCI gigabit Ethernet controllers.
//!
//! The crate root only declares modules; `driver.rs` holds the PCI glue. The net
//! abstraction layer (`drivers/net/`) holds every `unsafe` block.

#[path = "../net/mod.rs"]
mod net;

mod driver;
mod ethtool;
mod hw;
mod link;
mod logic;
mod netdev;
mod regs;

/// Reported by `ethtool -i`.
const DRIVER_VERSION: &str = "0.1.0";

kernel::module_pci_driver! {
    type: driver::Re1000Driver,
    name: "re1000",
    authors: ["The re1000 developers"],
    description: "Intel(R) PRO/1000 (8254x) network driver in Rust",
    license: "GPL v2",
}
