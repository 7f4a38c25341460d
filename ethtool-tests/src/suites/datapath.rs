// SPDX-License-Identifier: GPL-2.0
//! `datapath` (issue 3): frames in and out through the driver with their
//! content checked, and the driver's counters checked against what the test
//! sent and what netfilter saw.
//!
//! - ICMP/ICMPv6 echo both ways, payloads 0 to 65000 bytes, every reply's
//!   payload compared byte for byte;
//! - TCP: 64 MiB each way (16 MiB at `--scale short`), SHA-256 at the
//!   receiver equals the sender's; 16 MiB (8 MiB) each way over IPv6; during each transfer neither end's protocol
//!   counters (`nstat`: checksum and header errors, retransmissions, RTOs)
//!   may move, since a corrupt segment the stack drops and TCP resends would
//!   leave the SHA-256 intact;
//! - BQL: bytes in flight seen during a transfer, back to 0 afterwards;
//! - UDP: 100 000 (20 000) datagrams of 18..1472 bytes from the peer, every counter
//!   (receiver, nft ingress on the dut, nft egress on the peer, stats64 of
//!   both) reconciled exactly, losses accounted by `rx_missed_errors`;
//! - the same accounting for an unpaced flood into a 48-descriptor RX ring
//!   with `rx-usecs` 10000: the ring must overflow, and every lost datagram
//!   is one `rx_missed_errors` and one `rx_no_buffer_count`, counted once;
//! - nft `meta length`: skb->len excludes the FCS (and keeps runt padding);
//! - promiscuous and multicast filtering, all-multicast, and a MAC address
//!   change, with raw frames;
//! - ring wrap with 48 and 4096 descriptors (module parameters, confirmed by
//!   `ethtool -g`);
//! - TX offloads: TCP intact with checksum offload and TSO on, TSO off, and
//!   checksum offload off; `tx_tcp_seg_good` shows whether the MAC segmented;
//! - `both-ends`: the same 64 MiB transfers with the peer NIC also driven by
//!   the driver under test (the case rebinds the peer, then restores it);
//! - `copybreak` (re1000 only): `rx_copybreak` moves by exactly the number of
//!   frames of at most 256 bytes.
//!
//! Passes on the C e1000 too (`--driver e1000`), as the reference.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use super::{Case, CaseResult, Ctx, Scaled, SkipWhen, Suite};
use crate::flows::{self, Dir};
use crate::nft::{Count, Table};
use crate::packet::{self, Batch, PacketSocket};
use crate::tool::Helper;
use crate::topology::{Topology, NETNS};
use crate::traffic::{self, LinkStats, UdpFlow};
use crate::{sysfs, wait, DUT, PEER};

pub const SUITE: Suite = Suite {
    name: "datapath",
    about: "ICMP, TCP SHA-256 + nstat, UDP accounting vs stats64/nft, ring overrun, promisc/multicast/allmulti, MAC change, ring wrap, BQL, copybreak",
    cases: &[
        Case::new("icmp-v4", icmp_v4),
        Case::new("icmp-v6", icmp_v6),
        Case::new("tcp-dut-to-peer", tcp_dut_to_peer),
        Case::new("tcp-peer-to-dut", tcp_peer_to_dut),
        Case::new("tcp-ipv6", tcp_ipv6),
        Case::new("bql", bql),
        Case::new("udp-accounting", udp_accounting),
        Case::new("udp-overrun", udp_overrun),
        Case::new("nft-meta-length", nft_meta_length),
        Case::new("promisc-multicast", promisc_multicast),
        Case::new("ring-48", ring_48),
        Case::new("ring-4096", ring_4096),
        Case::new("tx-offloads", tx_offloads),
        Case::new("both-ends", both_ends),
        Case::new("copybreak", copybreak).skip_when(
            SkipWhen::Driver("e1000"),
            "the C e1000 has no rx_copybreak counter",
        ),
        Case::new("allmulticast", allmulticast),
        Case::new("mac-change", mac_change),
    ],
};

const MIB: u64 = 1 << 20;
/// The TCP transfers over IPv4, each way.
const TCP_BYTES: Scaled<u64> = Scaled {
    full: 64 * MIB,
    short: 16 * MIB,
};
/// The TCP transfers over IPv6, each way.
const TCP6_BYTES: Scaled<u64> = Scaled {
    full: 16 * MIB,
    short: 8 * MIB,
};
/// Whole-transfer deadline (TCG: tens of Mbit/s at worst).
const TCP_TIMEOUT: Duration = Duration::from_secs(180);

// ---------------------------------------------------------------------------
// ICMP

const ICMP_COUNT: u16 = 3;
const ICMP4_SIZES: &[usize] = &[0, 1, 56, 1472, 1473, 65000];
/// IPv6: 1452 is the largest unfragmented payload at MTU 1500; 65000 works
/// (the payload length field allows 65535 - 8).
const ICMP6_SIZES: &[usize] = &[0, 1, 56, 1452, 1453, 1472, 1473, 65000];

fn icmp(ctx: &Ctx<'_>, v6: bool, sizes: &[usize]) -> CaseResult {
    for from_peer in [false, true] {
        let reps = flows::echo_check(from_peer, v6, sizes, ICMP_COUNT)?;
        let worst = reps
            .iter()
            .map(|(_, r)| r.rtt_max)
            .max()
            .unwrap_or_default();
        ctx.info(&format!(
            "{}: {} sizes x {ICMP_COUNT}, all payloads intact, max rtt {:.1} ms",
            if from_peer { "peer->dut" } else { "dut->peer" },
            reps.len(),
            worst.as_secs_f64() * 1e3
        ));
    }
    Ok(())
}

fn icmp_v4(ctx: &mut Ctx<'_>) -> CaseResult {
    icmp(ctx, false, ICMP4_SIZES)
}

fn icmp_v6(ctx: &mut Ctx<'_>) -> CaseResult {
    icmp(ctx, true, ICMP6_SIZES)
}

// ---------------------------------------------------------------------------
// TCP

/// A transfer whose SHA-256 must match and during which neither end counted
/// a checksum error, a header error or a retransmission (`flows::LOSSLESS`).
fn tcp_dir(ctx: &Ctx<'_>, dir: Dir, v6: bool, bytes: u64) -> Result<()> {
    let (r, note) = flows::tcp_lossless(dir, v6, bytes, TCP_TIMEOUT)?;
    if !note.is_empty() {
        ctx.info(&format!("{}: {note}", dir.name()));
    }
    ctx.info(&format!(
        "{} {} MiB over IPv{}: SHA-256 {}… matches, no checksum error or retransmission on either end, {:.1} s, {:.0} Mbit/s",
        dir.name(),
        bytes / MIB,
        if v6 { 6 } else { 4 },
        &r.received.sha256[..16],
        r.secs,
        r.mbit_s()
    ));
    Ok(())
}

fn tcp_dut_to_peer(ctx: &mut Ctx<'_>) -> CaseResult {
    tcp_dir(ctx, Dir::DutToPeer, false, ctx.scaled(TCP_BYTES))?;
    Ok(())
}

fn tcp_peer_to_dut(ctx: &mut Ctx<'_>) -> CaseResult {
    tcp_dir(ctx, Dir::PeerToDut, false, ctx.scaled(TCP_BYTES))?;
    Ok(())
}

