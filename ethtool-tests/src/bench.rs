// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest bench`: re1000 against the C e1000 on the same emulated NIC in
//! the same guest, so that both meet the same QEMU, kernel and peer.
//!
//! Each round binds the dut to one driver, then to the other (the order
//! alternates between rounds, so drift in the host's load does not favour
//! either), and runs every workload against the peer (always the C e1000).
//! Every result is printed as one line `BENCH {json}` for `re1000-bench` on
//! the host, which takes medians and ratios. Nothing here judges the numbers.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::topology::{Options, Topology, NETNS, PEER_IP4};
use crate::{cmd, flows, modules, report, wait};

/// The drivers compared, in the order of even rounds.
pub const DRIVERS: [&str; 2] = ["e1000", "re1000"];

/// UDP payload of the small-packet workloads: 14 + 20 + 8 + 18 + 4 (FCS) =
/// 64-byte frames on the wire, the smallest Ethernet frame.
const SMALL_UDP_PAYLOAD: u32 = 18;

/// ICMP echo requests of the latency workload, and their interval.
const PINGS: u32 = 200;
const PING_INTERVAL: &str = "0.01";

/// What `re1000-guest bench` measures.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Binding of the dut (the driver is replaced per measurement).
    pub topology: Options,
    /// Rounds; each measures both drivers once.
    pub rounds: u32,
    /// Duration of each iperf3 run.
    pub seconds: u32,
}

/// One workload: how to run it and how to read its result.
struct Workload {
    name: &'static str,
    unit: &'static str,
    higher_is_better: bool,
    run: fn(u32) -> Result<f64>,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "tcp_tx",
        unit: "Mbit/s",
        higher_is_better: true,
        run: |s| iperf_tcp(s, false),
    },
    Workload {
        name: "tcp_rx",
        unit: "Mbit/s",
        higher_is_better: true,
        run: |s| iperf_tcp(s, true),
    },
    Workload {
        name: "udp64_tx",
        unit: "kpps",
        higher_is_better: true,
        run: |s| iperf_udp_small(s, false),
    },
    Workload {
        name: "udp64_rx",
        unit: "kpps",
        higher_is_better: true,
        run: |s| iperf_udp_small(s, true),
    },
    Workload {
        name: "ping_rtt",
        unit: "us",
        higher_is_better: false,
        run: |_| ping_rtt_us(),
    },
];

/// Runs the benchmark; prints `BENCH` lines, returns the process exit code.
pub fn run(opts: &BenchOptions) -> Result<i32> {
    if opts.rounds == 0 || opts.seconds == 0 {
        bail!("--rounds and --seconds must be at least 1");
    }
    let info = json!({
        "kernel": modules::kernel_release()?,
        "rounds": opts.rounds,
        "seconds": opts.seconds,
        "peer": opts.topology.peer_driver,
        "workloads": WORKLOADS.iter().map(|w| json!({
            "name": w.name, "unit": w.unit, "higher_is_better": w.higher_is_better,
        })).collect::<Vec<_>>(),
    });
    println!("BENCHINFO {info}");
    // Started once the first binding has created the peer namespace.
    let mut server = None;
    let mut failures = 0;
    for round in 0..opts.rounds {
        let mut order = DRIVERS;
        if round % 2 == 1 {
            order.reverse();
        }
        for driver in order {
            let topo = bind(&opts.topology, driver)
                .with_context(|| format!("binding the dut to {driver}"))?;
            if server.is_none() {
                server = Some(IperfServer::start()?);
            }
            let pci_id = crate::sysfs::pci_id(topo.dut.nic.pci_addr);
            for w in WORKLOADS {
                match (w.run)(opts.seconds) {
                    Ok(value) => println!(
                        "BENCH {}",
                        json!({
                            "round": round, "driver": driver, "device": pci_id,
                            "workload": w.name, "value": value,
                        })
                    ),
                    Err(e) => {
                        failures += 1;
                        report::note(&format!("round {round} {driver} {}: {e:#}", w.name));
                    }
                }
            }
        }
    }
    drop(server);
    Ok(if failures > 0 { 1 } else { 0 })
}

/// Binds the dut to `driver` and waits until both ends can talk.
fn bind(base: &Options, driver: &str) -> Result<Topology> {
    let opts = Options {
        dut_driver: driver.to_owned(),
        ..base.clone()
    };
    let topo = Topology::setup(&opts)?;
    flows::wait_carriers(&topo, Duration::from_secs(20))?;
    flows::pin_neighbours(&topo)?;
    // The first frames after carrier may still meet QEMU's receive hold-off.
    wait::until("the peer to answer a ping", Duration::from_secs(20), || {
        Ok(cmd::try_run("ping", ["-c", "1", "-W", "1", PEER_IP4])?.is_ok())
    })?;
    Ok(topo)
}

/// An `iperf3 -s` daemon in the peer namespace, stopped on drop.
struct IperfServer {
    pidfile: &'static str,
}

