// SPDX-License-Identifier: GPL-2.0
//! `bringup/modalias`'s autoload proof: the dut's MODALIAS uevent loads the
//! driver under test and it binds the device, with nothing in the test
//! loading it.
//!
//! What loads modules in the virtme-ng guest: virtme-ng's init starts the
//! host's `systemd-udevd`, whose `80-drivers.rules` runs the `kmod load`
//! builtin for every `add` uevent with a MODALIAS (applying the modprobe.d
//! blacklist). The kernel itself never calls `request_module` for a new PCI
//! device. The guest's /etc is an overlay, so a modprobe.d file can be
//! written there for the length of the case.
//!
//! Both e1000 drivers match 8086:100e; an already loaded driver would bind
//! the re-added device at once, so both are unloaded first (the peer NIC,
//! which keeps its `driver_override`, goes unbound meanwhile), the other one
//! is blacklisted, and the dut is removed and rescanned.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use super::wait_probed;
use crate::suites::Ctx;
use crate::topology::{self, PROBE_TIMEOUT};
use crate::{cmd, flows, modules, sysfs, wait, DUT, PEER};

/// The modprobe.d file the case writes (and removes).
const BLACKLIST: &str = "/etc/modprobe.d/re1000-tests-autoload.conf";
/// The two drivers that claim the 8254x.
const DRIVERS: [&str; 2] = ["re1000", "e1000"];

fn udevadm(args: &[&str]) -> Result<String> {
    cmd::run("udevadm", args)
}

/// The pid of the running udevd, if any.
fn udevd_pid() -> Result<Option<u32>> {
    for ent in fs::read_dir("/proc").context("listing /proc")? {
        let ent = ent?;
        let Some(pid) = ent.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let comm = fs::read_to_string(ent.path().join("comm")).unwrap_or_default();
        if matches!(comm.trim(), "systemd-udevd" | "udevd") {
            return Ok(Some(pid));
        }
    }
    Ok(None)
}

/// The `MODALIAS=` line of the device's uevent (what udev is handed).
fn uevent_modalias(addr: &str) -> Result<String> {
    let ev = sysfs::read(sysfs::pci_dev(addr).join("uevent"))?;
    ev.lines()
        .find_map(|l| l.strip_prefix("MODALIAS=").map(str::to_owned))
        .with_context(|| format!("no MODALIAS in {addr}'s uevent:\n{ev}"))
}

/// Writes the blacklist and makes udevd re-read its kmod configuration.
fn blacklist(module: &str) -> Result<()> {
    fs::write(
        BLACKLIST,
        format!(
            "# re1000-guest bringup/modalias, removed at the end of the case\nblacklist {module}\n"
        ),
    )
    .with_context(|| format!("writing {BLACKLIST} (the guest's /etc should be an overlay)"))?;
    udevadm(&["control", "--reload"])?;
    Ok(())
}

fn unblacklist() -> Result<()> {
    match fs::remove_file(BLACKLIST) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {BLACKLIST}")),
    }
    udevadm(&["control", "--reload"])?;
    Ok(())
}