fn tcp_ipv6(ctx: &mut Ctx<'_>) -> CaseResult {
    tcp_dir(ctx, Dir::DutToPeer, true, ctx.scaled(TCP6_BYTES))?;
    tcp_dir(ctx, Dir::PeerToDut, true, ctx.scaled(TCP6_BYTES))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// TX offloads

/// The kernel's names of the offloads the driver offers (`ethtool -k` calls them
/// scatter-gather, tx-checksum-ip-generic and tcp-segmentation-offload).
const SG: &str = "tx-scatter-gather";
const HW_CSUM: &str = "tx-checksum-ip-generic";
const TSO: &str = "tx-tcp-segmentation";
/// Each transfer of `tx-offloads`.
const OFFLOAD_BYTES: u64 = 8 * MIB;

/// `ethtool -S tx_tcp_seg_good`: TCP segmentation contexts the MAC processed.
fn tso_contexts(ifname: &str) -> Result<u64> {
    let stats = crate::netlink::Ioctl::open()?.stats(ifname)?;
    stats
        .iter()
        .find(|(n, _)| n == "tx_tcp_seg_good")
        .map(|(_, v)| *v)
        .context("no tx_tcp_seg_good in ethtool -S")
}

/// dut->peer TCP with each offload setting: the data arrives intact (SHA-256) and
/// the MAC segments TCP exactly when TSO is on (`tx_tcp_seg_good` moves, or stays).
/// With checksum offload off, the kernel turns TSO off too and checksums in
/// software. Everything is switched back on at the end.
fn tx_offloads(ctx: &mut Ctx<'_>) -> CaseResult {
    let ifname = ctx.topo.dut.ifname.clone();
    let eth = crate::netlink::Ethtool::connect()?;
    let f = eth.features_get(&ifname)?;
    for name in [SG, HW_CSUM, TSO] {
        ensure!(
            f.is_changeable(name) && f.is_active(name),
            "{name}: offered {}, active {}",
            f.is_changeable(name),
            f.is_active(name)
        );
    }
    let r = offload_transfers(ctx, &eth, &ifname);
    let restore = eth.features_set(&ifname, &[(SG, true), (HW_CSUM, true), (TSO, true)]);
    r?;
    restore?;
    let f = eth.features_get(&ifname)?;
    ensure!(
        [SG, HW_CSUM, TSO].iter().all(|n| f.is_active(n)),
        "offloads not restored: active {:?}",
        f.active
    );
    Ok(())
}

fn offload_transfers(ctx: &Ctx<'_>, eth: &crate::netlink::Ethtool, ifname: &str) -> Result<()> {
    for (what, changes, tso_on) in [
        ("all offloads on", &[][..], true),
        ("TSO off", &[(TSO, false)][..], false),
        ("checksum offload off", &[(HW_CSUM, false)][..], false),
    ] {
        if !changes.is_empty() {
            eth.features_set(ifname, changes)?;
        }
        let f = eth.features_get(ifname)?;
        ensure!(
            f.is_active(TSO) == tso_on,
            "{what}: TSO active is {}",
            f.is_active(TSO)
        );
        let before = tso_contexts(ifname)?;
        let (r, note) = flows::tcp_lossless(Dir::DutToPeer, false, OFFLOAD_BYTES, TCP_TIMEOUT)
            .with_context(|| format!("TCP transfer with {what}"))?;
        if !note.is_empty() {
            ctx.info(&format!("{what}: {note}"));
        }
        let contexts = tso_contexts(ifname)? - before;
        if tso_on {
            ensure!(contexts > 0, "{what}: the MAC segmented nothing");
        } else {
            ensure!(
                contexts == 0,
                "{what}: the MAC segmented {contexts} packets"
            );
        }
        ctx.info(&format!(
            "{what}: {} MiB intact (SHA-256 {}…), {contexts} TSO packets, active {:?}",
            OFFLOAD_BYTES / MIB,
            &r.received.sha256[..16],
            f.active
                .iter()
                .filter(|n| n.starts_with("tx-"))
                .collect::<Vec<_>>()
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// BQL

fn bql_file(ifname: &str, f: &str) -> String {
    format!("/sys/class/net/{ifname}/queues/tx-0/byte_queue_limits/{f}")
}

fn read_u64(path: &str) -> Result<u64> {
    let s = sysfs::read(path)?;
    s.parse().with_context(|| format!("{path}: {s:?}"))
}

/// Samples `inflight` during a 16 MiB dut->peer transfer (BQL must be in use:
/// something in flight at some point), then waits for it to drain to 0.
fn bql(ctx: &mut Ctx<'_>) -> CaseResult {
    let inflight = bql_file(&ctx.topo.dut.ifname, "inflight");
    ensure!(
        std::path::Path::new(&inflight).exists(),
        "{inflight} missing (kernel without BQL?)"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let max = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, max, samples, path) =
            (stop.clone(), max.clone(), samples.clone(), inflight.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(v) = read_u64(&path) {
                    max.fetch_max(v, Ordering::Relaxed);
                    samples.fetch_add(1, Ordering::Relaxed);
                }
                thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let r = flows::tcp(Dir::DutToPeer, false, 16 * MIB, TCP_TIMEOUT);
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    r?;
    let (max, samples) = (max.load(Ordering::Relaxed), samples.load(Ordering::Relaxed));
    ensure!(
        max > 0,
        "inflight was 0 in all {samples} samples during 16 MiB of TX: the driver does not report sent bytes to BQL"
    );
    let t = Instant::now();
    wait::until(
        &format!("{inflight} to return to 0"),
        Duration::from_secs(5),
        || Ok(read_u64(&inflight)? == 0),
    )?;
    let limit = read_u64(&bql_file(&ctx.topo.dut.ifname, "limit"))?;
    ctx.info(&format!(
        "max inflight {max} B over {samples} samples, 0 again after {:.0} ms, limit {limit}",
        t.elapsed().as_secs_f64() * 1e3
    ));
    // The queue must still work.
    flows::echo_check(false, false, &[56], 2)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// UDP accounting

const UDP_COUNT: Scaled<u64> = Scaled {
    full: 100_000,
    short: 20_000,
};
const UDP_MIN: usize = 18;
/// Datagrams per second from the peer: below what the dut drains under TCG,
/// so the flow is normally lossless (the accounting is exact either way).
const UDP_PPS: u32 = 4000;
/// The hardware counters are folded in every 2 s.
const STATS_SETTLE: Duration = Duration::from_secs(7);
/// The overrun flood.
const OVERRUN_COUNT: u64 = 30_000;
/// The RX ring of the overrun case: the smallest both drivers take.
const OVERRUN_RING: u32 = 48;
/// `ethtool -C rx-usecs` of the overrun case: the slowest both drivers take
/// (100 interrupts/s, ITR = 39062; QEMU's mitigation holds RX interrupts
/// back for 10 ms, in which the peer sends far more than 48 frames).
const OVERRUN_RX_USECS: u32 = 10_000;
/// Longer than QEMU's 1 s RX hold-off after an RCTL write.
const RX_QUIET: Duration = Duration::from_millis(1200);
/// Longer than the 2 s watchdog period.
const MISSED_STABLE: Duration = Duration::from_millis(4500);

/// Ingress counters on the dut: the test flow, everything else.
fn dut_ingress(topo: &Topology, port: u16) -> Result<Table> {
    Table::create(
        None,
        "netdev",
        "re1000_rx",
        &format!(
            "counter n_flow {{ }}\ncounter n_other {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{}\" priority 0; policy accept;\n\
             udp dport {port} counter name \"n_flow\" accept\ncounter name \"n_other\"\n}}",
            topo.dut.ifname
        ),
    )
}

/// Egress on the peer: count the test flow, drop everything else, so the
/// peer's TX counters move by the flow alone.
fn peer_egress(topo: &Topology, ports: &[u16]) -> Result<Table> {
    let set: Vec<String> = ports.iter().map(u16::to_string).collect();
    Table::create(
        Some(NETNS),
        "netdev",
        "re1000_tx",
        &format!(
            "counter n_flow {{ }}\ncounter n_other {{ }}\n\
             chain c {{\ntype filter hook egress device \"{}\" priority 0; policy accept;\n\
             udp dport {{ {} }} counter name \"n_flow\" accept\ncounter name \"n_other\" drop\n}}",
            topo.peer.ifname,
            set.join(", ")
        ),
    )
}

/// Waits until the port has received nothing for [`RX_QUIET`].
fn wait_rx_quiet(port: &crate::topology::Port) -> Result<()> {
    let mut last = (traffic::link_stats(port)?.rx_packets, Instant::now());
    wait::until(
        &format!("{} to receive nothing for {RX_QUIET:?}", port.ifname),
        Duration::from_secs(15),
        || {
            let now = traffic::link_stats(port)?.rx_packets;
            if now != last.0 {
                last = (now, Instant::now());
            }
            Ok(last.1.elapsed() >= RX_QUIET)
        },
    )
}

/// UDP socket-level drops in the dut's namespace (must stay 0 for the
/// receiver's count to stand for what the stack got).
fn udp_drops() -> Result<u64> {
    let m = flows::udp_snmp()?;
    Ok(m.get("RcvbufErrors").copied().unwrap_or(0) + m.get("InErrors").copied().unwrap_or(0))
}

/// A UDP accounting run: `count` datagrams of `min..=max` bytes from the
/// peer at `pps` (None: as fast as the peer can send).
#[derive(Debug, Clone, Copy)]
struct Accounting {
    count: u64,
    min: usize,
    max: usize,
    pps: Option<u32>,
    /// The ring must overflow: losses > 0, each counted by
    /// `rx_missed_errors` and `rx_no_buffer_count`.
    overrun: bool,
}

/// 100 000 (short: 20 000) mixed-size datagrams, paced to stay lossless.
fn udp_accounting(ctx: &mut Ctx<'_>) -> CaseResult {
    accounting(
        ctx,
        Accounting {
            count: ctx.scaled(UDP_COUNT),
            min: UDP_MIN,
            max: traffic::UDP_MAX_PAYLOAD,
            pps: Some(UDP_PPS),
            overrun: false,
        },
    )
}

/// An unpaced flood of small datagrams into a 48-descriptor RX ring whose
/// interrupts are held off for 10 ms (`rx-usecs` 10000): the ring overflows.
/// QEMU queues frames while the ring is full and, on the next RDT write,
/// delivers what fits and drops the rest, counting each in MPC and RNBC
/// (qemu-e1000 notes, section 5.2). Every datagram the peer sent must be
/// received intact or counted missed, exactly, and there must be losses.
fn udp_overrun(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let rx_ring = match drv.as_str() {
        "e1000" => format!("RxDescriptors={OVERRUN_RING},{OVERRUN_RING}"),
        _ => format!("rx_descriptors={OVERRUN_RING}"),
    };
    flows::reload_driver(ctx.topo, &[rx_ring])
        .with_context(|| format!("reloading {drv} with a {OVERRUN_RING}-descriptor RX ring"))?;
    let r = overrun_setup(ctx).and_then(|()| {
        accounting(
            ctx,
            Accounting {
                count: OVERRUN_COUNT,
                min: UDP_MIN,
                max: 300,
                pps: None,
                overrun: true,
            },
        )
    });
    let restore = flows::reload_driver(ctx.topo, &[]).context("reloading with default rings");
    r?;
    restore
}

/// Checks the 48-descriptor ring and slows RX interrupts to 100/s.
fn overrun_setup(ctx: &Ctx<'_>) -> Result<()> {
    let ifname = &ctx.topo.dut.ifname;
    let eth = crate::netlink::Ethtool::connect()?;
    let rings = eth.rings_get(ifname).context("RINGS_GET on the dut")?;
    ensure!(
        rings.rx == OVERRUN_RING,
        "ethtool -g: RX ring {} after loading with {OVERRUN_RING}",
        rings.rx
    );
    let set = eth.coalesce_set(
        ifname,
        &crate::netlink::CoalesceSet {
            rx_usecs: Some(OVERRUN_RX_USECS),
            ..Default::default()
        },
    );
    match set {
        // The C driver's e1000_set_coalesce refuses every MAC before the
        // 82545 (the 82540EM and 82544GC models): it overruns at its
        // default ITR.
        Err(e) if ctx.driver() == "e1000" && e.errno() == Some(libc::EOPNOTSUPP) => {
            ctx.info(&format!(
                "RX ring {} descriptors; the C e1000 refuses rx-usecs on this MAC (EOPNOTSUPP before the 82545), default ITR",
                rings.rx
            ));
            return Ok(());
        }
        r => r.with_context(|| format!("ethtool -C {ifname} rx-usecs {OVERRUN_RX_USECS}"))?,
    }
    let c = eth.coalesce_get(ifname)?;
    ensure!(
        c.rx_usecs == Some(OVERRUN_RX_USECS),
        "ethtool -c: rx-usecs {:?} after setting {OVERRUN_RX_USECS}",
        c.rx_usecs
    );
    ctx.info(&format!(
        "RX ring {} descriptors, rx-usecs {OVERRUN_RX_USECS}",
        rings.rx
    ));
    Ok(())
}

/// `ethtool -S rx_no_buffer_count` of the dut.
fn no_buffer_count(ifname: &str) -> Result<u64> {
    crate::netlink::Ioctl::open()?
        .stats(ifname)?
        .iter()
        .find(|(n, _)| n == "rx_no_buffer_count")
        .map(|(_, v)| *v)
        .context("no rx_no_buffer_count in ethtool -S")
}

fn accounting(ctx: &mut Ctx<'_>, spec: Accounting) -> CaseResult {
    flows::pin_neighbours(ctx.topo)?;
    let r = accounting_inner(ctx, spec);
    flows::unpin_neighbours(ctx.topo);
    r
}

/// Whether the driver's `rx_missed_errors` can be held to exact equality. The
/// C e1000 adds MPC to its total on every watchdog run, and QEMU's MPC never
/// clears on read (firmware-notes, qemu-e1000 notes section 2), so the
/// reference over-counts.
fn missed_is_exact(driver: &str) -> bool {
    driver != "e1000"
}

/// After the counters settled, `rx_missed_errors` must not move for longer
/// than a watchdog period (a driver that re-adds QEMU's sticky MPC would).
fn missed_stays(topo: &Topology, missed: u64, base: &LinkStats) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < MISSED_STABLE {
        let now = traffic::link_stats(&topo.dut)?.since(base)?.rx_missed;
        ensure!(
            now == missed,
            "rx_missed_errors moved from +{missed} to +{now} with no traffic ({:.1} s later): lost frames counted twice",
            start.elapsed().as_secs_f64()
        );
        thread::sleep(wait::STEP * 10);
    }
    Ok(())
}

fn accounting_inner(ctx: &mut Ctx<'_>, spec: Accounting) -> CaseResult {
    let driver = ctx.driver();
    let topo = &*ctx.topo;
    let flow = UdpFlow::new(traffic::fresh_seed() as u32, spec.count, spec.min, spec.max)?;
    let (n, frame_bytes) = flow.totals();
    let flow_port = flows::port();
    // First silence the peer's other traffic, then let what it sent before
    // arrive (QEMU may hold RX back for 1 s), then start counting.
    let tx = peer_egress(topo, &[flow_port])?;
    wait_rx_quiet(&topo.dut)?;
    let rx = dut_ingress(topo, flow_port)?;
    let dut0 = traffic::link_stats(&topo.dut)?;
    let peer0 = traffic::link_stats(&topo.peer)?;
    let drops0 = udp_drops()?;
    let rnbc0 = no_buffer_count(&topo.dut.ifname)?;

    let r = flows::udp(
        Dir::PeerToDut,
        &flow,
        flow_port,
        spec.pps,
        Duration::from_secs(240),
    )?;
    ensure!(
        r.sent.sent == n,
        "the peer sent {} of {n} datagrams",
        r.sent.sent
    );
    r.received.ensure_clean()?;
    let got = r.received.received;
    ctx.info(&format!(
        "{got}/{n} datagrams ({} payload bytes) in {:.1} s ({:.0}/s), {} send retries",
        r.received.payload_bytes,
        r.secs,
        n as f64 / r.secs,
        r.sent.retries
    ));

    // Wait until the dut's counters account for every datagram the peer
    // sent: delivered ones at once, missed ones when the watchdog folds MPC in.
    let mut last = String::new();
    let settled = wait::poll("the dut's counters to settle", STATS_SETTLE, || {
        let d = traffic::link_stats(&topo.dut)?.since(&dut0)?;
        let f = rx.counter("n_flow")?;
        last = format!(
            "rx_packets +{}, rx_missed_errors +{}, nft flow {} packets",
            d.rx_packets, d.rx_missed, f.packets
        );
        Ok((f.packets + d.rx_missed >= n).then_some((d, f)))
    });
    let (dut, flow_in) = match settled {
        Ok(v) => v,
        Err(e) => bail!(
            "{e:#}: the peer sent {n}, the dut got {got}, {} unaccounted ({last})",
            n - got
        ),
    };
    let other_in = rx.counter("n_other")?;
    let flow_out = tx.counter("n_flow")?;
    let peer = traffic::link_stats(&topo.peer)?.since(&peer0)?;
    let sock_drops = udp_drops()? - drops0;

    let mut errs = Vec::new();
    let mut check = |ok: bool, msg: String| {
        if !ok {
            errs.push(msg)
        }
    };
    // The peer: exactly the flow left it.
    check(
        flow_out.packets == n,
        format!(
            "peer nft egress counted {} flow packets, sent {n}",
            flow_out.packets
        ),
    );
    check(
        peer.tx_packets == n,
        format!("peer tx_packets +{}, expected {n}", peer.tx_packets),
    );
    check(
        peer.tx_bytes == frame_bytes,
        format!("peer tx_bytes +{}, expected {frame_bytes}", peer.tx_bytes),
    );
    // What reached the dut's stack.
    check(
        sock_drops == 0,
        format!("{sock_drops} UDP socket drops (RcvbufErrors/InErrors) on the dut"),
    );
    check(
        flow_in.packets == got,
        format!(
            "nft ingress counted {} flow packets, the receiver got {got}",
            flow_in.packets
        ),
    );
    // nft ingress counts skb->len after the Ethernet header.
    let l3 = r.received.frame_bytes - 14 * got;
    check(
        flow_in.bytes == l3,
        format!(
            "nft ingress counted {} flow bytes, expected {l3} (L3 bytes of the received datagrams)",
            flow_in.bytes
        ),
    );
    // The dut's stats64: every frame the stack saw, L2 bytes without FCS.
    let want_pkts = flow_in.packets + other_in.packets;
    let want_bytes = r.received.frame_bytes + other_in.bytes + 14 * other_in.packets;
    check(
        dut.rx_packets == want_pkts,
        format!(
            "dut rx_packets +{}, expected {want_pkts} ({got} datagrams + {} other frames)",
            dut.rx_packets, other_in.packets
        ),
    );
    check(
        dut.rx_bytes == want_bytes,
        format!(
            "dut rx_bytes +{}, expected {want_bytes} ({} for {got} datagrams + {} other); {:+} per frame",
            dut.rx_bytes,
            r.received.frame_bytes,
            other_in.bytes + 14 * other_in.packets,
            (dut.rx_bytes as f64 - want_bytes as f64) / want_pkts.max(1) as f64
        ),
    );
    // Losses: each one a missed frame.
    let lost = n - flow_in.packets;
    let exact = missed_is_exact(&driver);
    check(
        if exact {
            dut.rx_missed == lost
        } else {
            dut.rx_missed >= lost
        },
        format!(
            "dut rx_missed_errors +{}, but {} of {n} datagrams are missing (first missing: {:?}); rx_errors +{}, rx_dropped +{}, rx_over_errors +{}",
            dut.rx_missed,
            n - flow_in.packets,
            r.received.missing,
            dut.rx_errors,
            dut.rx_dropped,
            dut.rx_over
        ),
    );
    let rnbc = no_buffer_count(&topo.dut.ifname)?
        .checked_sub(rnbc0)
        .context("rx_no_buffer_count went backwards")?;
    if spec.overrun {
        check(
            lost > 0 && dut.rx_missed > 0,
            format!(
                "the {n}-datagram flood did not overrun the RX ring: {lost} lost, rx_missed_errors +{}, rx_no_buffer_count +{rnbc}",
                dut.rx_missed
            ),
        );
        check(
            if exact { rnbc == lost } else { rnbc >= lost },
            format!(
                "ethtool -S rx_no_buffer_count +{rnbc}, but {lost} of {n} datagrams are missing"
            ),
        );
    }
    ensure!(errs.is_empty(), "{}", errs.join("\n"));
    if lost > 0 && exact {
        missed_stays(topo, dut.rx_missed, &dut0)?;
    }
    ctx.info(&format!(
        "sent {n} = {got} received intact + {lost} lost; stats64 rx +{} packets +{} bytes = receiver + {} other frames; missed +{}, rx_no_buffer_count +{rnbc}; peer tx +{} / +{} bytes",
        dut.rx_packets, dut.rx_bytes, other_in.packets, dut.rx_missed, peer.tx_packets, peer.tx_bytes
    ));
    Ok(())
}

// ---------------------------------------------------------------------------
// nft meta length

const LEN_COUNT: u64 = 50;

fn nft_meta_length(ctx: &mut Ctx<'_>) -> CaseResult {
    flows::pin_neighbours(ctx.topo)?;
    let r = nft_meta_length_inner(ctx);
    flows::unpin_neighbours(ctx.topo);
    r
}

/// 1000-byte datagrams must show `meta length` 1028 (IPv4 20 + UDP 8 + 1000;
/// 1032 would include the FCS); 12-byte ones (a 54-byte frame, padded to 60
/// on the wire) must show 46 (the padding stays, no FCS).
fn nft_meta_length_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let big = UdpFlow::new(traffic::fresh_seed() as u32, LEN_COUNT, 1000, 1000)?;
    let runt = UdpFlow::new(traffic::fresh_seed() as u32, LEN_COUNT, 12, 12)?;
    let (p_big, p_runt) = (flows::port(), flows::port());
    let dev = &topo.dut.ifname;
    let _tx = peer_egress(topo, &[p_big, p_runt])?;
    wait_rx_quiet(&topo.dut)?;
    let rx = Table::create(
        None,
        "netdev",
        "re1000_len",
        &format!(
            "counter n_big {{ }}\ncounter n_big_len {{ }}\ncounter n_runt {{ }}\ncounter n_runt_len {{ }}\n\
             counter n_other {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{dev}\" priority 0; policy accept;\n\
             udp dport {p_big} counter name \"n_big\"\n\
             udp dport {p_big} meta length 1028 counter name \"n_big_len\"\n\
             udp dport {p_runt} counter name \"n_runt\"\n\
             udp dport {p_runt} meta length 46 counter name \"n_runt_len\"\n\
             udp dport != {{ {p_big}, {p_runt} }} counter name \"n_other\"\n\
             meta l4proto != udp counter name \"n_other\"\n}}"
        ),
    )?;
    let dut0 = traffic::link_stats(&topo.dut)?;
    let a = flows::udp(
        Dir::PeerToDut,
        &big,
        p_big,
        Some(UDP_PPS),
        Duration::from_secs(60),
    )?;
    let b = flows::udp(
        Dir::PeerToDut,
        &runt,
        p_runt,
        Some(UDP_PPS),
        Duration::from_secs(60),
    )?;
    for (name, r) in [("1000-byte", &a), ("12-byte", &b)] {
        r.received.ensure_clean()?;
        ensure!(
            r.received.received == LEN_COUNT,
            "{name} flow: {} of {LEN_COUNT} datagrams arrived",
            r.received.received
        );
    }
    let c: HashMap<&str, Count> = ["n_big", "n_big_len", "n_runt", "n_runt_len"]
        .into_iter()
        .map(|k| Ok((k, rx.counter(k)?)))
        .collect::<Result<_>>()?;
    ensure!(
        c["n_big"].packets == LEN_COUNT && c["n_big_len"].packets == LEN_COUNT,
        "1000-byte datagrams: {} seen at ingress, {} with meta length 1028 (skb->len = {} per packet: FCS included?)",
        c["n_big"].packets,
        c["n_big_len"].packets,
        c["n_big"].bytes / c["n_big"].packets.max(1)
    );
    ensure!(
        c["n_runt"].packets == LEN_COUNT && c["n_runt_len"].packets == LEN_COUNT,
        "12-byte datagrams: {} seen at ingress, {} with meta length 46 (skb->len = {} per packet)",
        c["n_runt"].packets,
        c["n_runt_len"].packets,
        c["n_runt"].bytes / c["n_runt"].packets.max(1)
    );
    // stats64 bytes: L2 frame without FCS, runts as the 60 bytes on the wire.
    let d = traffic::link_stats(&topo.dut)?.since(&dut0)?;
    let other = rx.counter("n_other")?;
    let want_pkts = 2 * LEN_COUNT + other.packets;
    let want_bytes = LEN_COUNT * (1042 + 60) + other.bytes + 14 * other.packets;
    ensure!(
        d.rx_packets == want_pkts && d.rx_bytes == want_bytes,
        "dut rx_packets +{} rx_bytes +{}, expected +{want_pkts} / +{want_bytes} ({LEN_COUNT} frames of 1042 and of 60 bytes, {} other frames)",
        d.rx_packets,
        d.rx_bytes,
        other.packets
    );
    ctx.info(&format!(
        "meta length 1028 for all {LEN_COUNT} 1000-byte datagrams, 46 for all {LEN_COUNT} runts"
    ));
    Ok(())
}

// ---------------------------------------------------------------------------
// Promiscuous and multicast

const FOREIGN: &str = "02:00:00:00:00:99";
const GROUP: &str = "01:00:5e:01:02:03";
const OTHER_GROUP: &str = "01:00:5e:05:06:07";
const BURST: u32 = 30;
const KIND_MARKER: u8 = 0;
const KIND_FOREIGN: u8 = 1;
const KIND_GROUP: u8 = 2;
const KIND_OTHER_GROUP: u8 = 3;

/// Frames of each kind the dut saw in one phase.
struct Phase {
    seen: HashMap<u8, u32>,
    rx_packets: u64,
}

/// The peer sends the batches then a marker frame to the dut's own MAC; the
/// dut counts what arrived of each kind until the marker (frames arrive in
/// order, so nothing of the phase can come later).
fn phase(topo: &Topology, sock: &PacketSocket, batches: &[Batch]) -> Result<Phase> {
    phase_marked(topo, sock, batches, packet::parse_mac(DUT.mac)?)
}

/// [`phase`] with the marker sent to `marker` (the dut's current MAC).
fn phase_marked(
    topo: &Topology,
    sock: &PacketSocket,
    batches: &[Batch],
    marker: [u8; 6],
) -> Result<Phase> {
    let tag = traffic::fresh_seed() as u32;
    let mut all = batches.to_vec();
    all.push(Batch {
        dst: marker,
        kind: KIND_MARKER,
        count: 1,
    });
    let dut0 = traffic::link_stats(&topo.dut)?;
    let mut a = vec![
        "raw-send".to_owned(),
        "--ifname".into(),
        topo.peer.ifname.clone(),
        "--src".into(),
        PEER.mac.into(),
        "--tag".into(),
        tag.to_string(),
    ];
    for b in &all {
        a.extend(["--batch".into(), b.arg()]);
    }
    let sender = Helper::spawn(Some(NETNS), &a)?;
    let mut seen: HashMap<u8, u32> = HashMap::new();
    let mut bad = Vec::new();
    // RX is held off for 1 s after every RCTL write (QEMU).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            bail!(
                "the marker frame never arrived within 15 s (seen so far: {seen:?}); errors: {bad:?}"
            );
        }
        let Some((f, _pkttype)) = sock.recv(left.min(Duration::from_millis(200)))? else {
            continue;
        };
        match packet::decode(&f, tag) {
            Ok(Some(s)) => {
                *seen.entry(s.kind).or_default() += 1;
                if s.kind == KIND_MARKER {
                    break;
                }
            }
            Ok(None) => {}
            Err(e) => bad.push(e),
        }
    }
    let sent = sender.finish(Duration::from_secs(10))?;
    ensure!(bad.is_empty(), "corrupt frames: {}", bad.join("; "));
    let total: u64 = all.iter().map(|b| u64::from(b.count)).sum();
    ensure!(
        sent["sent"].as_u64() == Some(total),
        "the peer reports {sent}, expected {total} frames sent"
    );
    let rx_packets = traffic::link_stats(&topo.dut)?.since(&dut0)?.rx_packets;
    Ok(Phase { seen, rx_packets })
}

fn count(p: &Phase, kind: u8) -> u32 {
    p.seen.get(&kind).copied().unwrap_or(0)
}

fn set_promisc(topo: &Topology, on: bool) -> Result<()> {
    topo.dut.ip(&[
        "link",
        "set",
        "dev",
        &topo.dut.ifname,
        "promisc",
        if on { "on" } else { "off" },
    ])?;
    Ok(())
}

fn promisc_multicast(ctx: &mut Ctx<'_>) -> CaseResult {
    let r = promisc_multicast_inner(ctx);
    let topo = &*ctx.topo;
    let _ = set_promisc(topo, false);
    let _ = topo
        .dut
        .ip(&["maddr", "del", GROUP, "dev", &topo.dut.ifname]);
    r
}

fn promisc_multicast_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let group = packet::parse_mac(GROUP)?;
    let other = packet::parse_mac(OTHER_GROUP)?;
    let foreign = packet::parse_mac(FOREIGN)?;
    // The unjoined group must not share a hash bucket with any joined one.
    let maddrs = topo.dut.ip(&["maddr", "show", "dev", &topo.dut.ifname])?;
    let mut joined: Vec<[u8; 6]> = maddrs
        .lines()
        .filter_map(|l| l.trim().strip_prefix("link"))
        .filter_map(|m| packet::parse_mac(m.split_whitespace().next()?).ok())
        .collect();
    joined.push(group);
    let clash: Vec<String> = joined
        .iter()
        .filter(|m| packet::mta_hash(m) == packet::mta_hash(&other))
        .map(packet::fmt_mac)
        .collect();
    ensure!(
        clash.is_empty(),
        "test setup: {OTHER_GROUP} (hash {:#05x}) shares its MTA bucket with {clash:?}",
        packet::mta_hash(&other)
    );
    let sock = PacketSocket::open(&topo.dut.ifname)?;
    let unicast = [Batch {
        dst: foreign,
        kind: KIND_FOREIGN,
        count: BURST,
    }];
    let multicast = [
        Batch {
            dst: group,
            kind: KIND_GROUP,
            count: BURST,
        },
        Batch {
            dst: other,
            kind: KIND_OTHER_GROUP,
            count: BURST,
        },
    ];
    let mut notes = Vec::new();

    set_promisc(topo, false)?;
    let p = phase(topo, &sock, &unicast)?;
    ensure!(
        count(&p, KIND_FOREIGN) == 0,
        "promisc off: {} of {BURST} frames to {FOREIGN} were received",
        count(&p, KIND_FOREIGN)
    );
    ensure!(
        p.rx_packets < u64::from(BURST),
        "promisc off: rx_packets +{} while {BURST} foreign frames were sent",
        p.rx_packets
    );
    notes.push(format!(
        "promisc off: 0/{BURST} foreign (rx_packets +{})",
        p.rx_packets
    ));

    set_promisc(topo, true)?;
    let p = phase(topo, &sock, &unicast)?;
    ensure!(
        count(&p, KIND_FOREIGN) == BURST,
        "promisc on: {} of {BURST} frames to {FOREIGN} were received",
        count(&p, KIND_FOREIGN)
    );
    ensure!(
        p.rx_packets > u64::from(BURST),
        "promisc on: rx_packets +{} for {BURST} foreign frames and a marker",
        p.rx_packets
    );
    notes.push(format!(
        "promisc on: {BURST}/{BURST} (rx_packets +{})",
        p.rx_packets
    ));

    set_promisc(topo, false)?;
    let p = phase(topo, &sock, &unicast)?;
    ensure!(
        count(&p, KIND_FOREIGN) == 0,
        "promisc back off: {} of {BURST} foreign frames were still received",
        count(&p, KIND_FOREIGN)
    );
    notes.push("promisc off again: 0 foreign".into());

    let p = phase(topo, &sock, &multicast)?;
    ensure!(
        count(&p, KIND_GROUP) == 0 && count(&p, KIND_OTHER_GROUP) == 0,
        "no group joined: received {} to {GROUP}, {} to {OTHER_GROUP}",
        count(&p, KIND_GROUP),
        count(&p, KIND_OTHER_GROUP)
    );

    topo.dut
        .ip(&["maddr", "add", GROUP, "dev", &topo.dut.ifname])?;
    let p = phase(topo, &sock, &multicast)?;
    ensure!(
        count(&p, KIND_GROUP) == BURST,
        "joined {GROUP}: received {} of {BURST} frames to it",
        count(&p, KIND_GROUP)
    );
    ensure!(
        count(&p, KIND_OTHER_GROUP) == 0,
        "joined {GROUP} only: received {} of {BURST} frames to {OTHER_GROUP}",
        count(&p, KIND_OTHER_GROUP)
    );
    notes.push(format!(
        "{GROUP} joined: {BURST}/{BURST}; {OTHER_GROUP}: 0/{BURST}"
    ));

    topo.dut
        .ip(&["maddr", "del", GROUP, "dev", &topo.dut.ifname])?;
    let p = phase(topo, &sock, &multicast)?;
    ensure!(
        count(&p, KIND_GROUP) == 0,
        "left {GROUP}: still received {} of {BURST} frames to it",
        count(&p, KIND_GROUP)
    );
    notes.push(format!("{GROUP} left: 0/{BURST}"));
    ctx.info(&notes.join("; "));
    Ok(())
}

// ---------------------------------------------------------------------------
// Ring wrap

/// Module parameters that set both rings to `n` descriptors.
fn ring_params(driver: &str, n: u32) -> Vec<String> {
    match driver {
        // The C driver's are per-board arrays; both boards (dut and peer,
        // when the peer uses it too) get `n`.
        "e1000" => vec![
            format!("TxDescriptors={n},{n}"),
            format!("RxDescriptors={n},{n}"),
        ],
        _ => vec![format!("tx_descriptors={n}"), format!("rx_descriptors={n}")],
    }
}

fn ring_wrap(ctx: &mut Ctx<'_>, n: u32) -> CaseResult {
    let drv = ctx.driver();
    flows::reload_driver(ctx.topo, &ring_params(&drv, n))
        .with_context(|| format!("reloading {drv} with {n}-descriptor rings"))?;
    // Static neighbours: a flow that starts while ARP is unresolved would
    // lose datagrams in the neighbour queue, before the driver.
    let r = flows::pin_neighbours(ctx.topo).and_then(|()| ring_wrap_traffic(ctx, n));
    flows::unpin_neighbours(ctx.topo);
    let restore = flows::reload_driver(ctx.topo, &[]).context("reloading with default rings");
    r?;
    restore
}

fn ring_wrap_traffic(ctx: &mut Ctx<'_>, n: u32) -> CaseResult {
    let topo = &*ctx.topo;
    let rings = crate::netlink::Ethtool::connect()?
        .rings_get(&topo.dut.ifname)
        .context("RINGS_GET (ethtool -g) on the dut")?;
    ensure!(
        (rings.rx, rings.tx) == (n, n),
        "ethtool -g: rings rx {} tx {}, loaded with {n}/{n}",
        rings.rx,
        rings.tx
    );
    ctx.info(&format!(
        "ethtool -g reports rx {} tx {} (max {}/{})",
        rings.rx, rings.tx, rings.rx_max, rings.tx_max
    ));
    // At least RING_WRAPS wraps of each ring, and at least 2000 frames.
    let wraps = ctx.scaled(RING_WRAPS);
    let frames = (u64::from(n) * wraps + u64::from(n) / 2).max(2000);
    for dir in [Dir::DutToPeer, Dir::PeerToDut] {
        let (receiver, sender) = match dir {
            Dir::DutToPeer => (&topo.peer, &topo.dut),
            Dir::PeerToDut => (&topo.dut, &topo.peer),
        };
        let flow = UdpFlow::new(
            traffic::fresh_seed() as u32,
            frames,
            UDP_MIN,
            traffic::UDP_MAX_PAYLOAD,
        )?;
        let rx0 = traffic::link_stats(receiver)?;
        let tx0 = traffic::link_stats(sender)?;
        let r = flows::udp(
            dir,
            &flow,
            flows::port(),
            Some(UDP_PPS),
            Duration::from_secs(240),
        )?;
        r.received.ensure_clean()?;
        ensure!(
            r.sent.sent == frames,
            "{}: sent {} of {frames}",
            dir.name(),
            r.sent.sent
        );
        let got = r.received.received;
        let lost = frames - got;
        // A lost datagram must be a frame the receiving NIC missed.
        let missed = wait::poll(
            "the receiver's rx_missed_errors to account for the losses",
            STATS_SETTLE,
            || {
                let m = traffic::link_stats(receiver)?.since(&rx0)?.rx_missed;
                Ok((m >= lost).then_some(m))
            },
        );
        let tx = traffic::link_stats(sender)?.since(&tx0)?;
        let missed = missed.with_context(|| {
            format!(
                "{}: {lost} of {frames} datagrams lost (first missing {:?}); sender tx_packets +{} tx_dropped +{}",
                dir.name(),
                r.received.missing,
                tx.tx_packets,
                tx.tx_dropped
            )
        })?;
        ensure!(
            tx.tx_packets >= frames,
            "{}: sender tx_packets +{} for {frames} datagrams",
            dir.name(),
            tx.tx_packets
        );
        // The ring under test: the dut's RX ring must have handed up
        // `wraps` rings' worth; its TX ring must have sent them (each one received
        // or counted as missed by the peer).
        let through = match dir {
            Dir::PeerToDut => got,
            Dir::DutToPeer => got + missed.min(lost),
        };
        ensure!(
            through >= u64::from(n) * wraps,
            "{}: only {through} frames went through the {n}-descriptor ring, less than {wraps} x {n}",
            dir.name()
        );
        ctx.info(&format!(
            "{}: {got}/{frames} datagrams intact ({:.1} wraps), {lost} lost = {missed} missed, {:.1} s",
            dir.name(),
            got as f64 / f64::from(n),
            r.secs
        ));
    }
    // Large frames and TCP through the small or large rings (SHA-256 only:
    // a 48-descriptor ring can overrun, and TCP then legitimately resends).
    for dir in [Dir::DutToPeer, Dir::PeerToDut] {
        let r = flows::tcp(dir, false, 8 * MIB, TCP_TIMEOUT)?;
        ctx.info(&format!(
            "{} 8 MiB: SHA-256 {}… matches, {:.1} s",
            dir.name(),
            &r.received.sha256[..16],
            r.secs
        ));
    }
    Ok(())
}

/// How often `ring-48`/`ring-4096` wrap each ring at least.
const RING_WRAPS: Scaled<u64> = Scaled { full: 10, short: 3 };

fn ring_48(ctx: &mut Ctx<'_>) -> CaseResult {
    ring_wrap(ctx, 48)
}

fn ring_4096(ctx: &mut Ctx<'_>) -> CaseResult {
    ring_wrap(ctx, 4096)
}

// ---------------------------------------------------------------------------
// Both ends on the driver under test

fn both_ends(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let orig = ctx.topo.peer.driver.clone();
    if orig != drv {
        flows::set_peer_driver(ctx.topo, &drv)
            .with_context(|| format!("rebinding the peer to {drv}"))?;
        ctx.info(&format!("peer rebound from {orig} to {drv}"));
    }
    let r = (|| -> Result<()> {
        tcp_dir(ctx, Dir::DutToPeer, false, ctx.scaled(TCP_BYTES))?;
        tcp_dir(ctx, Dir::PeerToDut, false, ctx.scaled(TCP_BYTES))?;
        flows::echo_check(false, false, &[56, 1473], 2)?;
        Ok(())
    })();
    let restore = if orig != drv {
        flows::set_peer_driver(ctx.topo, &orig)
            .with_context(|| format!("rebinding the peer back to {orig}"))
    } else {
        Ok(())
    };
    r?;
    restore?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Copybreak

/// The `copybreak` module parameter the case expects (the default).
const COPYBREAK: u64 = 256;

/// `ethtool -S rx_copybreak` of the dut.
fn copybreak_count(ifname: &str) -> Result<u64> {
    crate::netlink::Ioctl::open()?
        .stats(ifname)?
        .iter()
        .find(|(n, _)| n == "rx_copybreak")
        .map(|(_, v)| *v)
        .context("no rx_copybreak in ethtool -S")
}

/// Loads re1000 with `copybreak=256` explicitly (Rust module parameters are
/// not in sysfs, so the value cannot be read back), then counts on the quiet
/// link.
fn copybreak(ctx: &mut Ctx<'_>) -> CaseResult {
    flows::reload_driver(ctx.topo, &[format!("copybreak={COPYBREAK}")])
        .with_context(|| format!("reloading re1000 with copybreak={COPYBREAK}"))?;
    let r = flows::quiet_link(ctx.topo).and_then(|()| copybreak_inner(ctx));
    let unquiet = flows::unquiet_link(ctx.topo).context("restoring IPv6 and the neighbours");
    let reload = flows::reload_driver(ctx.topo, &[]).context("reloading re1000 with defaults");
    r?;
    unquiet?;
    reload
}

/// On the quiet link, the peer sends datagrams of every payload from 12 to
/// 400 bytes (frames of 60 to 442 bytes, 256 and 257 among them) and 100 of
/// 1000 to 1472: `rx_copybreak` must move by exactly the number of frames of
/// at most 256 bytes (the descriptor length: no FCS, runts padded to 60),
/// computed from the flows, plus any other small frame nft saw at ingress.
fn copybreak_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let flows_ = [
        UdpFlow::new(traffic::fresh_seed() as u32, 389, 12, 400)?,
        UdpFlow::new(
            traffic::fresh_seed() as u32,
            100,
            1000,
            traffic::UDP_MAX_PAYLOAD,
        )?,
    ];
    let ports = [flows::port(), flows::port()];
    let small: u64 = flows_
        .iter()
        .map(|f| {
            (0..f.count)
                .filter(|&s| f.frame_len(s) <= COPYBREAK)
                .count() as u64
        })
        .sum();
    let total: u64 = flows_.iter().map(|f| f.count).sum();
    let dev = &topo.dut.ifname;
    wait_rx_quiet(&topo.dut)?;
    // nft ingress sees skb->len after the Ethernet header: a frame of at most
    // 256 bytes has `meta length` at most 242.
    let rx = Table::create(
        None,
        "netdev",
        "re1000_cb",
        &format!(
            "counter n_flow {{ }}\ncounter n_small {{ }}\ncounter n_big {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{dev}\" priority 0; policy accept;\n\
             udp dport {{ {}, {} }} counter name \"n_flow\" accept\n\
             meta length 0-{} counter name \"n_small\" accept\n\
             counter name \"n_big\"\n}}",
            ports[0],
            ports[1],
            COPYBREAK - 14
        ),
    )?;
    let cb0 = copybreak_count(dev)?;
    let dut0 = traffic::link_stats(&topo.dut)?;
    for (f, &p) in flows_.iter().zip(&ports) {
        let r = flows::udp(Dir::PeerToDut, f, p, Some(UDP_PPS), Duration::from_secs(60))?;
        r.received.ensure_clean()?;
        ensure!(
            r.received.received == f.count,
            "{}..={} byte datagrams: {} of {} arrived",
            f.min,
            f.max,
            r.received.received,
            f.count
        );
    }
    let cb = copybreak_count(dev)? - cb0;
    let (flow_in, other_small, other_big) = (
        rx.counter("n_flow")?,
        rx.counter("n_small")?,
        rx.counter("n_big")?,
    );
    let d = traffic::link_stats(&topo.dut)?.since(&dut0)?;
    ensure!(
        flow_in.packets == total,
        "nft ingress saw {} flow frames, the peer sent {total}",
        flow_in.packets
    );
    ensure!(
        d.rx_packets == total + other_small.packets + other_big.packets,
        "rx_packets +{}, expected {total} datagrams + {} other frames",
        d.rx_packets,
        other_small.packets + other_big.packets
    );
    let want = small + other_small.packets;
    ensure!(
        cb == want,
        "rx_copybreak +{cb}, expected {want}: {small} of the {total} datagrams have frames of at most {COPYBREAK} bytes, and {} other small frames arrived",
        other_small.packets
    );
    ctx.info(&format!(
        "rx_copybreak +{cb} = {small} of {total} datagrams at most {COPYBREAK} bytes + {} other small frames ({} other large)",
        other_small.packets, other_big.packets
    ));
    Ok(())
}

// ---------------------------------------------------------------------------
// All-multicast

fn set_allmulti(topo: &Topology, on: bool) -> Result<()> {
    topo.dut.ip(&[
        "link",
        "set",
        "dev",
        &topo.dut.ifname,
        "allmulticast",
        if on { "on" } else { "off" },
    ])?;
    Ok(())
}

/// Whether `ip link` shows the ALLMULTI flag on the dut.
fn allmulti_flag(topo: &Topology) -> Result<bool> {
    let out = topo
        .dut
        .ip(&["-j", "link", "show", "dev", &topo.dut.ifname])?;
    let v: serde_json::Value = serde_json::from_str(&out).context("parsing `ip -j link`")?;
    let flags = v[0]["flags"]
        .as_array()
        .context("no flags in `ip -j link`")?;
    Ok(flags.iter().any(|f| f == "ALLMULTI"))
}

fn allmulticast(ctx: &mut Ctx<'_>) -> CaseResult {
    let r = allmulticast_inner(ctx);
    let _ = set_allmulti(ctx.topo, false);
    r
}

/// Frames to a group nobody joined arrive with all-multicast on (RCTL.MPE)
/// and only then; unicast to a foreign MAC stays filtered either way.
fn allmulticast_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let other = packet::parse_mac(OTHER_GROUP)?;
    let foreign = packet::parse_mac(FOREIGN)?;
    let maddrs = topo.dut.ip(&["maddr", "show", "dev", &topo.dut.ifname])?;
    ensure!(
        !maddrs.contains(OTHER_GROUP),
        "test setup: {OTHER_GROUP} is joined on the dut:\n{maddrs}"
    );
    let sock = PacketSocket::open(&topo.dut.ifname)?;
    let batches = [
        Batch {
            dst: other,
            kind: KIND_OTHER_GROUP,
            count: BURST,
        },
        Batch {
            dst: foreign,
            kind: KIND_FOREIGN,
            count: BURST,
        },
    ];
    let mut notes = Vec::new();
    for (on, what) in [(false, "off"), (true, "on"), (false, "off again")] {
        set_allmulti(topo, on)?;
        ensure!(
            allmulti_flag(topo)? == on,
            "allmulticast {what}: ip link shows ALLMULTI {}",
            !on
        );
        let p = phase(topo, &sock, &batches)?;
        let (g, f) = (count(&p, KIND_OTHER_GROUP), count(&p, KIND_FOREIGN));
        let want = if on { BURST } else { 0 };
        ensure!(
            g == want,
            "allmulticast {what}: {g} of {BURST} frames to the unjoined group {OTHER_GROUP} were received, expected {want}"
        );
        ensure!(
            f == 0,
            "allmulticast {what}: {f} of {BURST} unicast frames to {FOREIGN} were received"
        );
        // stats64: the group frames, the marker, and at most a few others;
        // never the foreign unicast.
        let lo = u64::from(want) + 1;
        ensure!(
            (lo..lo + u64::from(BURST)).contains(&p.rx_packets),
            "allmulticast {what}: rx_packets +{} for {want} group frames and a marker",
            p.rx_packets
        );
        notes.push(format!(
            "allmulticast {what}: {g}/{BURST} to {OTHER_GROUP}, 0/{BURST} foreign (rx_packets +{})",
            p.rx_packets
        ));
    }
    ctx.info(&notes.join("; "));
    Ok(())
}

