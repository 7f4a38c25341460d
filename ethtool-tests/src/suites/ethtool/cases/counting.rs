// SPDX-License-Identifier: GPL-2.0
//! Exact counting: N UDP frames of one size between the dut and the peer on
//! an otherwise idle link, and every counter that must move by exactly N
//! frames (or N times their length) checked against the expectation derived
//! from N and the frame size alone.
//!
//! The link is made idle by turning IPv6 off on both ends (no ND, MLD or
//! router solicitations) and pinning static IPv4 neighbours (no ARP).

use std::collections::BTreeMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use super::{expect, netns};
use crate::netlink::{Ethtool, Ioctl, Rtnl, Stats64, StatsGroup, StdGroup};
use crate::topology::{Topology, NETNS, PEER_IP4};
use crate::{traffic, wait, DUT, PEER};

/// The dut's IPv4 address (`topology::DUT_ADDRS`).
pub const DUT_IP4: &str = "192.0.2.1";
/// Ethernet + IPv4 + UDP headers.
pub const UDP4_OVERHEAD: usize = 14 + 20 + 8;
/// The FCS the MAC appends and the hardware byte counters include.
pub const FCS: u64 = 4;

fn disable_ipv6(topo: &Topology, off: bool) -> Result<()> {
    let v = if off { "1" } else { "0" };
    for port in [&topo.dut, &topo.peer] {
        let path = format!("/proc/sys/net/ipv6/conf/{}/disable_ipv6", port.ifname);
        netns::write_sysctl(port.netns, &path, v)?;
    }
    Ok(())
}

fn pin_neighbours(topo: &Topology) -> Result<()> {
    for (port, ip, mac) in [
        (&topo.dut, PEER_IP4, PEER.mac),
        (&topo.peer, DUT_IP4, DUT.mac),
    ] {
        port.ip(&[
            "neigh",
            "replace",
            ip,
            "lladdr",
            mac,
            "dev",
            &port.ifname,
            "nud",
            "permanent",
        ])?;
    }
    Ok(())
}

/// Makes the link idle (see the module documentation).
pub fn quiet(topo: &Topology) -> Result<()> {
    pin_neighbours(topo)?;
    disable_ipv6(topo, true)
}

/// Undoes [`quiet`]: IPv6 back on, neighbours dynamic again, and the
/// topology's addresses (turning IPv6 off removed the IPv6 ones) restored.
pub fn unquiet(topo: &mut Topology) -> Result<()> {
    disable_ipv6(topo, false)?;
    for (port, ip) in [(&topo.dut, PEER_IP4), (&topo.peer, DUT_IP4)] {
        let _ = port.ip(&["neigh", "del", ip, "dev", &port.ifname]);
    }
    topo.reconfigure()
}

/// Which way the counted frames go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// The peer sends, the dut receives.
    Rx,
    /// The dut sends, the peer receives.
    Tx,
}

/// Every counter of the dut that the counted frames touch.
#[derive(Clone, Debug)]
pub struct Reading {
    pub stats64: Stats64,
    /// `ethtool -S`.
    pub nic: BTreeMap<String, u64>,
    /// eth-mac and rmon, when the driver has them.
    pub groups: Vec<StatsGroup>,
}

/// The three clients a reading goes through.
pub struct Clients {
    pub eth: Ethtool,
    pub io: Ioctl,
    pub rtnl: Rtnl,
}

impl Clients {
    pub fn connect() -> Result<Self> {
        Ok(Clients {
            eth: Ethtool::connect()?,
            io: Ioctl::open()?,
            rtnl: Rtnl::connect()?,
        })
    }

    pub fn stats64(&self, ifname: &str) -> Result<Stats64> {
        Ok(self.rtnl.stats64(ifname)?)
    }

    /// Reads the hardware counters (`ethtool -S`, then the standard groups
    /// if `std_groups`) and stats64 last.
    pub fn read(&self, ifname: &str, std_groups: bool) -> Result<Reading> {
        let nic = self.io.stats(ifname)?.into_iter().collect();
        let groups = if std_groups {
            self.eth
                .stats_get(ifname, &[StdGroup::EthMac, StdGroup::Rmon])?
        } else {
            Vec::new()
        };
        Ok(Reading {
            stats64: self.stats64(ifname)?,
            nic,
            groups,
        })
    }
}

impl Reading {
    fn nic(&self, name: &str) -> Result<u64> {
        self.nic
            .get(name)
            .copied()
            .with_context(|| format!("no `{name}` in ethtool -S"))
    }

    fn group(&self, g: StdGroup) -> Result<&StatsGroup> {
        self.groups
            .iter()
            .find(|x| x.group == g)
            .with_context(|| format!("no {} group in the STATS_GET reply", g.name()))
    }
}

/// One counter's movement against its expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delta {
    pub name: String,
    pub got: i128,
    pub want: u64,
}

