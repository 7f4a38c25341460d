// SPDX-License-Identifier: GPL-2.0

//! re1000: a Rust driver for Intel 8254x (e1000) PCI gigabit Ethernet controllers.
//!
//! The crate root only declares modules; `driver.rs` holds the PCI glue. The net
//! abstraction layer (`drivers/net/`) holds every `unsafe` block.

#[path = "../net/mod.rs"]
mod net;

mod adapter;
mod driver;
mod ethtool;
mod hw;
mod identify;
mod irq;
mod irq_test;
mod itr_state;
mod link;
mod link_config;
mod link_modes;
mod logic;
mod napi_work;
mod netdev;
mod regs;
mod ring;
mod ring_sizes;
mod rx_filter;
mod selftest;
mod stats;
mod tx_hang;

/// Reported by `ethtool -i`.
const DRIVER_VERSION: &str = "0.1.0";

kernel::module_pci_driver! {
    type: driver::Re1000Driver,
    name: "re1000",
    authors: ["The re1000 developers"],
    description: "Intel(R) PRO/1000 (8254x) network driver in Rust",
    license: "GPL v2",
    params: {
        copybreak: u32 {
            default: 256,
            description: "Maximum size of packet that is copied to a new buffer on receive",
        },
        tx_descriptors: u32 {
            default: 256,
            description: "Transmit descriptors per ring (48-4096, multiple of 8)",
        },
        rx_descriptors: u32 {
            default: 256,
            description: "Receive descriptors per ring (48-4096, multiple of 8)",
        },
    },
}

/// Received frames up to this size are copied into a fresh skb and their DMA buffer is
/// reused (module parameter `copybreak`, as the C driver's).
pub(crate) fn copybreak() -> u32 {
    module_parameters::copybreak.value()
}

/// Initial ring sizes from the module parameters `tx_descriptors`/`rx_descriptors`.
pub(crate) fn ring_size_params() -> (u32, u32) {
    (
        module_parameters::tx_descriptors.value(),
        module_parameters::rx_descriptors.value(),
    )
}
