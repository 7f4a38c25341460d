// SPDX-License-Identifier: GPL-2.0
//! `-c/-C rx-usecs` and the ITR register.

use anyhow::{ensure, Context, Result};

use super::bar::reg;
use super::dut::{all_equal, pair, refused, Dut};
use super::{cli, expect};
use crate::netlink::Coalesce;
use crate::suites::{CaseResult, Ctx};

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
            ctx.info(&format!(
                "rx-usecs {set}: ITR {reg_now} (dynamic, within {lo}..={hi})"
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
