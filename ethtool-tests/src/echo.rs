// SPDX-License-Identifier: GPL-2.0
//! ICMP and ICMPv6 echo over raw sockets with a payload pattern per request
//! that the reply must carry back byte for byte (any size up to 65000 bytes;
//! the kernels fragment and reassemble).

use std::io;
use std::mem;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::traffic::{force_rcvbuf, Rng};

/// Outcome of a series of echo requests of one size.
#[derive(Debug, Clone, Default)]
pub struct EchoReport {
    pub sent: u32,
    /// Requests answered with a reply carrying exactly the request's payload.
    pub ok: u32,
    pub rtt_max: Duration,
    /// What went wrong (missing or corrupt replies).
    pub errors: Vec<String>,
}

impl EchoReport {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "sent": self.sent, "ok": self.ok,
            "rtt_max_ms": self.rtt_max.as_secs_f64() * 1e3, "errors": self.errors
        })
    }

    pub fn from_json(v: &serde_json::Value) -> Result<Self> {
        Ok(Self {
            sent: v["sent"].as_u64().context("no `sent` in echo report")? as u32,
            ok: v["ok"].as_u64().context("no `ok` in echo report")? as u32,
            rtt_max: Duration::from_secs_f64(v["rtt_max_ms"].as_f64().unwrap_or(0.0) / 1e3),
            errors: v["errors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// ICMP checksum (RFC 1071).
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u64 = data
        .chunks(2)
        .map(|c| u64::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The payload of request (`id`, `seq`) of `size` bytes.
pub fn payload(id: u16, seq: u16, size: usize) -> Vec<u8> {
    let mut p = vec![0u8; size];
    Rng::new(u64::from(id) << 48 | u64::from(seq) << 32 | size as u64).fill(&mut p);
    p
}

/// Echo request (ICMP header + payload); the v4 checksum is filled in, the
/// kernel fills in ICMPv6's.
pub fn request(v6: bool, id: u16, seq: u16, size: usize) -> Vec<u8> {
    let mut p = vec![if v6 { 128 } else { 8 }, 0, 0, 0];
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&payload(id, seq, size));
    if !v6 {
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
    }
    p
}

/// What a received packet is to us.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// Not the reply we wait for (other traffic, an earlier request's reply).
    Other,
    /// Our reply, intact.
    Good,
    /// Our reply, but wrong.
    Bad(String),
}

/// Classifies an ICMP message (starting at the ICMP header) as the reply to
/// (`id`, `seq`) with a `size`-byte payload.
pub fn classify(v6: bool, icmp: &[u8], id: u16, seq: u16, size: usize) -> Reply {
    let want_type = if v6 { 129 } else { 0 };
    if icmp.len() < 8
        || icmp[0] != want_type
        || u16::from_be_bytes([icmp[4], icmp[5]]) != id
        || u16::from_be_bytes([icmp[6], icmp[7]]) != seq
    {
        return Reply::Other;
    }
    if icmp[1] != 0 {
        return Reply::Bad(format!("reply code {}", icmp[1]));
    }
    if !v6 && checksum(icmp) != 0 {
        return Reply::Bad("bad ICMP checksum".into());
    }
    let got = &icmp[8..];
    if got.len() != size {
        return Reply::Bad(format!(
            "reply carries {} payload bytes, sent {size}",
            got.len()
        ));
    }
    let want = payload(id, seq, size);
    if let Some(i) = want.iter().zip(got).position(|(a, b)| a != b) {
        return Reply::Bad(format!(
            "payload byte {i} is {:#04x}, sent {:#04x}",
            got[i], want[i]
        ));
    }
    Reply::Good
}

/// The ICMP part of an IPv4 packet from `src`, if it is one.
fn icmp_of_ipv4(pkt: &[u8], src: Ipv4Addr) -> std::result::Result<Option<&[u8]>, String> {
    if pkt.len() < 20 || pkt[0] >> 4 != 4 {
        return Ok(None);
    }
    let ihl = usize::from(pkt[0] & 0x0f) * 4;
    if pkt.len() < ihl || pkt[12..16] != src.octets() || pkt[9] != 1 {
        return Ok(None);
    }
    let total = usize::from(u16::from_be_bytes([pkt[2], pkt[3]]));
    if total != pkt.len() {
        return Err(format!(
            "IPv4 total length {total}, {} bytes received",
            pkt.len()
        ));
    }
    Ok(Some(&pkt[ihl..]))
}

fn socket(v6: bool) -> Result<OwnedFd> {
    let (dom, proto) = if v6 {
        (libc::AF_INET6, libc::IPPROTO_ICMPV6)
    } else {
        (libc::AF_INET, libc::IPPROTO_ICMP)
    };
    // SAFETY: plain syscall; the fd is owned from here on.
    let fd = unsafe { libc::socket(dom, libc::SOCK_RAW | libc::SOCK_CLOEXEC, proto) };
    if fd < 0 {
        return Err(io::Error::last_os_error()).context("raw ICMP socket (needs root)");
    }
    // SAFETY: fd is fresh and owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // Let the kernel fragment large requests locally (no DF).
    let (level, opt, val) = if v6 {
        (
            libc::IPPROTO_IPV6,
            libc::IPV6_MTU_DISCOVER,
            libc::IPV6_PMTUDISC_DONT,
        )
    } else {
        (
            libc::IPPROTO_IP,
            libc::IP_MTU_DISCOVER,
            libc::IP_PMTUDISC_DONT,
        )
    };
    // SAFETY: val outlives the call; size matches.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            opt,
            (&val as *const i32).cast(),
            mem::size_of::<i32>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error()).context("IP(V6)_MTU_DISCOVER");
    }
    // A reassembled 65 kB reply is ~45 fragments of truesize each.
    force_rcvbuf(&fd, 8 << 20)?;
    Ok(fd)
}

fn send_to(fd: &OwnedFd, dst: IpAddr, pkt: &[u8]) -> io::Result<()> {
    let n = match dst {
        IpAddr::V4(a) => {
            // SAFETY: sockaddr_in is plain data; all-zero is valid.
            let mut sa: libc::sockaddr_in = unsafe { mem::zeroed() };
            sa.sin_family = libc::AF_INET as libc::sa_family_t;
            sa.sin_addr.s_addr = u32::from_ne_bytes(a.octets());
            // SAFETY: buffer and address valid for the call.
            unsafe {
                libc::sendto(
                    fd.as_raw_fd(),
                    pkt.as_ptr().cast(),
                    pkt.len(),
                    0,
                    (&sa as *const libc::sockaddr_in).cast(),
                    mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                )
            }
        }
        IpAddr::V6(a) => {
            // SAFETY: as above.
            let mut sa: libc::sockaddr_in6 = unsafe { mem::zeroed() };
            sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sa.sin6_addr.s6_addr = a.octets();
            // SAFETY: as above.
            unsafe {
                libc::sendto(
                    fd.as_raw_fd(),
                    pkt.as_ptr().cast(),
                    pkt.len(),
                    0,
                    (&sa as *const libc::sockaddr_in6).cast(),
                    mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                )
            }
        }
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    if n as usize != pkt.len() {
        return Err(io::Error::other(format!("sent {n} of {} bytes", pkt.len())));
    }
    Ok(())
}

/// Receives one packet (and, for v6, its source) with a timeout.
fn recv_from(
    fd: &OwnedFd,
    buf: &mut [u8],
    timeout: Duration,
) -> Result<Option<(usize, Option<Ipv6Addr>)>> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd.
    let r = unsafe { libc::poll(&mut pfd, 1, ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(None);
        }
        return Err(e).context("poll");
    }
    if r == 0 {
        return Ok(None);
    }
    // SAFETY: storage is plain data.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: buffers valid for the given lengths.
    let n = unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            (&mut ss as *mut libc::sockaddr_storage).cast(),
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
        return Err(e).context("recvfrom");
    }
    let n = n as usize;
    if n > buf.len() {
        bail!(
            "a {n}-byte packet did not fit the {}-byte buffer",
            buf.len()
        );
    }
    let src = if i32::from(ss.ss_family) == libc::AF_INET6 {
        // SAFETY: the family says it is a sockaddr_in6.
        let sa: &libc::sockaddr_in6 =
            unsafe { &*(&ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
        Some(Ipv6Addr::from(sa.sin6_addr.s6_addr))
    } else {
        None
    };
    Ok(Some((n, src)))
}

/// Sends `count` echo requests of `size` payload bytes to `dst`, one at a
/// time, each waiting up to `timeout` for its reply.
pub fn echo(dst: IpAddr, size: usize, count: u16, timeout: Duration) -> Result<EchoReport> {
    let v6 = dst.is_ipv6();
    let fd = socket(v6)?;
    // Distinct per process and per call, so concurrent pingers never match
    // each other's replies.
    let id = (crate::traffic::fresh_seed() & 0xffff) as u16;
    let mut rep = EchoReport::default();
    let mut buf = vec![0u8; 70_000];
    for seq in 1..=count {
        let req = request(v6, id, seq, size);
        let start = Instant::now();
        send_to(&fd, dst, &req).with_context(|| format!("sending a {size}-byte echo to {dst}"))?;
        rep.sent += 1;
        let mut answered = false;
        while let Some(left) = timeout.checked_sub(start.elapsed()) {
            let Some((n, src6)) = recv_from(&fd, &mut buf, left)? else {
                continue;
            };
            let pkt = &buf[..n];
            let icmp = match dst {
                IpAddr::V4(a) => match icmp_of_ipv4(pkt, a) {
                    Ok(Some(i)) => i,
                    Ok(None) => continue,
                    Err(why) => {
                        rep.errors.push(format!("seq {seq}: {why}"));
                        answered = true;
                        break;
                    }
                },
                IpAddr::V6(a) => {
                    if src6 != Some(a) {
                        continue;
                    }
                    pkt
                }
            };
            match classify(v6, icmp, id, seq, size) {
                Reply::Other => continue,
                Reply::Good => {
                    rep.ok += 1;
                    rep.rtt_max = rep.rtt_max.max(start.elapsed());
                }
                Reply::Bad(why) => rep.errors.push(format!("seq {seq}: {why}")),
            }
            answered = true;
            break;
        }
        if !answered {
            rep.errors.push(format!(
                "seq {seq}: no reply within {:.1} s",
                timeout.as_secs_f64()
            ));
        }
    }
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_request_checksums_to_zero_and_reply_is_recognised() {
        let mut p = request(false, 0x1234, 7, 1473);
        assert_eq!(checksum(&p), 0);
        assert_eq!(classify(false, &p, 0x1234, 7, 1473), Reply::Other);
        // Turn it into the reply the peer would send.
        p[0] = 0;
        p[2..4].copy_from_slice(&[0, 0]);
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
        assert_eq!(classify(false, &p, 0x1234, 7, 1473), Reply::Good);
        assert_eq!(classify(false, &p, 0x1234, 8, 1473), Reply::Other);
        let mut bad = p.clone();
        bad[100] ^= 0xff;
        assert!(matches!(
            classify(false, &bad, 0x1234, 7, 1473),
            Reply::Bad(_)
        ));
        assert!(matches!(
            classify(false, &p[..p.len() - 2], 0x1234, 7, 1473),
            Reply::Bad(_)
        ));
    }

    #[test]
    fn v6_payload_is_checked() {
        let mut p = request(true, 9, 1, 0);
        p[0] = 129;
        assert_eq!(classify(true, &p, 9, 1, 0), Reply::Good);
        let mut p = request(true, 9, 2, 56);
        p[0] = 129;
        p[8 + 55] ^= 1;
        assert!(matches!(classify(true, &p, 9, 2, 56), Reply::Bad(_)));
    }

    #[test]
    fn payloads_differ_per_request() {
        assert_ne!(payload(1, 1, 56), payload(1, 2, 56));
        assert_eq!(payload(1, 1, 56), payload(1, 1, 56));
    }
}
