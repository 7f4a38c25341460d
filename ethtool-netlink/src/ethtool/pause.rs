// SPDX-License-Identifier: GPL-2.0
//! PAUSE_GET/SET: flow control (`ethtool -a/-A`), read with the STATS
//! header flag so the pause frame counters come along (`ethtool -I -a`).

use super::super::attr::{attr, Attrs};
use super::super::consts::{flag, msg, pause, pause_stat, reply};
use super::super::error::Result;
use super::{Ethtool, Req};

/// Pause frame counters; `None` when the driver does not report one (the
/// C e1000 has no `get_pause_stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PauseStats {
    pub tx_frames: Option<u64>,
    pub rx_frames: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    pub autoneg: bool,
    pub rx: bool,
    pub tx: bool,
    pub stats: PauseStats,
}

/// The settings to change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PauseSet {
    pub autoneg: Option<bool>,
    pub rx: Option<bool>,
    pub tx: Option<bool>,
}

impl Ethtool {
    pub fn pause_get(&self, ifname: &str) -> Result<Pause> {
        let mut req = Req::new(msg::PAUSE_GET, ifname);
        req.flags = flag::STATS;
        let a = self.get(req, reply::PAUSE_GET_REPLY)?;
        parse_pause(&a)
    }

    pub fn pause_set(&self, ifname: &str, set: &PauseSet) -> Result<()> {
        let mut req = Req::new(msg::PAUSE_SET, ifname);
        for (t, v) in [
            (pause::AUTONEG, set.autoneg),
            (pause::RX, set.rx),
            (pause::TX, set.tx),
        ] {
            if let Some(v) = v {
                req.attrs.push(attr(t, u8::from(v))?);
            }
        }
        self.call(req, None).map(drop)
    }
}

fn parse_pause(a: &Attrs) -> Result<Pause> {
    let stats = match a.nested(pause::STATS)? {
        Some(s) => PauseStats {
            tx_frames: s.u64(pause_stat::TX_FRAMES)?,
            rx_frames: s.u64(pause_stat::RX_FRAMES)?,
        },
        None => PauseStats::default(),
    };
    Ok(Pause {
        autoneg: a.bool(pause::AUTONEG)?.unwrap_or(false),
        rx: a.bool(pause::RX)?.unwrap_or(false),
        tx: a.bool(pause::TX)?.unwrap_or(false),
        stats,
    })
}
