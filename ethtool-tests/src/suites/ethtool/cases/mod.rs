// SPDX-License-Identifier: GPL-2.0
//! The `ethtool` suite's cases (`suites/ethtool.rs` lists them), one
//! module per group, and their support code: register reads through the
//! PCI BAR, parsing of the `ethtool` CLI's text, sockets in the peer's
//! namespace, exact counter accounting, time stamps, and the C e1000's
//! documented behaviour the cases check against.

pub mod actions;
pub mod coalesce;
pub mod counters;
pub mod dumps;
pub mod info;
pub mod invalid;
pub mod rings;
pub mod settings;

pub mod cli;
pub mod counting;
mod dut;
pub mod expect;
pub mod netns;
pub mod tstamp;
