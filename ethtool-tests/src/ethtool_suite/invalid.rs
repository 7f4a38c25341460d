// SPDX-License-Identifier: GPL-2.0
//! Refused input across the callbacks.

use anyhow::ensure;

use super::dut::{refused, Dut};
use crate::netlink::{Coalesce, Duplex, LinkModesSet};
use crate::suites::{CaseResult, Ctx};

/// A battery of refused requests across the callbacks, and on an interface
/// that does not exist; the device's state is the same afterwards.
pub(crate) fn invalid_input(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let before = d.state()?;
    let if_ = d.if_();
    let e = d.eth();
    refused(
        "rings rx 5000",
        d.set_rings(Some(5000), None),
        libc::EINVAL,
        None,
    )?;
    refused(
        "rings tx 8192",
        d.set_rings(None, Some(8192)),
        libc::EINVAL,
        None,
    )?;
    if !d.reference {
        refused("rings tx 0", d.set_rings(None, Some(0)), libc::EINVAL, None)?;
        refused(
            "rings rx 1001",
            d.set_rings(Some(1001), None),
            libc::EINVAL,
            None,
        )?;
    }
    if d.has_coalesce() {
        refused("rx-usecs 2", d.set_rx_usecs(2), libc::EINVAL, None)?;
        refused("rx-usecs 10001", d.set_rx_usecs(10_001), libc::EINVAL, None)?;
    }
    refused(
        "rx-frames 8",
        e.coalesce_set(
            if_,
            &Coalesce {
                rx_max_frames: Some(8),
                ..Default::default()
            },
        ),
        libc::EINVAL,
        None,
    )?;
    refused(
        "EEPROM read at 64 length 65",
        d.io().eeprom(if_, 64, 65),
        libc::EINVAL,
        None,
    )?;
    refused(
        "EEPROM write with magic 0",
        d.io().eeprom_set(if_, 0, 0, &[0x12, 0x34]),
        libc::EFAULT,
        None,
    )?;
    if !d.reference {
        // The C driver's refusal changes its state (see link-advertise).
        refused(
            "forced 1000/Half",
            e.linkmodes_set(
                if_,
                &LinkModesSet {
                    autoneg: Some(false),
                    speed: Some(1000),
                    duplex: Some(Duplex::Half),
                },
            ),
            libc::EINVAL,
            None,
        )?;
    }
    let r = e.wol_set(if_, &["phy"]);
    ensure!(r.is_err(), "wol phy accepted");
    d.unchanged(&before, "the refused requests")?;

    // An interface that does not exist.
    let ghost = "re1000-none0";
    refused(
        "RINGS_GET on a missing interface",
        e.rings_get(ghost),
        libc::ENODEV,
        None,
    )?;
    refused(
        "DRVINFO on a missing interface",
        d.io().drvinfo(ghost),
        libc::ENODEV,
        None,
    )?;
    Ok(())
}
