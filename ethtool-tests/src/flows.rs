// SPDX-License-Identifier: GPL-2.0
//! Traffic between the dut (this process, root namespace) and the peer (a
//! `re1000-guest tool` in namespace `peer`), and the topology changes the
//! data-path suites need (module parameters, the peer's driver, static
//! neighbours).

use std::net::{IpAddr, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};

use crate::bar::Bar;
use crate::echo::{self, EchoReport};
use crate::tool::{args, Helper};
use crate::topology::{self, Topology, NETNS, PEER_IP4, PEER_IP6, PROBE_TIMEOUT};
use crate::traffic::{self, RecvReport, SendReport, StreamOpts, StreamReport, UdpFlow};
use crate::{cmd, sysfs, wait, DUT, PEER};

/// The dut's addresses (see [`topology::DUT_ADDRS`]).
pub const DUT_IP4: &str = "192.0.2.1";
pub const DUT_IP6: &str = "2001:db8::1";

static NEXT_PORT: AtomicU16 = AtomicU16::new(20000);

/// A fresh port for one flow (no reuse within a run: no TIME_WAIT clashes).
pub fn port() -> u16 {
    NEXT_PORT.fetch_add(1, Ordering::Relaxed)
}

/// Which way data flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    DutToPeer,
    PeerToDut,
}

impl Dir {
    pub fn name(self) -> &'static str {
        match self {
            Dir::DutToPeer => "dut->peer",
            Dir::PeerToDut => "peer->dut",
        }
    }
}

