// SPDX-License-Identifier: GPL-2.0
//! `-g/-G`: ring sizes, refused sizes, and resizes under TCP traffic.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use super::dut::{all_equal, pair, refused, Dut};
use super::{cli, expect};
use crate::bar::reg;
use crate::flows::{self, Transfer};
use crate::netlink::RingsSet;
use crate::suites::{CaseResult, Ctx};
use crate::{traffic, wait};

/// The TCP transfer of `rings-under-tcp`, in each direction, paced so
/// that it lasts about 8 s and both resizes happen while data flows.
const TCP_BYTES: u64 = 16 << 20;
const TCP_RATE: u64 = 2 << 20;

/// Ring sizes as RINGS_GET, `ethtool -g` and RDLEN/TDLEN (16-byte
/// descriptors) see them, all equal to `want`.
fn check_rings(d: &Dut, want: (u32, u32)) -> Result<()> {
    let r = d.eth().rings_get(d.if_())?;
    let (max, cur) = cli::rings(&cli::run(&["-g", d.if_()])?)?;
    all_equal(
        "ring sizes",
        &[
            pair("RINGS_GET rx", r.rx, want.0),
            pair("RINGS_GET tx", r.tx, want.1),
            pair("RINGS_GET rx_max", r.rx_max, expect::RING_MAX),
            pair("RINGS_GET tx_max", r.tx_max, expect::RING_MAX),
            pair("ethtool -g RX", cur.0, want.0),
            pair("ethtool -g TX", cur.1, want.1),
            pair("ethtool -g max RX", max.0, expect::RING_MAX),
            pair("ethtool -g max TX", max.1, expect::RING_MAX),
            pair("RDLEN", d.bar.read(reg::RDLEN), want.0 * 16),
            pair("TDLEN", d.bar.read(reg::TDLEN), want.1 * 16),
        ],
    )
}

/// `-g/-G`: sizes set through netlink and the CLI take effect in the
/// hardware; refused sizes leave everything as it was.
pub(crate) fn rings(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let orig = d.rings()?;
    check_rings(&d, orig)?;
    let r = rings_body(ctx, &d);
    let restore = d
        .set_rings(Some(orig.0), Some(orig.1))
        .context("restoring the ring sizes");
    r?;
    restore?;
    check_rings(&d, orig)?;
    d.wait_link_and_ping(ctx)?;
    Ok(())
}

fn rings_body(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    d.set_rings(Some(512), Some(128))?;
    check_rings(d, (512, 128))?;
    cli::run(&["-G", d.if_(), "rx", "64", "tx", "72"])?;
    check_rings(d, (64, 72))?;
    d.set_rings(Some(expect::RING_MAX), Some(expect::RING_MIN))?;
    check_rings(d, (expect::RING_MAX, expect::RING_MIN))?;
    d.set_rings(Some(expect::RING_DEFAULT), Some(expect::RING_DEFAULT))?;
    check_rings(d, (expect::RING_DEFAULT, expect::RING_DEFAULT))?;
    d.wait_link_and_ping(ctx)?;

    // Above the maximum: the core refuses it for either driver.
    let before = d.state()?;
    refused(
        "rx 5000",
        d.set_rings(Some(5000), None),
        libc::EINVAL,
        Some("requested ring size exceeds maximum"),
    )?;
    refused(
        "rx-mini 8 (no mini ring)",
        d.eth().rings_set(
            d.if_(),
            &RingsSet {
                rx_mini: Some(8),
                ..Default::default()
            },
        ),
        libc::EINVAL,
        Some("requested ring size exceeds maximum"),
    )?;
    d.unchanged(&before, "refused ring sizes")?;
    let out = cli::refused(&["-G", d.if_(), "tx", "5000"])?;
    ensure!(
        out.contains("exceeds maximum"),
        "`ethtool -G tx 5000` said {out:?}"
    );

    // 0 and 100: re1000 refuses them with a message; the C driver clamps to
    // 48 and rounds up to a multiple of 8 (README).
    for (rx, tx) in [
        (Some(0), None),
        (Some(100), None),
        (None, Some(100)),
        (None, Some(47)),
    ] {
        let req = format!("rx {rx:?} tx {tx:?}");
        if d.reference {
            d.set_rings(rx, tx).with_context(|| req.clone())?;
            let want = (
                rx.map_or(expect::RING_DEFAULT, |n| {
                    expect::c_ring_size(n, expect::RING_MAX)
                }),
                tx.map_or(expect::RING_DEFAULT, |n| {
                    expect::c_ring_size(n, expect::RING_MAX)
                }),
            );
            check_rings(d, want).with_context(|| req.clone())?;
            d.set_rings(Some(expect::RING_DEFAULT), Some(expect::RING_DEFAULT))?;
        } else {
            let n = rx.or(tx).unwrap_or_default();
            refused(
                &req,
                d.set_rings(rx, tx),
                libc::EINVAL,
                expect::re1000_ring_error(n),
            )?;
            d.unchanged(&before, &req)?;
        }
    }
    if d.reference {
        ctx.info("C e1000: sizes 0 -> 48, 100 -> 104, 47 -> 48 (clamped and rounded, README)");
    } else {
        let out = cli::refused(&["-G", d.if_(), "rx", "100"])?;
        ensure!(
            out.contains("ring size must be a multiple of 8"),
            "`ethtool -G rx 100` said {out:?}"
        );
        d.unchanged(&before, "`ethtool -G rx 100`")?;
    }
    Ok(())
}

