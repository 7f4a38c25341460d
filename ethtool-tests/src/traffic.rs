// SPDX-License-Identifier: GPL-2.0
//! Traffic with known content for the data-path tests: deterministic
//! pseudo-random TCP streams checked by SHA-256, UDP flows whose every
//! datagram carries its sequence number and a pattern derived from it, and
//! the interface counters (`ip -j -s -s link`) they are compared with.
//!
//! Everything the checks expect is computed from the flow's parameters (seed,
//! count, sizes), never read back from the driver.

use std::io::{self, Read, Write};
use std::mem;
use std::net::{Shutdown, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use sha2::{Digest, Sha256};

use crate::topology::Port;

/// splitmix64: a tiny, fast, well-mixed generator; the stream it produces for
/// a seed is the test input.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fills `buf` with the next bytes of the stream (little-endian words; a
    /// partial last word is truncated, so only the final fill of a stream may
    /// have a length that is not a multiple of 8).
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let w = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
    }
}

/// A fresh seed for a run (time and pid), printed in the logs so a failure can
/// be replayed.
pub fn fresh_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    Rng::new(t ^ (u64::from(std::process::id()) << 32)).next_u64()
}

// ---------------------------------------------------------------------------
// Socket options

fn setsockopt<T>(fd: &impl AsRawFd, level: i32, name: i32, val: T, what: &str) -> Result<()> {
    // SAFETY: `val` lives for the call and the length is its size.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&val as *const T).cast(),
            mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error()).with_context(|| format!("setsockopt {what}"));
    }
    Ok(())
}

/// `SO_RCVBUFFORCE` (root): a receive buffer large enough that the socket
/// itself never drops what the driver delivered.
pub fn force_rcvbuf(fd: &impl AsRawFd, bytes: i32) -> Result<()> {
    setsockopt(
        fd,
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        bytes,
        "SO_RCVBUFFORCE",
    )
}

/// `SO_SNDBUFFORCE` (root).
pub fn force_sndbuf(fd: &impl AsRawFd, bytes: i32) -> Result<()> {
    setsockopt(
        fd,
        libc::SOL_SOCKET,
        libc::SO_SNDBUFFORCE,
        bytes,
        "SO_SNDBUFFORCE",
    )
}

/// `TCP_USER_TIMEOUT`: unacknowledged data aborts the connection after `t`,
/// so a transfer whose far end vanished fails instead of retrying for minutes.
pub fn tcp_user_timeout(s: &TcpStream, t: Duration) -> Result<()> {
    let ms = t.as_millis().min(u32::MAX as u128) as u32;
    setsockopt(
        s,
        libc::IPPROTO_TCP,
        libc::TCP_USER_TIMEOUT,
        ms,
        "TCP_USER_TIMEOUT",
    )
}

/// `IP_RECVERR`: a UDP send the qdisc refused returns ENOBUFS instead of
/// being dropped silently.
pub fn ip_recverr(s: &UdpSocket) -> Result<()> {
    setsockopt(s, libc::IPPROTO_IP, libc::IP_RECVERR, 1i32, "IP_RECVERR")
}

// ---------------------------------------------------------------------------
// TCP streams

/// Bytes per write/read.
const CHUNK: usize = 64 * 1024;

/// What one end of a TCP stream saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamReport {
    pub bytes: u64,
    pub sha256: String,
}

impl StreamReport {
    pub fn to_json(&self, secs: f64) -> serde_json::Value {
        serde_json::json!({ "bytes": self.bytes, "sha256": self.sha256, "secs": secs })
    }

