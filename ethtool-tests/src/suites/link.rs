// SPDX-License-Identifier: GPL-2.0
//! `link`: link changes driven from QEMU's monitor (`set_link`), through the
//! virtio-serial relay of `re1000-vm`. The peer cases prove the relay with
//! whatever driver the peer uses; the dut cases test the driver's link-state
//! handling (LSC interrupt or watchdog).

use std::time::Duration;

use anyhow::Result;

use super::{Case, CaseResult, Ctx, Suite};
use crate::topology::Port;
use crate::{dmesg, monitor};

pub const SUITE: Suite = Suite {
    name: "link",
    about: "set_link off/on from the guest via QEMU's monitor; carrier follows",
    cases: &[
        Case::new("peer-down", peer_down),
        Case::new("peer-up", peer_up),
        Case::new("dut-down", dut_down).allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("dut-up", dut_up).allows_log(dmesg::C_LINK_LOSS_RESET),
    ],
};

const MONITOR_TIMEOUT: Duration = Duration::from_secs(10);
/// QEMU brings the link back 500 ms (virtual time) after `set_link on` with
/// autonegotiation; drivers may also poll link state every 2 s.
const CARRIER_TIMEOUT: Duration = Duration::from_secs(5);

fn set_link(port: &Port, up: bool) -> CaseResult {
    let cmd = format!(
        "set_link {} {}",
        port.nic.qdev_id,
        if up { "on" } else { "off" }
    );
    let out = monitor::hmp(&cmd, MONITOR_TIMEOUT)?;
    anyhow::ensure!(out.is_empty(), "`{cmd}` answered {out:?}");
    port.wait_carrier(up, CARRIER_TIMEOUT)?;
    Ok(())
}

fn restore(port: &Port) -> Result<()> {
    monitor::hmp(
        &format!("set_link {} on", port.nic.qdev_id),
        MONITOR_TIMEOUT,
    )?;
    Ok(())
}

/// Takes the link down; puts it back up if that fails half-way.
fn down(port: &Port) -> CaseResult {
    let r = set_link(port, false);
    if r.is_err() {
        restore(port)?;
    }
    r
}

fn peer_down(ctx: &mut Ctx<'_>) -> CaseResult {
    down(&ctx.topo.peer)
}

fn peer_up(ctx: &mut Ctx<'_>) -> CaseResult {
    set_link(&ctx.topo.peer, true)
}

fn dut_down(ctx: &mut Ctx<'_>) -> CaseResult {
    down(&ctx.topo.dut)
}

fn dut_up(ctx: &mut Ctx<'_>) -> CaseResult {
    set_link(&ctx.topo.dut, true)
}
