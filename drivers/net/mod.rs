// SPDX-License-Identifier: GPL-2.0

//! Net device abstractions that Linux 7.3's `kernel` crate does not have yet.
//!
//! Shaped like upstream `rust/kernel/`: every `unsafe` of the driver lives in
//! this folder, behind safe types whose invariants are documented, so that
//! the driver in `drivers/re1000/` is safe Rust and this layer could move
//! upstream on its own.

pub(crate) mod bh;
mod bindings;
pub(crate) mod device;
pub(crate) mod dma;
pub(crate) mod ethtool;
pub(crate) mod irq;
pub(crate) mod napi;
pub(crate) mod netdev;
pub(crate) mod pci;
pub(crate) mod rtnl;
pub(crate) mod skb;
pub(crate) mod split_ring;
pub(crate) mod workqueue;
