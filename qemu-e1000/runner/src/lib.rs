// SPDX-License-Identifier: GPL-2.0
//! Shared by the host-side VM runner (`re1000-vm`) and the in-guest test
//! runner (`re1000-guest`): the test topology both sides must agree on, and
//! the QEMU options that create it.

pub mod qemu;
pub mod shell;
/// The topology constants, their own crate so that the guest tools need not
/// depend on the runner.
pub use re1000_topology as topology;