fn sockaddr(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn any_addr(v6: bool, port: u16) -> String {
    if v6 {
        format!("[::]:{port}")
    } else {
        format!("0.0.0.0:{port}")
    }
}

/// Waits for a local thread with a deadline.
fn join<T>(h: JoinHandle<Result<T>>, timeout: Duration, what: &str) -> Result<T> {
    let start = Instant::now();
    while !h.is_finished() {
        if start.elapsed() > timeout {
            bail!(
                "{what} did not finish within {:.0} s",
                timeout.as_secs_f64()
            );
        }
        thread::sleep(wait::STEP);
    }
    h.join().map_err(|_| anyhow!("{what} panicked"))?
}

// ---------------------------------------------------------------------------
// TCP

/// A TCP transfer in progress.
pub struct Transfer {
    pub dir: Dir,
    pub bytes: u64,
    pub seed: u64,
    local: JoinHandle<Result<StreamReport>>,
    /// Bytes the local end sent or received.
    local_progress: Arc<AtomicU64>,
    remote: Helper,
    started: Instant,
}

/// The checked outcome of a transfer.
#[derive(Debug, Clone)]
pub struct TransferResult {
    pub sent: StreamReport,
    pub received: StreamReport,
    pub secs: f64,
}

impl TransferResult {
    pub fn mbit_s(&self) -> f64 {
        self.received.bytes as f64 * 8.0 / self.secs / 1e6
    }
}

impl Transfer {
    /// Starts `bytes` of stream `seed` in direction `dir` over IPv4 or IPv6.
    pub fn start(
        dir: Dir,
        v6: bool,
        bytes: u64,
        seed: u64,
        rate: Option<u64>,
        idle: Duration,
    ) -> Result<Self> {
        let port = port();
        let progress = Arc::new(AtomicU64::new(0));
        let p = progress.clone();
        let o = StreamOpts {
            idle,
            rate,
            retrans_limit: idle,
        };
        let started = Instant::now();
        match dir {
            Dir::DutToPeer => {
                let mut remote = Helper::spawn(
                    Some(NETNS),
                    &args::tcp_recv(&any_addr(v6, port), idle.as_secs()),
                )?;
                remote.wait_ready(Duration::from_secs(30))?;
                let dst = sockaddr(if v6 { PEER_IP6 } else { PEER_IP4 }, port);
                let local = thread::spawn(move || {
                    let mut s = traffic::connect(&dst, Duration::from_secs(10))?;
                    traffic::send_stream(&mut s, bytes, seed, &o, &p)
                });
                Ok(Self {
                    dir,
                    bytes,
                    seed,
                    local,
                    local_progress: progress,
                    remote,
                    started,
                })
            }
            Dir::PeerToDut => {
                let l = TcpListener::bind(any_addr(v6, port))
                    .with_context(|| format!("listening on port {port}"))?;
                l.set_nonblocking(true)?;
                let local = thread::spawn(move || {
                    let start = Instant::now();
                    let (mut s, _) = loop {
                        match l.accept() {
                            Ok(c) => break c,
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                                if start.elapsed() > Duration::from_secs(60) {
                                    bail!("the peer did not connect within 60 s");
                                }
                                thread::sleep(Duration::from_millis(10));
                            }
                            Err(e) => return Err(e).context("accept"),
                        }
                    };
                    s.set_nonblocking(false)?;
                    traffic::recv_stream(&mut s, &o, &p)
                });
                let dst = sockaddr(if v6 { DUT_IP6 } else { DUT_IP4 }, port);
                let remote = Helper::spawn(
                    Some(NETNS),
                    &args::tcp_send(&dst, bytes, seed, rate, idle.as_secs(), None),
                )?;
                Ok(Self {
                    dir,
                    bytes,
                    seed,
                    local,
                    local_progress: progress,
                    remote,
                    started,
                })
            }
        }
    }

    /// Bytes the receiver has read so far (the peer's reports lag by up to
    /// 200 ms).
    pub fn progress(&mut self) -> u64 {
        match self.dir {
            Dir::DutToPeer => self.remote.progress(),
            Dir::PeerToDut => self.local_progress.load(Ordering::Relaxed),
        }
    }

    /// Waits until the receiver has `n` bytes.
    pub fn wait_progress(&mut self, n: u64, timeout: Duration) -> Result<()> {
        let what = format!("{} TCP transfer to pass {n} bytes", self.dir.name());
        let start = Instant::now();
        loop {
            let p = self.progress();
            if p >= n {
                return Ok(());
            }
            if self.local.is_finished() {
                bail!("waiting for {what}: the local end finished at {p} bytes");
            }
            if start.elapsed() > timeout {
                bail!(
                    "timed out after {:.0} s waiting for {what} (at {p})",
                    timeout.as_secs_f64()
                );
            }
            thread::sleep(wait::STEP);
        }
    }

    /// Waits for both ends; `(sent, received)` reports, unchecked.
    pub fn finish(self, timeout: Duration) -> Result<TransferResult> {
        let what = format!("the local end of the {} transfer", self.dir.name());
        let local = join(self.local, timeout, &what);
        let remote = self
            .remote
            .finish(timeout)
            .and_then(|v| StreamReport::from_json(&v));
        let secs = self.started.elapsed().as_secs_f64();
        let (sent, received) = match self.dir {
            Dir::DutToPeer => (local, remote),
            Dir::PeerToDut => (remote, local),
        };
        let sent = sent.context("sender")?;
        let received = received.context("receiver")?;
        Ok(TransferResult {
            sent,
            received,
            secs,
        })
    }

    /// Waits for both ends and checks that the receiver got exactly the stream.
    pub fn check(self, timeout: Duration) -> Result<TransferResult> {
        let (bytes, dir) = (self.bytes, self.dir);
        let r = self.finish(timeout)?;
        ensure!(
            r.sent.bytes == bytes,
            "{}: sender sent {} bytes, asked for {bytes}",
            dir.name(),
            r.sent.bytes
        );
        ensure!(
            r.received == r.sent,
            "{}: received {} bytes with SHA-256 {}, sent {} bytes with SHA-256 {}",
            dir.name(),
            r.received.bytes,
            r.received.sha256,
            r.sent.bytes,
            r.sent.sha256
        );
        Ok(r)
    }
}

