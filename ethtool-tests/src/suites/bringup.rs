// SPDX-License-Identifier: GPL-2.0
//! `bringup`: what the driver must do first: be found by its PCI alias,
//! bind, create an interface with the right MAC, report carrier and driver
//! info, survive unbind/bind and module reload cycles, and handle MTU
//! changes. Written so it also passes on the C e1000 as a reference.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use super::{Case, CaseResult, Ctx, Suite};
use crate::topology::{self, PROBE_TIMEOUT};
use crate::{cmd, modules, sysfs, wait, DUT, PEER};

pub const SUITE: Suite = Suite {
    name: "bringup",
    about:
        "alias autoload, bind, MAC, carrier, ethtool -i, unbind/bind x50, rmmod/modprobe x20, MTU",
    cases: &[
        Case::new("modalias", modalias),
        Case::new("bound", bound),
        Case::new("carrier", carrier),
        Case::new("ethtool-info", ethtool_info),
        Case::new("rebind", rebind),
        Case::new("reload", reload),
        Case::new("mtu-1500", mtu_1500),
        Case::new("mtu-9000", mtu_9000),
    ],
};

/// Carrier must come up this fast after `ip link set up`.
const CARRIER_TIMEOUT: Duration = Duration::from_secs(3);
const REBIND_CYCLES: usize = 50;
const RELOAD_CYCLES: usize = 20;

/// (a) `modprobe -R <modalias>` lists the driver under test.
fn modalias(ctx: &mut Ctx<'_>) -> CaseResult {
    let alias = sysfs::modalias(DUT.pci_addr)?;
    let mods = modules::resolve_alias(&alias)?;
    let drv = ctx.driver();
    ensure!(
        mods.contains(&drv),
        "`modprobe -R {alias}` lists {mods:?}, not {drv}"
    );
    Ok(())
}

/// The dut's interface has the QEMU-assigned MAC (as `ip -j link` sees it).
fn check_mac(ctx: &Ctx<'_>) -> Result<()> {
    let mac = ctx.topo.dut.link_address()?;
    ensure!(
        mac.eq_ignore_ascii_case(DUT.mac),
        "{} has address {mac}, QEMU assigned {}",
        ctx.topo.dut.ifname,
        DUT.mac
    );
    Ok(())
}

/// (b) bound to the driver under test, interface present, right MAC.
fn bound(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let got = sysfs::bound_driver(DUT.pci_addr)?;
    ensure!(
        got.as_deref() == Some(drv.as_str()),
        "{} is bound to {got:?}, expected {drv}",
        DUT.pci_addr
    );
    let ifs = sysfs::netdevs(DUT.pci_addr)?;
    ensure!(
        ifs.contains(&ctx.topo.dut.ifname),
        "{} has interfaces {ifs:?}, expected {}",
        DUT.pci_addr,
        ctx.topo.dut.ifname
    );
    check_mac(ctx)?;
    Ok(())
}

/// (c) carrier within 3 s of `ip link set up`.
fn carrier(ctx: &mut Ctx<'_>) -> CaseResult {
    let dut = &ctx.topo.dut;
    dut.ip(&["link", "set", "dev", &dut.ifname, "up"])?;
    dut.wait_carrier(true, CARRIER_TIMEOUT)?;
    Ok(())
}

/// (d) `ethtool -i` names the driver and the PCI address.
fn ethtool_info(ctx: &mut Ctx<'_>) -> CaseResult {
    let out = cmd::run("ethtool", ["-i", &ctx.topo.dut.ifname])?;
    let field = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
            .with_context(|| format!("no `{key}` in `ethtool -i` output:\n{out}"))
    };
    let (driver, bus) = (field("driver:")?, field("bus-info:")?);
    let want = ctx.driver();
    ensure!(
        driver == want,
        "ethtool -i: driver {driver:?}, expected {want:?}"
    );
    ensure!(
        bus == DUT.pci_addr,
        "ethtool -i: bus-info {bus:?}, expected {:?}",
        DUT.pci_addr
    );
    Ok(())
}

/// Waits until the device is bound to `drv` and has an interface with its MAC.
fn wait_probed(addr: &str, drv: &str, mac: &str) -> Result<()> {
    topology::wait_bound(addr, drv, PROBE_TIMEOUT)?;
    let what = format!("an interface with MAC {mac} on {addr}");
    let got = wait::poll(&what, PROBE_TIMEOUT, || {
        // udev may rename the interface between listing and reading.
        for name in sysfs::netdevs(addr)? {
            if let Ok(a) = sysfs::net_attr(&name, "address") {
                return Ok(Some(a));
            }
        }
        Ok(None)
    })?;
    ensure!(
        got.eq_ignore_ascii_case(mac),
        "{addr}: interface has MAC {got}, expected {mac}"
    );
    // Let udev rename it before the next cycle, so its queue never piles up.
    cmd::udev_settle()
}

