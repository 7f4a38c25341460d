// SPDX-License-Identifier: GPL-2.0
//! One snapshot of every counter an interface exposes, as titled sections
//! of (name, value) rows: the private `ethtool -S` counters (ioctl), the
//! standard groups with the RMON histogram and the pause frame counters
//! (netlink), and `IFLA_STATS64` (rtnetlink). A source that fails or is
//! empty becomes a section with a note, not an error.

use std::time::Instant;

use super::error::Error;
use super::ethtool::{Ethtool, HistBucket, StatsGroup, StdGroup};
use super::ioctl::Ioctl;
use super::rtnl::Rtnl;

/// The groups a snapshot asks STATS_GET for.
pub const GROUPS: [StdGroup; 4] = [
    StdGroup::EthPhy,
    StdGroup::EthMac,
    StdGroup::EthCtrl,
    StdGroup::Rmon,
];

/// One titled block of counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<(String, u64)>,
    /// Why there are no rows (unsupported, empty, failed).
    pub note: Option<String>,
}

/// Every section, and when it was taken.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub taken: Instant,
    pub sections: Vec<Section>,
}

impl Snapshot {
    /// The value of `name` in section `title`.
    pub fn get(&self, title: &str, name: &str) -> Option<u64> {
        self.sections
            .iter()
            .find(|s| s.title == title)?
            .rows
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }
}

/// The three clients a snapshot reads through.
pub struct Sources {
    pub ethtool: Ethtool,
    pub rtnl: Rtnl,
    pub ioctl: Ioctl,
}

impl Sources {
    pub fn connect() -> super::Result<Self> {
        Ok(Sources {
            ethtool: Ethtool::connect()?,
            rtnl: Rtnl::connect()?,
            ioctl: Ioctl::open()?,
        })
    }

    /// Reads every source for `ifname`.
    pub fn snapshot(&self, ifname: &str) -> Snapshot {
        let mut sections = vec![section(
            "ethtool -S",
            self.ioctl.stats(ifname),
            "no private statistics",
        )];
        match self.ethtool.stats_get(ifname, &GROUPS) {
            Ok(groups) => sections.extend(group_sections(&groups)),
            Err(e) => sections.push(failed("standard groups", &e)),
        }
        sections.push(section(
            "pause",
            self.ethtool.pause_get(ifname).map(|p| {
                [
                    ("tx_pause_frames", p.stats.tx_frames),
                    ("rx_pause_frames", p.stats.rx_frames),
                ]
                .into_iter()
                .filter_map(|(n, v)| Some((n.to_owned(), v?)))
                .collect()
            }),
            "driver reports no pause statistics",
        ));
        sections.push(section(
            "stats64",
            self.rtnl.stats64(ifname).map(|s| {
                s.pairs()
                    .into_iter()
                    .map(|(n, v)| (n.to_owned(), v))
                    .collect()
            }),
            "no IFLA_STATS64",
        ));
        Snapshot {
            taken: Instant::now(),
            sections,
        }
    }
}

fn section(title: &str, rows: super::Result<Vec<(String, u64)>>, empty: &str) -> Section {
    match rows {
        Ok(rows) if rows.is_empty() => Section {
            title: title.to_owned(),
            rows,
            note: Some(empty.to_owned()),
        },
        Ok(rows) => Section {
            title: title.to_owned(),
            rows,
            note: None,
        },
        Err(e) => failed(title, &e),
    }
}

fn failed(title: &str, e: &Error) -> Section {
    let note = match e.errno() {
        Some(libc::EOPNOTSUPP) | Some(524) => "not supported by the driver".to_owned(),
        _ => format!("unavailable: {e}"),
    };
    Section {
        title: title.to_owned(),
        rows: Vec::new(),
        note: Some(note),
    }
}

/// Sections of the standard groups; the RMON histogram buckets become
/// rows named `rx 65-127` / `tx 1519-` (open upper bound as the kernel's 0).
pub fn group_sections(groups: &[StatsGroup]) -> Vec<Section> {
    groups
        .iter()
        .map(|g| {
            let mut rows = g.counters.clone();
            rows.extend(hist_rows("rx", &g.hist_rx));
            rows.extend(hist_rows("tx", &g.hist_tx));
            let note = rows
                .is_empty()
                .then(|| "empty: the driver reports nothing in this group".to_owned());
            Section {
                title: g.group.name().to_owned(),
                rows,
                note,
            }
        })
        .collect()
}

fn hist_rows<'a>(dir: &'a str, h: &'a [HistBucket]) -> impl Iterator<Item = (String, u64)> + 'a {
    h.iter().map(move |b| {
        let range = if b.high == 0 {
            format!("{}-", b.low)
        } else {
            format!("{}-{}", b.low, b.high)
        };
        (format!("{dir} {range}"), b.value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_group_gets_a_note_and_histogram_rows() {
        let groups = [
            StatsGroup {
                group: StdGroup::EthCtrl,
                counters: vec![],
                hist_rx: vec![],
                hist_tx: vec![],
            },
            StatsGroup {
                group: StdGroup::Rmon,
                counters: vec![("etherStatsUndersizePkts".into(), 0)],
                hist_rx: vec![HistBucket {
                    low: 65,
                    high: 127,
                    value: 3,
                }],
                hist_tx: vec![HistBucket {
                    low: 1523,
                    high: 0,
                    value: 1,
                }],
            },
        ];
        let s = group_sections(&groups);
        assert_eq!(s[0].title, "eth-ctrl");
        assert!(s[0].note.is_some() && s[0].rows.is_empty());
        assert_eq!(s[1].note, None);
        let names: Vec<&str> = s[1].rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["etherStatsUndersizePkts", "rx 65-127", "tx 1523-"]);
    }

    #[test]
    fn unsupported_is_a_note_not_an_error() {
        let e = Error::kernel_errno("X", libc::EOPNOTSUPP, None);
        let s = section("pause", Err(e), "none");
        assert_eq!(s.note.as_deref(), Some("not supported by the driver"));
        let s = section("pause", Ok(vec![]), "none");
        assert_eq!(s.note.as_deref(), Some("none"));
    }
}