    pub fn from_json(v: &serde_json::Value) -> Result<Self> {
        Ok(Self {
            bytes: v["bytes"].as_u64().context("no `bytes` in stream report")?,
            sha256: v["sha256"]
                .as_str()
                .context("no `sha256` in stream report")?
                .to_owned(),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Options of a TCP transfer.
#[derive(Debug, Clone, Copy)]
pub struct StreamOpts {
    /// No progress for this long fails the transfer (socket timeouts).
    pub idle: Duration,
    /// `TCP_USER_TIMEOUT`: how long retransmitted data may stay outstanding.
    /// Usually `idle`; longer for streams that must live through repeated faults,
    /// because the kernel measures it from the first retransmission of a chain
    /// that only ends once no retransmitted segment is outstanding
    /// (`retransmits_timed_out` in net/ipv4/tcp_timer.c, `retrans_stamp` cleared
    /// by `tcp_retrans_stamp_cleanup`/`tcp_try_to_open` in tcp_input.c): with a
    /// fault every few seconds it ages while data keeps moving.
    pub retrans_limit: Duration,
    /// Pace the sender to this many bytes per second.
    pub rate: Option<u64>,
}

fn stream_socket_opts(s: &TcpStream, o: &StreamOpts) -> Result<()> {
    s.set_read_timeout(Some(o.idle))?;
    s.set_write_timeout(Some(o.idle))?;
    tcp_user_timeout(s, o.retrans_limit)?;
    Ok(())
}

/// Sends `bytes` of the stream of `seed`, then half-closes and waits for the
/// receiver to close (so success means the receiver has read everything).
/// The report's hash is of what was generated and sent.
pub fn send_stream(
    s: &mut TcpStream,
    bytes: u64,
    seed: u64,
    o: &StreamOpts,
    progress: &AtomicU64,
) -> Result<StreamReport> {
    stream_socket_opts(s, o)?;
    let mut rng = Rng::new(seed);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut sent = 0u64;
    let start = Instant::now();
    while sent < bytes {
        let n = (bytes - sent).min(CHUNK as u64) as usize;
        rng.fill(&mut buf[..n]);
        hasher.update(&buf[..n]);
        s.write_all(&buf[..n])
            .with_context(|| format!("sending, after {sent} of {bytes} bytes"))?;
        sent += n as u64;
        progress.store(sent, Ordering::Relaxed);
        if let Some(rate) = o.rate {
            let due = Duration::from_secs_f64(sent as f64 / rate as f64);
            if let Some(ahead) = due.checked_sub(start.elapsed()) {
                thread::sleep(ahead);
            }
        }
    }
    s.shutdown(Shutdown::Write).context("half-closing")?;
    let mut rest = [0u8; 64];
    loop {
        match s.read(&mut rest) {
            Ok(0) => break,
            Ok(_) => bail!("the receiver sent data back"),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).context("waiting for the receiver to close"),
        }
    }
    Ok(StreamReport {
        bytes: sent,
        sha256: hex(&hasher.finalize()),
    })
}

/// Reads until EOF, hashing, then closes.
pub fn recv_stream(
    s: &mut TcpStream,
    o: &StreamOpts,
    progress: &AtomicU64,
) -> Result<StreamReport> {
    stream_socket_opts(s, o)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut got = 0u64;
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                got += n as u64;
                progress.store(got, Ordering::Relaxed);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).with_context(|| format!("receiving, after {got} bytes")),
        }
    }
    let _ = s.shutdown(Shutdown::Both);
    Ok(StreamReport {
        bytes: got,
        sha256: hex(&hasher.finalize()),
    })
}

/// The report a correct transfer of `bytes` of stream `seed` produces,
/// computed locally (no network).
pub fn expected_stream(bytes: u64, seed: u64) -> StreamReport {
    let mut rng = Rng::new(seed);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    while done < bytes {
        let n = (bytes - done).min(CHUNK as u64) as usize;
        rng.fill(&mut buf[..n]);
        hasher.update(&buf[..n]);
        done += n as u64;
    }
    StreamReport {
        bytes,
        sha256: hex(&hasher.finalize()),
    }
}

