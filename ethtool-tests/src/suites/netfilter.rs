// SPDX-License-Identifier: GPL-2.0
//! The `netfilter` suite: the sk_buffs re1000 hands to the stack and takes
//! from it, as netfilter sees them. Each case loads an nftables ruleset
//! (`nft -f`, read back as JSON) and checks its counters against two other
//! observers: the driver's own counters (rtnetlink stats64) and what the
//! other end sent or received (content-checked datagrams, TCP streams with
//! SHA-256, the peer's protocol counters).
//!
//! - `ingress-counts`: a netdev `ingress` chain on the dut counts exactly
//!   the frames and bytes stats64 counts (`skb->len` is the frame without
//!   its Ethernet header and FCS), and its `ether saddr/daddr/type` match
//!   every datagram of a flow from the peer.
//! - `ingress-drop`: a `drop` at ingress: the driver counts the frames, the
//!   nft counter drops all of them, the socket gets none, and the flow sent
//!   next on another port arrives whole.
//! - `egress-rewrite`: a netdev `egress` chain on the dut rewrites the UDP
//!   destination port and the IPv4 DSCP of a flow; the peer receives every
//!   datagram intact on the new port, with the new DSCP (counted at the
//!   peer's ingress) and no checksum error, with TX checksum offload on and
//!   off.
//! - `conntrack-tcp`: during a TCP transfer each way, conntrack marks no
//!   packet through re1000 invalid (an inet chain after conntrack counts
//!   `ct state invalid`), and the flow is counted as established.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use super::{Case, CaseResult, Ctx, Scaled, Suite};
use crate::flows::DUT_IP4;
use crate::flows::{self, Dir};
use crate::nft::Table;
use crate::tool::{args, Helper};
use crate::topology::{Port, Topology, NETNS, PEER_IP4};
use crate::traffic::{self, UdpFlow};
use crate::wait;

pub const SUITE: Suite = Suite {
    name: "netfilter",
    about: "nftables ingress/egress/conntrack counters against the driver's counters and the peer",
    cases: &[
        Case::new("ingress-counts", ingress_counts),
        Case::new("ingress-drop", ingress_drop),
        Case::new("egress-rewrite", egress_rewrite),
        Case::new("conntrack-tcp", conntrack_tcp),
    ],
};

/// Datagrams per flow.
const COUNT: Scaled<u64> = Scaled {
    full: 2000,
    short: 300,
};
/// Paced below what the slowest guest (the debug kernel) receives without loss.
const PPS: u32 = 2000;
const FLOW_TIMEOUT: Duration = Duration::from_secs(90);
/// Ethernet header, which netfilter's `skb->len` at ingress leaves out.
const ETH_HLEN: u64 = 14;
/// How long the dut must receive nothing before counters are compared.
const RX_QUIET: Duration = Duration::from_millis(1200);
const MIB: u64 = 1 << 20;
const TCP_BYTES: Scaled<u64> = Scaled {
    full: 64 * MIB,
    short: 8 * MIB,
};
const TCP_TIMEOUT: Duration = Duration::from_secs(240);
/// The DSCP `egress-rewrite` sets (CS1, 8) and the port offset it adds.
const DSCP: &str = "cs1";
const PORT_SHIFT: u16 = 1000;