/// The counters a batch of `n` frames of `len` bytes (no FCS) in `dir`
/// must have moved between `a` and `b`, and by how much they did.
pub fn deltas(a: &Reading, b: &Reading, dir: Dir, n: u64, len: u64) -> Result<Vec<Delta>> {
    let mut v = Vec::new();
    let mut d = |name: String, x: u64, y: u64, want: u64| {
        v.push(Delta {
            name,
            got: i128::from(y) - i128::from(x),
            want,
        })
    };
    let (s0, s1) = (&a.stats64, &b.stats64);
    let (rx, tx) = match dir {
        Dir::Rx => (n, 0),
        Dir::Tx => (0, n),
    };
    d(
        "stats64 rx_packets".into(),
        s0.rx_packets,
        s1.rx_packets,
        rx,
    );
    d(
        "stats64 rx_bytes".into(),
        s0.rx_bytes,
        s1.rx_bytes,
        rx * len,
    );
    d(
        "stats64 tx_packets".into(),
        s0.tx_packets,
        s1.tx_packets,
        tx,
    );
    d(
        "stats64 tx_bytes".into(),
        s0.tx_bytes,
        s1.tx_bytes,
        tx * len,
    );
    for (name, want) in [
        ("rx_packets", rx),
        ("rx_bytes", rx * (len + FCS)),
        ("tx_packets", tx),
        ("tx_bytes", tx * (len + FCS)),
    ] {
        d(
            format!("ethtool -S {name}"),
            a.nic(name)?,
            b.nic(name)?,
            want,
        );
    }
    if a.groups.is_empty() {
        return Ok(v);
    }
    let (m0, m1) = (a.group(StdGroup::EthMac)?, b.group(StdGroup::EthMac)?);
    for (name, want) in [
        ("FramesReceivedOK", rx),
        ("OctetsReceivedOK", rx * (len + FCS)),
        ("FramesTransmittedOK", tx),
        ("OctetsTransmittedOK", tx * (len + FCS)),
    ] {
        let get = |g: &StatsGroup| {
            g.get(name)
                .with_context(|| format!("eth-mac has no {name}"))
        };
        d(format!("eth-mac {name}"), get(m0)?, get(m1)?, want);
    }
    let (r0, r1) = (a.group(StdGroup::Rmon)?, b.group(StdGroup::Rmon)?);
    let bucket = expect::rmon_bucket((len + FCS) as u32);
    for (side, h0, h1, count) in [
        ("rx", &r0.hist_rx, &r1.hist_rx, rx),
        ("tx", &r0.hist_tx, &r1.hist_tx, tx),
    ] {
        ensure!(
            h0.len() == h1.len(),
            "rmon {side} histogram changed shape between reads"
        );
        for (x, y) in h0.iter().zip(h1) {
            let want = if bucket == Some((x.low, x.high)) {
                count
            } else {
                0
            };
            d(
                format!("rmon {side} {}-{}", x.low, x.high),
                x.value,
                y.value,
                want,
            );
        }
    }
    Ok(v)
}

/// The deltas as a table, wrong ones marked.
pub fn table(v: &[Delta]) -> String {
    v.iter()
        .map(|d| {
            format!(
                "{} {:<28} {:>9} (expected {})",
                if d.got == i128::from(d.want) {
                    " "
                } else {
                    "!"
                },
                d.name,
                d.got,
                d.want
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A UDP socket in the peer's namespace, bound to the peer's address.
pub fn peer_socket() -> Result<UdpSocket> {
    netns::run(NETNS, || {
        UdpSocket::bind((PEER_IP4, 0)).context("binding a UDP socket in the peer namespace")
    })
}

/// A UDP socket on the dut's address (root namespace).
pub fn dut_socket() -> Result<UdpSocket> {
    UdpSocket::bind((DUT_IP4, 0)).context("binding a UDP socket on the dut")
}

/// Sends `n` datagrams of `payload` bytes from `from` to `to`, retrying a
/// send the queue refused.
pub fn send(from: &UdpSocket, to: SocketAddr, n: u64, payload: usize) -> Result<()> {
    let mut buf = vec![0u8; payload];
    for i in 0..n {
        buf[..8.min(payload)].copy_from_slice(&i.to_be_bytes()[..8.min(payload)]);
        let start = Instant::now();
        loop {
            match from.send_to(&buf, to) {
                Ok(k) if k == payload => break,
                Ok(k) => bail!("sent {k} of {payload} bytes"),
                Err(e)
                    if matches!(e.raw_os_error(), Some(libc::ENOBUFS) | Some(libc::EAGAIN))
                        && start.elapsed() < Duration::from_secs(5) =>
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(e) => return Err(e).with_context(|| format!("sending datagram {i} to {to}")),
            }
        }
    }
    Ok(())
}

/// Reads what `sock` received until `n` datagrams of `payload` bytes are
/// in or `timeout` passes; returns how many arrived.
pub fn drain(sock: &UdpSocket, n: u64, payload: usize, timeout: Duration) -> Result<u64> {
    sock.set_nonblocking(true)?;
    let mut buf = vec![0u8; 2048];
    let mut got = 0;
    let start = Instant::now();
    while got < n && start.elapsed() < timeout {
        match sock.recv(&mut buf) {
            Ok(k) => {
                ensure!(k == payload, "received a {k}-byte datagram, sent {payload}");
                got += 1;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(wait::STEP),
            Err(e) => return Err(e).context("receiving"),
        }
    }
    Ok(got)
}

/// Enlarges a receive buffer so `n` datagrams fit without the socket
/// dropping any.
pub fn big_rcvbuf(sock: &UdpSocket) -> Result<()> {
    traffic::force_rcvbuf(sock, 8 << 20)
}
