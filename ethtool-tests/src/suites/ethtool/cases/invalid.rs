// SPDX-License-Identifier: GPL-2.0
//! Refused input across the callbacks: what the ethtool core refuses before
//! any driver callback runs, and what only the driver's own `set_*`
//! callbacks can refuse (its errno and extack text).

use anyhow::{ensure, Context, Result};

use super::dut::{refused, Dut};
use super::{cli, expect};
use crate::netlink::{Coalesce, Duplex, LinkModesSet, PauseSet};
use crate::suites::{CaseResult, Ctx};

/// The ethtool core's own extack texts (net/ethtool/rings.c, coalesce.c,
/// wol.c): these refusals never reach a driver.
const CORE_RING_MAX: &str = "requested ring size exceeds maximum";
const CORE_COALESCE_PARAM: &str = "cannot modify an unsupported parameter";
const CORE_WOL: &str = "cannot enable unsupported WoL mode";

/// re1000's extack texts (drivers/re1000/ethtool.rs).
const RE_RING_MULTIPLE: &str = "ring size must be a multiple of 8";
const RE_RING_RANGE: &str = "ring size must be between 48 and 4096";
const RE_USECS_MODE: &str = "rx-usecs 2 is not a valid mode (0, 1, 3, 4)";
const RE_USECS_RANGE: &str = "rx-usecs must be 0-4 or 10-10000";

/// A battery of refused requests: first the ones the ethtool core refuses
/// (the same for both drivers), then, per `set_*` callback, an input only
/// the driver can refuse, with its errno and extack text; the device's
/// state is the same after each. Then an interface that does not exist.
pub(crate) fn invalid_input(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    core_refusals(ctx, &d)?;
    driver_refusals(ctx, &d)?;

    // An interface that does not exist.
    let ghost = "re1000-none0";
    refused(
        "core: RINGS_GET on a missing interface",
        d.eth().rings_get(ghost),
        libc::ENODEV,
        None,
    )?;
    refused(
        "core: DRVINFO on a missing interface",
        d.io().drvinfo(ghost),
        libc::ENODEV,
        None,
    )?;
    Ok(())
}

/// Refused by the ethtool core against what the driver reports (maximum
/// ring sizes, supported coalescing parameters and WoL modes, the EEPROM
/// length): no driver callback runs.
fn core_refusals(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    let before = d.state()?;
    let (if_, e) = (d.if_(), d.eth());
    refused(
        "core: rings rx 5000",
        d.set_rings(Some(5000), None),
        libc::EINVAL,
        Some(CORE_RING_MAX),
    )?;
    refused(
        "core: rings tx 8192",
        d.set_rings(None, Some(8192)),
        libc::EINVAL,
        Some(CORE_RING_MAX),
    )?;
    refused(
        "core: rx-frames 8",
        e.coalesce_set(
            if_,
            &Coalesce {
                rx_max_frames: Some(8),
                ..Default::default()
            },
        ),
        // The C driver's parts without coalescing declare no parameters
        // either: the core refuses the same way.
        libc::EINVAL,
        Some(CORE_COALESCE_PARAM),
    )?;
    refused(
        "core: EEPROM read at 64 length 65",
        d.io().eeprom(if_, 64, 65),
        libc::EINVAL,
        None,
    )?;
    refused(
        "core: wol phy",
        e.wol_set(if_, &["phy"]),
        libc::EINVAL,
        Some(CORE_WOL),
    )?;
    d.unchanged(&before, "the core's refusals")?;
    ctx.info(
        "core refusals (no driver callback): rings above the maximum, rx-frames, an EEPROM \
         read past the end, wol phy, a missing interface",
    );
    Ok(())
}