/// An interface's MAC address as `ip -j link` shows it.
fn mac(port: &Port) -> Result<String> {
    let v = port.link_json()?;
    v["address"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no address for {} in `ip -j link`", port.ifname))
}

/// Waits until `port` has received nothing for [`RX_QUIET`].
fn wait_rx_quiet(port: &Port) -> Result<()> {
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

/// The peer sends only UDP to `ports` while this table lives (its other
/// egress, IPv6 router solicitations and the like, is dropped), so that the
/// dut's counters hold the flow and nothing else. Neighbours are pinned.
fn peer_only_udp(topo: &Topology, ports: &[u16]) -> Result<Table> {
    let set: Vec<String> = ports.iter().map(u16::to_string).collect();
    Table::create(
        Some(NETNS),
        "netdev",
        "re1000_nf_peer",
        &format!(
            "chain c {{\ntype filter hook egress device \"{}\" priority 0; policy drop;\n\
             udp dport {{ {} }} accept\n}}",
            topo.peer.ifname,
            set.join(", ")
        ),
    )
}

/// Runs `f` with both ends' neighbour entries pinned (no ARP or ND traffic
/// moves the counters).
fn pinned(ctx: &mut Ctx<'_>, f: fn(&mut Ctx<'_>) -> CaseResult) -> CaseResult {
    flows::pin_neighbours(ctx.topo)?;
    let r = f(ctx);
    flows::unpin_neighbours(ctx.topo);
    r
}

fn flow(ctx: &Ctx<'_>, min: usize, max: usize) -> Result<UdpFlow> {
    UdpFlow::new(traffic::fresh_seed() as u32, ctx.scaled(COUNT), min, max)
}

/// Fails unless every datagram of `flow` arrived intact, once.
fn ensure_whole(what: &str, flow: &UdpFlow, r: &traffic::RecvReport) -> Result<()> {
    r.ensure_clean().with_context(|| what.to_owned())?;
    ensure!(
        r.received == flow.count,
        "{what}: {} of {} datagrams arrived (missing e.g. {:?})",
        r.received,
        flow.count,
        r.missing
    );
    Ok(())
}

fn ingress_counts(ctx: &mut Ctx<'_>) -> CaseResult {
    pinned(ctx, ingress_counts_inner)
}

fn ingress_counts_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    // Every size from the smallest (a runt, padded to 60 bytes on the wire)
    // to a full frame.
    let f = flow(ctx, 18, traffic::UDP_MAX_PAYLOAD)?;
    let topo = &*ctx.topo;
    let port = flows::port();
    let (dut_mac, peer_mac) = (mac(&topo.dut)?, mac(&topo.peer)?);
    let _peer = peer_only_udp(topo, &[port])?;
    wait_rx_quiet(&topo.dut)?;
    let t = Table::create(
        None,
        "netdev",
        "re1000_nf",
        &format!(
            "counter n_all {{ }}\ncounter n_flow {{ }}\ncounter n_flow_addr {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{dev}\" priority 0; policy accept;\n\
             counter name \"n_all\"\n\
             udp dport {port} counter name \"n_flow\"\n\
             ether saddr {peer_mac} ether daddr {dut_mac} ether type ip udp dport {port} \
             counter name \"n_flow_addr\"\n}}",
            dev = topo.dut.ifname
        ),
    )?;
    let s0 = traffic::link_stats(&topo.dut)?;
    let r = flows::udp(Dir::PeerToDut, &f, port, Some(PPS), FLOW_TIMEOUT)?;
    ensure_whole("the flow from the peer", &f, &r.received)?;
    wait_rx_quiet(&topo.dut)?;
    let d = traffic::link_stats(&topo.dut)?.since(&s0)?;
    let (all, fl, fa) = (
        t.counter("n_all")?,
        t.counter("n_flow")?,
        t.counter("n_flow_addr")?,
    );
    let (frames, frame_bytes) = f.totals();
    ensure!(
        fl.packets == frames && fl.bytes == frame_bytes - ETH_HLEN * frames,
        "ingress saw {} datagrams of the flow, {} bytes; sent {frames} frames of {frame_bytes} \
         bytes, {} without their Ethernet headers",
        fl.packets,
        fl.bytes,
        frame_bytes - ETH_HLEN * frames
    );
    ensure!(
        fa.packets == frames,
        "ether saddr {peer_mac} daddr {dut_mac} type ip matched {} of {frames} datagrams",
        fa.packets
    );
    ensure!(
        all.packets == d.rx_packets && all.bytes + ETH_HLEN * all.packets == d.rx_bytes,
        "ingress counted {} frames, {} bytes (+14 each = {}); stats64 rx_packets +{}, rx_bytes +{}",
        all.packets,
        all.bytes,
        all.bytes + ETH_HLEN * all.packets,
        d.rx_packets,
        d.rx_bytes
    );
    ctx.info(&format!(
        "{frames} datagrams ({frame_bytes} frame bytes) matched by size and addresses; \
         ingress {} frames = stats64 rx_packets, {} + 14 x frames bytes = rx_bytes",
        all.packets, all.bytes
    ));
    Ok(())
}

fn ingress_drop(ctx: &mut Ctx<'_>) -> CaseResult {
    pinned(ctx, ingress_drop_inner)
}

