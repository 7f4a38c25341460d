// SPDX-License-Identifier: GPL-2.0
//! LINKINFO_GET, LINKMODES_GET/SET and LINKSTATE_GET.

use super::super::attr::{attr, Attrs};
use super::super::bitset::Bitset;
use super::super::consts::{link, linkinfo, linkmodes, linkstate, msg, reply};
use super::super::error::Result;
use super::{Ethtool, Req};

/// LINKINFO: port and transceiver (`PORT_*`, `XCVR_*`, `ETH_TP_MDI*` of
/// include/uapi/linux/ethtool.h).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkInfo {
    pub port: u8,
    pub phyaddr: u8,
    pub tp_mdix: u8,
    pub tp_mdix_ctrl: u8,
    pub transceiver: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplex {
    Half,
    Full,
    Unknown,
}

impl Duplex {
    fn from_u8(v: u8) -> Self {
        match v {
            link::DUPLEX_HALF => Duplex::Half,
            link::DUPLEX_FULL => Duplex::Full,
            _ => Duplex::Unknown,
        }
    }

    fn to_u8(self) -> u8 {
        match self {
            Duplex::Half => link::DUPLEX_HALF,
            Duplex::Full => link::DUPLEX_FULL,
            Duplex::Unknown => link::DUPLEX_UNKNOWN,
        }
    }
}

/// LINKMODES: autonegotiation, speed, duplex and link modes by name
/// (e.g. "1000baseT/Full").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkModes {
    pub autoneg: bool,
    /// Mb/s; `None` for `SPEED_UNKNOWN` (no link).
    pub speed: Option<u32>,
    pub duplex: Duplex,
    pub supported: Vec<String>,
    pub advertised: Vec<String>,
    /// The link partner's modes, when the driver reports them.
    pub peer: Vec<String>,
}

/// LINKMODES_SET: the fields to change (`ethtool -s`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkModesSet {
    pub autoneg: Option<bool>,
    pub speed: Option<u32>,
    pub duplex: Option<Duplex>,
}

/// LINKSTATE: carrier as `get_link` reports it, plus the extended state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkState {
    /// `None` when the driver has no `get_link`.
    pub link: Option<bool>,
    pub ext_state: Option<u8>,
    pub ext_substate: Option<u8>,
    pub ext_down_cnt: Option<u32>,
}

impl Ethtool {
    pub fn linkinfo_get(&self, ifname: &str) -> Result<LinkInfo> {
        let a = self.get(
            Req::new(msg::LINKINFO_GET, ifname),
            reply::LINKINFO_GET_REPLY,
        )?;
        Ok(LinkInfo {
            port: a.need_u8(linkinfo::PORT, "ETHTOOL_A_LINKINFO_PORT")?,
            phyaddr: a.need_u8(linkinfo::PHYADDR, "ETHTOOL_A_LINKINFO_PHYADDR")?,
            tp_mdix: a.need_u8(linkinfo::TP_MDIX, "ETHTOOL_A_LINKINFO_TP_MDIX")?,
            tp_mdix_ctrl: a.need_u8(linkinfo::TP_MDIX_CTRL, "ETHTOOL_A_LINKINFO_TP_MDIX_CTRL")?,
            transceiver: a.need_u8(linkinfo::TRANSCEIVER, "ETHTOOL_A_LINKINFO_TRANSCEIVER")?,
        })
    }

    pub fn linkmodes_get(&self, ifname: &str) -> Result<LinkModes> {
        let a = self.get(
            Req::new(msg::LINKMODES_GET, ifname),
            reply::LINKMODES_GET_REPLY,
        )?;
        parse_linkmodes(&a)
    }

    pub fn linkmodes_set(&self, ifname: &str, set: &LinkModesSet) -> Result<()> {
        let mut req = Req::new(msg::LINKMODES_SET, ifname);
        if let Some(v) = set.autoneg {
            req.attrs.push(attr(linkmodes::AUTONEG, u8::from(v))?);
        }
        if let Some(v) = set.speed {
            req.attrs.push(attr(linkmodes::SPEED, v)?);
        }
        if let Some(v) = set.duplex {
            req.attrs.push(attr(linkmodes::DUPLEX, v.to_u8())?);
        }
        self.call(req, None).map(drop)
    }

    pub fn linkstate_get(&self, ifname: &str) -> Result<LinkState> {
        let a = self.get(
            Req::new(msg::LINKSTATE_GET, ifname),
            reply::LINKSTATE_GET_REPLY,
        )?;
        Ok(LinkState {
            link: a.bool(linkstate::LINK)?,
            ext_state: a.u8(linkstate::EXT_STATE)?,
            ext_substate: a.u8(linkstate::EXT_SUBSTATE)?,
            ext_down_cnt: a.u32(linkstate::EXT_DOWN_CNT)?,
        })
    }
}

fn parse_linkmodes(a: &Attrs) -> Result<LinkModes> {
    let ours = match a.nested(linkmodes::OURS)? {
        Some(n) => Bitset::parse(&n)?,
        None => Bitset::default(),
    };
    let peer = match a.nested(linkmodes::PEER)? {
        Some(n) => Bitset::parse(&n)?.set_names(),
        None => Vec::new(),
    };
    let speed = a
        .u32(linkmodes::SPEED)?
        .filter(|s| *s != link::SPEED_UNKNOWN);
    Ok(LinkModes {
        autoneg: a.bool(linkmodes::AUTONEG)?.unwrap_or(false),
        speed,
        duplex: Duplex::from_u8(a.u8(linkmodes::DUPLEX)?.unwrap_or(link::DUPLEX_UNKNOWN)),
        supported: ours.mask_names(),
        advertised: ours.set_names(),
        peer,
    })
}
