// SPDX-License-Identifier: GPL-2.0
//! Netlink attributes: building them with neli (nests always carry
//! `NLA_F_NESTED`, which ethtool's strict policies require) and reading a
//! parsed attribute list with length-checked typed accessors.

use std::io::Cursor;

use neli::genl::{AttrTypeBuilder, Nlattr, NlattrBuilder};
use neli::types::{Buffer, GenlBuffer};
use neli::{FromBytesWithInput, Size, ToBytes};

use super::error::{Error, Result};

/// One attribute, type without the NLA_F_NESTED/NLA_F_NET_BYTEORDER bits.
pub type Attr = Nlattr<u16, Buffer>;

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::protocol("building a netlink attribute", e)
}

/// An attribute of type `t` holding `payload` (integers in host order,
/// `&str` NUL-terminated, `()` for a flag, `&[u8]` raw).
pub fn attr<P: Size + ToBytes>(t: u16, payload: P) -> Result<Attr> {
    NlattrBuilder::default()
        .nla_type(
            AttrTypeBuilder::default()
                .nla_type(t)
                .build()
                .map_err(build_err)?,
        )
        .nla_payload(payload)
        .build()
        .map_err(build_err)
}

/// A flag attribute (no payload).
pub fn flag(t: u16) -> Result<Attr> {
    attr(t, ())
}

/// A nest of type `t` holding `children`, with NLA_F_NESTED set even when
/// it is empty.
pub fn nest(t: u16, children: &[Attr]) -> Result<Attr> {
    let mut a = NlattrBuilder::default()
        .nla_type(
            AttrTypeBuilder::default()
                .nla_type(t)
                .nla_nested(true)
                .build()
                .map_err(build_err)?,
        )
        .nla_payload(Buffer::new())
        .build()
        .map_err(build_err)?;
    for c in children {
        a = a.nest(c).map_err(build_err)?;
    }
    Ok(a)
}

/// The wire bytes of an attribute (padded), for tests and debugging.
pub fn to_bytes(a: &Attr) -> Result<Vec<u8>> {
    let mut c = Cursor::new(Vec::new());
    a.to_bytes(&mut c).map_err(build_err)?;
    Ok(c.into_inner())
}

/// A parsed attribute list (one nesting level).
#[derive(Debug)]
pub struct Attrs {
    list: GenlBuffer<u16, Buffer>,
}

impl Attrs {
    /// Wraps a list neli already parsed (a genl message's attributes).
    pub fn new(list: GenlBuffer<u16, Buffer>) -> Self {
        Attrs { list }
    }

    /// Parses the payload of a nest.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let list =
            GenlBuffer::<u16, Buffer>::from_bytes_with_input(&mut Cursor::new(bytes), bytes.len())
                .map_err(|e| Error::protocol("parsing netlink attributes", e))?;
        Ok(Attrs { list })
    }

    /// Every attribute as (type, payload), in order.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> {
        self.list
            .iter()
            .map(|a| (*a.nla_type().nla_type(), a.nla_payload().as_ref()))
    }

    /// The payload of the first attribute of type `t`.
    pub fn payload(&self, t: u16) -> Option<&[u8]> {
        self.iter().find(|(ty, _)| *ty == t).map(|(_, p)| p)
    }

    /// Whether an attribute of type `t` is present (a flag's value).
    pub fn has(&self, t: u16) -> bool {
        self.payload(t).is_some()
    }

    fn fixed<const N: usize>(&self, t: u16) -> Result<Option<[u8; N]>> {
        match self.payload(t) {
            None => Ok(None),
            Some(p) => p.try_into().map(Some).map_err(|_| {
                Error::protocol(
                    "parsing netlink attributes",
                    format!("attribute {t} has {} bytes, expected {N}", p.len()),
                )
            }),
        }
    }

    pub fn u8(&self, t: u16) -> Result<Option<u8>> {
        Ok(self.fixed::<1>(t)?.map(|b| b[0]))
    }

    pub fn bool(&self, t: u16) -> Result<Option<bool>> {
        Ok(self.u8(t)?.map(|v| v != 0))
    }

    pub fn u16(&self, t: u16) -> Result<Option<u16>> {
        Ok(self.fixed::<2>(t)?.map(u16::from_ne_bytes))
    }

    pub fn u32(&self, t: u16) -> Result<Option<u32>> {
        Ok(self.fixed::<4>(t)?.map(u32::from_ne_bytes))
    }

    pub fn u64(&self, t: u16) -> Result<Option<u64>> {
        Ok(self.fixed::<8>(t)?.map(u64::from_ne_bytes))
    }

    /// A NUL-terminated string (the NUL and anything after it dropped).
    pub fn string(&self, t: u16) -> Option<String> {
        self.payload(t).map(c_string)
    }

    /// The nest of type `t`, parsed.
    pub fn nested(&self, t: u16) -> Result<Option<Attrs>> {
        self.payload(t).map(Attrs::parse).transpose()
    }

    /// Every nest of type `t` (repeated attributes), parsed.
    pub fn all_nested(&self, t: u16) -> Result<Vec<Attrs>> {
        self.iter()
            .filter(|(ty, _)| *ty == t)
            .map(|(_, p)| Attrs::parse(p))
            .collect()
    }

    /// A required u32: a reply without it is malformed.
    pub fn need_u32(&self, t: u16, what: &str) -> Result<u32> {
        self.u32(t)?.ok_or_else(|| missing(what))
    }

    /// A required u8.
    pub fn need_u8(&self, t: u16, what: &str) -> Result<u8> {
        self.u8(t)?.ok_or_else(|| missing(what))
    }

    /// A required nest.
    pub fn need_nested(&self, t: u16, what: &str) -> Result<Attrs> {
        self.nested(t)?.ok_or_else(|| missing(what))
    }
}