/// One input per `set_*` callback that only the driver can refuse.
fn driver_refusals(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    let mut done = Vec::new();
    let mut differs = Vec::new();
    let before = d.state()?;
    let (if_, e) = (d.if_(), d.eth());

    // set_ringparam: within the core's maximum, but not a size the driver
    // takes. The C driver clamps and rounds instead (README).
    if d.reference {
        for (rx, tx) in [(Some(1001), None), (None, Some(40))] {
            d.set_rings(rx, tx)
                .with_context(|| format!("C e1000: rings {rx:?}/{tx:?}"))?;
            let (got_rx, got_tx) = d.rings()?;
            let want = (
                rx.map_or(before.rings.0, |r| expect::c_ring_size(r, 4096)),
                tx.map_or(before.rings.1, |t| expect::c_ring_size(t, 4096)),
            );
            ensure!(
                (got_rx, got_tx) == want,
                "C e1000: rings {rx:?}/{tx:?} became {got_rx}/{got_tx}, expected {want:?} \
                 (clamped to 48..4096, rounded up to 8)"
            );
            d.set_rings(Some(before.rings.0), Some(before.rings.1))
                .context("restoring the rings")?;
            d.wait_link_and_ping(ctx)?;
        }
        differs.push("set_ringparam: rx 1001 -> 1008, tx 40 -> 48 accepted (clamps and rounds)");
    } else {
        refused(
            "driver set_ringparam: rx 1001",
            d.set_rings(Some(1001), None),
            libc::EINVAL,
            Some(RE_RING_MULTIPLE),
        )?;
        refused(
            "driver set_ringparam: tx 40",
            d.set_rings(None, Some(40)),
            libc::EINVAL,
            Some(RE_RING_RANGE),
        )?;
        refused(
            "driver set_ringparam: tx 0",
            d.set_rings(None, Some(0)),
            libc::EINVAL,
            Some(RE_RING_RANGE),
        )?;
        done.push("set_ringparam (rx 1001, tx 40, tx 0)");
    }
    d.unchanged(&before, "set_ringparam")?;

    // set_coalesce: rx-usecs has no core limit.
    if !d.has_coalesce() {
        refused(
            "driver set_coalesce: rx-usecs 100 (C e1000 before the 82545)",
            d.set_rx_usecs(100),
            libc::EOPNOTSUPP,
            None,
        )?;
        differs.push("set_coalesce: EOPNOTSUPP for everything before the 82545");
    } else {
        for (u, msg) in [(2, RE_USECS_MODE), (10_001, RE_USECS_RANGE)] {
            // The C driver refuses without a message.
            let m = (!d.reference).then_some(msg);
            refused(
                &format!("driver set_coalesce: rx-usecs {u}"),
                d.set_rx_usecs(u),
                libc::EINVAL,
                m,
            )?;
        }
        if d.reference {
            differs.push("set_coalesce: EINVAL without an extack message");
        } else {
            done.push("set_coalesce (rx-usecs 2, 10001)");
        }
    }
    d.unchanged(&before, "set_coalesce")?;

    // set_eeprom: the magic is the driver's check (re1000's ethtool glue,
    // `e1000_set_eeprom`); both refuse with EFAULT, no message.
    refused(
        "driver set_eeprom: wrong magic",
        d.io().eeprom_set(if_, d.magic() ^ 1, 0, &[0x12, 0x34]),
        libc::EFAULT,
        None,
    )?;
    d.unchanged(&before, "set_eeprom")?;
    done.push("set_eeprom (wrong magic: EFAULT)");

    // set_wol: the core refuses every mode the driver does not list, and
    // re1000 lists none, so its set_wol never sees one. The C driver lists
    // modes it then cannot arm on QEMU (README: EOPNOTSUPP).
    if d.reference && !expect::c_wol_supported(d.device).is_empty() {
        refused(
            "driver set_wol: ucast (C e1000, no wake-up capable device)",
            e.wol_set(if_, &["ucast"]),
            libc::EOPNOTSUPP,
            None,
        )?;
        d.unchanged(&before, "set_wol")?;
        differs.push("set_wol: ucast listed, then refused with EOPNOTSUPP");
    } else {
        refused(
            "core: wol ucast (no mode supported)",
            e.wol_set(if_, &["ucast"]),
            libc::EINVAL,
            Some(CORE_WOL),
        )?;
        d.unchanged(&before, "wol ucast")?;
    }

    if d.reference {
        // The C driver's refusals of forced 1000/Half and 10000 change its
        // state (see link-advertise), it takes any advertisement and pause
        // autonegotiation with the link forced: nothing more to refuse.
        differs.push(
            "set_link_ksettings/set_pauseparam: advertise 10000baseT/Full and pause \
             autoneg with a forced link accepted; refused forced speeds leave autoneg off",
        );
    } else {
        link_refusals(ctx, d)?;
        done.push("set_link_ksettings (forced 1000/Half, forced 10000/Full, advertise 0x1000)");
        done.push("set_pauseparam (pause autoneg with the link forced)");
    }
    // set_msglevel returns nothing: there is no input it can refuse.
    ctx.info(&format!(
        "driver refusals checked: {}; set_msglevel cannot refuse (void callback); re1000's \
         set_wol is never reached with a mode (none supported)",
        if done.is_empty() {
            "none".to_owned()
        } else {
            done.join(", ")
        }
    ));
    if !differs.is_empty() {
        ctx.info(&format!(
            "C e1000 differs from re1000 (README): {}",
            differs.join("; ")
        ));
    }
    Ok(())
}

