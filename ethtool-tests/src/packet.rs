// SPDX-License-Identifier: GPL-2.0
//! Raw Ethernet frames through AF_PACKET: the peer sends frames to chosen
//! destination MACs (foreign unicast, multicast groups) and the dut watches
//! which of them its receive filter let through.
//!
//! Frame layout: dst, src, EtherType [`ETHERTYPE`], then tag (4 bytes), kind
//! (1), index (4) and a pattern of (tag, kind, index) up to [`FRAME_LEN`].

use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};

use crate::traffic::{force_rcvbuf, Rng};

/// IEEE 802 local experimental EtherType 1.
pub const ETHERTYPE: u16 = 0x88b5;
/// Frame length without FCS (above the 60-byte minimum, so no padding).
pub const FRAME_LEN: usize = 128;
const HDR: usize = 14 + 9;

/// `PACKET_OTHERHOST` etc. (linux/if_packet.h).
pub const PACKET_HOST: u8 = 0;
pub const PACKET_BROADCAST: u8 = 1;
pub const PACKET_MULTICAST: u8 = 2;
pub const PACKET_OTHERHOST: u8 = 3;
pub const PACKET_OUTGOING: u8 = 4;

/// Parses `aa:bb:cc:dd:ee:ff`.
pub fn parse_mac(s: &str) -> Result<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    ensure!(parts.len() == 6, "bad MAC {s:?}");
    let mut m = [0u8; 6];
    for (i, p) in parts.iter().enumerate() {
        m[i] = u8::from_str_radix(p, 16).with_context(|| format!("bad MAC {s:?}"))?;
    }
    Ok(m)
}

pub fn fmt_mac(m: &[u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The 8254x multicast table hash with RCTL.MO = 0 (address bits 47:36), as
/// Intel's datasheet and the C driver define it.
pub fn mta_hash(m: &[u8; 6]) -> u16 {
    ((u16::from(m[4]) >> 4) | (u16::from(m[5]) << 4)) & 0xfff
}

fn pattern(tag: u32, kind: u8, idx: u32) -> Rng {
    Rng::new(u64::from(tag) << 40 ^ u64::from(kind) << 32 ^ u64::from(idx))
}

/// Frame `idx` of (`tag`, `kind`).
pub fn frame(dst: &[u8; 6], src: &[u8; 6], tag: u32, kind: u8, idx: u32) -> Vec<u8> {
    let mut f = Vec::with_capacity(FRAME_LEN);
    f.extend_from_slice(dst);
    f.extend_from_slice(src);
    f.extend_from_slice(&ETHERTYPE.to_be_bytes());
    f.extend_from_slice(&tag.to_be_bytes());
    f.push(kind);
    f.extend_from_slice(&idx.to_be_bytes());
    f.resize(FRAME_LEN, 0);
    pattern(tag, kind, idx).fill(&mut f[HDR..]);
    f
}

/// A received test frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub dst: [u8; 6],
    pub tag: u32,
    pub kind: u8,
    pub idx: u32,
}

/// Decodes a frame of tag `tag`; `Ok(None)` for other frames, `Err` for a
/// frame of this tag whose content is wrong.
pub fn decode(f: &[u8], tag: u32) -> std::result::Result<Option<Seen>, String> {
    if f.len() < HDR || f[12..14] != ETHERTYPE.to_be_bytes() {
        return Ok(None);
    }
    if u32::from_be_bytes(f[14..18].try_into().unwrap()) != tag {
        return Ok(None);
    }
    let kind = f[18];
    let idx = u32::from_be_bytes(f[19..23].try_into().unwrap());
    // QEMU and the driver must neither truncate nor pad it.
    if f.len() != FRAME_LEN {
        return Err(format!(
            "frame kind {kind} #{idx}: {} bytes, sent {FRAME_LEN}",
            f.len()
        ));
    }
    let mut want = vec![0u8; FRAME_LEN - HDR];
    pattern(tag, kind, idx).fill(&mut want);
    if let Some(i) = want.iter().zip(&f[HDR..]).position(|(a, b)| a != b) {
        return Err(format!(
            "frame kind {kind} #{idx}: byte {} differs",
            i + HDR
        ));
    }
    Ok(Some(Seen {
        dst: f[0..6].try_into().unwrap(),
        tag,
        kind,
        idx,
    }))
}

fn ifindex(ifname: &str) -> Result<u32> {
    let c = CString::new(ifname)?;
    // SAFETY: valid C string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    if i == 0 {
        return Err(io::Error::last_os_error()).with_context(|| format!("no interface {ifname}"));
    }
    Ok(i)
}

/// An AF_PACKET socket bound to one interface and [`ETHERTYPE`].
#[derive(Debug)]
pub struct PacketSocket {
    fd: OwnedFd,
}

