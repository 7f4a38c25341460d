// SPDX-License-Identifier: GPL-2.0
//! `-c/-C rx-usecs` and the ITR register.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use super::dut::{all_equal, pair, refused, Dut};
use super::{cli, expect};
use crate::bar::{self, reg};
use crate::netlink::Coalesce;
use crate::suites::{CaseResult, Ctx};
use crate::topology::PEER_IP4;
use crate::{cmd, flows, icmp, traffic};

/// rx-usecs values tried, covering the modes and fixed intervals.
const USECS: [u32; 11] = [0, 1, 3, 4, 10, 30, 100, 250, 1000, 7777, 10_000];

/// `-c/-C rx-usecs`: each value reads back as the C driver computes it,
/// through netlink and `ethtool -c`, and lands in the ITR register (read
/// through BAR 0: the `-d` layout has no ITR word) as the C driver would
/// write it. Out-of-range values are refused and change nothing.
pub(crate) fn coalesce(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    if !d.has_coalesce() {
        refused(
            "COALESCE_GET",
            d.eth().coalesce_get(d.if_()),
            libc::EOPNOTSUPP,
            None,
        )?;
        refused("rx-usecs 100", d.set_rx_usecs(100), libc::EOPNOTSUPP, None)?;
        cli::refused(&["-c", d.if_()])?;
        ctx.info("C e1000: no coalescing before the 82545 (EOPNOTSUPP, README)");
        return Ok(());
    }
    let orig = d.rx_usecs()?.context("rx-usecs")?;
    let r = coalesce_body(ctx, &d);
    let restore = d.set_rx_usecs(orig).context("restoring rx-usecs");
    r?;
    restore?;
    ensure!(
        d.rx_usecs()? == Some(orig),
        "rx-usecs not restored to {orig}"
    );
    Ok(())
}

fn check_usecs(ctx: &Ctx<'_>, d: &Dut, set: u32, itr_before: u32) -> Result<()> {
    let (want, itr) =
        expect::coalesce(set).with_context(|| format!("rx-usecs {set} is invalid"))?;
    let got = d.rx_usecs()?;
    let text = cli::run(&["-c", d.if_()])?;
    let cli_usecs = cli::number(&text, "rx-usecs")?;
    all_equal(
        &format!("rx-usecs {set}"),
        &[
            pair(
                "COALESCE_GET rx-usecs",
                format!("{got:?}"),
                format!("{:?}", Some(want)),
            ),
            pair("ethtool -c rx-usecs", cli_usecs, want),
        ],
    )?;
    let reg_now = d.bar.read(reg::ITR);
    let want_reg = if !d.mac.has_itr() {
        // The 82544 has no ITR: nothing may be written there.
        Some(itr_before)
    } else if d.reference && set == 4 {
        // e1000_set_coalesce takes mode 4 as 4 interrupts/s (README).
        Some(expect::c_mode4_itr())
    } else {
        itr
    };
    match want_reg {
        Some(w) => ensure!(
            reg_now == w,
            "rx-usecs {set}: ITR register is {reg_now}, expected {w}"
        ),
        None => {
            // Modes 1 and 3 adapt the rate to the traffic, between bulk and
            // lowest latency.
            let (hi, lo) = (
                expect::itr_register(*expect::DYNAMIC_RATES.start()),
                expect::itr_register(*expect::DYNAMIC_RATES.end()),
            );
            ensure!(
                (lo..=hi).contains(&reg_now),
                "rx-usecs {set}: ITR register is {reg_now}, outside the dynamic range {lo}..={hi}"
            );
            // Only a range check with no traffic: the movement under
            // traffic is `coalesce-dynamic`'s.
            ctx.info(&format!(
                "rx-usecs {set}: ITR {reg_now} with no traffic (dynamic, within {lo}..={hi}; \
                 moves under traffic in coalesce-dynamic)"
            ));
        }
    }
    Ok(())
}

