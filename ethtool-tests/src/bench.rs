// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest bench`: re1000 against the C e1000 on the same emulated NIC in
//! the same guest, so that both meet the same QEMU, kernel and peer.
//!
//! Two slots, A (the C e1000) and B (re1000; the C e1000 again with `--aa`,
//! which measures the bench's own noise). Each workload is measured in pairs
//! in ABBA order: every pair starts with the slot the dut is bound to, so
//! the two runs of a pair are seconds apart, the order alternates from pair
//! to pair, and the dut is rebound once per pair. The peer is always the C
//! e1000 and is never rebound.
//!
//! Every result is printed as one line `BENCH {json}` for `re1000-bench` on
//! the host, which takes per-pair ratios, medians and spreads, and a `#`
//! progress line for the operator. Nothing here judges the numbers.

use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::tool::{args, Helper};
use crate::topology::{Options, Topology, NETNS, PEER_IP4};
use crate::{cmd, flows, modules, report, rr, sysfs, wait, DUT, PEER};

/// The drivers of slots A and B.
pub const DRIVERS: [&str; 2] = ["e1000", "re1000"];
/// Slot names, in [`DRIVERS`] order.
pub const SLOTS: [&str; 2] = ["A", "B"];

/// UDP payload of the small-packet workloads: 14 + 20 + 8 + 18 + 4 (FCS) =
/// 64-byte frames on the wire, the smallest Ethernet frame.
const SMALL_UDP_PAYLOAD: u32 = 18;

/// Interval of the ping workload's echo requests.
const PING_INTERVAL: &str = "0.01";

/// Where the request/response server listens in the peer namespace (any
/// address: the peer's own is re-added when its interface is recreated).
const RR_LISTEN: &str = "0.0.0.0:5202";
const RR_PORT: u16 = 5202;

/// What `re1000-guest bench` measures.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Binding of the dut (the driver is replaced per measurement).
    pub topology: Options,
    /// Pairs per workload; each measures both slots once.
    pub pairs: u32,
    /// Duration of each stream and of the request/response loop.
    pub seconds: u32,
    /// Echo requests of the ping workload (at 10 ms).
    pub pings: u32,
    /// Both slots the C e1000: the noise floor.
    pub aa: bool,
}

/// One number a workload yields.
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    pub higher_is_better: bool,
}

const fn metric(name: &'static str, unit: &'static str, higher_is_better: bool) -> Metric {
    Metric {
        name,
        unit,
        higher_is_better,
    }
}

/// What a workload run needs to know.
struct Ctx {
    seconds: u32,
    pings: u32,
    /// The dut's interrupt line (`/proc/interrupts`).
    irq: u32,
}

/// One workload: how to run it and the metrics it yields, in order.
struct Workload {
    name: &'static str,
    metrics: &'static [Metric],
    run: fn(&Ctx) -> Result<Vec<f64>>,
}

/// Interrupts and CPU are per transferred megabit, so that a faster driver
/// is not charged for moving more data.
const IRQ_UNIT: &str = "irq/Mbit";
const CPU_UNIT: &str = "CPU ms/Gbit";

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "tcp_tx",
        metrics: &[
            metric("tcp_tx", "Mbit/s", true),
            metric("tcp_tx_irq", IRQ_UNIT, false),
            metric("tcp_tx_cpu", CPU_UNIT, false),
        ],
        run: |c| tcp_stream(c, false),
    },
    Workload {
        name: "tcp_rx",
        metrics: &[
            metric("tcp_rx", "Mbit/s", true),
            metric("tcp_rx_irq", IRQ_UNIT, false),
            metric("tcp_rx_cpu", CPU_UNIT, false),
        ],
        run: |c| tcp_stream(c, true),
    },
    Workload {
        name: "udp64_tx",
        metrics: &[metric("udp64_tx", "kpps", true)],
        run: |c| iperf_udp_small(c.seconds, false),
    },
    Workload {
        name: "udp64_rx",
        metrics: &[metric("udp64_rx", "kpps", true)],
        run: |c| iperf_udp_small(c.seconds, true),
    },
    Workload {
        name: "ping",
        metrics: &[
            metric("ping_p50", "us", false),
            metric("ping_p99", "us", false),
        ],
        run: ping_percentiles,
    },
    Workload {
        name: "tcp_rr",
        metrics: &[
            metric("tcp_rr_p50", "us", false),
            metric("tcp_rr_p99", "us", false),
        ],
        run: tcp_rr_percentiles,
    },
];

