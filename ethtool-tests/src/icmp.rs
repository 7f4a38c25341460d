// SPDX-License-Identifier: GPL-2.0
//! A minimal IPv4 ping over a raw socket (root), for guests whose host has
//! no `ping` binary (iputils-ping is not part of the project's host packages).

use std::io;
use std::mem;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Outcome of [`ping`].
#[derive(Debug, Clone)]
pub struct Summary {
    pub sent: u32,
    /// Round-trip times of the answered requests.
    pub rtts: Vec<Duration>,
}

impl Summary {
    /// `ping`-like summary line.
    pub fn line(&self, dst: Ipv4Addr) -> String {
        let recv = self.rtts.len();
        let ms: Vec<f64> = self.rtts.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        let mut s = format!("{dst}: {} sent, {recv} received", self.sent);
        if recv > 0 {
            let min = ms.iter().copied().fold(f64::INFINITY, f64::min);
            let max = ms.iter().copied().fold(0.0, f64::max);
            let avg = ms.iter().sum::<f64>() / recv as f64;
            s.push_str(&format!(", rtt min/avg/max {min:.3}/{avg:.3}/{max:.3} ms"));
        }
        s
    }
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn echo_request(id: u16, seq: u16) -> Vec<u8> {
    let mut p = vec![8, 0, 0, 0];
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend((0..56u8).map(|i| i.wrapping_add(0x10)));
    let c = checksum(&p);
    p[2..4].copy_from_slice(&c.to_be_bytes());
    p
}

/// Whether `pkt` (IPv4 header + ICMP) is the echo reply to (`id`, `seq`) from `dst`.
fn is_reply(pkt: &[u8], dst: Ipv4Addr, id: u16, seq: u16) -> bool {
    let Some(&vihl) = pkt.first() else {
        return false;
    };
    let ihl = usize::from(vihl & 0x0f) * 4;
    if pkt.len() < ihl + 8 || pkt.len() < 20 || pkt[12..16] != dst.octets() {
        return false;
    }
    let icmp = &pkt[ihl..];
    icmp[0] == 0
        && u16::from_be_bytes([icmp[4], icmp[5]]) == id
        && u16::from_be_bytes([icmp[6], icmp[7]]) == seq
}

fn raw_socket() -> Result<OwnedFd> {
    // SAFETY: plain syscall; the fd is owned from here on.
    let fd = unsafe {
        libc::socket(
            libc::AF_INET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::IPPROTO_ICMP,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error()).context("raw ICMP socket (needs root)");
    }
    // SAFETY: fd is a fresh, valid descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn set_rcv_timeout(fd: &OwnedFd, t: Duration) -> Result<()> {
    let tv = libc::timeval {
        tv_sec: t.as_secs() as libc::time_t,
        tv_usec: t.subsec_micros().max(1) as libc::suseconds_t,
    };
    // SAFETY: tv outlives the call and the size matches.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast(),
            mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error()).context("SO_RCVTIMEO");
    }
    Ok(())
}

/// Sends `count` echo requests one after another, waiting up to `timeout`
/// for each reply (like `ping -c COUNT -W TIMEOUT`, without the 1 s gap).
pub fn ping(dst: Ipv4Addr, count: u16, timeout: Duration) -> Result<Summary> {
    let fd = raw_socket()?;
    let id = (std::process::id() & 0xffff) as u16;
    // SAFETY: sockaddr_in is plain data; all-zero is a valid value.
    let mut sa: libc::sockaddr_in = unsafe { mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_addr.s_addr = u32::from_ne_bytes(dst.octets());
    let mut rtts = Vec::new();
    for seq in 1..=count {
        let req = echo_request(id, seq);
        let start = Instant::now();
        // SAFETY: buffer and address are valid for the call.
        let n = unsafe {
            libc::sendto(
                fd.as_raw_fd(),
                req.as_ptr().cast(),
                req.len(),
                0,
                (&sa as *const libc::sockaddr_in).cast(),
                mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error())
                .with_context(|| format!("sending echo request to {dst}"));
        }
        let mut buf = [0u8; 2048];
        loop {
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            set_rcv_timeout(&fd, left)?;
            // SAFETY: buf is valid for writes of its length.
            let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = io::Error::last_os_error();
                match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => break,
                    io::ErrorKind::Interrupted => continue,
                    _ => return Err(e).context("receiving echo reply"),
                }
            }
            if is_reply(&buf[..n as usize], dst, id, seq) {
                rtts.push(start.elapsed());
                break;
            }
        }
    }
    Ok(Summary {
        sent: u32::from(count),
        rtts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_checksums_to_zero() {
        let p = echo_request(0x1234, 7);
        assert_eq!(checksum(&p), 0);
        assert_eq!(&p[4..8], &[0x12, 0x34, 0, 7]);
    }

    #[test]
    fn recognises_reply() {
        let dst = Ipv4Addr::new(192, 0, 2, 2);
        let mut pkt = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 192, 0, 2, 2, 192, 0, 2, 1,
        ];
        pkt.extend_from_slice(&[0, 0, 0, 0, 0x12, 0x34, 0, 7]);
        assert!(is_reply(&pkt, dst, 0x1234, 7));
        assert!(!is_reply(&pkt, dst, 0x1234, 8));
        assert!(!is_reply(&pkt, Ipv4Addr::new(192, 0, 2, 3), 0x1234, 7));
    }
}
