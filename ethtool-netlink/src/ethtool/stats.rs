// SPDX-License-Identifier: GPL-2.0
//! STATS_GET: the standard statistics groups (`ethtool -S --groups`):
//! IEEE 802.3 MAC, MAC control and PHY counters and RMON with its packet
//! size histogram. Counter names come from the group's string set.

use super::super::attr::Attrs;
use super::super::bitset::encode_list;
use super::super::consts::{msg, reply, sset, stats, stats_group, stats_grp};
use super::super::error::Result;
use super::{Ethtool, Req};

/// A standard statistics group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StdGroup {
    EthPhy,
    EthMac,
    EthCtrl,
    Rmon,
    Phydev,
}

impl StdGroup {
    pub const ALL: [StdGroup; 5] = [
        StdGroup::EthPhy,
        StdGroup::EthMac,
        StdGroup::EthCtrl,
        StdGroup::Rmon,
        StdGroup::Phydev,
    ];

    /// The kernel's name (`stats_std_names[]`), as `ethtool --groups` takes.
    pub fn name(self) -> &'static str {
        match self {
            StdGroup::EthPhy => "eth-phy",
            StdGroup::EthMac => "eth-mac",
            StdGroup::EthCtrl => "eth-ctrl",
            StdGroup::Rmon => "rmon",
            StdGroup::Phydev => "phydev",
        }
    }

    /// `ETHTOOL_STATS_*` id.
    pub fn id(self) -> u32 {
        match self {
            StdGroup::EthPhy => stats_group::ETH_PHY,
            StdGroup::EthMac => stats_group::ETH_MAC,
            StdGroup::EthCtrl => stats_group::ETH_CTRL,
            StdGroup::Rmon => stats_group::RMON,
            StdGroup::Phydev => stats_group::PHY,
        }
    }

    /// The string set naming the group's counters.
    pub fn string_set(self) -> u32 {
        match self {
            StdGroup::EthPhy => sset::STATS_ETH_PHY,
            StdGroup::EthMac => sset::STATS_ETH_MAC,
            StdGroup::EthCtrl => sset::STATS_ETH_CTRL,
            StdGroup::Rmon => sset::STATS_RMON,
            StdGroup::Phydev => sset::STATS_PHY,
        }
    }

    pub fn from_id(id: u32) -> Option<Self> {
        StdGroup::ALL.into_iter().find(|g| g.id() == id)
    }
}

/// One RMON histogram bucket: frames of `low..=high` bytes (FCS included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistBucket {
    pub low: u32,
    pub high: u32,
    pub value: u64,
}

/// One group of a STATS_GET reply. A driver without the group's callback
/// yields an empty group (no counters, no histogram), not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsGroup {
    pub group: StdGroup,
    /// (counter name, value) in the kernel's order; counters the driver
    /// left unset are absent.
    pub counters: Vec<(String, u64)>,
    pub hist_rx: Vec<HistBucket>,
    pub hist_tx: Vec<HistBucket>,
}