/// Removes the dut from the PCI bus, unloads both drivers, rescans, and
/// waits for udev to load `drv` and for `drv` to bind the dut.
fn remove_rescan(drv: &str, other: &str, ifname: &str) -> Result<String> {
    let dev = sysfs::pci_dev(DUT.pci_addr);
    sysfs::write(dev.join("remove"), "1")?;
    wait::until(
        &format!("{} to leave the bus", DUT.pci_addr),
        PROBE_TIMEOUT,
        || Ok(!dev.exists()),
    )?;
    for m in DRIVERS {
        if modules::is_loaded(m) {
            flows::run_with_timeout("rmmod", &[m], Duration::from_secs(60))?;
        }
        ensure!(!modules::is_loaded(m), "{m} still loaded after rmmod");
    }
    let t = Instant::now();
    sysfs::write("/sys/bus/pci/rescan", "1")?;
    wait::until(
        &format!("{} to come back", DUT.pci_addr),
        PROBE_TIMEOUT,
        || Ok(dev.exists()),
    )?;
    wait::until(
        &format!("udev to load {drv} for the dut's MODALIAS"),
        PROBE_TIMEOUT,
        || Ok(modules::is_loaded(drv)),
    )?;
    let loaded = t.elapsed();
    wait_probed(DUT.pci_addr, drv, DUT.mac)?;
    let bound = t.elapsed();
    let ifs = sysfs::netdevs(DUT.pci_addr)?;
    ensure!(
        ifs.iter().any(|i| i == ifname),
        "after the rescan {} has interfaces {ifs:?}, before it was {ifname}",
        DUT.pci_addr
    );
    ensure!(
        !modules::is_loaded(other),
        "the blacklisted {other} was loaded too: the blacklist did not apply"
    );
    let alias = uevent_modalias(DUT.pci_addr)?;
    ensure!(
        alias == sysfs::modalias(DUT.pci_addr)?,
        "uevent MODALIAS {alias} differs from the modalias attribute"
    );
    Ok(format!(
        "udev loaded {drv} for MODALIAS={alias} {:.1} s after the rescan ({other} blacklisted), \
         bound with {ifname} after {:.1} s",
        loaded.as_secs_f64(),
        bound.as_secs_f64()
    ))
}

/// Puts back what the setup built: the dut bound to `drv` under a
/// `driver_override`, the peer bound to its driver in its namespace, both
/// configured.
fn restore(ctx: &mut Ctx<'_>, drv: &str) -> Result<()> {
    let dev = sysfs::pci_dev(DUT.pci_addr);
    if !dev.exists() {
        sysfs::write("/sys/bus/pci/rescan", "1")?;
        wait::until(
            &format!("{} to come back", DUT.pci_addr),
            PROBE_TIMEOUT,
            || Ok(dev.exists()),
        )?;
    }
    let peer_drv = ctx.topo.peer.driver.clone();
    for (addr, d) in [(DUT.pci_addr, drv), (PEER.pci_addr, peer_drv.as_str())] {
        sysfs::set_driver_override(addr, d)?;
        if !modules::is_loaded(d) {
            modules::modprobe(d)?;
        }
        match sysfs::bound_driver(addr)? {
            Some(b) if b == d => {}
            Some(b) => bail!("{addr} is bound to {b}, expected {d}"),
            None => sysfs::drivers_probe(addr)?,
        }
        topology::wait_bound(addr, d, PROBE_TIMEOUT)?;
    }
    ctx.topo.reconfigure()?;
    flows::wait_carriers(ctx.topo, Duration::from_secs(10))
}

/// Runs the remove/rescan proof and restores the topology; returns the
/// info line.
pub fn check(ctx: &mut Ctx<'_>) -> Result<String> {
    let drv = ctx.driver();
    let other = DRIVERS
        .into_iter()
        .find(|d| *d != drv)
        .context("no other driver")?;
    let pid = udevd_pid()?.with_context(|| {
        "no udevd runs in this guest: nothing would load a driver for a new device's MODALIAS"
    })?;
    udevadm(&["control", "--ping"]).context("udevd does not answer")?;
    let rule = ["/usr/lib/udev/rules.d", "/lib/udev/rules.d"]
        .iter()
        .map(|d| Path::new(d).join("80-drivers.rules"))
        .find(|p| p.exists())
        .context("no 80-drivers.rules (udev's `kmod load` rule) in /usr/lib or /lib")?;
    let rules = sysfs::read(&rule)?;
    ensure!(
        rules.contains("kmod load"),
        "{} has no `kmod load` rule:\n{rules}",
        rule.display()
    );
    let ifname = ctx.topo.dut.ifname.clone();
    let r = blacklist(other).and_then(|()| remove_rescan(&drv, other, &ifname));
    let cleanup = unblacklist();
    let restored = restore(ctx, &drv).context("restoring the topology after the rescan");
    let msg = r?;
    cleanup?;
    restored?;
    Ok(format!("{msg}; udevd pid {pid}"))
}
