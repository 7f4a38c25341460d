// SPDX-License-Identifier: GPL-2.0

//! Builds the kernel module's pure-logic files (`drivers/re1000/logic/`) for the host,
//! so that their unit tests run under `cargo test`. Nothing is copied: the module and
//! this crate compile the same files.

// The module uses these items; on the host only the tests do.
#![cfg_attr(not(test), allow(dead_code))]

#[path = "../../logic/mod.rs"]
mod logic;
