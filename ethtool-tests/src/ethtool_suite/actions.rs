// SPDX-License-Identifier: GPL-2.0
//! Actions: autonegotiation restart, LED identify, self-tests.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use super::bar::{self, reg};
use super::dut::{Dut, LINK_TIMEOUT};
use super::{cli, expect};
use crate::netlink;
use crate::suites::{CaseResult, Ctx};
use crate::{sysfs, wait};

fn carrier_changes(d: &Dut) -> Result<u64> {
    let s = sysfs::net_attr(d.if_(), "carrier_changes")?;
    s.parse().with_context(|| format!("carrier_changes {s:?}"))
}

/// After an autonegotiation restart: STATUS.LU seen clear (or, for the C
/// driver, whose restart is a full reinit, the carrier dropped), then the
/// link back and pings answered.
fn expect_flap(ctx: &Ctx<'_>, d: &Dut, what: &str, changes0: u64) -> Result<()> {
    let t = Instant::now();
    let saw_down = wait::until(
        &format!("STATUS.LU to clear after {what}"),
        Duration::from_secs(3),
        || Ok(d.bar.read(reg::STATUS) & bar::STATUS_LU == 0),
    );
    let down_at = t.elapsed();
    wait::until(
        &format!("STATUS.LU back after {what}"),
        LINK_TIMEOUT,
        || Ok(d.bar.read(reg::STATUS) & bar::STATUS_LU != 0),
    )?;
    let up_at = t.elapsed();
    d.wait_link_and_ping(ctx)?;
    let changes = carrier_changes(d)?.saturating_sub(changes0);
    match saw_down {
        Ok(()) => ctx.info(&format!(
            "{what}: link down at {:.2} s, up at {:.2} s, carrier changes {changes}",
            down_at.as_secs_f64(),
            up_at.as_secs_f64()
        )),
        Err(e) if d.reference && changes > 0 => ctx.info(&format!(
            "{what}: C e1000 reinit, carrier changes {changes} ({e:#})"
        )),
        Err(e) => return Err(e),
    }
    Ok(())
}

/// `-r`: the link drops and comes back, through the ioctl and the CLI.
pub(crate) fn nway_reset(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    d.wait_link_and_ping(ctx)?;
    let c0 = carrier_changes(&d)?;
    d.io().nway_reset(d.if_())?;
    expect_flap(ctx, &d, "ETHTOOL_NWAY_RST", c0)?;
    let c0 = carrier_changes(&d)?;
    cli::run(&["-r", d.if_()])?;
    expect_flap(ctx, &d, "`ethtool -r`", c0)?;
    Ok(())
}

/// Runs `-p SECS` (the ioctl or the CLI) and watches the LED bits of
/// `reg` (masked by `mask`) while it blinks: how long it took and the
/// values seen.
fn blink(
    d: &Dut,
    secs: u32,
    cli_run: bool,
    (reg, mask): (usize, u32),
) -> Result<(Duration, Vec<u32>)> {
    let ifname = d.ifname.clone();
    let t = Instant::now();
    let h = thread::spawn(move || -> Result<()> {
        if cli_run {
            cli::run(&["-p", &ifname, &secs.to_string()]).map(drop)
        } else {
            Ok(netlink::Ioctl::open()?.phys_id(&ifname, secs)?)
        }
    });
    let mut seen = vec![d.bar.read(reg) & mask];
    while !h.is_finished() {
        ensure!(
            t.elapsed() < Duration::from_secs(u64::from(secs) + 20),
            "identify for {secs} s has not returned after {:.0} s",
            t.elapsed().as_secs_f64()
        );
        let v = d.bar.read(reg) & mask;
        if !seen.contains(&v) {
            seen.push(v);
        }
        thread::sleep(Duration::from_millis(5));
    }
    let took = t.elapsed();
    h.join()
        .map_err(|_| anyhow::anyhow!("identify thread panicked"))??;
    Ok((took, seen))
}