/// Connects, retrying while the listener is not there yet.
pub fn connect(addr: &str, timeout: Duration) -> Result<TcpStream> {
    let sa: std::net::SocketAddr = addr
        .parse()
        .with_context(|| format!("bad address {addr:?}"))?;
    let start = Instant::now();
    loop {
        match TcpStream::connect_timeout(&sa, Duration::from_secs(5)) {
            Ok(s) => return Ok(s),
            Err(e) if start.elapsed() < timeout => {
                let _ = e;
                thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e).with_context(|| format!("connecting to {addr}")),
        }
    }
}

// ---------------------------------------------------------------------------
// UDP flows

/// Bytes at the start of every datagram: the flow tag (4) and the sequence
/// number (8). The rest is the pattern of (tag, seq).
pub const UDP_HEADER: usize = 12;
/// Largest UDP payload that fits one 1500-byte IPv4 frame.
pub const UDP_MAX_PAYLOAD: usize = 1472;
/// Ethernet header + IPv4 header + UDP header.
pub const UDP4_OVERHEAD: u64 = 14 + 20 + 8;
/// Minimum Ethernet frame without FCS (ETH_ZLEN).
pub const ETH_ZLEN: u64 = 60;

/// A UDP flow: `count` datagrams whose sizes cycle through `min..=max`
/// (interleaved: consecutive datagrams differ in size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpFlow {
    pub tag: u32,
    /// 0: unlimited (background traffic).
    pub count: u64,
    pub min: usize,
    pub max: usize,
}

/// Stride through the sizes; prime, so it is coprime with any span it does not
/// divide, and every size is used once per cycle.
const SIZE_STRIDE: u64 = 997;

impl UdpFlow {
    pub fn new(tag: u32, count: u64, min: usize, max: usize) -> Result<Self> {
        ensure!(
            (UDP_HEADER..=UDP_MAX_PAYLOAD).contains(&min) && min <= max && max <= UDP_MAX_PAYLOAD,
            "UDP payload sizes {min}..={max} outside {UDP_HEADER}..={UDP_MAX_PAYLOAD}"
        );
        Ok(Self {
            tag,
            count,
            min,
            max,
        })
    }

    /// Payload size of datagram `seq`.
    pub fn size(&self, seq: u64) -> usize {
        let span = (self.max - self.min + 1) as u64;
        let stride = if span.is_multiple_of(SIZE_STRIDE) {
            1
        } else {
            SIZE_STRIDE
        };
        self.min + (seq.wrapping_mul(stride) % span) as usize
    }

    fn pattern(&self, seq: u64) -> Rng {
        Rng::new(u64::from(self.tag) << 32 ^ seq.wrapping_mul(0xA24B_AED4_963E_E407))
    }

    /// Datagram `seq`.
    pub fn datagram(&self, seq: u64, buf: &mut Vec<u8>) {
        let n = self.size(seq);
        buf.clear();
        buf.extend_from_slice(&self.tag.to_be_bytes());
        buf.extend_from_slice(&seq.to_be_bytes());
        buf.resize(n, 0);
        self.pattern(seq).fill(&mut buf[UDP_HEADER..]);
    }

    /// The sequence number of a datagram of this flow, or why it is not one.
    pub fn check(&self, data: &[u8]) -> std::result::Result<u64, String> {
        if data.len() < UDP_HEADER {
            return Err(format!("{}-byte datagram", data.len()));
        }
        let tag = u32::from_be_bytes(data[0..4].try_into().unwrap());
        if tag != self.tag {
            return Err(format!("tag {tag:#x}, expected {:#x}", self.tag));
        }
        let seq = u64::from_be_bytes(data[4..12].try_into().unwrap());
        if self.count != 0 && seq >= self.count {
            return Err(format!("sequence number {seq} out of range"));
        }
        let want = self.size(seq);
        if data.len() != want {
            return Err(format!("datagram {seq}: {} bytes, sent {want}", data.len()));
        }
        let mut expect = vec![0u8; want - UDP_HEADER];
        self.pattern(seq).fill(&mut expect);
        if let Some(i) = expect
            .iter()
            .zip(&data[UDP_HEADER..])
            .position(|(a, b)| a != b)
        {
            return Err(format!(
                "datagram {seq} ({want} bytes): byte {} is {:#04x}, sent {:#04x}",
                i + UDP_HEADER,
                data[UDP_HEADER + i],
                expect[i]
            ));
        }
        Ok(seq)
    }

