// SPDX-License-Identifier: GPL-2.0
//! Runs inside the re1000 test guest (booted by `re1000-vm`) as root: sets up
//! the two-NIC topology and runs test suites against the driver under test.
//!
//! The guest shares the host's root filesystem, so the host's `ip`,
//! `ethtool`, `modprobe`, `depmod` and `nft` are called directly.

pub mod bar;
pub mod bench;
pub mod cmd;
pub mod demo;
pub mod dmesg;
pub mod echo;
pub mod flows;
pub mod icmp;
pub mod kmemleak;
pub mod ktap;
pub mod modules;
pub mod monitor;
/// The netlink library, its own crate (`ethtool-netlink/`).
pub use ethtool_netlink as netlink;
pub mod nft;
pub mod packet;
pub mod report;
pub mod rr;
pub mod suites;
pub mod sysfs;
pub mod tally;
pub mod tool;
pub mod topology;
pub mod traffic;
pub mod wait;

pub use re1000_topology::{Nic, DUT, PEER};
