// SPDX-License-Identifier: GPL-2.0
//! rtnetlink for links, with neli's `Ifinfomsg`/`Rtattr`: read a link
//! (flags, MTU, carrier, `IFLA_STATS64`), set it up or down, set its MTU.

use std::ffi::CString;
use std::io::Cursor;

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Iff, Ifla, RtAddrFamily, Rtm};
use neli::consts::socket::NlFamily;
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, RtattrBuilder};
use neli::types::RtBuffer;
use neli::FromBytesWithInput;

use super::conn::NlConn;
use super::error::{Error, Result};

/// `struct rtnl_link_stats64` (include/uapi/linux/if_link.h), all fields
/// in header order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats64 {
    pub rx_packets: u64,
    pub tx_packets: u64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_errors: u64,
    pub tx_errors: u64,
    pub rx_dropped: u64,
    pub tx_dropped: u64,
    pub multicast: u64,
    pub collisions: u64,
    pub rx_length_errors: u64,
    pub rx_over_errors: u64,
    pub rx_crc_errors: u64,
    pub rx_frame_errors: u64,
    pub rx_fifo_errors: u64,
    pub rx_missed_errors: u64,
    pub tx_aborted_errors: u64,
    pub tx_carrier_errors: u64,
    pub tx_fifo_errors: u64,
    pub tx_heartbeat_errors: u64,
    pub tx_window_errors: u64,
    pub rx_compressed: u64,
    pub tx_compressed: u64,
    pub rx_nohandler: u64,
    pub rx_otherhost_dropped: u64,
}

/// Field names of [`Stats64`] in order, as `ip -s -j link` spells most.
pub const STATS64_NAMES: [&str; 25] = [
    "rx_packets",
    "tx_packets",
    "rx_bytes",
    "tx_bytes",
    "rx_errors",
    "tx_errors",
    "rx_dropped",
    "tx_dropped",
    "multicast",
    "collisions",
    "rx_length_errors",
    "rx_over_errors",
    "rx_crc_errors",
    "rx_frame_errors",
    "rx_fifo_errors",
    "rx_missed_errors",
    "tx_aborted_errors",
    "tx_carrier_errors",
    "tx_fifo_errors",
    "tx_heartbeat_errors",
    "tx_window_errors",
    "rx_compressed",
    "tx_compressed",
    "rx_nohandler",
    "rx_otherhost_dropped",
];

impl Stats64 {
    /// Parses the `IFLA_STATS64` payload. Fields a shorter (older) struct
    /// lacks read 0.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        // rx_nohandler (the 24th field) is older than any kernel we test.
        if bytes.len() < 24 * 8 {
            return Err(Error::protocol(
                "parsing IFLA_STATS64",
                format!("{} bytes, expected at least {}", bytes.len(), 24 * 8),
            ));
        }
        let mut v = [0u64; 25];
        for (slot, c) in v.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            *slot = u64::from_ne_bytes(b);
        }
        let [rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped, multicast, collisions, rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors, rx_fifo_errors, rx_missed_errors, tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_heartbeat_errors, tx_window_errors, rx_compressed, tx_compressed, rx_nohandler, rx_otherhost_dropped] =
            v;
        Ok(Stats64 {
            rx_packets,
            tx_packets,
            rx_bytes,
            tx_bytes,
            rx_errors,
            tx_errors,
            rx_dropped,
            tx_dropped,
            multicast,
            collisions,
            rx_length_errors,
            rx_over_errors,
            rx_crc_errors,
            rx_frame_errors,
            rx_fifo_errors,
            rx_missed_errors,
            tx_aborted_errors,
            tx_carrier_errors,
            tx_fifo_errors,
            tx_heartbeat_errors,
            tx_window_errors,
            rx_compressed,
            tx_compressed,
            rx_nohandler,
            rx_otherhost_dropped,
        })
    }

    /// (name, value) pairs in header order.
    pub fn pairs(&self) -> Vec<(&'static str, u64)> {
        let v = [
            self.rx_packets,
            self.tx_packets,
            self.rx_bytes,
            self.tx_bytes,
            self.rx_errors,
            self.tx_errors,
            self.rx_dropped,
            self.tx_dropped,
            self.multicast,
            self.collisions,
            self.rx_length_errors,
            self.rx_over_errors,
            self.rx_crc_errors,
            self.rx_frame_errors,
            self.rx_fifo_errors,
            self.rx_missed_errors,
            self.tx_aborted_errors,
            self.tx_carrier_errors,
            self.tx_fifo_errors,
            self.tx_heartbeat_errors,
            self.tx_window_errors,
            self.rx_compressed,
            self.tx_compressed,
            self.rx_nohandler,
            self.rx_otherhost_dropped,
        ];
        STATS64_NAMES.into_iter().zip(v).collect()
    }
}

/// A link as RTM_GETLINK reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub index: i32,
    pub name: String,
    /// IFF_UP: administratively up.
    pub up: bool,
    /// IFF_RUNNING: operationally up (carrier).
    pub running: bool,
    pub mtu: Option<u32>,
    pub min_mtu: Option<u32>,
    pub max_mtu: Option<u32>,
    /// IFLA_CARRIER.
    pub carrier: Option<bool>,
    pub stats64: Option<Stats64>,
}

/// A routing-netlink connection.
pub struct Rtnl {
    conn: NlConn,
}

impl Rtnl {
    pub fn connect() -> Result<Self> {
        Ok(Rtnl {
            conn: NlConn::connect(NlFamily::Route)?,
        })
    }