impl PacketSocket {
    pub fn open(ifname: &str) -> Result<Self> {
        let proto = ETHERTYPE.to_be();
        // SAFETY: plain syscall.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                i32::from(proto),
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error()).context("AF_PACKET socket (needs root)");
        }
        // SAFETY: fresh fd owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: plain data, zero is valid.
        let mut sll: libc::sockaddr_ll = unsafe { mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = proto;
        sll.sll_ifindex = ifindex(ifname)? as i32;
        // SAFETY: address valid for the call.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error()).with_context(|| format!("binding to {ifname}"));
        }
        force_rcvbuf(&fd, 4 << 20)?;
        Ok(Self { fd })
    }

    /// Sends one complete frame (without FCS).
    pub fn send(&self, frame: &[u8]) -> Result<()> {
        loop {
            // SAFETY: buffer valid for the call.
            let n =
                unsafe { libc::send(self.fd.as_raw_fd(), frame.as_ptr().cast(), frame.len(), 0) };
            if n >= 0 {
                ensure!(
                    n as usize == frame.len(),
                    "sent {n} of {} bytes",
                    frame.len()
                );
                return Ok(());
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::ENOBUFS) | Some(libc::EAGAIN) | Some(libc::EINTR) => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                _ => return Err(e).context("sending a raw frame"),
            }
        }
    }

    /// One frame and its `sll_pkttype`, waiting up to `timeout`.
    pub fn recv(&self, timeout: Duration) -> Result<Option<(Vec<u8>, u8)>> {
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r <= 0 {
            return Ok(None);
        }
        let mut buf = vec![0u8; 2048];
        // SAFETY: plain data.
        let mut sll: libc::sockaddr_ll = unsafe { mem::zeroed() };
        let mut len = mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        // SAFETY: buffers valid for their lengths.
        let n = unsafe {
            libc::recvfrom(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
                (&mut sll as *mut libc::sockaddr_ll).cast(),
                &mut len,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            ) {
                return Ok(None);
            }
            return Err(e).context("recvfrom on AF_PACKET");
        }
        buf.truncate(n as usize);
        Ok(Some((buf, sll.sll_pkttype)))
    }
}

/// One batch for [`send_batches`]: `count` frames of `kind` to `dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub dst: [u8; 6],
    pub kind: u8,
    pub count: u32,
}

impl Batch {
    /// `MAC/KIND/COUNT`.
    pub fn parse(s: &str) -> Result<Self> {
        let p: Vec<&str> = s.split('/').collect();
        if p.len() != 3 {
            bail!("bad batch {s:?} (want MAC/KIND/COUNT)");
        }
        Ok(Self {
            dst: parse_mac(p[0])?,
            kind: p[1].parse().with_context(|| format!("bad kind in {s:?}"))?,
            count: p[2]
                .parse()
                .with_context(|| format!("bad count in {s:?}"))?,
        })
    }

    pub fn arg(&self) -> String {
        format!("{}/{}/{}", fmt_mac(&self.dst), self.kind, self.count)
    }
}

/// Sends the batches in order from `ifname` (source MAC `src`).
pub fn send_batches(ifname: &str, src: &[u8; 6], tag: u32, batches: &[Batch]) -> Result<u64> {
    let s = PacketSocket::open(ifname)?;
    let mut n = 0;
    for b in batches {
        for i in 0..b.count {
            s.send(&frame(&b.dst, src, tag, b.kind, i))?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let d = parse_mac("01:00:5e:01:02:03").unwrap();
        let s = parse_mac("52:54:00:00:00:02").unwrap();
        let f = frame(&d, &s, 77, 2, 5);
        assert_eq!(f.len(), FRAME_LEN);
        let seen = decode(&f, 77).unwrap().unwrap();
        assert_eq!((seen.kind, seen.idx, seen.dst), (2, 5, d));
        assert_eq!(decode(&f, 78), Ok(None));
        let mut bad = f.clone();
        bad[100] ^= 1;
        assert!(decode(&bad, 77).is_err());
        assert!(decode(&f[..100], 77).is_err());
    }

    #[test]
    fn mta_hashes() {
        assert_eq!(mta_hash(&[0x01, 0xaa, 0, 0x12, 0x34, 0x56]), 0x563);
        assert_eq!(mta_hash(&parse_mac("01:00:5e:01:02:03").unwrap()), 0x030);
        assert_eq!(mta_hash(&parse_mac("01:00:5e:05:06:07").unwrap()), 0x070);
        assert_eq!(mta_hash(&parse_mac("33:33:00:00:00:01").unwrap()), 0x010);
    }

    #[test]
    fn batches_parse() {
        let b = Batch::parse("02:00:00:00:00:99/1/20").unwrap();
        assert_eq!(Batch::parse(&b.arg()).unwrap(), b);
        assert!(Batch::parse("02:00:00:00:00:99/1").is_err());
    }
}