// ---------------------------------------------------------------------------
// MAC address change

/// Two locally administered addresses whose MTA hash buckets hold no joined
/// group (checked): QEMU applies the MTA hash to unicast frames too, and the
/// dut's own 52:54:00:00:00:01 shares bucket 0x010 with the all-hosts groups
/// 01:00:5e:00:00:01 and 33:33:00:00:00:01, so frames to it pass the filter
/// whatever its address. The case therefore moves from A to B and checks
/// that A stops.
const MAC_A: &str = "02:00:00:00:12:34";
const MAC_B: &str = "02:00:00:00:56:78";
const KIND_MAC_A: u8 = 4;
const KIND_MAC_B: u8 = 5;

fn set_mac(topo: &Topology, mac: &str) -> Result<()> {
    topo.dut
        .ip(&["link", "set", "dev", &topo.dut.ifname, "address", mac])?;
    let shown = sysfs::read(format!("/sys/class/net/{}/address", topo.dut.ifname))?;
    ensure!(
        shown.eq_ignore_ascii_case(mac),
        "after `ip link set address {mac}` the dut's address is {shown}"
    );
    Ok(())
}

fn mac_change(ctx: &mut Ctx<'_>) -> CaseResult {
    let r = mac_change_inner(ctx);
    let restore = set_mac(ctx.topo, DUT.mac).context("restoring the dut's MAC address");
    let _ = ctx
        .topo
        .peer
        .ip(&["neigh", "del", flows::DUT_IP4, "dev", &ctx.topo.peer.ifname]);
    r?;
    restore?;
    // IP works again on the original address.
    flows::echo_check(true, false, &[56], 2)?;
    Ok(())
}