    /// RTM_GETLINK for `ifname`.
    pub fn link(&self, ifname: &str) -> Result<Link> {
        let op = format!("RTM_GETLINK {ifname}");
        let name = RtattrBuilder::default()
            .rta_type(Ifla::Ifname)
            .rta_payload(ifname)
            .build()
            .map_err(|e| Error::protocol(&op, e))?;
        let msg = IfinfomsgBuilder::default()
            .ifi_family(RtAddrFamily::Unspecified)
            .rtattrs(std::iter::once(name).collect::<RtBuffer<_, _>>())
            .build()
            .map_err(|e| Error::protocol(&op, e))?;
        let replies = self
            .conn
            .request(&op, u16::from(Rtm::Getlink), NlmF::empty(), msg)?;
        let r = replies
            .first()
            .ok_or_else(|| Error::protocol(&op, "no reply"))?;
        let info = Ifinfomsg::from_bytes_with_input(&mut Cursor::new(r.as_ref()), r.len())
            .map_err(|e| Error::protocol(&op, e))?;
        parse_link(&info)
    }

    /// The interface's `IFLA_STATS64` counters.
    pub fn stats64(&self, ifname: &str) -> Result<Stats64> {
        self.link(ifname)?.stats64.ok_or_else(|| {
            Error::protocol(format!("RTM_GETLINK {ifname}"), "no IFLA_STATS64 attribute")
        })
    }

    /// `ip link set IFNAME up|down`.
    pub fn set_up(&self, ifname: &str, up: bool) -> Result<()> {
        let b = IfinfomsgBuilder::default();
        self.newlink(ifname, if up { b.up() } else { b.down() }, None)
    }

    /// `ip link set IFNAME mtu MTU`.
    pub fn set_mtu(&self, ifname: &str, mtu: u32) -> Result<()> {
        self.newlink(ifname, IfinfomsgBuilder::default(), Some(mtu))
    }

    fn newlink(&self, ifname: &str, b: IfinfomsgBuilder, mtu: Option<u32>) -> Result<()> {
        let op = format!("RTM_NEWLINK {ifname}");
        let index = if_index(ifname).map_err(|e| Error::io(&op, e))?;
        let mut attrs = RtBuffer::new();
        if let Some(m) = mtu {
            attrs.push(
                RtattrBuilder::default()
                    .rta_type(Ifla::Mtu)
                    .rta_payload(m)
                    .build()
                    .map_err(|e| Error::protocol(&op, e))?,
            );
        }
        let msg = b
            .ifi_family(RtAddrFamily::Unspecified)
            .ifi_index(index)
            .rtattrs(attrs)
            .build()
            .map_err(|e| Error::protocol(&op, e))?;
        self.conn
            .request(&op, u16::from(Rtm::Newlink), NlmF::empty(), msg)
            .map(drop)
    }
}

fn parse_link(info: &Ifinfomsg) -> Result<Link> {
    let mut link = Link {
        index: *info.ifi_index(),
        name: String::new(),
        up: info.ifi_flags().contains(Iff::UP),
        running: info.ifi_flags().contains(Iff::RUNNING),
        mtu: None,
        min_mtu: None,
        max_mtu: None,
        carrier: None,
        stats64: None,
    };
    let u32_of = |p: &[u8]| <[u8; 4]>::try_from(p).ok().map(u32::from_ne_bytes);
    for a in info.rtattrs().get_attr_handle().iter() {
        let p = a.rta_payload().as_ref();
        match a.rta_type() {
            Ifla::Ifname => link.name = super::attr::c_string(p),
            Ifla::Mtu => link.mtu = u32_of(p),
            Ifla::MinMtu => link.min_mtu = u32_of(p),
            Ifla::MaxMtu => link.max_mtu = u32_of(p),
            Ifla::Carrier => link.carrier = p.first().map(|v| *v != 0),
            Ifla::Stats64 => link.stats64 = Some(Stats64::parse(p)?),
            _ => {}
        }
    }
    Ok(link)
}

/// `if_nametoindex(3)`.
pub fn if_index(ifname: &str) -> std::io::Result<i32> {
    let c = CString::new(ifname).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `c` is a valid NUL-terminated string for the call.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    if i == 0 {
        Err(std::io::Error::last_os_error())
    } else {
        i32::try_from(i).map_err(|_| std::io::Error::from_raw_os_error(libc::ERANGE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats64_fields_in_header_order() {
        let bytes: Vec<u8> = (1..=25u64).flat_map(|v| v.to_ne_bytes()).collect();
        let s = Stats64::parse(&bytes).unwrap();
        assert_eq!(s.rx_packets, 1);
        assert_eq!(s.tx_bytes, 4);
        assert_eq!(s.rx_crc_errors, 13);
        assert_eq!(s.rx_otherhost_dropped, 25);
        let pairs = s.pairs();
        assert_eq!(pairs[9], ("collisions", 10));
        assert_eq!(pairs.len(), 25);
    }

    #[test]
    fn stats64_older_struct_zero_fills() {
        let bytes: Vec<u8> = (1..=24u64).flat_map(|v| v.to_ne_bytes()).collect();
        let s = Stats64::parse(&bytes).unwrap();
        assert_eq!(s.rx_nohandler, 24);
        assert_eq!(s.rx_otherhost_dropped, 0);
        assert!(Stats64::parse(&bytes[..100]).is_err());
    }

    #[test]
    fn loopback_has_an_index() {
        assert!(if_index("lo").unwrap() > 0);
        assert!(if_index("no-such-if0").is_err());
    }
}
