// SPDX-License-Identifier: GPL-2.0

//! Pure logic with no kernel dependency, compiled into the module and, unchanged, into
//! the host unit tests (`drivers/re1000/hosttest`).

pub(crate) mod desc;
pub(crate) mod eeprom;
pub(crate) mod ethtool_stats;
pub(crate) mod filter;
pub(crate) mod hwstats;
pub(crate) mod itr;
pub(crate) mod mac;
pub(crate) mod microwire;
pub(crate) mod offload;
pub(crate) mod ring;
pub(crate) mod status;