/// Runs the benchmark; prints `BENCH` lines, returns the process exit code.
pub fn run(opts: &BenchOptions) -> Result<i32> {
    if opts.pairs == 0 || opts.seconds == 0 || opts.pings == 0 {
        bail!("--pairs, --seconds and --pings must be at least 1");
    }
    let slots = if opts.aa { [DRIVERS[0]; 2] } else { DRIVERS };
    let topo_opts = Options {
        dut_driver: slots[0].to_owned(),
        ..opts.topology.clone()
    };
    let mut topo = Topology::setup(&topo_opts).context("setting up the topology")?;
    settle(&topo)?;
    let info = json!({
        "kernel": modules::kernel_release()?,
        "pairs": opts.pairs,
        "seconds": opts.seconds,
        "pings": opts.pings,
        "aa": opts.aa,
        "slots": {SLOTS[0]: slots[0], SLOTS[1]: slots[1]},
        "peer": opts.topology.peer_driver,
        "dut_irq": dut_irq()?,
        "peer_irq": pci_irq(PEER.pci_addr)?,
        "metrics": WORKLOADS.iter().flat_map(|w| w.metrics).map(|m| json!({
            "name": m.name, "unit": m.unit, "higher_is_better": m.higher_is_better,
        })).collect::<Vec<_>>(),
    });
    println!("BENCHINFO {info}");
    let _iperf = IperfServer::start()?;
    let mut rr_server = Helper::spawn(Some(NETNS), &args::rr_server(RR_LISTEN))?;
    rr_server.wait_ready(Duration::from_secs(20))?;
    let device = sysfs::pci_id(DUT.pci_addr);
    let mut current = 0;
    let mut failures = 0;
    for w in WORKLOADS {
        for pair in 0..opts.pairs {
            // ABBA: each pair starts where the last one ended.
            for slot in [current, 1 - current] {
                if slot != current {
                    flows::set_dut_driver(&mut topo, slots[slot])
                        .with_context(|| format!("binding the dut to {}", slots[slot]))?;
                    settle(&topo)?;
                    current = slot;
                }
                let ctx = Ctx {
                    seconds: opts.seconds,
                    pings: opts.pings,
                    irq: dut_irq()?,
                };
                let what = format!(
                    "{} pair {}/{} {} ({})",
                    w.name,
                    pair + 1,
                    opts.pairs,
                    slots[slot],
                    SLOTS[slot]
                );
                match (w.run)(&ctx) {
                    Ok(values) => {
                        ensure!(values.len() == w.metrics.len(), "{what}: metric count");
                        let mut shown = Vec::new();
                        for (m, value) in w.metrics.iter().zip(values) {
                            println!(
                                "BENCH {}",
                                json!({
                                    "pair": pair, "slot": SLOTS[slot], "driver": slots[slot],
                                    "device": device, "workload": w.name, "metric": m.name,
                                    "value": value,
                                })
                            );
                            shown.push(format!("{value:.1} {}", m.unit));
                        }
                        report::note(&format!("bench: {what}: {}", shown.join(", ")));
                    }
                    Err(e) => {
                        failures += 1;
                        report::note(&format!("bench: {what}: {e:#}"));
                    }
                }
            }
        }
    }
    rr_server.stop();
    Ok(if failures > 0 { 1 } else { 0 })
}

/// Waits until both ends can talk after a (re)bind.
fn settle(topo: &Topology) -> Result<()> {
    flows::wait_carriers(topo, Duration::from_secs(20))?;
    flows::pin_neighbours(topo)?;
    // The first frames after carrier may still meet QEMU's receive hold-off.
    wait::until("the peer to answer a ping", Duration::from_secs(20), || {
        Ok(cmd::try_run("ping", ["-c", "1", "-W", "1", PEER_IP4])?.is_ok())
    })
}