    /// The Ethernet frame length (no FCS) of datagram `seq` over IPv4.
    pub fn frame_len(&self, seq: u64) -> u64 {
        frame_len(self.size(seq))
    }

    /// Frames and their bytes for datagrams `0..count`.
    pub fn totals(&self) -> (u64, u64) {
        (self.count, (0..self.count).map(|s| self.frame_len(s)).sum())
    }
}

/// Ethernet frame length (no FCS) of an IPv4 UDP datagram with `payload` bytes.
pub fn frame_len(payload: usize) -> u64 {
    (UDP4_OVERHEAD + payload as u64).max(ETH_ZLEN)
}

/// What a UDP sender did.
#[derive(Debug, Clone, Default)]
pub struct SendReport {
    pub sent: u64,
    /// Sends retried after ENOBUFS/EAGAIN (qdisc or socket buffer full).
    pub retries: u64,
    /// Sends that failed and were skipped (lenient mode only).
    pub errors: u64,
}

impl SendReport {
    pub fn to_json(&self, secs: f64) -> serde_json::Value {
        serde_json::json!({
            "sent": self.sent, "retries": self.retries, "errors": self.errors, "secs": secs
        })
    }

    pub fn from_json(v: &serde_json::Value) -> Result<Self> {
        let f = |k: &str| {
            v[k].as_u64()
                .with_context(|| format!("no `{k}` in send report"))
        };
        Ok(Self {
            sent: f("sent")?,
            retries: f("retries")?,
            errors: f("errors")?,
        })
    }
}

/// How a sender behaves.
#[derive(Debug, Clone, Copy)]
pub struct SendOpts {
    /// Datagrams per second (None: as fast as the socket takes them).
    pub pps: Option<u32>,
    /// Background traffic: skip datagrams whose send fails, never fail.
    pub lenient: bool,
}

/// How far a paced sender may fall behind its schedule before it gives up
/// catching up (at most this much traffic goes out in one burst).
const MAX_BEHIND: Duration = Duration::from_millis(10);

/// Sends the flow's datagrams `0..count` (or until `stop`, for count 0) on a
/// connected socket.
pub fn send_udp(
    sock: &UdpSocket,
    flow: &UdpFlow,
    o: &SendOpts,
    stop: &AtomicBool,
    progress: &AtomicU64,
) -> Result<SendReport> {
    let mut rep = SendReport::default();
    let mut buf = Vec::with_capacity(UDP_MAX_PAYLOAD);
    // The schedule: datagram `seq` is due `(seq - base) / pps` after `epoch`.
    let mut epoch = Instant::now();
    let mut base = 0u64;
    let mut seq = 0u64;
    while (flow.count == 0 || seq < flow.count) && !stop.load(Ordering::Relaxed) {
        flow.datagram(seq, &mut buf);
        match sock.send(&buf) {
            Ok(n) if n == buf.len() => {}
            Ok(n) => bail!("datagram {seq}: sent {n} of {} bytes", buf.len()),
            Err(e) => {
                let retry = matches!(e.raw_os_error(), Some(libc::ENOBUFS) | Some(libc::EAGAIN))
                    || e.kind() == io::ErrorKind::Interrupted;
                if retry && !o.lenient {
                    rep.retries += 1;
                    thread::sleep(Duration::from_millis(1));
                    continue;
                }
                if !o.lenient {
                    return Err(e).with_context(|| format!("sending datagram {seq}"));
                }
                rep.errors += 1;
                // The interface may be gone for a while: do not spin.
                thread::sleep(Duration::from_millis(5));
                seq += 1;
                continue;
            }
        }
        seq += 1;
        rep.sent += 1;
        progress.store(seq, Ordering::Relaxed);
        if let Some(pps) = o.pps {
            let due = Duration::from_secs_f64((seq - base) as f64 / f64::from(pps));
            let now = epoch.elapsed();
            if let Some(ahead) = due.checked_sub(now) {
                if ahead >= Duration::from_millis(2) {
                    thread::sleep(ahead);
                }
            } else if now - due > MAX_BEHIND {
                // Descheduled (TCG, a busy host): start a new schedule rather
                // than catching up in one burst that overruns the receiver.
                epoch = Instant::now();
                base = seq;
            }
        }
    }
    Ok(rep)
}

