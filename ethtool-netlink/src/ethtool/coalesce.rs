// SPDX-License-Identifier: GPL-2.0
//! COALESCE_GET/SET: interrupt moderation (`ethtool -c/-C`). The kernel
//! reports a parameter when the driver declares it supported or it is
//! nonzero; setting an unsupported one fails with EOPNOTSUPP.

use super::super::attr::{attr, Attrs};
use super::super::consts::{coalesce as c, msg, reply};
use super::super::error::Result;
use super::{Ethtool, Req};

/// Moderation parameters; `None` when the kernel left one out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coalesce {
    pub rx_usecs: Option<u32>,
    pub rx_max_frames: Option<u32>,
    pub rx_usecs_irq: Option<u32>,
    pub rx_max_frames_irq: Option<u32>,
    pub tx_usecs: Option<u32>,
    pub tx_max_frames: Option<u32>,
    pub tx_usecs_irq: Option<u32>,
    pub tx_max_frames_irq: Option<u32>,
    pub stats_block_usecs: Option<u32>,
    pub use_adaptive_rx: Option<bool>,
    pub use_adaptive_tx: Option<bool>,
    pub pkt_rate_low: Option<u32>,
    pub pkt_rate_high: Option<u32>,
    pub rate_sample_interval: Option<u32>,
}

/// The parameters to change (same fields as [`Coalesce`]).
pub type CoalesceSet = Coalesce;

impl Coalesce {
    fn u32_fields(&self) -> [(u16, Option<u32>); 12] {
        [
            (c::RX_USECS, self.rx_usecs),
            (c::RX_MAX_FRAMES, self.rx_max_frames),
            (c::RX_USECS_IRQ, self.rx_usecs_irq),
            (c::RX_MAX_FRAMES_IRQ, self.rx_max_frames_irq),
            (c::TX_USECS, self.tx_usecs),
            (c::TX_MAX_FRAMES, self.tx_max_frames),
            (c::TX_USECS_IRQ, self.tx_usecs_irq),
            (c::TX_MAX_FRAMES_IRQ, self.tx_max_frames_irq),
            (c::STATS_BLOCK_USECS, self.stats_block_usecs),
            (c::PKT_RATE_LOW, self.pkt_rate_low),
            (c::PKT_RATE_HIGH, self.pkt_rate_high),
            (c::RATE_SAMPLE_INTERVAL, self.rate_sample_interval),
        ]
    }

    fn parse(a: &Attrs) -> Result<Self> {
        Ok(Coalesce {
            rx_usecs: a.u32(c::RX_USECS)?,
            rx_max_frames: a.u32(c::RX_MAX_FRAMES)?,
            rx_usecs_irq: a.u32(c::RX_USECS_IRQ)?,
            rx_max_frames_irq: a.u32(c::RX_MAX_FRAMES_IRQ)?,
            tx_usecs: a.u32(c::TX_USECS)?,
            tx_max_frames: a.u32(c::TX_MAX_FRAMES)?,
            tx_usecs_irq: a.u32(c::TX_USECS_IRQ)?,
            tx_max_frames_irq: a.u32(c::TX_MAX_FRAMES_IRQ)?,
            stats_block_usecs: a.u32(c::STATS_BLOCK_USECS)?,
            use_adaptive_rx: a.bool(c::USE_ADAPTIVE_RX)?,
            use_adaptive_tx: a.bool(c::USE_ADAPTIVE_TX)?,
            pkt_rate_low: a.u32(c::PKT_RATE_LOW)?,
            pkt_rate_high: a.u32(c::PKT_RATE_HIGH)?,
            rate_sample_interval: a.u32(c::RATE_SAMPLE_INTERVAL)?,
        })
    }
}

impl Ethtool {
    pub fn coalesce_get(&self, ifname: &str) -> Result<Coalesce> {
        let a = self.get(
            Req::new(msg::COALESCE_GET, ifname),
            reply::COALESCE_GET_REPLY,
        )?;
        Coalesce::parse(&a)
    }

    /// Changes the parameters that are `Some` in `set`.
    pub fn coalesce_set(&self, ifname: &str, set: &CoalesceSet) -> Result<()> {
        let mut req = Req::new(msg::COALESCE_SET, ifname);
        for (t, v) in set.u32_fields() {
            if let Some(v) = v {
                req.attrs.push(attr(t, v)?);
            }
        }
        for (t, v) in [
            (c::USE_ADAPTIVE_RX, set.use_adaptive_rx),
            (c::USE_ADAPTIVE_TX, set.use_adaptive_tx),
        ] {
            if let Some(v) = v {
                req.attrs.push(attr(t, u8::from(v))?);
            }
        }
        self.call(req, None).map(drop)
    }
}