/// Transfers `bytes` in `dir` and checks the stream; returns the result.
pub fn tcp(dir: Dir, v6: bool, bytes: u64, timeout: Duration) -> Result<TransferResult> {
    let seed = traffic::fresh_seed();
    let t = Transfer::start(dir, v6, bytes, seed, None, Duration::from_secs(20))?;
    t.check(timeout)
        .with_context(|| format!("{} bytes {} (seed {seed:#x})", bytes, dir.name()))
}

// ---------------------------------------------------------------------------
// UDP

/// Outcome of a UDP flow.
#[derive(Debug, Clone)]
pub struct UdpResult {
    pub sent: SendReport,
    pub received: RecvReport,
    pub secs: f64,
}

/// Sends `flow` in `dir` (IPv4) to UDP `port` at `pps` and returns what each
/// end saw. The receiver stops when all datagrams are in or 3 s after the
/// last one.
pub fn udp(
    dir: Dir,
    flow: &UdpFlow,
    port: u16,
    pps: Option<u32>,
    timeout: Duration,
) -> Result<UdpResult> {
    let start = Instant::now();
    let f = *flow;
    let recv_opts = traffic::RecvOpts {
        idle: Duration::from_secs(3),
        first: Duration::from_secs(60),
    };
    let send_opts = traffic::SendOpts {
        pps,
        lenient: false,
    };
    let (sent, received) = match dir {
        Dir::PeerToDut => {
            let s = UdpSocket::bind(any_addr(false, port))?;
            traffic::force_rcvbuf(&s, 16 << 20)?;
            let stop = Arc::new(AtomicBool::new(false));
            let st = stop.clone();
            let local = thread::spawn(move || {
                traffic::recv_udp(&s, &f, &recv_opts, &st, &AtomicU64::new(0))
            });
            let remote = Helper::spawn(
                Some(NETNS),
                &args::udp_send(&sockaddr(DUT_IP4, port), flow, pps, false),
            )?;
            let sent = remote
                .finish(timeout)
                .and_then(|v| SendReport::from_json(&v));
            stop.store(true, Ordering::Relaxed);
            let received = join(local, Duration::from_secs(30), "the dut's UDP receiver");
            (sent?, received?)
        }
        Dir::DutToPeer => {
            let mut remote = Helper::spawn(
                Some(NETNS),
                &args::udp_recv(&any_addr(false, port), flow, 3),
            )?;
            remote.wait_ready(Duration::from_secs(30))?;
            let s = UdpSocket::bind("0.0.0.0:0")?;
            s.connect(sockaddr(PEER_IP4, port))?;
            traffic::ip_recverr(&s)?;
            let local = thread::spawn(move || {
                traffic::send_udp(
                    &s,
                    &f,
                    &send_opts,
                    &AtomicBool::new(false),
                    &AtomicU64::new(0),
                )
            });
            let sent = join(local, timeout, "the dut's UDP sender");
            let received = remote
                .finish(timeout)
                .and_then(|v| RecvReport::from_json(&v));
            (sent?, received?)
        }
    };
    Ok(UdpResult {
        sent,
        received,
        secs: start.elapsed().as_secs_f64(),
    })
}

// ---------------------------------------------------------------------------
// ICMP

