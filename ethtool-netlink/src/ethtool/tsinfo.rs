// SPDX-License-Identifier: GPL-2.0
//! TSINFO_GET: time stamping capabilities (`ethtool -T`).

use super::super::bitset::Bitset;
use super::super::consts::{msg, reply, tsinfo};
use super::super::error::Result;
use super::{Ethtool, Req};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsInfo {
    /// `SOF_TIMESTAMPING_*` capabilities by name ("software-receive", ...).
    pub timestamping: Vec<String>,
    pub tx_types: Vec<String>,
    pub rx_filters: Vec<String>,
    /// The PTP clock index, when there is one.
    pub phc_index: Option<u32>,
}

impl Ethtool {
    pub fn tsinfo_get(&self, ifname: &str) -> Result<TsInfo> {
        let a = self.get(Req::new(msg::TSINFO_GET, ifname), reply::TSINFO_GET_REPLY)?;
        let names = |t| -> Result<Vec<String>> {
            Ok(match a.nested(t)? {
                Some(n) => Bitset::parse(&n)?.set_names(),
                None => Vec::new(),
            })
        };
        Ok(TsInfo {
            timestamping: names(tsinfo::TIMESTAMPING)?,
            tx_types: names(tsinfo::TX_TYPES)?,
            rx_filters: names(tsinfo::RX_FILTERS)?,
            phc_index: a.u32(tsinfo::PHC_INDEX)?,
        })
    }
}
