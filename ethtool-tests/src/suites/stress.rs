// SPDX-License-Identifier: GPL-2.0
//! `stress` (issue 3): the driver's control paths racing its data path.
//!
//! - `down-up`: `ip link set down/up` 50 times under a TCP stream each way;
//!   every other cycle waits for carrier and for both streams to move;
//! - `unbind-bind`: 10 unbind/bind cycles of the dut under the same streams,
//!   each followed by both streams moving again;
//! - `link-loss`: QEMU `set_link nic0 off/on` during two paced TCP transfers;
//!   carrier follows within 3 s each way and both transfers complete intact;
//! - `rmmod-during-tcp`: the driver is removed during two TCP transfers;
//!   they fail (time out) instead of hanging, the module unloads, a reload
//!   works.
//!
//! The streams of `down-up` and `unbind-bind` ([`stream`]) survive the
//! faults: TCP recovers what they drop, so every byte must arrive, in order,
//! exactly as generated (the dut->peer one by SHA-256 at the peer, the
//! peer->dut one compared byte for byte).
//!
//! After each case, ping (IPv4 and IPv6, both ways) and 4 MiB TCP each way
//! with SHA-256 must work. Meant for the debug kernel (lockdep, kmemleak,
//! slub debug); passes on the normal one too. The harness checks dmesg (and
//! kmemleak) after the suite.

mod stream;

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use super::{Case, CaseResult, Ctx, Scaled, Suite};
use crate::flows::{self, Dir, Transfer};
use crate::topology::{self, PROBE_TIMEOUT};
use crate::{modules, monitor, sysfs, traffic, wait, DUT};
use stream::Streams;

pub const SUITE: Suite = Suite {
    name: "stress",
    about: "down/up x50 (short: x10), unbind/bind x10 (x3), set_link off/on, rmmod: all under checked TCP",
    cases: &[
        Case::new("down-up", down_up),
        Case::new("unbind-bind", unbind_bind),
        Case::new("link-loss", link_loss),
        Case::new("rmmod-during-tcp", rmmod_during_tcp),
    ],
};

const MIB: u64 = 1 << 20;
/// Even, so that both kinds of cycle in `down_up` run.
const DOWN_UP_CYCLES: Scaled<u32> = Scaled {
    full: 50,
    short: 10,
};
const REBIND_CYCLES: Scaled<u32> = Scaled { full: 10, short: 3 };
/// Each background stream's pace, bytes per second.
const STREAM_RATE: u64 = MIB;
/// A background stream with no progress for this long fails.
const STREAM_IDLE: Duration = Duration::from_secs(60);
/// After a fault, both streams must move this much ...
const RESUMED: u64 = 64 * 1024;
/// ... this soon (TCP's retransmission backoff after the outage, and QEMU
/// holds RX off for 1 s after each RCTL write).
const RESUME_TIMEOUT: Duration = Duration::from_secs(30);
/// Carrier must follow QEMU's link state this fast (issue 3).
const CARRIER_TIMEOUT: Duration = Duration::from_secs(3);

/// Pings and TCP both ways: the data path works after the stress.
fn verify_traffic(ctx: &Ctx<'_>) -> Result<()> {
    flows::wait_carriers(ctx.topo, Duration::from_secs(10))?;
    flows::echo_check(false, false, &[56, 1473], 3).context("ping after the stress")?;
    flows::echo_check(true, false, &[56], 3).context("ping from the peer after the stress")?;
    flows::echo_check(false, true, &[56], 3).context("IPv6 ping after the stress")?;
    for dir in [Dir::DutToPeer, Dir::PeerToDut] {
        flows::tcp(dir, false, 4 * MIB, Duration::from_secs(120))
            .context("TCP after the stress")?;
    }
    ctx.info("afterwards: ping v4/v6 and 4 MiB TCP each way intact");
    Ok(())
}