/// Echo from the dut to the peer (`from_peer` false) or the other way, one
/// size after another; fails unless every request got its exact payload back.
pub fn echo_check(
    from_peer: bool,
    v6: bool,
    sizes: &[usize],
    count: u16,
) -> Result<Vec<(usize, EchoReport)>> {
    let dst = match (from_peer, v6) {
        (false, false) => PEER_IP4,
        (false, true) => PEER_IP6,
        (true, false) => DUT_IP4,
        (true, true) => DUT_IP6,
    };
    let ip: IpAddr = dst.parse()?;
    let timeout = Duration::from_secs(5);
    let reps: Vec<(usize, EchoReport)> = if from_peer {
        let sizes_s: Vec<String> = sizes.iter().map(|s| s.to_string()).collect();
        let a: Vec<String> = vec![
            "echo".into(),
            "--dst".into(),
            dst.into(),
            "--sizes".into(),
            sizes_s.join(","),
            "--count".into(),
            count.to_string(),
            "--timeout".into(),
            timeout.as_secs().to_string(),
        ];
        let v = Helper::spawn(Some(NETNS), &a)?.finish(Duration::from_secs(
            5 + u64::from(count) * sizes.len() as u64 * 6,
        ))?;
        let arr = v.as_array().context("echo result is not an array")?;
        ensure!(
            arr.len() == sizes.len(),
            "echo reported {} sizes",
            arr.len()
        );
        sizes
            .iter()
            .zip(arr)
            .map(|(&s, j)| Ok((s, EchoReport::from_json(j)?)))
            .collect::<Result<_>>()?
    } else {
        sizes
            .iter()
            .map(|&s| Ok((s, echo::echo(ip, s, count, timeout)?)))
            .collect::<Result<_>>()?
    };
    let who = if from_peer { "peer" } else { "dut" };
    let mut bad = Vec::new();
    for (size, r) in &reps {
        if r.ok != u32::from(count) || !r.errors.is_empty() {
            bad.push(format!(
                "{size} bytes: {}/{} intact replies; {}",
                r.ok,
                r.sent,
                r.errors.join("; ")
            ));
        }
    }
    ensure!(bad.is_empty(), "echo {who} -> {dst}:\n{}", bad.join("\n"));
    Ok(reps)
}

// ---------------------------------------------------------------------------
// Topology changes

/// Static (permanent) neighbour entries on both sides, so no ARP/ND traffic
/// disturbs exact counting and a side that is down does not need resolving.
pub fn pin_neighbours(topo: &Topology) -> Result<()> {
    for (port, ips, mac) in [
        (&topo.dut, [PEER_IP4, PEER_IP6], PEER.mac),
        (&topo.peer, [DUT_IP4, DUT_IP6], DUT.mac),
    ] {
        for ip in ips {
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
    }
    Ok(())
}

/// Removes what [`pin_neighbours`] added (ignoring entries already gone).
pub fn unpin_neighbours(topo: &Topology) {
    for (port, ips) in [
        (&topo.dut, [PEER_IP4, PEER_IP6]),
        (&topo.peer, [DUT_IP4, DUT_IP6]),
    ] {
        for ip in ips {
            let _ = port.ip(&["neigh", "del", ip, "dev", &port.ifname]);
        }
    }
}

fn disable_ipv6(topo: &Topology, off: bool) -> Result<()> {
    let v = if off { "1" } else { "0" };
    for port in [&topo.dut, &topo.peer] {
        let path = format!("/proc/sys/net/ipv6/conf/{}/disable_ipv6", port.ifname);
        match port.netns {
            None => std::fs::write(&path, v).with_context(|| format!("writing {v} to {path}"))?,
            Some(ns) => {
                cmd::run(
                    "ip",
                    [
                        "netns",
                        "exec",
                        ns,
                        "sh",
                        "-c",
                        &format!("echo {v} > {path}"),
                    ],
                )?;
            }
        }
    }
    Ok(())
}

/// Makes the link idle for exact counting: static neighbours (no ARP) and
/// IPv6 off on both ends (no ND, MLD or router solicitations).
pub fn quiet_link(topo: &Topology) -> Result<()> {
    pin_neighbours(topo)?;
    disable_ipv6(topo, true)
}

/// Undoes [`quiet_link`]: IPv6 back on, neighbours dynamic, and the
/// topology's addresses (turning IPv6 off removed the IPv6 ones) restored.
pub fn unquiet_link(topo: &mut Topology) -> Result<()> {
    disable_ipv6(topo, false)?;
    unpin_neighbours(topo);
    topo.reconfigure()
}

/// Waits until both interfaces have carrier.
pub fn wait_carriers(topo: &Topology, timeout: Duration) -> Result<()> {
    topo.dut.wait_carrier(true, timeout)?;
    topo.peer.wait_carrier(true, timeout)
}

/// Runs a command with a deadline (a stuck `rmmod` must fail the case, not
/// hang the run).
pub fn run_with_timeout(prog: &str, a: &[&str], timeout: Duration) -> Result<()> {
    let line = format!("{prog} {}", a.join(" "));
    let mut child = std::process::Command::new(prog)
        .args(a)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("running `{line}`"))?;
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait()? {
            let out = child.wait_with_output()?;
            ensure!(
                st.success(),
                "`{line}` failed ({st}): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return Ok(());
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            bail!(
                "`{line}` did not return within {:.0} s",
                timeout.as_secs_f64()
            );
        }
        thread::sleep(wait::STEP);
    }
}