/// re1000's set_link_ksettings and set_pauseparam refusals.
fn link_refusals(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    let (if_, e) = (d.if_(), d.eth());
    let before = d.state()?;
    for (speed, duplex) in [(1000, Duplex::Half), (10_000, Duplex::Full)] {
        refused(
            &format!("driver set_link_ksettings: forced {speed}/{duplex:?}"),
            e.linkmodes_set(
                if_,
                &LinkModesSet {
                    autoneg: Some(false),
                    speed: Some(speed),
                    duplex: Some(duplex),
                },
            ),
            libc::EINVAL,
            None,
        )?;
        d.unchanged(&before, &format!("forced {speed}/{duplex:?}"))?;
    }
    // 10000baseT/Full (link mode bit 12) alone: no speed these parts have.
    let out = cli::refused(&["-s", if_, "advertise", "0x1000"])?;
    ensure!(
        out.contains("Invalid argument"),
        "`ethtool -s advertise 0x1000` said {out:?}, expected EINVAL"
    );
    d.unchanged(&before, "advertise 0x1000")?;

    // Pause autonegotiation needs link autonegotiation: force the link,
    // then ask for it.
    e.linkmodes_set(
        if_,
        &LinkModesSet {
            autoneg: Some(false),
            speed: Some(100),
            duplex: Some(Duplex::Full),
        },
    )
    .context("forcing 100/Full")?;
    let r = (|| -> Result<()> {
        d.wait_link_and_ping(ctx)?;
        let forced = d.state()?;
        ensure!(!forced.autoneg, "autoneg still on after forcing 100/Full");
        // The core calls the driver only if the request changes something:
        // flip rx too, in case pause autoneg is on already.
        let (_, rx, _) = forced.pause;
        refused(
            "driver set_pauseparam: autoneg with the link forced",
            e.pause_set(
                if_,
                &PauseSet {
                    autoneg: Some(true),
                    rx: Some(!rx),
                    ..Default::default()
                },
            ),
            libc::EINVAL,
            None,
        )?;
        d.unchanged(&forced, "pause autoneg with the link forced")
    })();
    let restore = cli::run(&[
        "-s",
        if_,
        "autoneg",
        "on",
        "advertise",
        expect::ADVERTISE_ALL,
    ])
    .and_then(|_| d.wait_link_and_ping(ctx));
    r?;
    restore.context("restoring autonegotiation")?;
    d.unchanged(&before, "forcing the link and restoring autonegotiation")
}
