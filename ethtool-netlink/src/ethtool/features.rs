// SPDX-License-Identifier: GPL-2.0
//! FEATURES_GET/SET: netdev features by name (`ethtool -k/-K`).

use std::collections::BTreeSet;

use super::super::bitset::{encode_changes, Bitset};
use super::super::consts::{features, flag, msg, reply};
use super::super::error::Result;
use super::{Ethtool, Req};

/// Feature names ("rx-gro", "tx-scatter-gather", ...) in each state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// Changeable by the user (`hw_features`).
    pub hw: BTreeSet<String>,
    /// Requested by the user.
    pub wanted: BTreeSet<String>,
    /// In effect.
    pub active: BTreeSet<String>,
    /// Never changeable.
    pub nochange: BTreeSet<String>,
}

impl Features {
    pub fn is_active(&self, name: &str) -> bool {
        self.active.contains(name)
    }

    pub fn is_changeable(&self, name: &str) -> bool {
        self.hw.contains(name) && !self.nochange.contains(name)
    }
}

impl Ethtool {
    pub fn features_get(&self, ifname: &str) -> Result<Features> {
        let a = self.get(
            Req::new(msg::FEATURES_GET, ifname),
            reply::FEATURES_GET_REPLY,
        )?;
        let set = |t| -> Result<BTreeSet<String>> {
            Ok(match a.nested(t)? {
                Some(n) => Bitset::parse(&n)?.set_names().into_iter().collect(),
                None => BTreeSet::new(),
            })
        };
        Ok(Features {
            hw: set(features::HW)?,
            wanted: set(features::WANTED)?,
            active: set(features::ACTIVE)?,
            nochange: set(features::NOCHANGE)?,
        })
    }

    /// Turns the named features on (true) or off (false), others kept.
    /// The kernel applies what it can; read [`Ethtool::features_get`]
    /// afterwards to see what took effect.
    pub fn features_set(&self, ifname: &str, changes: &[(&str, bool)]) -> Result<()> {
        let mut req = Req::new(msg::FEATURES_SET, ifname);
        req.flags = flag::OMIT_REPLY;
        req.attrs.push(encode_changes(features::WANTED, changes)?);
        self.call(req, None).map(drop)
    }
}