/// Unloads the dut's driver and loads it again with `params` (`KEY=VALUE`);
/// re-binds and re-configures both NICs (the peer too if it uses that driver).
pub fn reload_driver(topo: &mut Topology, params: &[String]) -> Result<()> {
    let drv = topo.dut.driver.clone();
    run_with_timeout("rmmod", &[&drv], Duration::from_secs(60))?;
    let mut a: Vec<&str> = vec![&drv];
    a.extend(params.iter().map(String::as_str));
    cmd::run("modprobe", &a)?;
    topology::wait_bound(DUT.pci_addr, &drv, PROBE_TIMEOUT)?;
    if topo.peer.driver == drv {
        topology::wait_bound(PEER.pci_addr, &drv, PROBE_TIMEOUT)?;
    }
    topo.reconfigure()?;
    wait_carriers(topo, Duration::from_secs(10))
}

/// Rebinds the dut NIC to `drv` (the peer stays as it is) and re-applies
/// the topology.
pub fn set_dut_driver(topo: &mut Topology, drv: &str) -> Result<()> {
    sysfs::unbind(DUT.pci_addr)?;
    sysfs::set_driver_override(DUT.pci_addr, drv)?;
    cmd::run("modprobe", [drv])?;
    if sysfs::bound_driver(DUT.pci_addr)?.is_none() {
        sysfs::drivers_probe(DUT.pci_addr)?;
    }
    topology::wait_bound(DUT.pci_addr, drv, PROBE_TIMEOUT)?;
    topo.dut.driver = drv.to_owned();
    topo.reconfigure()?;
    wait_carriers(topo, Duration::from_secs(10))
}

/// Rebinds the peer NIC to `drv` and re-creates the topology.
pub fn set_peer_driver(topo: &mut Topology, drv: &str) -> Result<()> {
    sysfs::unbind(PEER.pci_addr)?;
    sysfs::set_driver_override(PEER.pci_addr, drv)?;
    cmd::run("modprobe", [drv])?;
    if sysfs::bound_driver(PEER.pci_addr)?.is_none() {
        sysfs::drivers_probe(PEER.pci_addr)?;
    }
    topology::wait_bound(PEER.pci_addr, drv, PROBE_TIMEOUT)?;
    topo.peer.driver = drv.to_owned();
    topo.reconfigure()?;
    wait_carriers(topo, Duration::from_secs(10))
}

/// The UDP line of /proc/net/snmp (this namespace) as name -> value.
pub fn udp_snmp() -> Result<std::collections::HashMap<String, u64>> {
    parse_snmp(&sysfs::read("/proc/net/snmp")?, "Udp:")
}

/// Parses one protocol's header and value lines of /proc/net/snmp.
pub fn parse_snmp(text: &str, proto: &str) -> Result<std::collections::HashMap<String, u64>> {
    let mut lines = text.lines().filter(|l| l.starts_with(proto));
    let names = lines
        .next()
        .with_context(|| format!("no {proto} in snmp"))?;
    let vals = lines.next().with_context(|| format!("no {proto} values"))?;
    Ok(names
        .split_whitespace()
        .skip(1)
        .zip(vals.split_whitespace().skip(1))
        .filter_map(|(n, v)| Some((n.to_owned(), v.parse().ok()?)))
        .collect())
}