impl IperfServer {
    fn start() -> Result<Self> {
        let pidfile = "/tmp/re1000-bench-iperf3.pid";
        cmd::run(
            "ip",
            ["netns", "exec", NETNS, "iperf3", "-s", "-D", "-I", pidfile],
        )?;
        wait::until("iperf3 to listen", Duration::from_secs(10), || {
            Ok(cmd::run("ip", ["netns", "exec", NETNS, "ss", "-Htln"])?.contains(":5201"))
        })?;
        Ok(Self { pidfile })
    }
}

impl Drop for IperfServer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.pidfile) {
            let _ = cmd::run("kill", [pid.trim()]);
        }
    }
}

/// `iperf3 -c PEER ARGS -J` as JSON.
fn iperf(seconds: u32, args: &[&str]) -> Result<Value> {
    let t = seconds.to_string();
    let mut a = vec!["-c", PEER_IP4, "-t", &t, "-J"];
    a.extend_from_slice(args);
    let (line, out) = cmd::output("iperf3", &a)?;
    let v: Value =
        serde_json::from_slice(&out.stdout).with_context(|| format!("`{line}` printed no JSON"))?;
    if let Some(e) = v.get("error") {
        bail!("`{line}`: {e}");
    }
    if !out.status.success() {
        bail!("`{line}` failed ({})", out.status);
    }
    Ok(v)
}

/// Received TCP goodput in Mbit/s, dut to peer (or peer to dut with `-R`).
fn iperf_tcp(seconds: u32, reverse: bool) -> Result<f64> {
    let v = iperf(seconds, if reverse { &["-R"] } else { &[] })?;
    tcp_mbit(&v)
}

/// Minimum-size UDP frames the receiver got per second, in thousands.
fn iperf_udp_small(seconds: u32, reverse: bool) -> Result<f64> {
    let len = SMALL_UDP_PAYLOAD.to_string();
    let mut a = vec!["-u", "-b", "0", "-l", &len];
    if reverse {
        a.push("-R");
    }
    let v = iperf(seconds, &a)?;
    udp_kpps(&v, SMALL_UDP_PAYLOAD)
}

/// Average ICMP echo round trip to the peer in microseconds.
fn ping_rtt_us() -> Result<f64> {
    let n = PINGS.to_string();
    let out = cmd::run("ping", ["-q", "-c", &n, "-i", PING_INTERVAL, PEER_IP4])?;
    ping_avg_us(&out)
}

fn field(v: &Value, path: &[&str]) -> Result<f64> {
    let mut cur = v;
    for p in path {
        cur = cur
            .get(p)
            .with_context(|| format!("iperf3 JSON has no {}", path.join(".")))?;
    }
    cur.as_f64()
        .with_context(|| format!("iperf3 JSON {} is not a number", path.join(".")))
}

/// `end.sum_received.bits_per_second` in Mbit/s.
pub fn tcp_mbit(v: &Value) -> Result<f64> {
    Ok(field(v, &["end", "sum_received", "bits_per_second"])? / 1e6)
}

/// Datagrams the receiver counted (payload bytes / payload length) per
/// second of its run, in thousands.
pub fn udp_kpps(v: &Value, payload: u32) -> Result<f64> {
    let bytes = field(v, &["end", "sum_received", "bytes"])?;
    let secs = field(v, &["end", "sum_received", "seconds"])?;
    if secs <= 0.0 {
        bail!("iperf3 reported a receive time of {secs} s");
    }
    Ok(bytes / f64::from(payload) / secs / 1e3)
}

/// The average of ping's `rtt min/avg/max/mdev = a/b/c/d ms` line, in µs.
pub fn ping_avg_us(out: &str) -> Result<f64> {
    let line = out
        .lines()
        .find(|l| l.starts_with("rtt ") || l.starts_with("round-trip "))
        .with_context(|| format!("no rtt line in ping's output: {out:?}"))?;
    let values = line
        .split('=')
        .nth(1)
        .with_context(|| format!("malformed rtt line {line:?}"))?;
    let avg = values
        .trim()
        .split('/')
        .nth(1)
        .with_context(|| format!("malformed rtt line {line:?}"))?;
    let ms: f64 = avg
        .parse()
        .with_context(|| format!("rtt average {avg:?} is not a number"))?;
    Ok(ms * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ping_summary() {
        let out = "--- 192.0.2.2 ping statistics ---\n\
                   200 packets transmitted, 200 received, 0% packet loss, time 2990ms\n\
                   rtt min/avg/max/mdev = 0.612/1.250/4.100/0.300 ms\n";
        assert_eq!(ping_avg_us(out).ok(), Some(1250.0));
        assert!(ping_avg_us("no summary").is_err());
    }

    #[test]
    fn reads_iperf_json() {
        // Shape of iperf3 3.12's `-u -J` end section (values from a run).
        let v = json!({"end": {"sum_received": {
            "seconds": 2.0, "bytes": 3_600_000.0, "bits_per_second": 14_400_000.0
        }}});
        assert_eq!(udp_kpps(&v, 18).ok(), Some(100.0));
        assert_eq!(tcp_mbit(&v).ok(), Some(14.4));
        assert!(tcp_mbit(&json!({"end": {}})).is_err());
    }
}