fn ingress_drop_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let dropped = flow(ctx, 18, 600)?;
    let passed = flow(ctx, 18, 600)?;
    let topo = &*ctx.topo;
    let (p_drop, p_pass) = (flows::port(), flows::port());
    let _peer = peer_only_udp(topo, &[p_drop, p_pass])?;
    wait_rx_quiet(&topo.dut)?;
    let t = Table::create(
        None,
        "netdev",
        "re1000_nf",
        &format!(
            "counter dropped {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{}\" priority 0; policy accept;\n\
             udp dport {p_drop} counter name \"dropped\" drop\n}}",
            topo.dut.ifname
        ),
    )?;
    // A socket on the dropped port: it must get nothing.
    let sink = UdpSocket::bind(("0.0.0.0", p_drop))?;
    sink.set_nonblocking(true)?;
    let s0 = traffic::link_stats(&topo.dut)?;
    let sender = Helper::spawn(
        Some(NETNS),
        &args::udp_send(&format!("{DUT_IP4}:{p_drop}"), &dropped, Some(PPS), false),
    )?;
    let sent = traffic::SendReport::from_json(&sender.finish(FLOW_TIMEOUT)?)?;
    ensure!(
        sent.sent == dropped.count,
        "the peer sent {} of {} datagrams",
        sent.sent,
        dropped.count
    );
    wait_rx_quiet(&topo.dut)?;
    let d = traffic::link_stats(&topo.dut)?.since(&s0)?;
    let c = t.counter("dropped")?;
    let mut buf = [0u8; 2048];
    let got = std::iter::from_fn(|| sink.recv(&mut buf).ok()).count();
    ensure!(
        c.packets == dropped.count && d.rx_packets == dropped.count && got == 0,
        "sent {}: nft dropped {}, stats64 rx_packets +{}, the socket got {got}",
        dropped.count,
        c.packets,
        d.rx_packets
    );
    // The receive path is intact after the drops: a flow to another port.
    let r = flows::udp(Dir::PeerToDut, &passed, p_pass, Some(PPS), FLOW_TIMEOUT)?;
    ensure_whole("the flow after the drops", &passed, &r.received)?;
    ensure!(
        t.counter("dropped")?.packets == dropped.count,
        "the drop rule matched the other port's flow"
    );
    ctx.info(&format!(
        "{} datagrams counted by the driver and dropped at ingress, none delivered; \
         {} on another port arrived whole",
        dropped.count, passed.count
    ));
    Ok(())
}

/// TX checksum offload, as `ethtool -K` names it.
const HW_CSUM: &str = "tx-checksum-ip-generic";

fn egress_rewrite(ctx: &mut Ctx<'_>) -> CaseResult {
    let ifname = ctx.topo.dut.ifname.clone();
    let eth = crate::netlink::Ethtool::connect()?;
    let r = pinned(ctx, egress_rewrite_both);
    let restore = eth.features_set(&ifname, &[(HW_CSUM, true)]);
    r?;
    restore?;
    ensure!(
        eth.features_get(&ifname)?.is_active(HW_CSUM),
        "checksum offload not restored"
    );
    Ok(())
}

fn egress_rewrite_both(ctx: &mut Ctx<'_>) -> CaseResult {
    let ifname = ctx.topo.dut.ifname.clone();
    let eth = crate::netlink::Ethtool::connect()?;
    for on in [true, false] {
        eth.features_set(&ifname, &[(HW_CSUM, on)])?;
        ensure!(
            eth.features_get(&ifname)?.is_active(HW_CSUM) == on,
            "tx-checksumming did not turn {}",
            if on { "on" } else { "off" }
        );
        egress_rewrite_once(ctx, on)
            .with_context(|| format!("checksum offload {}", if on { "on" } else { "off" }))?;
    }
    Ok(())
}