// ---------------------------------------------------------------------------
// Protocol counters (`nstat -az`)

/// The protocol counters of one namespace: /proc/net/snmp and
/// /proc/net/netstat as `Proto:Name` (e.g. `Tcp:RetransSegs`,
/// `TcpExt:TCPLostRetransmit`), /proc/net/snmp6 by its own names
/// (`Ip6InHdrErrors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetStats(pub std::collections::BTreeMap<String, u64>);

/// Counters that must not move during a transfer on the lossless link: a
/// corrupt frame the driver handed up shows as a checksum or header error
/// (the stack then drops it and TCP resends it, so the SHA-256 alone cannot
/// see it), and a resend shows in the retransmission counters.
pub const LOSSLESS: &[&str] = &[
    "Ip:InHdrErrors",
    "IpExt:InCsumErrors",
    "Tcp:InErrs",
    "Tcp:InCsumErrors",
    "Tcp:RetransSegs",
    "TcpExt:TCPLostRetransmit",
    "TcpExt:TCPSpuriousRTOs",
    "TcpExt:TCPRetransFail",
    "TcpExt:TCPTimeouts",
    "Udp:InCsumErrors",
    "Ip6InHdrErrors",
    "Udp6InCsumErrors",
];

/// `Tcp:RetransSegs` is exempt from [`LOSSLESS`] for resends the receiver
/// proves it did not need: a segment that arrives twice makes it send a
/// D-SACK (`TCPDSACKOldSent`/`TCPDSACKOfoSent`, RFC 2883). Under TCG a tail
/// loss probe fires when a vCPU stall delays the ACK past 2 RTTs; the probe
/// re-sends a segment that had arrived intact. A resend of a frame the
/// driver lost or corrupted is no duplicate, so it stays a failure, and a
/// corrupt frame moves the checksum counters anyway.
///
/// The resend counters ([`RESENDS`]) are also exempt when a NIC counted
/// frames it had to drop (MPC, read from each NIC's registers: the receiver's
/// ring was full, as on the debug kernel, whose guest is too slow to keep up):
/// that loss is accounted by the hardware. The error counters never are.
const RETRANS: &str = "Tcp:RetransSegs";
/// The [`LOSSLESS`] counters a counted hardware drop explains.
const RESENDS: &[&str] = &[
    "Tcp:RetransSegs",
    "TcpExt:TCPLostRetransmit",
    "TcpExt:TCPSpuriousRTOs",
    "TcpExt:TCPTimeouts",
];
const DSACK_SENT: [&str; 2] = ["TcpExt:TCPDSACKOldSent", "TcpExt:TCPDSACKOfoSent"];
/// Shown with a failure or an exempted resend.
const TCP_DETAIL: &[&str] = &[
    "TcpExt:TCPLossProbes",
    "TcpExt:TCPLossProbeRecovery",
    "TcpExt:TCPDSACKRecv",
    "TcpExt:TCPDSACKOldSent",
    "TcpExt:TCPDSACKOfoSent",
    "TcpExt:TCPSackRecovery",
    "TcpExt:TCPOFOQueue",
];

/// Parses the `Proto: names` / `Proto: values` line pairs of /proc/net/snmp
/// and /proc/net/netstat.
pub fn parse_proto_pairs(text: &str, out: &mut std::collections::BTreeMap<String, u64>) {
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.chunks(2) {
        let [names, vals] = pair else { continue };
        let (Some((p, names)), Some((q, vals))) = (names.split_once(':'), vals.split_once(':'))
        else {
            continue;
        };
        if p != q {
            continue;
        }
        for (n, v) in names.split_whitespace().zip(vals.split_whitespace()) {
            // Tcp:MaxConn is -1; only counters matter here.
            if let Ok(v) = v.parse() {
                out.insert(format!("{p}:{n}"), v);
            }
        }
    }
}