/// Runs `body` under a checked TCP stream each way with static neighbours;
/// the streams must then move again and end intact.
fn under_traffic(
    ctx: &mut Ctx<'_>,
    body: impl FnOnce(&mut Ctx<'_>, &mut Streams) -> Result<()>,
) -> CaseResult {
    flows::pin_neighbours(ctx.topo)?;
    let r = (|| -> Result<String> {
        let mut streams = Streams::start(STREAM_RATE, STREAM_IDLE)?;
        let r = streams
            .wait_advance(RESUMED, RESUME_TIMEOUT)
            .context("the streams starting")
            .and_then(|()| body(ctx, &mut streams))
            .and_then(|()| {
                streams
                    .wait_advance(4 * RESUMED, RESUME_TIMEOUT)
                    .context("the streams after the last fault")
            });
        let stopped = streams.stop(Duration::from_secs(90));
        match (r, stopped) {
            (Ok(()), s) => s,
            // A stream that broke says why in its own result.
            (Err(e), Err(s)) => Err(e.context(format!("{s:#}"))),
            (Err(e), Ok(_)) => Err(e),
        }
    })();
    flows::unpin_neighbours(ctx.topo);
    ctx.info(&r?);
    // Addresses may be gone (IPv6 on down, everything on unbind).
    ctx.topo.reconfigure().context("restoring the topology")?;
    verify_traffic(ctx)?;
    Ok(())
}

fn down_up(ctx: &mut Ctx<'_>) -> CaseResult {
    under_traffic(ctx, |ctx, streams| {
        let dut = ctx.topo.dut.clone();
        let dev = dut.ifname.as_str();
        let cycles = ctx.scaled(DOWN_UP_CYCLES);
        let t = Instant::now();
        for i in 1..=cycles {
            (|| -> Result<()> {
                dut.ip(&["link", "set", "dev", dev, "down"])?;
                dut.ip(&["link", "set", "dev", dev, "up"])?;
                // Odd cycles go straight down again (open racing stop);
                // even ones wait until both streams move.
                if i % 2 == 0 {
                    dut.wait_carrier(true, Duration::from_secs(5))?;
                    streams.wait_advance(RESUMED, RESUME_TIMEOUT)?;
                }
                Ok(())
            })()
            .with_context(|| format!("cycle {i}/{cycles}"))?;
        }
        ctx.info(&format!(
            "{cycles} down/up cycles in {:.1} s",
            t.elapsed().as_secs_f64()
        ));
        Ok(())
    })
}

fn unbind_bind(ctx: &mut Ctx<'_>) -> CaseResult {
    under_traffic(ctx, |ctx, streams| {
        let drv = ctx.driver();
        let cycles = ctx.scaled(REBIND_CYCLES);
        let t = Instant::now();
        for i in 1..=cycles {
            (|| -> Result<()> {
                sysfs::unbind_from(DUT.pci_addr, &drv)?;
                wait::until("the unbind to finish", PROBE_TIMEOUT, || {
                    Ok(sysfs::bound_driver(DUT.pci_addr)?.is_none()
                        && sysfs::netdevs(DUT.pci_addr)?.is_empty())
                })?;
                sysfs::bind_to(DUT.pci_addr, &drv)?;
                topology::wait_bound(DUT.pci_addr, &drv, PROBE_TIMEOUT)?;
                ctx.topo.reconfigure()?;
                ctx.topo.dut.wait_carrier(true, Duration::from_secs(10))?;
                streams.wait_advance(RESUMED, RESUME_TIMEOUT)
            })()
            .with_context(|| format!("cycle {i}/{cycles}"))?;
        }
        ctx.info(&format!(
            "{cycles} unbind/bind cycles in {:.1} s",
            t.elapsed().as_secs_f64()
        ));
        Ok(())
    })
}

const MONITOR_TIMEOUT: Duration = Duration::from_secs(10);

fn set_link(qdev: &str, up: bool) -> Result<()> {
    let c = format!("set_link {qdev} {}", if up { "on" } else { "off" });
    let out = monitor::hmp(&c, MONITOR_TIMEOUT)?;
    ensure!(out.is_empty(), "`{c}` answered {out:?}");
    Ok(())
}

/// Waits until `t` has made no progress for `quiet`.
fn wait_stalled(t: &mut Transfer, quiet: Duration, timeout: Duration) -> Result<u64> {
    let start = Instant::now();
    let mut last = (t.progress(), Instant::now());
    loop {
        let p = t.progress();
        if p != last.0 {
            last = (p, Instant::now());
        } else if last.1.elapsed() >= quiet {
            return Ok(p);
        }
        if start.elapsed() > timeout {
            bail!(
                "the {} transfer kept moving with the link down ({p} bytes)",
                t.dir.name()
            );
        }
        thread::sleep(wait::STEP);
    }
}

fn link_loss(ctx: &mut Ctx<'_>) -> CaseResult {
    let qdev = ctx.topo.dut.nic.qdev_id;
    let r = link_loss_inner(ctx);
    if r.is_err() {
        let _ = set_link(qdev, true);
    }
    r
}

fn link_loss_inner(ctx: &mut Ctx<'_>) -> CaseResult {
    let dut = ctx.topo.dut.clone();
    // Paced so that they outlast the outage.
    let (bytes, rate) = (24 * MIB, Some(3 * MIB));
    let idle = Duration::from_secs(30);
    let mut rx = Transfer::start(
        Dir::PeerToDut,
        false,
        bytes,
        traffic::fresh_seed(),
        rate,
        idle,
    )?;
    let mut tx = Transfer::start(
        Dir::DutToPeer,
        false,
        bytes,
        traffic::fresh_seed(),
        rate,
        idle,
    )?;
    rx.wait_progress(2 * MIB, Duration::from_secs(60))?;
    tx.wait_progress(2 * MIB, Duration::from_secs(60))?;

    set_link(dut.nic.qdev_id, false)?;
    let t = Instant::now();
    dut.wait_carrier(false, CARRIER_TIMEOUT)
        .context("carrier after `set_link off`")?;
    let down = t.elapsed();
    let at = wait_stalled(&mut rx, Duration::from_millis(500), Duration::from_secs(5))?;

    set_link(dut.nic.qdev_id, true)?;
    let t = Instant::now();
    dut.wait_carrier(true, CARRIER_TIMEOUT)
        .context("carrier after `set_link on`")?;
    let up = t.elapsed();
    rx.wait_progress(at + MIB, Duration::from_secs(30))
        .context("traffic resuming after the link came back")?;
    let resumed = t.elapsed();

    let a = rx.check(Duration::from_secs(120))?;
    let b = tx.check(Duration::from_secs(120))?;
    ctx.info(&format!(
        "carrier down after {:.0} ms, up after {:.0} ms, traffic moving again {:.1} s after `on`; \
         24 MiB each way intact ({:.1} s, {:.1} s)",
        down.as_secs_f64() * 1e3,
        up.as_secs_f64() * 1e3,
        resumed.as_secs_f64(),
        a.secs,
        b.secs
    ));
    Ok(())
}

fn rmmod_during_tcp(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let shared = ctx.topo.peer.driver == drv;
    let idle = Duration::from_secs(8);
    let huge = 1 << 30;
    let mut rx = Transfer::start(
        Dir::PeerToDut,
        false,
        huge,
        traffic::fresh_seed(),
        None,
        idle,
    )?;
    let mut tx = Transfer::start(
        Dir::DutToPeer,
        false,
        huge,
        traffic::fresh_seed(),
        None,
        idle,
    )?;
    rx.wait_progress(4 * MIB, Duration::from_secs(60))?;
    tx.wait_progress(4 * MIB, Duration::from_secs(60))?;

    let t = Instant::now();
    flows::run_with_timeout("rmmod", &[&drv], Duration::from_secs(60))?;
    let took = t.elapsed();
    ensure!(!modules::is_loaded(&drv), "{drv} still loaded after rmmod");
    ensure!(
        sysfs::bound_driver(DUT.pci_addr)?.is_none() && sysfs::netdevs(DUT.pci_addr)?.is_empty(),
        "{} still bound or has an interface after rmmod",
        DUT.pci_addr
    );
    // Both transfers must end, with an error, well within the deadline.
    let mut ends = Vec::new();
    for t in [rx, tx] {
        let dir = t.dir.name();
        match t.finish(Duration::from_secs(45)) {
            Ok(r) => bail!(
                "{dir}: the transfer completed ({} bytes) although the driver was removed",
                r.received.bytes
            ),
            Err(e) => {
                let msg = format!("{e:#}");
                ensure!(
                    !msg.contains("did not finish"),
                    "{dir}: the transfer hung after rmmod: {msg}"
                );
                // The end of the message holds the reason (the tool's stderr).
                let flat = msg.split_whitespace().collect::<Vec<_>>().join(" ");
                let tail: String = flat.chars().rev().take(150).collect();
                ends.push(format!(
                    "{dir}: …{}",
                    tail.chars().rev().collect::<String>()
                ));
            }
        }
    }
    ctx.info(&format!(
        "rmmod took {:.1} s{}; transfers failed cleanly: {}",
        took.as_secs_f64(),
        if shared { " (the peer too)" } else { "" },
        ends.join(" | ")
    ));
    modules::modprobe(&drv)?;
    topology::wait_bound(DUT.pci_addr, &drv, PROBE_TIMEOUT)?;
    ctx.topo.reconfigure().context("restoring the topology")?;
    verify_traffic(ctx)?;
    Ok(())
}
