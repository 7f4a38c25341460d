// SPDX-License-Identifier: GPL-2.0

//! Builds the kernel module's pure-logic files (`drivers/re1000/logic/`) for the host,
//! so that their unit tests run under `cargo test`. Nothing is copied: the module and
//! this crate compile the same files.

// The module uses all of these items; on the host only the tests use them, and not
// every one.
#![allow(dead_code)]

#[path = "../../logic/mod.rs"]
mod logic;
