// SPDX-License-Identifier: GPL-2.0
//! STRSET_GET: string sets (stat names, feature names, link modes, ...).

use super::super::attr::{attr, nest, Attrs};
use super::super::consts::{msg, reply, strset};
use super::super::error::{Error, Result};
use super::{Ethtool, Req};

/// One string set, strings in index order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringSet {
    /// `ETH_SS_*` id.
    pub id: u32,
    pub count: u32,
    pub strings: Vec<String>,
}

impl Ethtool {
    /// The string sets `ids` (`consts::sset::*`) of `ifname`, or the
    /// global ones when `ifname` is `None`.
    pub fn strset_get(&self, ifname: Option<&str>, ids: &[u32]) -> Result<Vec<StringSet>> {
        let sets = ids
            .iter()
            .map(|id| {
                nest(
                    strset::STRINGSETS_STRINGSET,
                    &[attr(strset::STRINGSET_ID, *id)?],
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let req = Req {
            cmd: msg::STRSET_GET,
            header_type: strset::HEADER,
            ifname,
            flags: 0,
            attrs: vec![nest(strset::STRINGSETS, &sets)?],
        };
        let a = self.get(req, reply::STRSET_GET_REPLY)?;
        parse_strset_reply(&a)
    }

    /// One string set of `ifname`.
    pub fn strings(&self, ifname: &str, id: u32) -> Result<Vec<String>> {
        let sets = self.strset_get(Some(ifname), &[id])?;
        sets.into_iter()
            .find(|s| s.id == id)
            .map(|s| s.strings)
            .ok_or_else(|| {
                Error::protocol(
                    format!("ETHTOOL_MSG_STRSET_GET {ifname}"),
                    format!("string set {id} not in the reply"),
                )
            })
    }
}

/// Parses the attributes of a STRSET_GET reply.
pub fn parse_strset_reply(a: &Attrs) -> Result<Vec<StringSet>> {
    let Some(sets) = a.nested(strset::STRINGSETS)? else {
        return Ok(Vec::new());
    };
    sets.all_nested(strset::STRINGSETS_STRINGSET)?
        .iter()
        .map(parse_set)
        .collect()
}

fn parse_set(s: &Attrs) -> Result<StringSet> {
    let id = s.need_u32(strset::STRINGSET_ID, "string set id")?;
    let count = s.u32(strset::STRINGSET_COUNT)?.unwrap_or(0);
    let mut strings = vec![String::new(); count as usize];
    if let Some(list) = s.nested(strset::STRINGSET_STRINGS)? {
        for st in list.all_nested(strset::STRINGS_STRING)? {
            let i = st.need_u32(strset::STRING_INDEX, "string index")? as usize;
            let v = st.string(strset::STRING_VALUE).unwrap_or_default();
            if i >= strings.len() {
                strings.resize(i + 1, String::new());
            }
            strings[i] = v;
        }
    }
    Ok(StringSet { id, count, strings })
}

#[cfg(test)]
mod tests {
    use super::super::super::attr::to_bytes;
    use super::*;

    #[test]
    fn strings_land_at_their_index() {
        let s = |i: u32, v: &str| {
            nest(
                strset::STRINGS_STRING,
                &[
                    attr(strset::STRING_INDEX, i).unwrap(),
                    attr(strset::STRING_VALUE, v).unwrap(),
                ],
            )
            .unwrap()
        };
        let set = nest(
            strset::STRINGSETS_STRINGSET,
            &[
                attr(strset::STRINGSET_ID, 1u32).unwrap(),
                attr(strset::STRINGSET_COUNT, 3u32).unwrap(),
                nest(
                    strset::STRINGSET_STRINGS,
                    &[s(2, "tx_bytes"), s(0, "rx_packets"), s(1, "tx_packets")],
                )
                .unwrap(),
            ],
        )
        .unwrap();
        let top = nest(strset::STRINGSETS, &[set]).unwrap();
        let a = Attrs::parse(&to_bytes(&top).unwrap()).unwrap();
        let sets = parse_strset_reply(&a).unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].id, 1);
        assert_eq!(sets[0].strings, ["rx_packets", "tx_packets", "tx_bytes"]);
    }
}
