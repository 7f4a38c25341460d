// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest demo` (what `make run` shows): set up, print what the
//! standard tools say about the dut, ping the peer and send it a few MiB
//! over TCP (checked by SHA-256), then show the counters that moved, with
//! the peer's as the independent view, and `re1000-stats`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::flows::{self, Dir};
use crate::topology::{Options, Port, Topology, PEER_IP4};
use crate::traffic::{self, LinkStats};
use crate::{cmd, icmp, DUT};

/// The TCP transfer to the peer.
const TCP_BYTES: u64 = 4 << 20;

fn show(title: &str, prog: &str, args: &[&str]) -> bool {
    println!("==== {title}");
    match cmd::output(prog, args) {
        Ok((_, out)) => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            if !out.status.success() {
                println!("(exit: {})", out.status);
            }
            out.status.success()
        }
        Err(e) => {
            println!("({e:#})");
            false
        }
    }
}

/// `re1000-stats IFACE`: every counter group in one table. The binary is
/// built next to this one (`target/<profile>/`).
fn stats_table(dev: &str) -> bool {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("re1000-stats")));
    match exe {
        Some(p) if p.is_file() => {
            show(&format!("re1000-stats {dev}"), &p.to_string_lossy(), &[dev])
        }
        other => {
            println!("==== re1000-stats {dev}");
            println!(
                "(re1000-stats not found{}; build it with `cargo build --release -p ethtool-tests`)",
                other.map_or(String::new(), |p| format!(" at {}", p.display()))
            );
            false
        }
    }
}

/// `ping -c 3 -w 10 PEER` (fails unless all 3 replies come back), or the
/// built-in ICMP echo if the host has no ping.
fn ping_peer() -> bool {
    let args = ["-c", "3", "-w", "10", PEER_IP4];
    if cmd::output("ping", ["-V"]).is_ok() {
        return show(&format!("ping {}", args.join(" ")), "ping", &args);
    }
    println!("==== ping {PEER_IP4} (no ping binary on this host: built-in ICMP echo, 3 x 2 s)");
    let dst: Ipv4Addr = match PEER_IP4.parse() {
        Ok(d) => d,
        Err(e) => {
            println!("(bad peer address {PEER_IP4:?}: {e})");
            return false;
        }
    };
    match icmp::ping(dst, 3, Duration::from_secs(2)) {
        Ok(s) => {
            println!("{}", s.line(dst));
            s.rtts.len() == 3
        }
        Err(e) => {
            println!("({e:#})");
            false
        }
    }
}

/// `ethtool -S IF` as name -> value (empty if it fails: shown, not fatal).
fn ethtool_stats(dev: &str) -> BTreeMap<String, u64> {
    let Ok(Ok(out)) = cmd::try_run("ethtool", ["-S", dev]) else {
        return BTreeMap::new();
    };
    out.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_owned(), v.trim().parse().ok()?))
        })
        .collect()
}

fn stats64(s: &LinkStats) -> BTreeMap<String, u64> {
    [
        ("rx_packets", s.rx_packets),
        ("rx_bytes", s.rx_bytes),
        ("rx_errors", s.rx_errors),
        ("rx_dropped", s.rx_dropped),
        ("rx_missed_errors", s.rx_missed),
        ("tx_packets", s.tx_packets),
        ("tx_bytes", s.tx_bytes),
        ("tx_errors", s.tx_errors),
        ("tx_dropped", s.tx_dropped),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Prints the counters that moved between `before` and `after`.
fn show_deltas(title: &str, before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) {
    println!("==== {title}: counters that moved (before -> after, delta)");
    let mut still = 0;
    for (k, &a) in after {
        let b = before.get(k).copied().unwrap_or(0);
        if a == b {
            still += 1;
            continue;
        }
        let d = i128::from(a) - i128::from(b);
        println!("     {k:<28} {b:>12} -> {a:>12}  {d:+}");
    }
    println!("     ({still} more unchanged)");
}

/// What both ports' counters read now.
fn snapshot(dut: &Port, peer: &Port) -> Result<[BTreeMap<String, u64>; 3]> {
    Ok([
        ethtool_stats(&dut.ifname),
        stats64(&traffic::link_stats(dut).context("the dut's stats64")?),
        stats64(&traffic::link_stats(peer).context("the peer's stats64")?),
    ])
}

/// Sends [`TCP_BYTES`] to the peer; whether the peer got them intact.
fn tcp_to_peer() -> bool {
    println!(
        "==== TCP: {} MiB to the peer, checked by SHA-256",
        TCP_BYTES >> 20
    );
    match flows::tcp(Dir::DutToPeer, false, TCP_BYTES, Duration::from_secs(120)) {
        Ok(r) => {
            println!(
                "peer received {} bytes, SHA-256 {} (= sent), {:.1} s",
                r.received.bytes, r.received.sha256, r.secs
            );
            true
        }
        Err(e) => {
            println!("({e:#})");
            false
        }
    }
}

/// Returns the process exit status: 0 if the dut has the QEMU-assigned MAC
/// and carrier (and, with `expect_ping`, the peer answers pings).
pub fn run(opts: &Options, expect_ping: bool) -> Result<i32> {
    let topo = Topology::setup(opts)?;
    let dev = topo.dut.ifname.as_str();
    println!(
        "dut {} ({}) = {dev}, peer {} ({}) = {} in netns {}",
        DUT.pci_addr,
        topo.dut.driver,
        topo.peer.nic.pci_addr,
        topo.peer.driver,
        topo.peer.ifname,
        topo.peer.netns.unwrap_or("-")
    );
    show(
        &format!("ip -d link show {dev}"),
        "ip",
        &["-d", "link", "show", dev],
    );
    show(&format!("ip addr show {dev}"), "ip", &["addr", "show", dev]);
    show(&format!("ethtool -i {dev}"), "ethtool", &["-i", dev]);
    show(&format!("ethtool {dev}"), "ethtool", &[dev]);

    let mac = topo.dut.link_address()?;
    let mac_ok = mac.eq_ignore_ascii_case(DUT.mac);
    let carrier = topo.dut.wait_carrier(true, Duration::from_secs(3)).is_ok();
    println!("==== state");
    println!(
        "mac {mac} (expected {}): {}",
        DUT.mac,
        if mac_ok { "ok" } else { "WRONG" }
    );
    println!("carrier: {}", if carrier { "up" } else { "down" });

    let before = snapshot(&topo.dut, &topo.peer)?;
    let ping = ping_peer();
    let tcp = tcp_to_peer();
    let after = snapshot(&topo.dut, &topo.peer)?;
    show_deltas(&format!("ethtool -S {dev}"), &before[0], &after[0]);
    show_deltas(
        &format!("stats64 of {dev} (ip -s link)"),
        &before[1],
        &after[1],
    );
    show_deltas(
        &format!(
            "stats64 of the peer {} (its own driver's view)",
            topo.peer.ifname
        ),
        &before[2],
        &after[2],
    );
    stats_table(dev);
    let traffic_ok = ping && tcp;
    if !traffic_ok && !expect_ping {
        println!("(ping or TCP failure is not an error without --expect-ping)");
    }
    let ok = mac_ok && carrier && (traffic_ok || !expect_ping);
    println!("==== demo {}", if ok { "passed" } else { "FAILED" });
    Ok(if ok { 0 } else { 1 })
}