/// What a UDP receiver got.
#[derive(Debug, Clone, Default)]
pub struct RecvReport {
    /// Distinct good datagrams of the flow.
    pub received: u64,
    /// Their Ethernet frame bytes (no FCS), from their sizes.
    pub frame_bytes: u64,
    /// Their UDP payload bytes.
    pub payload_bytes: u64,
    pub duplicates: u64,
    /// Datagrams that were not of the flow or were corrupt.
    pub bad: u64,
    pub first_bad: Option<String>,
    /// Up to 10 missing sequence numbers (count > 0 only).
    pub missing: Vec<u64>,
}

impl RecvReport {
    pub fn to_json(&self, secs: f64) -> serde_json::Value {
        serde_json::json!({
            "received": self.received, "frame_bytes": self.frame_bytes,
            "payload_bytes": self.payload_bytes, "duplicates": self.duplicates,
            "bad": self.bad, "first_bad": self.first_bad, "missing": self.missing, "secs": secs
        })
    }

    pub fn from_json(v: &serde_json::Value) -> Result<Self> {
        let f = |k: &str| {
            v[k].as_u64()
                .with_context(|| format!("no `{k}` in receive report"))
        };
        Ok(Self {
            received: f("received")?,
            frame_bytes: f("frame_bytes")?,
            payload_bytes: f("payload_bytes")?,
            duplicates: f("duplicates")?,
            bad: f("bad")?,
            first_bad: v["first_bad"].as_str().map(str::to_owned),
            missing: v["missing"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
                .unwrap_or_default(),
        })
    }

    /// Fails on corrupt or duplicated datagrams.
    pub fn ensure_clean(&self) -> Result<()> {
        ensure!(
            self.bad == 0,
            "{} corrupt or foreign datagram(s), first: {}",
            self.bad,
            self.first_bad.as_deref().unwrap_or("?")
        );
        ensure!(
            self.duplicates == 0,
            "{} duplicated datagram(s)",
            self.duplicates
        );
        Ok(())
    }
}

/// When a receiver stops.
#[derive(Debug, Clone, Copy)]
pub struct RecvOpts {
    /// Give up if nothing arrives for this long (after the first datagram).
    pub idle: Duration,
    /// Wait this long for the first datagram.
    pub first: Duration,
}

/// After the sender is done (`stop`), datagrams may still be on their way:
/// QEMU holds RX back for 1 s after every RCTL write.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// Receives the flow until all `count` datagrams are in, or the idle limits
/// pass, or [`STOP_GRACE`] after `stop` was set (and 0.5 s after the last
/// datagram).
pub fn recv_udp(
    sock: &UdpSocket,
    flow: &UdpFlow,
    o: &RecvOpts,
    stop: &AtomicBool,
    progress: &AtomicU64,
) -> Result<RecvReport> {
    sock.set_read_timeout(Some(Duration::from_millis(100)))?;
    let mut rep = RecvReport::default();
    let mut seen = vec![0u64; (flow.count as usize).div_ceil(64)];
    let mut buf = vec![0u8; 65536];
    let start = Instant::now();
    let mut last = None::<Instant>;
    let mut stopped = None::<Instant>;
    loop {
        if flow.count != 0 && rep.received == flow.count {
            break;
        }
        let quiet = last.unwrap_or(start).elapsed();
        let limit = if last.is_some() { o.idle } else { o.first };
        if quiet >= limit {
            break;
        }
        if stopped.is_none() && stop.load(Ordering::Relaxed) {
            stopped = Some(Instant::now());
        }
        if stopped.is_some_and(|t| t.elapsed() >= STOP_GRACE) && quiet >= Duration::from_millis(500)
        {
            break;
        }
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(e) => return Err(e).context("receiving UDP"),
        };
        last = Some(Instant::now());
        match flow.check(&buf[..n]) {
            Ok(seq) => {
                if flow.count != 0 {
                    let (w, b) = ((seq / 64) as usize, seq % 64);
                    if seen[w] & (1 << b) != 0 {
                        rep.duplicates += 1;
                        continue;
                    }
                    seen[w] |= 1 << b;
                }
                rep.received += 1;
                rep.payload_bytes += n as u64;
                rep.frame_bytes += frame_len(n);
                progress.store(rep.received, Ordering::Relaxed);
            }
            Err(why) => {
                rep.bad += 1;
                rep.first_bad.get_or_insert(why);
            }
        }
    }
    if flow.count != 0 {
        rep.missing = (0..flow.count)
            .filter(|&s| seen[(s / 64) as usize] & (1 << (s % 64)) == 0)
            .take(10)
            .collect();
    }
    Ok(rep)
}

