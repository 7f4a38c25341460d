// SPDX-License-Identifier: GPL-2.0
//! ethtool bitsets (`ETHTOOL_A_BITSET_*`, net/ethtool/bitset.c): parsing
//! both the verbose (named bits) and the compact (u32 words) reply forms,
//! and encoding the request forms the clients send.

use super::attr::{attr, flag, nest, Attr, Attrs};
use super::consts::{bitset, bitset_bit, bitset_bits};
use super::error::Result;

/// One bit of a parsed bitset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bit {
    pub index: u32,
    /// Set in verbose replies when the kernel has a name for the bit.
    pub name: Option<String>,
    /// The bit's value; for a list bitset every listed bit is true.
    pub value: bool,
}

impl Bit {
    /// The bit's name, or `bit<N>` when the kernel gave none.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("bit{}", self.index))
    }
}

/// A parsed bitset. In a list bitset (`NOMASK`) `bits` holds the set bits;
/// otherwise it holds every bit of the mask with its value (e.g. for WOL
/// the mask is "supported" and the value "enabled").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitset {
    pub size: u32,
    pub list: bool,
    pub bits: Vec<Bit>,
}

impl Bitset {
    /// Parses a bitset nest's payload, verbose or compact.
    pub fn parse(a: &Attrs) -> Result<Self> {
        let size = a.u32(bitset::SIZE)?.unwrap_or(0);
        let list = a.has(bitset::NOMASK);
        let mut bits = Vec::new();
        if let Some(value) = a.payload(bitset::VALUE) {
            let value = words(value);
            let mask = a.payload(bitset::MASK).map(words);
            for index in 0..size {
                let v = test(&value, index);
                let in_mask = mask.as_ref().map_or(v, |m| test(m, index));
                if in_mask {
                    bits.push(Bit {
                        index,
                        name: None,
                        value: v,
                    });
                }
            }
        } else if let Some(list_attrs) = a.nested(bitset::BITS)? {
            for b in list_attrs.all_nested(bitset_bits::BIT)? {
                bits.push(Bit {
                    index: b.need_u32(bitset_bit::INDEX, "bitset bit index")?,
                    name: b.string(bitset_bit::NAME),
                    value: list || b.has(bitset_bit::VALUE),
                });
            }
        }
        Ok(Bitset { size, list, bits })
    }

    /// Labels of the bits whose value is set.
    pub fn set_names(&self) -> Vec<String> {
        self.bits
            .iter()
            .filter(|b| b.value)
            .map(Bit::label)
            .collect()
    }

    /// Labels of every listed bit (the mask for a masked bitset).
    pub fn mask_names(&self) -> Vec<String> {
        self.bits.iter().map(Bit::label).collect()
    }

    /// Whether the bit called `name` is set.
    pub fn is_set(&self, name: &str) -> bool {
        self.bits
            .iter()
            .any(|b| b.value && b.name.as_deref() == Some(name))
    }

    /// The set bits below 32 as a word (e.g. a message level).
    pub fn value_u32(&self) -> u32 {
        self.bits
            .iter()
            .filter(|b| b.value && b.index < 32)
            .fold(0, |acc, b| acc | (1 << b.index))
    }
}

fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn test(words: &[u32], index: u32) -> bool {
    words
        .get((index / 32) as usize)
        .is_some_and(|w| w & (1 << (index % 32)) != 0)
}

/// A list bitset by name: exactly `names` set, every other bit cleared.
pub fn encode_list(t: u16, names: &[&str]) -> Result<Attr> {
    let bits = names
        .iter()
        .map(|n| nest(bitset_bits::BIT, &[attr(bitset_bit::NAME, *n)?]))
        .collect::<Result<Vec<_>>>()?;
    nest(t, &[flag(bitset::NOMASK)?, nest(bitset::BITS, &bits)?])
}

/// A masked bitset by name: each named bit set or cleared, others kept.
pub fn encode_changes(t: u16, changes: &[(&str, bool)]) -> Result<Attr> {
    let bits = changes
        .iter()
        .map(|(n, v)| {
            let mut b = vec![attr(bitset_bit::NAME, *n)?];
            if *v {
                b.push(flag(bitset_bit::VALUE)?);
            }
            nest(bitset_bits::BIT, &b)
        })
        .collect::<Result<Vec<_>>>()?;
    nest(t, &[nest(bitset::BITS, &bits)?])
}

