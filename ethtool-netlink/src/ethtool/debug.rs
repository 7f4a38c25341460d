// SPDX-License-Identifier: GPL-2.0
//! DEBUG_GET/SET: the driver's message level (`ethtool -s DEV msglvl`).

use super::super::bitset::{encode_compact_list, Bitset};
use super::super::consts::{debug, msg, reply};
use super::super::error::Result;
use super::{Ethtool, Req};

/// The message level as a word (`NETIF_MSG_*` bits) and by class name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debug {
    pub msglevel: u32,
    pub classes: Vec<String>,
}

impl Ethtool {
    pub fn debug_get(&self, ifname: &str) -> Result<Debug> {
        let a = self.get(Req::new(msg::DEBUG_GET, ifname), reply::DEBUG_GET_REPLY)?;
        let set = match a.nested(debug::MSGMASK)? {
            Some(n) => Bitset::parse(&n)?,
            None => Bitset::default(),
        };
        Ok(Debug {
            msglevel: set.value_u32(),
            classes: set.set_names(),
        })
    }

    /// Sets the message level to exactly `msglevel`.
    pub fn debug_set(&self, ifname: &str, msglevel: u32) -> Result<()> {
        let mut req = Req::new(msg::DEBUG_SET, ifname);
        req.attrs
            .push(encode_compact_list(debug::MSGMASK, 32, &[msglevel])?);
        self.call(req, None).map(drop)
    }
}