// ---------------------------------------------------------------------------
// Interface counters

/// The stats64 counters the tests compare, as `ip -j -s -s link` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub rx_missed: u64,
    pub rx_over: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
}

/// Parses one `ip -j -s -s link show dev IF` answer.
pub fn parse_link_stats(json: &str) -> Result<LinkStats> {
    let v: serde_json::Value =
        serde_json::from_str(json).with_context(|| format!("parsing {json:?}"))?;
    let s = &v[0]["stats64"];
    ensure!(s.is_object(), "no stats64 in {json:?}");
    let f = |dir: &str, k: &str| {
        s[dir][k]
            .as_u64()
            .with_context(|| format!("no stats64.{dir}.{k} in `ip -j -s -s link`"))
    };
    Ok(LinkStats {
        rx_packets: f("rx", "packets")?,
        rx_bytes: f("rx", "bytes")?,
        rx_errors: f("rx", "errors")?,
        rx_dropped: f("rx", "dropped")?,
        rx_missed: f("rx", "missed_errors")?,
        rx_over: f("rx", "over_errors")?,
        tx_packets: f("tx", "packets")?,
        tx_bytes: f("tx", "bytes")?,
        tx_errors: f("tx", "errors")?,
        tx_dropped: f("tx", "dropped")?,
    })
}

/// The port's counters (in its namespace).
pub fn link_stats(port: &Port) -> Result<LinkStats> {
    let out = port.ip(&["-j", "-s", "-s", "link", "show", "dev", &port.ifname])?;
    parse_link_stats(&out)
}