fn pci_irq(addr: &str) -> Result<u32> {
    let s = sysfs::read(sysfs::pci_dev(addr).join("irq"))?;
    s.trim()
        .parse()
        .with_context(|| format!("irq of {addr} is {s:?}"))
}

/// The dut's interrupt line as its driver requested it (read per binding).
fn dut_irq() -> Result<u32> {
    pci_irq(DUT.pci_addr)
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

/// The dut's interrupts and the guest's kernel CPU time, read around a run.
#[derive(Debug, Clone, Copy)]
struct Counters {
    irqs: u64,
    kernel_ticks: u64,
}

impl Counters {
    fn read(irq: u32) -> Result<Self> {
        Ok(Self {
            irqs: irq_count(&sysfs::read("/proc/interrupts")?, irq)?,
            kernel_ticks: kernel_ticks(&sysfs::read("/proc/stat")?)?,
        })
    }
}

/// Clock ticks per second of `/proc/stat`.
fn clock_ticks() -> Result<f64> {
    // SAFETY: sysconf reads a constant of the C library; no memory is passed.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    ensure!(hz > 0, "sysconf(_SC_CLK_TCK) = {hz}");
    Ok(hz as f64)
}

/// TCP goodput at the receiver in Mbit/s, dut to peer (or peer to dut with
/// `reverse`), then the dut's interrupts per megabit and the guest's
/// system + irq + softirq time per gigabit received. The CPU includes the
/// peer's side, which is the same C e1000 in both slots.
fn tcp_stream(ctx: &Ctx, reverse: bool) -> Result<Vec<f64>> {
    let before = Counters::read(ctx.irq)?;
    let v = iperf(ctx.seconds, if reverse { &["-R"] } else { &[] })?;
    let after = Counters::read(ctx.irq)?;
    let mbit_s = tcp_mbit(&v)?;
    let mbits = field(&v, &["end", "sum_received", "bytes"])? * 8.0 / 1e6;
    ensure!(mbits > 0.0, "iperf3 received nothing");
    let irqs = after.irqs.saturating_sub(before.irqs) as f64;
    let cpu_s = after.kernel_ticks.saturating_sub(before.kernel_ticks) as f64 / clock_ticks()?;
    Ok(vec![mbit_s, irqs / mbits, cpu_s * 1e3 / (mbits / 1e3)])
}

/// Minimum-size UDP frames the receiver got per second, in thousands.
fn iperf_udp_small(seconds: u32, reverse: bool) -> Result<Vec<f64>> {
    let len = SMALL_UDP_PAYLOAD.to_string();
    let mut a = vec!["-u", "-b", "0", "-l", &len];
    if reverse {
        a.push("-R");
    }
    let v = iperf(seconds, &a)?;
    Ok(vec![udp_kpps(&v, SMALL_UDP_PAYLOAD)?])
}

/// p50 and p99 of `pings` ICMP echo round trips to the peer in µs. A lost
/// reply fails the run (its absence would flatter the p99).
fn ping_percentiles(ctx: &Ctx) -> Result<Vec<f64>> {
    let n = ctx.pings.to_string();
    let out = cmd::run("ping", ["-c", &n, "-i", PING_INTERVAL, "-W", "1", PEER_IP4])?;
    let mut rtts = ping_rtts_us(&out);
    ensure!(
        rtts.len() == ctx.pings as usize,
        "{} of {} echo replies",
        rtts.len(),
        ctx.pings
    );
    Ok(vec![
        percentile(&mut rtts, 50.0)?,
        percentile(&mut rtts, 99.0)?,
    ])
}

/// p50 and p99 of 1-byte TCP transactions with the peer for `seconds`, in µs.
fn tcp_rr_percentiles(ctx: &Ctx) -> Result<Vec<f64>> {
    let addr = format!("{PEER_IP4}:{RR_PORT}");
    let rtts = rr::run(
        &addr,
        Duration::from_secs(ctx.seconds.into()),
        Duration::from_secs(5),
    )?;
    ensure!(!rtts.is_empty(), "no transaction completed");
    let mut us: Vec<f64> = rtts.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    Ok(vec![percentile(&mut us, 50.0)?, percentile(&mut us, 99.0)?])
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

/// The `time=X ms` of each reply line of ping's output, in µs.
pub fn ping_rtts_us(out: &str) -> Vec<f64> {
    out.lines()
        .filter_map(|l| l.split_once(" time=")?.1.split_once(" ms"))
        .filter_map(|(ms, _)| ms.parse::<f64>().ok())
        .map(|ms| ms * 1e3)
        .collect()
}

/// The nearest-rank `p`th percentile (sorts `values`).
pub fn percentile(values: &mut [f64], p: f64) -> Result<f64> {
    ensure!(!values.is_empty(), "percentile of nothing");
    ensure!((0.0..=100.0).contains(&p), "percentile {p}");
    values.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * values.len() as f64).ceil() as usize;
    Ok(values[rank.clamp(1, values.len()) - 1])
}

/// The total of interrupt line `irq` over all CPUs in `/proc/interrupts`.
pub fn irq_count(text: &str, irq: u32) -> Result<u64> {
    let label = format!("{irq}:");
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(label.as_str()))
        .with_context(|| format!("no interrupt line {irq} in /proc/interrupts"))?;
    Ok(line
        .split_whitespace()
        .skip(1)
        .map_while(|c| c.parse::<u64>().ok())
        .sum())
}