fn coalesce_body(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    let itr0 = d.bar.read(reg::ITR);
    if !d.mac.has_itr() {
        ctx.info("82544: no ITR register; rx-usecs is kept and reported but cannot throttle");
    }
    for u in USECS {
        d.set_rx_usecs(u).with_context(|| format!("rx-usecs {u}"))?;
        check_usecs(ctx, d, u, itr0)?;
    }
    cli::run(&["-C", d.if_(), "rx-usecs", "500"])?;
    check_usecs(ctx, d, 500, itr0)?;

    let before = d.state()?;
    let mode = "rx-usecs 2 is not a valid mode (0, 1, 3, 4)";
    let range = "rx-usecs must be 0-4 or 10-10000";
    for (u, msg) in [
        (2, mode),
        (5, range),
        (9, range),
        (10_001, range),
        (20_000, range),
    ] {
        // The C driver refuses without a message.
        let m = (!d.reference).then_some(msg);
        refused(&format!("rx-usecs {u}"), d.set_rx_usecs(u), libc::EINVAL, m)?;
        d.unchanged(&before, &format!("rx-usecs {u}"))?;
    }
    refused(
        "tx-usecs 5",
        d.eth().coalesce_set(
            d.if_(),
            &Coalesce {
                tx_usecs: Some(5),
                ..Default::default()
            },
        ),
        libc::EINVAL,
        Some("cannot modify an unsupported parameter"),
    )?;
    let out = cli::refused(&["-C", d.if_(), "rx-usecs", "20000"])?;
    if !d.reference {
        ensure!(
            out.contains(range),
            "`ethtool -C rx-usecs 20000` said {out:?}"
        );
    }
    d.unchanged(&before, "refused coalesce settings")
}

/// Bytes of each bulk TCP transfer of `coalesce-dynamic`.
const BULK_BYTES: u64 = 16 << 20;
/// Pings, one at a time, that must bring a dynamic mode to its sparse-
/// traffic rate, and how many more must leave it there.
const MAX_PINGS: u32 = 60;
const STABLE_PINGS: u32 = 10;
/// Gap between the sparse pings, so that every interrupt sees one packet.
const PING_GAP: Duration = Duration::from_millis(20);
/// ICMP payload of the pings that take mode 1 out of `lowest_latency`: each
/// interrupt then sees one frame of more than 512 bytes each way, which
/// `e1000_update_itr` moves to `low_latency` ("fewer than 5 packets and more
/// than 512 bytes").
const LARGE_PING_PAYLOAD: &str = "1400";

/// ITR register values seen, with how often.
type Seen = BTreeMap<u32, u64>;

fn record(d: &Dut, seen: &mut Seen) -> u32 {
    let v = d.bar.read(reg::ITR);
    *seen.entry(v).or_default() += 1;
    v
}