/// Parses /proc/net/snmp6 (`Name value` per line).
pub fn parse_snmp6(text: &str, out: &mut std::collections::BTreeMap<String, u64>) {
    for l in text.lines() {
        let mut w = l.split_whitespace();
        if let (Some(n), Some(Ok(v))) = (w.next(), w.next().map(str::parse)) {
            out.insert(n.to_owned(), v);
        }
    }
}

const NETSTAT_FILES: [&str; 3] = ["/proc/net/snmp", "/proc/net/netstat", "/proc/net/snmp6"];

/// Reads the protocol counters of the root namespace (`None`) or of `netns`.
pub fn net_stats(netns: Option<&str>) -> Result<NetStats> {
    let mut m = std::collections::BTreeMap::new();
    for f in NETSTAT_FILES {
        let text = match netns {
            None => sysfs::read(f)?,
            Some(ns) => cmd::run("ip", ["netns", "exec", ns, "cat", f])?,
        };
        if f.ends_with("snmp6") {
            parse_snmp6(&text, &mut m);
        } else {
            parse_proto_pairs(&text, &mut m);
        }
    }
    for k in LOSSLESS {
        ensure!(
            m.contains_key(*k),
            "{k} not in {} of {}",
            NETSTAT_FILES.join(", "),
            netns.unwrap_or("the root namespace")
        );
    }
    Ok(NetStats(m))
}

impl NetStats {
    fn delta(&self, before: &NetStats, k: &str) -> u64 {
        match (self.0.get(k), before.0.get(k)) {
            (Some(a), Some(b)) => a.saturating_sub(*b),
            _ => 0,
        }
    }

    /// The [`LOSSLESS`] counters that moved since `before`, as `name +delta`.
    pub fn moved_since(&self, before: &NetStats) -> Vec<(String, u64)> {
        LOSSLESS
            .iter()
            .map(|k| ((*k).to_owned(), self.delta(before, k)))
            .filter(|(_, d)| *d > 0)
            .collect()
    }

