// SPDX-License-Identifier: GPL-2.0
//! Shared by the host-side VM runner (`re1000-vm`) and the in-guest test
//! runner (`re1000-guest`): the test topology both sides must agree on, and
//! the QEMU options that create it.

pub mod qemu;
pub mod shell;
pub mod topology;
