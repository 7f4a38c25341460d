// SPDX-License-Identifier: GPL-2.0
//! Client of the ethtool generic-netlink family: one socket, the family id
//! resolved once, and one typed request/reply function per message (in the
//! submodules, one per message group).

mod coalesce;
mod debug;
mod features;
mod link;
mod pause;
pub(crate) mod rings;
pub(crate) mod stats;
mod strset;
mod tsinfo;
mod wol;

pub use coalesce::{Coalesce, CoalesceSet};
pub use debug::Debug;
pub use features::Features;
pub use link::{Duplex, LinkInfo, LinkModes, LinkModesSet, LinkState};
pub use pause::{Pause, PauseSet, PauseStats};
pub use rings::{Rings, RingsSet};
pub use stats::{HistBucket, StatsGroup, StdGroup};
pub use strset::StringSet;
pub use tsinfo::TsInfo;
pub use wol::Wol;

use neli::consts::genl::{CtrlAttr, CtrlCmd};
use neli::consts::nl::{GenlId, NlmF};
use neli::consts::socket::NlFamily;
use neli::genl::{Genlmsghdr, GenlmsghdrBuilder, NoUserHeader};
use neli::types::GenlBuffer;
use neli::FromBytesWithInput;

use super::attr::{attr, nest, Attr, Attrs};
use super::conn::NlConn;
use super::consts::{header, msg, GENL_NAME, GENL_VERSION};
use super::error::{Error, Result};

/// A connection to the kernel's "ethtool" generic-netlink family.
pub struct Ethtool {
    conn: NlConn,
    family: u16,
}

/// A request: command, header attribute type (1 for most messages, 2 for
/// STATS), header flags and the message's own attributes.
pub(crate) struct Req<'a> {
    pub cmd: u8,
    pub header_type: u16,
    pub ifname: Option<&'a str>,
    pub flags: u32,
    pub attrs: Vec<Attr>,
}

impl<'a> Req<'a> {
    pub fn new(cmd: u8, ifname: &'a str) -> Self {
        Req {
            cmd,
            header_type: 1,
            ifname: Some(ifname),
            flags: 0,
            attrs: Vec::new(),
        }
    }

    fn op(&self) -> String {
        match self.ifname {
            Some(d) => format!("{} {d}", msg::name(self.cmd)),
            None => msg::name(self.cmd).to_owned(),
        }
    }
}

/// The request header nest `ETHTOOL_A_*_HEADER` { DEV_NAME, FLAGS }.
pub fn header_attr(t: u16, ifname: Option<&str>, flags: u32) -> Result<Attr> {
    let mut h = Vec::new();
    if let Some(d) = ifname {
        h.push(attr(header::DEV_NAME, d)?);
    }
    if flags != 0 {
        h.push(attr(header::FLAGS, flags)?);
    }
    nest(t, &h)
}

/// The generic-netlink message of a request, ready to send.
pub(crate) fn build_request(req: &Req<'_>) -> Result<Genlmsghdr<u8, u16>> {
    let mut attrs = GenlBuffer::new();
    attrs.push(header_attr(req.header_type, req.ifname, req.flags)?);
    for a in &req.attrs {
        attrs.push(a.clone());
    }
    GenlmsghdrBuilder::<u8, u16, NoUserHeader>::default()
        .cmd(req.cmd)
        .version(GENL_VERSION)
        .attrs(attrs)
        .build()
        .map_err(|e| Error::protocol(req.op(), e))
}

/// Parses one reply payload as a generic-netlink message of command
/// `reply_cmd` and returns its attributes.
pub fn parse_reply(op: &str, bytes: &[u8], reply_cmd: u8) -> Result<Attrs> {
    let g =
        Genlmsghdr::<u8, u16>::from_bytes_with_input(&mut std::io::Cursor::new(bytes), bytes.len())
            .map_err(|e| Error::protocol(op, e))?;
    if *g.cmd() != reply_cmd {
        return Err(Error::protocol(
            op,
            format!("reply command {} where {reply_cmd} was expected", g.cmd()),
        ));
    }
    Ok(Attrs::new(g.attrs().clone()))
}

impl Ethtool {
    /// Opens a generic-netlink socket and resolves the "ethtool" family.
    pub fn connect() -> Result<Self> {
        let conn = NlConn::connect(NlFamily::Generic)?;
        let family = resolve_family(&conn, GENL_NAME)?;
        Ok(Ethtool { conn, family })
    }

    /// The family id the kernel assigned to "ethtool".
    pub fn family_id(&self) -> u16 {
        self.family
    }

    /// Sends `req` and returns the attributes of each reply of `reply_cmd`
    /// (none for a SET answered by a bare ACK).
    pub(crate) fn call(&self, req: Req<'_>, reply_cmd: Option<u8>) -> Result<Vec<Attrs>> {
        let op = req.op();
        let m = build_request(&req)?;
        let replies = self.conn.request(&op, self.family, NlmF::empty(), m)?;
        match reply_cmd {
            None => Ok(Vec::new()),
            Some(c) => replies
                .iter()
                .map(|b| parse_reply(&op, b.as_ref(), c))
                .collect(),
        }
    }

    /// Like [`Ethtool::call`] for a GET: exactly one reply.
    pub(crate) fn get(&self, req: Req<'_>, reply_cmd: u8) -> Result<Attrs> {
        let op = req.op();
        let mut v = self.call(req, Some(reply_cmd))?;
        match v.len() {
            1 => Ok(v.remove(0)),
            n => Err(Error::protocol(op, format!("{n} replies to a GET"))),
        }
    }
}

fn resolve_family(conn: &NlConn, name: &str) -> Result<u16> {
    let op = format!("resolving generic netlink family {name:?}");
    let mut attrs = GenlBuffer::new();
    attrs.push(
        neli::genl::NlattrBuilder::default()
            .nla_type(
                neli::genl::AttrTypeBuilder::default()
                    .nla_type(CtrlAttr::FamilyName)
                    .build()
                    .map_err(|e| Error::protocol(&op, e))?,
            )
            .nla_payload(name)
            .build()
            .map_err(|e| Error::protocol(&op, e))?,
    );
    let m = GenlmsghdrBuilder::<CtrlCmd, CtrlAttr, NoUserHeader>::default()
        .cmd(CtrlCmd::Getfamily)
        .version(2)
        .attrs(attrs)
        .build()
        .map_err(|e| Error::protocol(&op, e))?;
    let replies = conn.request(&op, GenlId::Ctrl.into(), NlmF::empty(), m)?;
    for r in replies {
        let g = Genlmsghdr::<u8, u16>::from_bytes_with_input(
            &mut std::io::Cursor::new(r.as_ref()),
            r.len(),
        )
        .map_err(|e| Error::protocol(&op, e))?;
        let a = Attrs::new(g.attrs().clone());
        // CTRL_ATTR_FAMILY_ID (include/uapi/linux/genetlink.h) is a u16.
        if let Some(id) = a.u16(u16::from(CtrlAttr::FamilyId))? {
            return Ok(id);
        }
    }
    Err(Error::protocol(op, "no CTRL_ATTR_FAMILY_ID in the reply"))
}