    fn detail(&self, before: &NetStats) -> String {
        TCP_DETAIL
            .iter()
            .map(|k| (k, self.delta(before, k)))
            .filter(|(_, d)| *d > 0)
            .map(|(k, d)| format!("{k} +{d}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Both ends' protocol counters.
#[derive(Debug, Clone)]
pub struct BothNetStats {
    dut: NetStats,
    peer: NetStats,
}

impl BothNetStats {
    pub fn read() -> Result<Self> {
        Ok(Self {
            dut: net_stats(None).context("the dut's protocol counters")?,
            peer: net_stats(Some(NETNS)).context("the peer's protocol counters")?,
        })
    }

    /// Fails if a [`LOSSLESS`] counter moved on either end since `self`,
    /// except resends the other end reported as duplicates ([`RETRANS`]),
    /// and resends of any kind when the NICs counted `hw_missed` dropped
    /// frames meanwhile ([`RESENDS`]). Returns a note on exempted resends
    /// (empty if there were none).
    pub fn ensure_unchanged(&self, what: &str, hw_missed: u64) -> Result<String> {
        let now = Self::read()?;
        let mut bad = Vec::new();
        let mut notes = Vec::new();
        for (name, this, this0, other, other0) in [
            ("dut", &now.dut, &self.dut, &now.peer, &self.peer),
            ("peer", &now.peer, &self.peer, &now.dut, &self.dut),
        ] {
            let dups: u64 = DSACK_SENT.iter().map(|k| other.delta(other0, k)).sum();
            for (k, d) in this.moved_since(this0) {
                if k == RETRANS && d <= dups {
                    notes.push(format!(
                        "{name} {k} +{d}, all reported as duplicates by the other end ({dups} D-SACKs sent)"
                    ));
                } else if hw_missed > 0 && RESENDS.contains(&k.as_str()) {
                    notes.push(format!(
                        "{name} {k} +{d}, after {hw_missed} frames the NICs counted as missed"
                    ));
                } else {
                    bad.push(format!("{name} {k} +{d}"));
                }
            }
        }
        let detail = format!(
            "dut [{}], peer [{}]",
            now.dut.detail(&self.dut),
            now.peer.detail(&self.peer)
        );
        ensure!(
            bad.is_empty(),
            "{what}: error or retransmission counters moved on the lossless link: {}; {detail}",
            bad.join(", ")
        );
        if notes.is_empty() {
            Ok(String::new())
        } else {
            Ok(format!("{}; {detail}", notes.join("; ")))
        }
    }
}

/// [`tcp`], and no checksum error, header error or retransmission on either
/// end while it ran (see [`LOSSLESS`]). A failure also names how many frames
/// each NIC counted as missed (MPC), the one legitimate cause of a resend on
/// this link. MPC is read from the registers, not from `rx_missed_errors`:
/// the C e1000 (the peer) adds QEMU's never-cleared MPC up every watchdog
/// run, so its stats64 moves after the first miss even when nothing is
/// missed. Returns the result and a note on exempted resends (empty if none).
pub fn tcp_lossless(
    dir: Dir,
    v6: bool,
    bytes: u64,
    timeout: Duration,
) -> Result<(TransferResult, String)> {
    let before = BothNetStats::read()?;
    let (dut_bar, peer_bar) = (Bar::open(DUT.pci_addr)?, Bar::open(PEER.pci_addr)?);
    let (dut0, peer0) = (dut_bar.missed_packets()?, peer_bar.missed_packets()?);
    let r = tcp(dir, v6, bytes, timeout)?;
    let what = format!(
        "{} {bytes} bytes over IPv{}",
        dir.name(),
        if v6 { 6 } else { 4 }
    );
    // A reset during the transfer zeroes MPC: then what it holds is the count
    // since that reset.
    let since = |bar: &Bar, before: u32| -> Result<u64> {
        let now = bar.missed_packets()?;
        Ok(u64::from(now.checked_sub(before).unwrap_or(now)))
    };
    let dut_missed = since(&dut_bar, dut0)?;
    let peer_missed = since(&peer_bar, peer0)?;
    let note = before
        .ensure_unchanged(&what, dut_missed + peer_missed)
        .with_context(|| {
            format!(
                "MPC (missed frames) during the transfer: dut +{dut_missed}, peer +{peer_missed}"
            )
        })?;
    Ok((r, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snmp_parses() {
        let t = "Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors RcvbufErrors\nUdp: 10 2 0 3\n";
        let m = parse_snmp(t, "Udp:").unwrap();
        assert_eq!(m["InDatagrams"], 10);
        assert_eq!(m["RcvbufErrors"], 3);
    }

    #[test]
    fn netstat_parses() {
        let mut m = std::collections::BTreeMap::new();
        parse_proto_pairs(
            "Tcp: RtoMin MaxConn RetransSegs\nTcp: 200 -1 7\nUdp: InCsumErrors\nUdp: 3\n",
            &mut m,
        );
        parse_snmp6("Ip6InReceives 5\nIp6InHdrErrors 2\n", &mut m);
        assert_eq!(m["Tcp:RetransSegs"], 7);
        assert_eq!(m["Udp:InCsumErrors"], 3);
        assert_eq!(m["Ip6InHdrErrors"], 2);
        assert!(!m.contains_key("Tcp:MaxConn"));
    }

    #[test]
    fn addresses() {
        assert_eq!(sockaddr("2001:db8::1", 5), "[2001:db8::1]:5");
        assert_eq!(sockaddr("192.0.2.1", 5), "192.0.2.1:5");
    }
}