/// (e) unbind/bind cycles through /sys/bus/pci/drivers/<drv>/{unbind,bind}.
fn rebind(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let t = Instant::now();
    for i in 1..=REBIND_CYCLES {
        (|| -> Result<()> {
            sysfs::unbind_from(DUT.pci_addr, &drv)?;
            wait::until("the unbind to finish", PROBE_TIMEOUT, || {
                Ok(sysfs::bound_driver(DUT.pci_addr)?.is_none()
                    && sysfs::netdevs(DUT.pci_addr)?.is_empty())
            })?;
            sysfs::bind_to(DUT.pci_addr, &drv)?;
            wait_probed(DUT.pci_addr, &drv, DUT.mac)
        })()
        .with_context(|| format!("cycle {i}/{REBIND_CYCLES}"))?;
    }
    ctx.info(&format!(
        "{REBIND_CYCLES} unbind/bind cycles in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    ctx.topo.reconfigure().context("restoring the topology")?;
    check_mac(ctx)?;
    Ok(())
}

/// (f) rmmod/modprobe cycles of the driver under test.
fn reload(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let shared = ctx.topo.peer.driver == drv;
    if shared {
        ctx.info(&format!(
            "the peer also uses {drv}: it is unloaded and re-probed too, and set up again afterwards"
        ));
    }
    let t = Instant::now();
    for i in 1..=RELOAD_CYCLES {
        (|| -> Result<()> {
            modules::rmmod(&drv)?;
            ensure!(!modules::is_loaded(&drv), "{drv} still loaded after rmmod");
            ensure!(
                sysfs::bound_driver(DUT.pci_addr)?.is_none(),
                "{} still bound after rmmod",
                DUT.pci_addr
            );
            modules::modprobe(&drv)?;
            wait_probed(DUT.pci_addr, &drv, DUT.mac)?;
            if shared {
                wait_probed(PEER.pci_addr, &drv, PEER.mac)?;
            }
            Ok(())
        })()
        .with_context(|| format!("cycle {i}/{RELOAD_CYCLES}"))?;
    }
    ctx.info(&format!(
        "{RELOAD_CYCLES} rmmod/modprobe cycles in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    ctx.topo.reconfigure().context("restoring the topology")?;
    check_mac(ctx)?;
    Ok(())
}

fn mtu(ctx: &Ctx<'_>) -> Result<u32> {
    let s = sysfs::net_attr(&ctx.topo.dut.ifname, "mtu")?;
    s.parse().with_context(|| format!("bad mtu {s:?}"))
}

/// (g) MTU 1500 is accepted.
fn mtu_1500(ctx: &mut Ctx<'_>) -> CaseResult {
    let dut = &ctx.topo.dut;
    dut.ip(&["link", "set", "dev", &dut.ifname, "mtu", "1500"])?;
    let m = mtu(ctx)?;
    ensure!(m == 1500, "mtu is {m} after setting 1500");
    Ok(())
}

/// (g) MTU 9000 may be accepted or refused, but the device must survive and
/// go back to 1500 with its carrier.
fn mtu_9000(ctx: &mut Ctx<'_>) -> CaseResult {
    let dut = ctx.topo.dut.clone();
    let dev = dut.ifname.as_str();
    match cmd::try_run("ip", ["link", "set", "dev", dev, "mtu", "9000"])? {
        Ok(_) => {
            let m = mtu(ctx)?;
            ensure!(m == 9000, "`mtu 9000` succeeded but mtu is {m}");
            ctx.info("mtu 9000 accepted");
        }
        Err(e) => {
            let m = mtu(ctx)?;
            ensure!(m == 1500, "`mtu 9000` failed but mtu changed to {m}");
            ctx.info(&format!("mtu 9000 rejected ({e})"));
        }
    }
    ensure!(
        sysfs::bound_driver(dut.nic.pci_addr)?.as_deref() == Some(dut.driver.as_str()),
        "driver no longer bound after the MTU change"
    );
    dut.ip(&["link", "set", "dev", dev, "mtu", "1500"])
        .context("going back to mtu 1500")?;
    dut.wait_carrier(true, CARRIER_TIMEOUT)
        .context("after going back to mtu 1500")?;
    Ok(())
}
