// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest demo` (what `make run` shows): set up, print what the
//! standard tools and `re1000-stats` say about the dut, try a ping.

use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::Result;

use crate::topology::{Options, Topology, PEER_IP4};
use crate::{cmd, icmp, DUT};

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

/// `ping -c 3 -W 2 PEER`, or the built-in ICMP echo if the host has no ping.
fn ping_peer() -> bool {
    let args = ["-c", "3", "-W", "2", PEER_IP4];
    if cmd::output("ping", ["-V"]).is_ok() {
        return show(&format!("ping {}", args.join(" ")), "ping", &args);
    }
    println!("==== ping {PEER_IP4} (no ping binary on this host: built-in ICMP echo, 3 x 2 s)");
    let dst: Ipv4Addr = PEER_IP4.parse().expect("PEER_IP4 is an IPv4 address");
    match icmp::ping(dst, 3, Duration::from_secs(2)) {
        Ok(s) => {
            println!("{}", s.line(dst));
            !s.rtts.is_empty()
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
    show(&format!("ethtool -S {dev}"), "ethtool", &["-S", dev]);
    show(&format!("ethtool {dev}"), "ethtool", &[dev]);
    stats_table(dev);

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

    let ping = ping_peer();
    if !ping && !expect_ping {
        println!("(ping failure is not an error without --expect-ping)");
    }
    let ok = mac_ok && carrier && (ping || !expect_ping);
    println!("==== demo {}", if ok { "passed" } else { "FAILED" });
    Ok(if ok { 0 } else { 1 })
}