impl LinkStats {
    /// `self - before`; fails if any counter went backwards (stats64 must be
    /// monotonic).
    pub fn since(&self, before: &LinkStats) -> Result<LinkStats> {
        let mut bad = Vec::new();
        let mut d = |now: u64, then: u64, name: &str| {
            if now < then {
                bad.push(format!("{name} {then} -> {now}"));
            }
            now.wrapping_sub(then)
        };
        let r = LinkStats {
            rx_packets: d(self.rx_packets, before.rx_packets, "rx_packets"),
            rx_bytes: d(self.rx_bytes, before.rx_bytes, "rx_bytes"),
            rx_errors: d(self.rx_errors, before.rx_errors, "rx_errors"),
            rx_dropped: d(self.rx_dropped, before.rx_dropped, "rx_dropped"),
            rx_missed: d(self.rx_missed, before.rx_missed, "rx_missed_errors"),
            rx_over: d(self.rx_over, before.rx_over, "rx_over_errors"),
            tx_packets: d(self.tx_packets, before.tx_packets, "tx_packets"),
            tx_bytes: d(self.tx_bytes, before.tx_bytes, "tx_bytes"),
            tx_errors: d(self.tx_errors, before.tx_errors, "tx_errors"),
            tx_dropped: d(self.tx_dropped, before.tx_dropped, "tx_dropped"),
        };
        ensure!(bad.is_empty(), "stats64 went backwards: {}", bad.join(", "));
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_stream_does_not_depend_on_chunking() {
        let mut a = vec![0u8; 40];
        Rng::new(7).fill(&mut a);
        let mut b = vec![0u8; 40];
        let mut r = Rng::new(7);
        r.fill(&mut b[..16]);
        r.fill(&mut b[16..]);
        assert_eq!(a, b);
        assert_ne!(a[..8], a[8..16]);
    }

    #[test]
    fn expected_stream_is_sha256_of_the_generator() {
        let mut data = vec![0u8; 100_003];
        let mut r = Rng::new(42);
        for c in data.chunks_mut(CHUNK) {
            r.fill(c);
        }
        let want = hex(&Sha256::digest(&data));
        assert_eq!(expected_stream(100_003, 42).sha256, want);
        assert_eq!(
            hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn udp_sizes_cover_the_range() {
        let f = UdpFlow::new(1, 0, 18, UDP_MAX_PAYLOAD).unwrap();
        let span = UDP_MAX_PAYLOAD - 18 + 1;
        let mut seen = vec![false; span];
        for s in 0..span as u64 {
            seen[f.size(s) - 18] = true;
        }
        assert!(seen.iter().all(|&x| x));
        assert_ne!(f.size(0), f.size(1) - 1, "sizes interleave");
        let one = UdpFlow::new(1, 5, 100, 100).unwrap();
        assert!((0..5).all(|s| one.size(s) == 100));
    }

    #[test]
    fn udp_datagrams_round_trip_and_corruption_is_caught() {
        let f = UdpFlow::new(0xfeed, 10, 18, 300).unwrap();
        let mut buf = Vec::new();
        for seq in 0..10 {
            f.datagram(seq, &mut buf);
            assert_eq!(f.check(&buf), Ok(seq));
        }
        f.datagram(3, &mut buf);
        let last = buf.len() - 1;
        buf[last] ^= 1;
        assert!(f.check(&buf).unwrap_err().contains("byte"));
        f.datagram(3, &mut buf);
        buf.pop();
        assert!(f.check(&buf).is_err());
        let other = UdpFlow::new(0xbeef, 10, 18, 300).unwrap();
        other.datagram(3, &mut buf);
        assert!(f.check(&buf).unwrap_err().contains("tag"));
    }

    #[test]
    fn frame_lengths() {
        assert_eq!(frame_len(18), 60);
        assert_eq!(frame_len(1), 60);
        assert_eq!(frame_len(1472), 1514);
        let f = UdpFlow::new(1, 3, 1000, 1000).unwrap();
        assert_eq!(f.totals(), (3, 3 * 1042));
    }

    #[test]
    fn parses_ip_stats() {
        let j = r#"[{"ifname":"x","stats64":{"rx":{"bytes":10,"packets":2,"errors":0,"dropped":1,
            "over_errors":0,"multicast":0,"length_errors":0,"crc_errors":0,"frame_errors":0,
            "fifo_errors":0,"missed_errors":3},"tx":{"bytes":5,"packets":1,"errors":0,"dropped":0,
            "carrier_errors":0,"collisions":0}}}]"#;
        let s = parse_link_stats(j).unwrap();
        assert_eq!((s.rx_packets, s.rx_bytes, s.rx_missed), (2, 10, 3));
        assert_eq!((s.tx_packets, s.tx_bytes, s.rx_dropped), (1, 5, 1));
        let later = LinkStats { rx_packets: 5, ..s };
        assert_eq!(later.since(&s).unwrap().rx_packets, 3);
        assert!(s.since(&later).is_err());
    }
}