/// `-G` twice during TCP transfers in both directions: both streams arrive
/// intact (SHA-256 of the receiver = the sender's), and each resize takes
/// effect in the hardware.
///
/// Not run against the C e1000 (declared in `suites/ethtool.rs`): its `e1000_set_ringparam` can crash the
/// kernel under transmit load. `e1000_down` stops the queue, then sleeps
/// 10 ms before it disables NAPI and sets `__E1000_DOWN`; a poll in that
/// window (`e1000_clean_tx_irq`, carrier still on) wakes the queue again,
/// and a transmit then lands in the new, not yet allocated ring: a NULL
/// pointer dereference in `e1000_xmit_frame` (seen on QEMU's 82544GC with
/// this case). Its resizes without traffic are checked by `rings`.
pub(crate) fn rings_under_tcp(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let orig = d.rings()?;
    let r = rings_under_tcp_body(ctx, &d);
    let restore = d
        .set_rings(Some(orig.0), Some(orig.1))
        .context("restoring the ring sizes");
    r?;
    restore?;
    d.wait_link_and_ping(ctx)?;
    Ok(())
}

fn rings_under_tcp_body(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    let idle = Duration::from_secs(30);
    let (s1, s2) = (traffic::fresh_seed(), traffic::fresh_seed());
    ctx.info(&format!(
        "{} MiB each way, seeds {s1:#x} (dut->peer) {s2:#x} (peer->dut)",
        TCP_BYTES >> 20
    ));
    let rate = Some(TCP_RATE);
    let mut out = Transfer::start(flows::Dir::DutToPeer, false, TCP_BYTES, s1, rate, idle)?;
    let mut inn = Transfer::start(flows::Dir::PeerToDut, false, TCP_BYTES, s2, rate, idle)?;
    let t = Instant::now();
    // Resize i once both transfers have passed i/4 of the stream, or one
    // has passed (i+1)/4: the two directions drift apart when a resize
    // stalls them unevenly, and neither may be over when it happens.
    for (i, sizes) in [(1u64, (128u32, 512u32)), (2, (1024, 64))] {
        let (mark, cap) = (TCP_BYTES * i / 4, TCP_BYTES * (i + 1) / 4);
        let start = Instant::now();
        let (p_out, p_in) = loop {
            let (a, b) = (out.progress(), inn.progress());
            if a.min(b) >= mark || a.max(b) >= cap {
                break (a, b);
            }
            ensure!(
                start.elapsed() < Duration::from_secs(120),
                "the transfers stalled at {a} and {b} bytes before resize {i}"
            );
            thread::sleep(wait::STEP);
        };
        d.set_rings(Some(sizes.0), Some(sizes.1))
            .with_context(|| format!("resize {i} to rx {} tx {}", sizes.0, sizes.1))?;
        check_rings(d, sizes)?;
        ctx.info(&format!(
            "resize {i} to rx {} tx {} at {:.1} s, {p_out} and {p_in} bytes received",
            sizes.0,
            sizes.1,
            t.elapsed().as_secs_f64()
        ));
        ensure!(
            p_out < TCP_BYTES && p_in < TCP_BYTES,
            "a transfer ended before resize {i}: not a resize under traffic"
        );
    }
    let a = out.check(Duration::from_secs(180))?;
    let b = inn.check(Duration::from_secs(180))?;
    ctx.info(&format!(
        "dut->peer {:.1} Mbit/s, peer->dut {:.1} Mbit/s, SHA-256 {} / {}",
        a.mbit_s(),
        b.mbit_s(),
        a.received.sha256,
        b.received.sha256
    ));
    Ok(())
}