fn missing(what: &str) -> Error {
    Error::protocol("parsing netlink reply", format!("{what} missing"))
}

/// Bytes up to the first NUL, as text.
pub fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NLA_F_NESTED: u16 = 1 << 15;

    #[test]
    fn scalar_attribute_bytes() {
        let b = to_bytes(&attr(6, 256u32).unwrap()).unwrap();
        assert_eq!(b, [8, 0, 6, 0, 0, 1, 0, 0]);
        // A string is NUL-terminated and padded to 4 bytes.
        let b = to_bytes(&attr(2, "eth0").unwrap()).unwrap();
        assert_eq!(b, [9, 0, 2, 0, b'e', b't', b'h', b'0', 0, 0, 0, 0]);
        let b = to_bytes(&flag(1).unwrap()).unwrap();
        assert_eq!(b, [4, 0, 1, 0]);
    }

    #[test]
    fn nest_sets_nla_f_nested_and_length() {
        let inner = attr(2, "lo").unwrap();
        let n = nest(1, &[inner]).unwrap();
        let b = to_bytes(&n).unwrap();
        // Outer header: len 4 + inner (4 + 3 -> padded 8) = 12.
        assert_eq!(u16::from_ne_bytes([b[0], b[1]]), 12);
        assert_eq!(u16::from_ne_bytes([b[2], b[3]]), 1 | NLA_F_NESTED);
        assert_eq!(&b[4..], [7, 0, 2, 0, b'l', b'o', 0, 0]);
        // Even an empty nest is flagged.
        let e = to_bytes(&nest(3, &[]).unwrap()).unwrap();
        assert_eq!(e, [4, 0, 3, 0x80]);
    }

    #[test]
    fn parse_typed_and_nested() {
        let n = nest(
            4,
            &[
                attr(1, 7u8).unwrap(),
                attr(2, 1u64 << 40).unwrap(),
                flag(3).unwrap(),
            ],
        )
        .unwrap();
        let mut bytes = to_bytes(&attr(9, 5u32).unwrap()).unwrap();
        bytes.extend(to_bytes(&n).unwrap());
        let a = Attrs::parse(&bytes).unwrap();
        assert_eq!(a.u32(9).unwrap(), Some(5));
        let inner = a.need_nested(4, "nest").unwrap();
        assert_eq!(inner.u8(1).unwrap(), Some(7));
        assert_eq!(inner.u64(2).unwrap(), Some(1 << 40));
        assert!(inner.has(3));
        assert!(!inner.has(5));
        // Wrong width is an error, not a silent misread.
        assert!(a.u64(9).is_err());
        assert!(a.need_u32(1, "absent").is_err());
    }

    #[test]
    fn c_string_stops_at_nul() {
        assert_eq!(c_string(b"e1000\0\0junk"), "e1000");
        assert_eq!(c_string(b"noterm"), "noterm");
        assert_eq!(c_string(b""), "");
    }
}