impl StatsGroup {
    /// The counter called `name` (e.g. "FramesReceivedOK").
    pub fn get(&self, name: &str) -> Option<u64> {
        self.counters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    pub fn is_empty(&self) -> bool {
        self.counters.is_empty() && self.hist_rx.is_empty() && self.hist_tx.is_empty()
    }
}

/// A group as the reply carries it, counters by index.
#[derive(Debug, PartialEq, Eq)]
pub struct RawGroup {
    pub id: u32,
    pub ss_id: u32,
    pub counters: Vec<(u16, u64)>,
    pub hist_rx: Vec<HistBucket>,
    pub hist_tx: Vec<HistBucket>,
}

impl Ethtool {
    /// The standard statistics `groups` of `ifname`, counters named.
    pub fn stats_get(&self, ifname: &str, groups: &[StdGroup]) -> Result<Vec<StatsGroup>> {
        let names: Vec<&str> = groups.iter().map(|g| g.name()).collect();
        let mut req = Req::new(msg::STATS_GET, ifname);
        req.header_type = stats::HEADER;
        req.attrs.push(encode_list(stats::GROUPS, &names)?);
        let a = self.get(req, reply::STATS_GET_REPLY)?;
        let raw = parse_stats_reply(&a)?;

        let sets: Vec<u32> = raw.iter().map(|g| g.ss_id).collect();
        let strings = if sets.is_empty() {
            Vec::new()
        } else {
            self.strset_get(Some(ifname), &sets)?
        };
        Ok(raw
            .into_iter()
            .filter_map(|g| {
                let group = StdGroup::from_id(g.id)?;
                let names = strings.iter().find(|s| s.id == g.ss_id);
                let counters = g
                    .counters
                    .iter()
                    .map(|(i, v)| {
                        let name = names
                            .and_then(|s| s.strings.get(usize::from(*i)))
                            .cloned()
                            .unwrap_or_else(|| format!("stat{i}"));
                        (name, *v)
                    })
                    .collect();
                Some(StatsGroup {
                    group,
                    counters,
                    hist_rx: g.hist_rx,
                    hist_tx: g.hist_tx,
                })
            })
            .collect())
    }
}

/// Parses the attributes of a STATS_GET reply.
pub fn parse_stats_reply(a: &Attrs) -> Result<Vec<RawGroup>> {
    a.all_nested(stats::GRP)?
        .iter()
        .map(|g| {
            let mut counters = Vec::new();
            for s in g.all_nested(stats_grp::STAT)? {
                // Each STAT nest holds one u64 whose type is the index.
                for (t, p) in s.iter() {
                    if let Ok(b) = <[u8; 8]>::try_from(p) {
                        counters.push((t, u64::from_ne_bytes(b)));
                    }
                }
            }
            Ok(RawGroup {
                id: g.need_u32(stats_grp::ID, "ETHTOOL_A_STATS_GRP_ID")?,
                ss_id: g.need_u32(stats_grp::SS_ID, "ETHTOOL_A_STATS_GRP_SS_ID")?,
                counters,
                hist_rx: hist(g, stats_grp::HIST_RX)?,
                hist_tx: hist(g, stats_grp::HIST_TX)?,
            })
        })
        .collect()
}

fn hist(g: &Attrs, t: u16) -> Result<Vec<HistBucket>> {
    g.all_nested(t)?
        .iter()
        .map(|b| {
            Ok(HistBucket {
                low: b.need_u32(stats_grp::HIST_BKT_LOW, "histogram bucket low")?,
                high: b.need_u32(stats_grp::HIST_BKT_HI, "histogram bucket high")?,
                value: b.u64(stats_grp::HIST_VAL)?.unwrap_or(0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::super::attr::{attr, nest, to_bytes, Attr};
    use super::*;

    fn stat(i: u16, v: u64) -> Attr {
        nest(stats_grp::STAT, &[attr(i, v).unwrap()]).unwrap()
    }

    fn bucket(t: u16, lo: u32, hi: u32, v: u64) -> Attr {
        nest(
            t,
            &[
                attr(stats_grp::HIST_BKT_LOW, lo).unwrap(),
                attr(stats_grp::HIST_BKT_HI, hi).unwrap(),
                attr(stats_grp::HIST_VAL, v).unwrap(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn groups_counters_and_histogram() {
        let mac = nest(
            stats::GRP,
            &[
                attr(stats_grp::ID, stats_group::ETH_MAC).unwrap(),
                attr(stats_grp::SS_ID, sset::STATS_ETH_MAC).unwrap(),
                // Index 0 is a real counter (FramesTransmittedOK).
                stat(0, 10),
                stat(3, 12),
            ],
        )
        .unwrap();
        let rmon = nest(
            stats::GRP,
            &[
                attr(stats_grp::ID, stats_group::RMON).unwrap(),
                attr(stats_grp::SS_ID, sset::STATS_RMON).unwrap(),
                bucket(stats_grp::HIST_RX, 0, 64, 5),
                bucket(stats_grp::HIST_RX, 65, 127, 6),
                bucket(stats_grp::HIST_TX, 0, 64, 7),
                stat(0, 1),
            ],
        )
        .unwrap();
        let empty = nest(
            stats::GRP,
            &[
                attr(stats_grp::ID, stats_group::ETH_CTRL).unwrap(),
                attr(stats_grp::SS_ID, sset::STATS_ETH_CTRL).unwrap(),
            ],
        )
        .unwrap();
        let mut bytes = to_bytes(&attr(stats::SRC, 0u32).unwrap()).unwrap();
        for g in [&mac, &rmon, &empty] {
            bytes.extend(to_bytes(g).unwrap());
        }
        let groups = parse_stats_reply(&Attrs::parse(&bytes).unwrap()).unwrap();
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].counters, [(0, 10), (3, 12)]);
        assert_eq!(
            groups[1].hist_rx,
            [
                HistBucket {
                    low: 0,
                    high: 64,
                    value: 5
                },
                HistBucket {
                    low: 65,
                    high: 127,
                    value: 6
                }
            ]
        );
        assert_eq!(groups[1].hist_tx.len(), 1);
        assert_eq!(groups[1].counters, [(0, 1)]);
        assert!(groups[2].counters.is_empty() && groups[2].hist_rx.is_empty());
        assert_eq!(StdGroup::from_id(groups[2].id), Some(StdGroup::EthCtrl));
    }

    #[test]
    fn group_names_are_the_kernels() {
        let names: Vec<&str> = StdGroup::ALL.iter().map(|g| g.name()).collect();
        assert_eq!(names, ["eth-phy", "eth-mac", "eth-ctrl", "rmon", "phydev"]);
    }
}
