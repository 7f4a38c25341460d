// SPDX-License-Identifier: GPL-2.0
//! Talking to the kernel the way `ethtool` and `ip` do, from Rust:
//!
//! - [`Ethtool`]: the "ethtool" generic-netlink family over neli (STRSET,
//!   LINKINFO, LINKMODES, LINKSTATE, DEBUG, WOL, FEATURES, RINGS,
//!   COALESCE, PAUSE with statistics, TSINFO, STATS);
//! - [`Rtnl`]: rtnetlink for links (up/down, MTU, `IFLA_STATS64`);
//! - [`Ioctl`]: SIOCETHTOOL for what netlink does not carry (GDRVINFO,
//!   GSTRINGS/GSTATS, GREGS, GEEPROM, TEST, PHYS_ID, NWAY_RST);
//! - [`counters`]: every counter of an interface in one snapshot (what
//!   `re1000-stats` prints).
//!
//! Every call returns [`Error`]; a kernel refusal is [`Error::Kernel`]
//! with the errno and the extack message, e.g.
//! `assert_eq!(e.errno(), Some(libc::EINVAL))`.

pub mod attr;
pub mod bitset;
#[cfg(test)]
mod captured;
mod conn;
pub mod consts;
#[cfg(test)]
mod consts_check;
pub mod counters;
pub mod error;
pub mod ethtool;
pub mod ioctl;
pub mod rtnl;

pub use error::{Error, EthtoolError, Result};
pub use ethtool::{
    Coalesce, CoalesceSet, Debug, Duplex, Ethtool, Features, HistBucket, LinkInfo, LinkModes,
    LinkModesSet, LinkState, Pause, PauseSet, PauseStats, Rings, RingsSet, StatsGroup, StdGroup,
    StringSet, TsInfo, Wol,
};
pub use ioctl::{DrvInfo, Eeprom, Ioctl, Regs, SelfTest};
pub use rtnl::{Link, Rtnl, Stats64};