/// A compact list bitset of `size` bits from `value` words.
pub fn encode_compact_list(t: u16, size: u32, value: &[u32]) -> Result<Attr> {
    let bytes: Vec<u8> = value.iter().flat_map(|w| w.to_ne_bytes()).collect();
    nest(
        t,
        &[
            flag(bitset::NOMASK)?,
            attr(bitset::SIZE, size)?,
            attr(bitset::VALUE, bytes.as_slice())?,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::attr::to_bytes;
    use super::*;

    fn roundtrip(a: &Attr) -> Attrs {
        let b = to_bytes(a).unwrap();
        Attrs::parse(&b).unwrap().need_nested(7, "bitset").unwrap()
    }

    #[test]
    fn list_by_name_request_shape() {
        let a = encode_list(7, &["magic", "phy"]).unwrap();
        let b = to_bytes(&a).unwrap();
        // Outer, BITS and each BIT nest are flagged NLA_F_NESTED.
        assert_eq!(u16::from_ne_bytes([b[2], b[3]]), 7 | 0x8000);
        let outer = roundtrip(&a);
        assert!(outer.has(bitset::NOMASK));
        let bits = outer.need_nested(bitset::BITS, "bits").unwrap();
        let names: Vec<String> = bits
            .all_nested(bitset_bits::BIT)
            .unwrap()
            .iter()
            .map(|b| b.string(bitset_bit::NAME).unwrap())
            .collect();
        assert_eq!(names, ["magic", "phy"]);
        // NOMASK flag (4 bytes), then the BITS nest header.
        assert_eq!(u16::from_ne_bytes([b[10], b[11]]), bitset::BITS | 0x8000);
    }

    #[test]
    fn verbose_masked_reply() {
        // Hand-built verbose reply: size 8, bit 1 "phy" supported only,
        // bit 5 "magic" supported and enabled.
        let bit = |i: u32, n: &str, v: bool| {
            let mut c = vec![
                attr(bitset_bit::INDEX, i).unwrap(),
                attr(bitset_bit::NAME, n).unwrap(),
            ];
            if v {
                c.push(flag(bitset_bit::VALUE).unwrap());
            }
            nest(bitset_bits::BIT, &c).unwrap()
        };
        let a = nest(
            7,
            &[
                attr(bitset::SIZE, 8u32).unwrap(),
                nest(bitset::BITS, &[bit(1, "phy", false), bit(5, "magic", true)]).unwrap(),
            ],
        )
        .unwrap();
        let s = Bitset::parse(&roundtrip(&a)).unwrap();
        assert!(!s.list);
        assert_eq!(s.size, 8);
        assert_eq!(s.mask_names(), ["phy", "magic"]);
        assert_eq!(s.set_names(), ["magic"]);
        assert!(s.is_set("magic") && !s.is_set("phy"));
        assert_eq!(s.value_u32(), 1 << 5);
    }

    #[test]
    fn compact_list_roundtrip() {
        let a = encode_compact_list(7, 40, &[0x8000_0001, 0x80]).unwrap();
        let s = Bitset::parse(&roundtrip(&a)).unwrap();
        assert!(s.list);
        let idx: Vec<u32> = s.bits.iter().map(|b| b.index).collect();
        assert_eq!(idx, [0, 31, 39]);
        assert_eq!(s.value_u32(), 0x8000_0001);
        assert_eq!(s.mask_names(), ["bit0", "bit31", "bit39"]);
    }

    #[test]
    fn compact_masked_reply() {
        let v: Vec<u8> = 0b0100u32.to_ne_bytes().to_vec();
        let m: Vec<u8> = 0b0110u32.to_ne_bytes().to_vec();
        let a = nest(
            7,
            &[
                attr(bitset::SIZE, 3u32).unwrap(),
                attr(bitset::VALUE, v.as_slice()).unwrap(),
                attr(bitset::MASK, m.as_slice()).unwrap(),
            ],
        )
        .unwrap();
        let s = Bitset::parse(&roundtrip(&a)).unwrap();
        // Mask bits 1 and 2 (of size 3) are listed, with their values.
        let got: Vec<(u32, bool)> = s.bits.iter().map(|b| (b.index, b.value)).collect();
        assert_eq!(got, [(1, false), (2, true)]);
    }

    #[test]
    fn changes_encode_value_flag_only_when_set() {
        let on = to_bytes(&encode_changes(7, &[("rx-gro", true)]).unwrap()).unwrap();
        let off = to_bytes(&encode_changes(7, &[("rx-gro", false)]).unwrap()).unwrap();
        // The VALUE flag is 4 bytes more.
        assert_eq!(on.len(), off.len() + 4);
    }
}