fn show(seen: &Seen) -> String {
    seen.iter()
        .map(|(v, n)| format!("{v} x{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One answered ping, then the register.
fn ping_once(d: &Dut, seen: &mut Seen) -> Result<u32> {
    let dst: Ipv4Addr = PEER_IP4.parse()?;
    let s = icmp::ping(dst, 1, Duration::from_secs(2))?;
    ensure!(s.rtts.len() == 1, "sparse ping unanswered: {}", s.line(dst));
    thread::sleep(PING_GAP);
    Ok(record(d, seen))
}

/// One answered ping of [`LARGE_PING_PAYLOAD`] bytes, then the register.
fn large_ping_once(d: &Dut, seen: &mut Seen) -> Result<u32> {
    cmd::run(
        "ping",
        ["-c", "1", "-W", "2", "-s", LARGE_PING_PAYLOAD, PEER_IP4],
    )?;
    thread::sleep(PING_GAP);
    Ok(record(d, seen))
}

/// Sparse pings until ITR is `want` (within [`MAX_PINGS`]), then
/// [`STABLE_PINGS`] more during which it stays there.
fn sparse(d: &Dut, what: &str, want: u32, seen: &mut Seen) -> Result<u32> {
    settle(d, what, want, ping_once, seen)
}

/// `ping` (one answered echo, then the register) until ITR is `want`
/// (within [`MAX_PINGS`]), then [`STABLE_PINGS`] more during which it stays.
fn settle(
    d: &Dut,
    what: &str,
    want: u32,
    ping: fn(&Dut, &mut Seen) -> Result<u32>,
    seen: &mut Seen,
) -> Result<u32> {
    let mut n = 0;
    loop {
        n += 1;
        if ping(d, seen)? == want {
            break;
        }
        ensure!(
            n < MAX_PINGS,
            "{what}: ITR never {want} in {n} sparse pings; seen {}",
            show(seen)
        );
    }
    for i in 0..STABLE_PINGS {
        let v = ping(d, seen)?;
        ensure!(
            v == want,
            "{what}: ITR {v} after {} more sparse pings, was {want}; seen {}",
            i + 1,
            show(seen)
        );
    }
    Ok(n)
}

/// A bulk TCP transfer in `dir`, with ITR sampled while it runs.
fn bulk(d: &Dut, dir: flows::Dir, seen: &mut Seen) -> Result<()> {
    let seed = traffic::fresh_seed();
    let mut t =
        flows::Transfer::start(dir, false, BULK_BYTES, seed, None, Duration::from_secs(20))?;
    let start = Instant::now();
    while t.progress() < BULK_BYTES {
        ensure!(
            start.elapsed() < Duration::from_secs(120),
            "{} bulk transfer not done after 120 s",
            dir.name()
        );
        for _ in 0..100 {
            record(d, seen);
            thread::sleep(Duration::from_micros(200));
        }
    }
    t.check(Duration::from_secs(60))
        .with_context(|| format!("{} bulk transfer (seed {seed:#x})", dir.name()))?;
    Ok(())
}

/// `-C rx-usecs 1` and `3` (dynamic, dynamic conservative) under traffic
/// of the classes `e1000_update_itr` tells apart, against the ITR register
/// read through BAR 0: sparse pings take mode 1 to `lowest_latency`
/// (70000/s, register 55) and mode 3, which never goes that low, to
/// `low_latency` (20000/s, 195); in mode 1, sparse pings of 1400 bytes take
/// it from there to `low_latency`; bulk TCP either way takes mode 3 to
/// `bulk_latency` (4000/s, 976); pings bring them back. Mode 1 is not held
/// to reach `bulk_latency` under TCP: `e1000_update_itr` leaves
/// `lowest_latency` only for an interrupt that sees fewer than 5 packets of
/// more than 512 bytes in all, which a TCP stream whose every interrupt
/// brings 5 or more frames never gives (seen on QEMU's 82545EM, in C's
/// algorithm as in re1000's); its bulk-TCP values are checked against the
/// rates the mode can write, like every value. Every value seen
/// is one `e1000_set_itr` can write (its three rates and the steps of a
/// rise, `expect::dynamic_rates`). Below gigabit the C driver pins 4000/s.
/// The C e1000 before the 82545 has no `-C`: its default, mode 3, is
/// checked; the 82544 has no ITR, which must not move.
pub(crate) fn coalesce_dynamic(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let orig = d.rx_usecs()?;
    let r = dynamic_body(ctx, &d, orig);
    let restore = match orig {
        Some(u) => d.set_rx_usecs(u).context("restoring rx-usecs"),
        None => Ok(()),
    };
    r?;
    restore?;
    Ok(())
}

fn dynamic_body(ctx: &Ctx<'_>, d: &Dut, orig: Option<u32>) -> Result<()> {
    if !d.mac.has_itr() {
        let mut seen = Seen::new();
        record(d, &mut seen);
        for _ in 0..STABLE_PINGS {
            ping_once(d, &mut seen)?;
        }
        bulk(d, flows::Dir::PeerToDut, &mut seen)?;
        ensure!(
            seen.len() == 1,
            "82544 (no ITR): the ITR offset moved under traffic: {}",
            show(&seen)
        );
        ctx.info(&format!(
            "82544: no ITR register, its offset reads {} throughout",
            show(&seen)
        ));
        return Ok(());
    }
    let gigabit = d.bar.read(reg::STATUS) & bar::STATUS_SPEED_1000 != 0;
    let modes: Vec<u32> = if d.has_coalesce() {
        vec![1, 3]
    } else {
        // The C driver's default InterruptThrottleRate is 3; without -c it
        // cannot be read back, the register is the only witness.
        ctx.info(&format!(
            "C e1000 on this part: no -C (README); its default mode 3 checked (rx-usecs {orig:?})"
        ));
        vec![3]
    };
    for mode in modes {
        if d.has_coalesce() {
            d.set_rx_usecs(mode)
                .with_context(|| format!("rx-usecs {mode}"))?;
        }
        let what = format!("rx-usecs {mode}");
        let conservative = mode == 3;
        let allowed: BTreeSet<u32> = expect::dynamic_rates(conservative, gigabit)
            .into_iter()
            .map(expect::itr_register)
            .collect();
        let (sparse_rate, bulk_rate) = match (gigabit, conservative) {
            (false, _) => (expect::ITR_BULK_RATE, expect::ITR_BULK_RATE),
            (true, true) => (expect::ITR_LOW_RATE, expect::ITR_BULK_RATE),
            (true, false) => (expect::ITR_LOWEST_RATE, expect::ITR_BULK_RATE),
        };
        let (sparse_reg, bulk_reg) = (
            expect::itr_register(sparse_rate),
            expect::itr_register(bulk_rate),
        );
        let mut seen = Seen::new();
        record(d, &mut seen);
        let n0 = sparse(d, &format!("{what}, sparse pings"), sparse_reg, &mut seen)?;
        // Mode 1's way out of `lowest_latency`, by the rule that guarantees it.
        let leaves_lowest = gigabit && !conservative;
        let n_large = if leaves_lowest {
            let low_reg = expect::itr_register(expect::ITR_LOW_RATE);
            Some(settle(
                d,
                &format!("{what}, sparse {LARGE_PING_PAYLOAD}-byte pings"),
                low_reg,
                large_ping_once,
                &mut seen,
            )?)
        } else {
            None
        };
        let mut per_dir = Vec::new();
        for dir in [flows::Dir::PeerToDut, flows::Dir::DutToPeer] {
            let mut s = Seen::new();
            bulk(d, dir, &mut s)?;
            ensure!(
                leaves_lowest || s.contains_key(&bulk_reg),
                "{what}, bulk TCP {}: ITR never {bulk_reg} ({bulk_rate}/s); seen {}",
                dir.name(),
                show(&s)
            );
            per_dir.push(format!("{}: {}", dir.name(), show(&s)));
            for (v, n) in s {
                *seen.entry(v).or_default() += n;
            }
        }
        let n1 = sparse(
            d,
            &format!("{what}, sparse pings after bulk"),
            sparse_reg,
            &mut seen,
        )?;
        let stray: Vec<u32> = seen
            .keys()
            .copied()
            .filter(|v| !allowed.contains(v))
            .collect();
        ensure!(
            stray.is_empty(),
            "{what}: ITR values {stray:?} are none that e1000_set_itr writes in this mode \
             ({allowed:?}); seen {}",
            show(&seen)
        );
        let large = n_large.map_or(String::new(), |n| {
            format!(
                "; {LARGE_PING_PAYLOAD}-byte pings -> {} after {n} pings",
                expect::itr_register(expect::ITR_LOW_RATE)
            )
        });
        ctx.info(&format!(
            "{what} ({}): sparse pings -> {sparse_reg} after {n0} pings{large}; bulk TCP {}; \
             back to {sparse_reg} after {n1} pings",
            if gigabit {
                "1000 Mb/s"
            } else {
                "below gigabit: 4000/s pinned"
            },
            per_dir.join("; ")
        ));
    }
    Ok(())
}