fn egress_rewrite_once(ctx: &Ctx<'_>, csum_offload: bool) -> CaseResult {
    let f = flow(ctx, 18, traffic::UDP_MAX_PAYLOAD)?;
    let topo = &*ctx.topo;
    let port = flows::port();
    let to = port + PORT_SHIFT;
    let t = Table::create(
        None,
        "netdev",
        "re1000_nf",
        &format!(
            "counter rewritten {{ }}\n\
             chain c {{\ntype filter hook egress device \"{}\" priority 0; policy accept;\n\
             udp dport {port} ip dscp set {DSCP} udp dport set {to} counter name \"rewritten\"\n}}",
            topo.dut.ifname
        ),
    )?;
    let seen = Table::create(
        Some(NETNS),
        "netdev",
        "re1000_nf_peer",
        &format!(
            "counter arrived {{ }}\ncounter old_port {{ }}\n\
             chain c {{\ntype filter hook ingress device \"{}\" priority 0; policy accept;\n\
             ip dscp {DSCP} udp dport {to} counter name \"arrived\"\n\
             udp dport {port} counter name \"old_port\"\n}}",
            topo.peer.ifname
        ),
    )?;
    let before = flows::net_stats(Some(NETNS))?;
    let mut receiver = Helper::spawn(
        Some(NETNS),
        &args::udp_recv(&format!("0.0.0.0:{to}"), &f, 3),
    )?;
    receiver.wait_ready(Duration::from_secs(30))?;
    let s = UdpSocket::bind("0.0.0.0:0")?;
    s.connect((PEER_IP4, port))?;
    traffic::ip_recverr(&s)?;
    let sent = traffic::send_udp(
        &s,
        &f,
        &traffic::SendOpts {
            pps: Some(PPS),
            lenient: false,
        },
        &AtomicBool::new(false),
        &AtomicU64::new(0),
    )?;
    let got = traffic::RecvReport::from_json(&receiver.finish(FLOW_TIMEOUT)?)?;
    ensure!(sent.sent == f.count, "sent {} of {}", sent.sent, f.count);
    ensure_whole(&format!("the flow rewritten to port {to}"), &f, &got)?;
    let moved = flows::net_stats(Some(NETNS))?.moved_since(&before);
    let csum_errors: Vec<_> = moved
        .iter()
        .filter(|(k, _)| k.contains("Csum") || k.contains("HdrErrors"))
        .collect();
    ensure!(
        csum_errors.is_empty(),
        "the peer counted errors: {csum_errors:?}"
    );
    let (rw, arrived, old) = (
        t.counter("rewritten")?,
        seen.counter("arrived")?,
        seen.counter("old_port")?,
    );
    ensure!(
        rw.packets == f.count && arrived.packets == f.count && old.packets == 0,
        "rewritten at the dut's egress {}, arrived at the peer with DSCP {DSCP} on port {to} {}, \
         on the old port {} (of {})",
        rw.packets,
        arrived.packets,
        old.packets,
        f.count
    );
    ctx.info(&format!(
        "checksum offload {}: {} datagrams rewritten to port {to} DSCP {DSCP}, all intact at the \
         peer, no checksum errors",
        if csum_offload { "on" } else { "off" },
        f.count
    ));
    Ok(())
}

fn conntrack_tcp(ctx: &mut Ctx<'_>) -> CaseResult {
    let topo = &*ctx.topo;
    let bytes = ctx.scaled(TCP_BYTES);
    let t = Table::create(
        None,
        "inet",
        "re1000_nf_ct",
        &format!(
            "counter invalid {{ }}\ncounter established {{ }}\ncounter new {{ }}\n\
             chain in {{\ntype filter hook input priority filter; policy accept;\n\
             iifname \"{dev}\" ct state invalid counter name \"invalid\"\n\
             iifname \"{dev}\" meta l4proto tcp ct state established counter name \"established\"\n\
             iifname \"{dev}\" meta l4proto tcp ct state new counter name \"new\"\n}}\n\
             chain out {{\ntype filter hook output priority filter; policy accept;\n\
             oifname \"{dev}\" ct state invalid counter name \"invalid\"\n\
             oifname \"{dev}\" meta l4proto tcp ct state established counter name \"established\"\n\
             oifname \"{dev}\" meta l4proto tcp ct state new counter name \"new\"\n}}",
            dev = topo.dut.ifname
        ),
    )?;
    for dir in [Dir::DutToPeer, Dir::PeerToDut] {
        let before = (t.counter("established")?, t.counter("new")?);
        let res = flows::tcp_lossless(dir, false, bytes, TCP_TIMEOUT);
        // Conntrack's verdict first: a frame the stack found corrupt is also
        // one conntrack marks invalid, and the transfer's own failure says less.
        let invalid = t.counter("invalid")?;
        ensure!(
            invalid.packets == 0,
            "{}: conntrack marked {} packets through {} invalid{}",
            dir.name(),
            invalid.packets,
            topo.dut.ifname,
            res.as_ref()
                .err()
                .map(|e| format!("; the transfer: {e:#}"))
                .unwrap_or_default()
        );
        let (r, note) = res.with_context(|| format!("TCP {}", dir.name()))?;
        if !note.is_empty() {
            ctx.info(&format!("{}: {note}", dir.name()));
        }
        let est = t.counter("established")?.packets - before.0.packets;
        let new = t.counter("new")?.packets - before.1.packets;
        ensure!(
            est > 0 && new > 0,
            "{}: conntrack counted {new} new and {est} established TCP packets",
            dir.name()
        );
        ctx.info(&format!(
            "{}: {} MiB intact (SHA-256 {}…), no invalid packet, {new} new, {est} established",
            dir.name(),
            bytes / MIB,
            &r.received.sha256[..16]
        ));
    }
    Ok(())
}
