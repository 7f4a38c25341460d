// SPDX-License-Identifier: GPL-2.0
//! WOL_GET/SET: Wake-on-LAN modes by name ("phy", "ucast", "mcast",
//! "bcast", "arp", "magic", "magicsecure", "filter").

use super::super::bitset::{encode_list, Bitset};
use super::super::consts::{msg, reply, wol};
use super::super::error::Result;
use super::{Ethtool, Req};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wol {
    pub supported: Vec<String>,
    pub enabled: Vec<String>,
    /// The SecureOn password, when the driver reports one.
    pub sopass: Option<Vec<u8>>,
}

impl Ethtool {
    pub fn wol_get(&self, ifname: &str) -> Result<Wol> {
        let a = self.get(Req::new(msg::WOL_GET, ifname), reply::WOL_GET_REPLY)?;
        let modes = match a.nested(wol::MODES)? {
            Some(n) => Bitset::parse(&n)?,
            None => Bitset::default(),
        };
        Ok(Wol {
            supported: modes.mask_names(),
            enabled: modes.set_names(),
            sopass: a.payload(wol::SOPASS).map(<[u8]>::to_vec),
        })
    }

    /// Enables exactly `modes` (empty: Wake-on-LAN off).
    pub fn wol_set(&self, ifname: &str, modes: &[&str]) -> Result<()> {
        let mut req = Req::new(msg::WOL_SET, ifname);
        req.attrs.push(encode_list(wol::MODES, modes)?);
        self.call(req, None).map(drop)
    }
}