/// system + irq + softirq ticks of the `cpu` line of `/proc/stat`.
pub fn kernel_ticks(text: &str) -> Result<u64> {
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("cpu"))
        .context("no cpu line in /proc/stat")?;
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|c| c.parse().with_context(|| format!("{c:?} in {line:?}")))
        .collect::<Result<_>>()?;
    // user nice system idle iowait irq softirq ...
    ensure!(f.len() >= 7, "short cpu line {line:?}");
    Ok(f[2] + f[5] + f[6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ping_replies() {
        let out = "PING 192.0.2.2 (192.0.2.2) 56(84) bytes of data.\n\
                   64 bytes from 192.0.2.2: icmp_seq=1 ttl=64 time=0.612 ms\n\
                   64 bytes from 192.0.2.2: icmp_seq=2 ttl=64 time=1.25 ms\n\
                   \n--- 192.0.2.2 ping statistics ---\n\
                   2 packets transmitted, 2 received, 0% packet loss, time 10ms\n\
                   rtt min/avg/max/mdev = 0.612/0.931/1.250/0.319 ms\n";
        assert_eq!(ping_rtts_us(out), [612.0, 1250.0]);
        assert!(ping_rtts_us("no replies").is_empty());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut v, 50.0).ok(), Some(50.0));
        assert_eq!(percentile(&mut v, 99.0).ok(), Some(99.0));
        assert_eq!(percentile(&mut v, 100.0).ok(), Some(100.0));
        assert_eq!(percentile(&mut [7.0], 99.0).ok(), Some(7.0));
        assert!(percentile(&mut [], 50.0).is_err());
    }

    #[test]
    fn reads_interrupts_and_cpu() {
        let irqs = "           CPU0       CPU1\n  0:         34          0   IO-APIC   2-edge      timer\n \
                    11:       1200        34   IO-APIC  11-fasteoi   eth0\nNMI:          0          0   Non-maskable interrupts\n";
        assert_eq!(irq_count(irqs, 11).ok(), Some(1234));
        assert_eq!(irq_count(irqs, 0).ok(), Some(34));
        assert!(irq_count(irqs, 10).is_err());
        let stat = "cpu  10 1 200 5000 3 40 60 0 0 0\ncpu0 5 0 100 2500 1 20 30 0 0 0\n";
        assert_eq!(kernel_ticks(stat).ok(), Some(300));
        assert!(kernel_ticks("cpu  1 2 3\n").is_err());
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