/// `ip link set address A`, then `B`: frames to the current address arrive
/// (the dut's socket gets them and rx_packets counts them), frames to the
/// previous one do not, and ping from the peer addressed to the current MAC
/// gets every reply.
fn mac_change_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let (a, b) = (packet::parse_mac(MAC_A)?, packet::parse_mac(MAC_B)?);
    let maddrs = topo.dut.ip(&["maddr", "show", "dev", &topo.dut.ifname])?;
    let joined: Vec<[u8; 6]> = maddrs
        .lines()
        .filter_map(|l| l.trim().strip_prefix("link"))
        .filter_map(|m| packet::parse_mac(m.split_whitespace().next()?).ok())
        .collect();
    for m in [&a, &b] {
        let clash: Vec<String> = joined
            .iter()
            .filter(|j| packet::mta_hash(j) == packet::mta_hash(m))
            .map(packet::fmt_mac)
            .collect();
        ensure!(
            clash.is_empty(),
            "test setup: {} (hash {:#05x}) shares its MTA bucket with {clash:?}",
            packet::fmt_mac(m),
            packet::mta_hash(m)
        );
    }
    let sock = PacketSocket::open(&topo.dut.ifname)?;
    let batches = [
        Batch {
            dst: a,
            kind: KIND_MAC_A,
            count: BURST,
        },
        Batch {
            dst: b,
            kind: KIND_MAC_B,
            count: BURST,
        },
    ];
    let mut notes = Vec::new();
    for (mac, dst) in [(MAC_A, a), (MAC_B, b)] {
        set_mac(topo, mac)?;
        let p = phase_marked(topo, &sock, &batches, dst)?;
        let (na, nb) = (count(&p, KIND_MAC_A), count(&p, KIND_MAC_B));
        let want = if dst == a { (BURST, 0) } else { (0, BURST) };
        ensure!(
            (na, nb) == want,
            "address {mac}: received {na} of {BURST} frames to {MAC_A} and {nb} of {BURST} to {MAC_B}, expected {} and {}",
            want.0,
            want.1
        );
        let lo = u64::from(BURST) + 1;
        ensure!(
            (lo..lo + u64::from(BURST)).contains(&p.rx_packets),
            "address {mac}: rx_packets +{} for {BURST} frames to it and a marker ({BURST} to the other address must not count)",
            p.rx_packets
        );
        // IP follows: the peer addresses the dut by its current MAC.
        topo.peer.ip(&[
            "neigh",
            "replace",
            flows::DUT_IP4,
            "lladdr",
            mac,
            "dev",
            &topo.peer.ifname,
            "nud",
            "permanent",
        ])?;
        flows::echo_check(true, false, &[56, 1472], 2)
            .with_context(|| format!("ping from the peer to the dut at {mac}"))?;
        notes.push(format!(
            "address {mac}: {BURST}/{BURST} to it, 0/{BURST} to the other (rx_packets +{}), ping intact",
            p.rx_packets
        ));
    }
    ctx.info(&notes.join("; "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Why `mac-change` cannot use the dut's own address as the old one.
    #[test]
    fn own_mac_shares_the_all_hosts_bucket() {
        let own = packet::mta_hash(&packet::parse_mac(DUT.mac).unwrap());
        assert_eq!(own, 0x010);
        for g in ["01:00:5e:00:00:01", "33:33:00:00:00:01"] {
            assert_eq!(packet::mta_hash(&packet::parse_mac(g).unwrap()), own);
        }
        let (a, b) = (
            packet::mta_hash(&packet::parse_mac(MAC_A).unwrap()),
            packet::mta_hash(&packet::parse_mac(MAC_B).unwrap()),
        );
        assert!(a != own && b != own && a != b);
    }
}
