// SPDX-License-Identifier: GPL-2.0
//! RINGS_GET/SET: descriptor ring sizes (`ethtool -g/-G`).

use super::super::attr::{attr, Attrs};
use super::super::consts::{msg, reply, rings};
use super::super::error::Result;
use super::{Ethtool, Req};

/// Ring sizes. The kernel omits a ring whose maximum is 0; those read 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rings {
    pub rx_max: u32,
    pub rx_mini_max: u32,
    pub rx_jumbo_max: u32,
    pub tx_max: u32,
    pub rx: u32,
    pub rx_mini: u32,
    pub rx_jumbo: u32,
    pub tx: u32,
    pub rx_buf_len: Option<u32>,
    pub tx_push: Option<bool>,
    pub rx_push: Option<bool>,
}

/// The ring sizes to change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RingsSet {
    pub rx: Option<u32>,
    pub rx_mini: Option<u32>,
    pub rx_jumbo: Option<u32>,
    pub tx: Option<u32>,
}

impl Ethtool {
    pub fn rings_get(&self, ifname: &str) -> Result<Rings> {
        let a = self.get(Req::new(msg::RINGS_GET, ifname), reply::RINGS_GET_REPLY)?;
        parse_rings(&a)
    }

    pub fn rings_set(&self, ifname: &str, set: &RingsSet) -> Result<()> {
        let mut req = Req::new(msg::RINGS_SET, ifname);
        for (t, v) in [
            (rings::RX, set.rx),
            (rings::RX_MINI, set.rx_mini),
            (rings::RX_JUMBO, set.rx_jumbo),
            (rings::TX, set.tx),
        ] {
            if let Some(v) = v {
                req.attrs.push(attr(t, v)?);
            }
        }
        self.call(req, None).map(drop)
    }
}

/// Parses the attributes of a RINGS_GET reply.
pub fn parse_rings(a: &Attrs) -> Result<Rings> {
    let n = |t| a.u32(t).map(Option::unwrap_or_default);
    Ok(Rings {
        rx_max: n(rings::RX_MAX)?,
        rx_mini_max: n(rings::RX_MINI_MAX)?,
        rx_jumbo_max: n(rings::RX_JUMBO_MAX)?,
        tx_max: n(rings::TX_MAX)?,
        rx: n(rings::RX)?,
        rx_mini: n(rings::RX_MINI)?,
        rx_jumbo: n(rings::RX_JUMBO)?,
        tx: n(rings::TX)?,
        rx_buf_len: a.u32(rings::RX_BUF_LEN)?,
        tx_push: a.bool(rings::TX_PUSH)?,
        rx_push: a.bool(rings::RX_PUSH)?,
    })
}