/// `-p N`: returns after about N seconds; the LED (LEDCTL, or CTRL's
/// software pin 0 on the 82544) changes while it runs and is as before
/// afterwards, except that the C driver has no LED clean-up for the 82544.
pub(crate) fn phys_id(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let led = d.mac.led_register();
    let name = if led.0 == reg::LEDCTL {
        "LEDCTL"
    } else {
        "CTRL.SWDPIN0/SWDPIO0"
    };
    let restores = !(d.reference && d.mac == expect::Mac::I82544);
    for (secs, cli_run) in [(2u32, false), (1, true)] {
        let what = if cli_run {
            format!("`ethtool -p {secs}`")
        } else {
            format!("ETHTOOL_PHYS_ID {secs}")
        };
        let led0 = d.bar.read(led.0) & led.1;
        let (took, seen) = blink(&d, secs, cli_run, led)?;
        let s = took.as_secs_f64();
        ensure!(
            s >= f64::from(secs) - 0.2 && s <= f64::from(secs) + 8.0,
            "{what} returned after {s:.2} s"
        );
        ensure!(
            seen.len() >= 2,
            "{what}: {name} never changed from {led0:#x} while blinking"
        );
        let after = d.bar.read(led.0) & led.1;
        if restores {
            ensure!(
                after == led0,
                "{what}: {name} {after:#x} afterwards, was {led0:#x}"
            );
        }
        ctx.info(&format!(
            "{what}: {s:.2} s, {name} {seen:x?}, afterwards {after:#x}{}",
            if restores {
                ""
            } else {
                " (C e1000: no LED clean-up on the 82544)"
            }
        ));
    }
    d.wait_link_and_ping(ctx)?;
    Ok(())
}

/// `-t online`: the link test only, passing, through the ioctl and the CLI.
pub(crate) fn self_test_online(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let st = d.io().self_test(d.if_(), false)?;
    let names: Vec<&str> = st.results.iter().map(|(n, _)| n.as_str()).collect();
    ensure!(names == expect::TEST_NAMES, "test names {names:?}");
    ensure!(
        st.passed && st.results.iter().all(|(_, v)| *v == 0),
        "online self-test failed: {:?}",
        st.results
    );
    let (passed, results) = cli::self_test(&cli::run(&["-t", d.if_(), "online"])?)?;
    ensure!(
        passed && results == st.results,
        "`ethtool -t online`: passed {passed}, {results:?}"
    );
    d.wait_link_and_ping(ctx)?;
    Ok(())
}

/// `-t offline`: re1000 passes all five tests on QEMU; the C e1000's
/// register and loopback tests fail there (README). Either way the link
/// comes back and pings are answered.
pub(crate) fn self_test_offline(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let t = Instant::now();
    let st = d.io().self_test(d.if_(), true)?;
    let took = t.elapsed().as_secs_f64();
    let names: Vec<&str> = st.results.iter().map(|(n, _)| n.as_str()).collect();
    ensure!(names == expect::TEST_NAMES, "test names {names:?}");
    d.wait_link_and_ping(ctx)
        .context("after the offline self-test")?;
    if d.reference {
        ensure!(!st.passed, "the C e1000's offline self-test passed on QEMU");
        ctx.info(&format!(
            "C e1000: offline self-test fails on QEMU as documented ({took:.1} s): {:?}",
            st.results
        ));
    } else {
        ensure!(
            st.passed && st.results.iter().all(|(_, v)| *v == 0),
            "offline self-test failed ({took:.1} s): {:?}",
            st.results
        );
    }
    // ethtool exits non-zero on FAIL, with its report on stdout.
    let (ok, out) = cli::run_any(&["-t", d.if_(), "offline"])?;
    let (passed, results) = cli::self_test(&out)?;
    ensure!(
        ok == passed && passed == st.passed && results.len() == st.results.len(),
        "`ethtool -t offline`: passed {passed} {results:?}; the ioctl: {} {:?}",
        st.passed,
        st.results
    );
    if !d.reference {
        ensure!(results == st.results, "`ethtool -t offline`: {results:?}");
    }
    d.wait_link_and_ping(ctx)
        .context("after `ethtool -t offline`")?;
    Ok(())
}
