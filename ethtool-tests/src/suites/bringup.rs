// SPDX-License-Identifier: GPL-2.0
//! `bringup`: what the driver must do first: be found by its PCI alias,
//! bind, create an interface with the right MAC, report carrier and driver
//! info, survive unbind/bind and module reload cycles, and advertise and
//! enforce their documented MTU limits. Written so it also passes on the C
//! e1000 as a reference.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

mod autoload;

use super::{Case, CaseResult, Ctx, Scaled, SkipWhen, Suite};
use crate::topology::{self, PROBE_TIMEOUT};
use crate::{cmd, dmesg, ktap, modules, sysfs, wait, DUT, PEER};

pub const SUITE: Suite = Suite {
    name: "bringup",
    about:
        "alias autoload, bind, MAC, KUnit suites at load, carrier, ethtool -i, unbind/bind x50 (short: x10), rmmod/modprobe x20 (x5), MTU limits",
    cases: &[
        Case::new("modalias", modalias),
        Case::new("bound", bound),
        Case::new("kunit", kunit).skip_when(
            SkipWhen::Driver("e1000"),
            "the C e1000 has no KUnit suite",
        ),
        Case::new("carrier", carrier),
        Case::new("ethtool-info", ethtool_info),
        Case::new("rebind", rebind),
        Case::new("reload", reload),
        Case::new("mtu-1500", mtu_1500),
        Case::new("mtu-limits", mtu_limits),
    ],
};

/// re1000's carrier must come up this fast after `ip link set up` (README).
const CARRIER_TIMEOUT: Duration = Duration::from_secs(3);
/// The C e1000 notices the link in its watchdog, which runs every 2 s when
/// the link-change interrupt came before the link was up: measured 0.2 to
/// 2.2 s under TCG, so it gets one more watchdog period.
const C_CARRIER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `drv` may take to report carrier after `ip link set up`.
fn carrier_timeout(drv: &str) -> Duration {
    if drv == "e1000" {
        C_CARRIER_TIMEOUT
    } else {
        CARRIER_TIMEOUT
    }
}
const REBIND_CYCLES: Scaled<usize> = Scaled {
    full: 50,
    short: 10,
};
const RELOAD_CYCLES: Scaled<usize> = Scaled { full: 20, short: 5 };

/// (a) `modprobe -R <modalias>` lists the driver under test, and the alias
/// really loads it: with the other e1000 driver blacklisted and neither
/// loaded, a PCI remove/rescan of the dut makes udev load the driver under
/// test for the device's MODALIAS uevent, and it binds the device.
fn modalias(ctx: &mut Ctx<'_>) -> CaseResult {
    let alias = sysfs::modalias(DUT.pci_addr)?;
    let mods = modules::resolve_alias(&alias)?;
    let drv = ctx.driver();
    ensure!(
        mods.contains(&drv),
        "`modprobe -R {alias}` lists {mods:?}, not {drv}"
    );
    let msg = autoload::check(ctx)?;
    ctx.info(&msg);
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

/// The module's KUnit suites and how many tests each declares
/// (`#[kunit_tests]` in drivers/re1000/; the test kernel has CONFIG_KUNIT=y).
const KUNIT_SUITES: &[(&str, u32)] = &[("re1000_regs", 3), ("re1000_split_ring", 3)];

/// (b2) re1000's KUnit suites, which check what needs kernel types (the
/// register types' decoding), run when the module loads: one reload, and each
/// suite's KTAP report in the kernel log shows every declared test passed.
fn kunit(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let mut log = dmesg::Cursor::now()?;
    reload_once(&drv, ctx.topo.peer.driver == drv)?;
    let lines = log.read_new()?;
    ctx.topo.reconfigure().context("restoring the topology")?;
    for &(suite, tests) in KUNIT_SUITES {
        let r = ktap::check_suite(&lines, suite, tests)?;
        ctx.info(&format!("KUnit {suite}: {} of {} passed", r.pass, r.total));
    }
    Ok(())
}

/// Whether the interface is administratively up (`UP` in `ip -j link`).
fn admin_up(ctx: &Ctx<'_>) -> Result<bool> {
    let v = ctx.topo.dut.link_json()?;
    let flags = v["flags"]
        .as_array()
        .context("`ip -j link` entry has no flags")?;
    Ok(flags.iter().any(|f| f == "UP"))
}

/// (c) `ip link set down`, then carrier within 3 s of `ip link set up` (5 s
/// for the C e1000); the time it took is reported.
fn carrier(ctx: &mut Ctx<'_>) -> CaseResult {
    let dut = ctx.topo.dut.clone();
    let dev = dut.ifname.as_str();
    dut.ip(&["link", "set", "dev", dev, "down"])?;
    ensure!(!admin_up(ctx)?, "{dev} still UP after `ip link set down`");
    ensure!(
        !dut.carrier()?,
        "{dev} reports carrier while administratively down"
    );
    let limit = carrier_timeout(&dut.driver);
    let t = Instant::now();
    dut.ip(&["link", "set", "dev", dev, "up"])?;
    dut.wait_carrier(true, limit)
        .context("after `ip link set up`")?;
    let took = t.elapsed();
    ctx.info(&format!(
        "carrier {:.0} ms after `ip link set up` (limit {:.0} s)",
        took.as_secs_f64() * 1e3,
        limit.as_secs_f64()
    ));
    // IPv6 addresses go with the down.
    ctx.topo.reconfigure().context("restoring the topology")?;
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
    let cycles = ctx.scaled(REBIND_CYCLES);
    let t = Instant::now();
    for i in 1..=cycles {
        (|| -> Result<()> {
            sysfs::unbind_from(DUT.pci_addr, &drv)?;
            wait::until("the unbind to finish", PROBE_TIMEOUT, || {
                Ok(sysfs::bound_driver(DUT.pci_addr)?.is_none()
                    && sysfs::netdevs(DUT.pci_addr)?.is_empty())
            })?;
            // As after e1000_remove's pci_disable_device: no DMA from an unbound device.
            ensure!(
                !sysfs::pci_enabled(DUT.pci_addr)?,
                "{} still enabled after unbind",
                DUT.pci_addr
            );
            ensure!(
                !sysfs::pci_bus_master(DUT.pci_addr)?,
                "{} still a bus master after unbind",
                DUT.pci_addr
            );
            sysfs::bind_to(DUT.pci_addr, &drv)?;
            wait_probed(DUT.pci_addr, &drv, DUT.mac)
        })()
        .with_context(|| format!("cycle {i}/{cycles}"))?;
    }
    ctx.info(&format!(
        "{cycles} unbind/bind cycles in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    ctx.topo.reconfigure().context("restoring the topology")?;
    check_mac(ctx)?;
    Ok(())
}

/// One rmmod/modprobe of `drv`: unloaded and unbound, then bound again with
/// the dut's MAC (and the peer's, when the peer uses `drv` too).
fn reload_once(drv: &str, shared: bool) -> Result<()> {
    modules::rmmod(drv)?;
    ensure!(!modules::is_loaded(drv), "{drv} still loaded after rmmod");
    ensure!(
        sysfs::bound_driver(DUT.pci_addr)?.is_none(),
        "{} still bound after rmmod",
        DUT.pci_addr
    );
    modules::modprobe(drv)?;
    wait_probed(DUT.pci_addr, drv, DUT.mac)?;
    if shared {
        wait_probed(PEER.pci_addr, drv, PEER.mac)?;
    }
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
    let cycles = ctx.scaled(RELOAD_CYCLES);
    let t = Instant::now();
    for i in 1..=cycles {
        reload_once(&drv, shared).with_context(|| format!("cycle {i}/{cycles}"))?;
    }
    ctx.info(&format!(
        "{cycles} rmmod/modprobe cycles in {:.1} s",
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

/// The MTU range each driver documents: re1000's README ("Jumbo frames":
/// MTU 46..1500), the C e1000's `e1000_probe` (ETH_ZLEN - ETH_HLEN up to
/// MAX_JUMBO_FRAME_SIZE - ETH_HLEN - ETH_FCS_LEN, for every 8254x QEMU models).
fn documented_mtu_range(drv: &str) -> Result<(u32, u32)> {
    match drv {
        "re1000" => Ok((46, 1500)),
        "e1000" => Ok((46, 16110)),
        other => anyhow::bail!("no documented MTU range for driver {other:?}"),
    }
}

/// `min_mtu` and `max_mtu` as `ip -d -j link` reports them.
fn advertised_mtu_range(ctx: &Ctx<'_>) -> Result<(u32, u32)> {
    let dut = &ctx.topo.dut;
    let out = dut.ip(&["-d", "-j", "link", "show", "dev", &dut.ifname])?;
    let v: serde_json::Value = serde_json::from_str(&out)
        .with_context(|| format!("parsing `ip -d -j link` output {out:?}"))?;
    let field = |k: &str| -> Result<u32> {
        let n = v[0][k]
            .as_u64()
            .with_context(|| format!("no `{k}` in `ip -d -j link show dev {}`", dut.ifname))?;
        u32::try_from(n).with_context(|| format!("`{k}` {n} out of range"))
    };
    Ok((field("min_mtu")?, field("max_mtu")?))
}

/// (g) The advertised MTU range is exactly the documented one; one past
/// either end is refused (ip fails, the MTU stays), both ends are accepted.
fn mtu_limits(ctx: &mut Ctx<'_>) -> CaseResult {
    let drv = ctx.driver();
    let (min, max) = documented_mtu_range(&drv)?;
    let got = advertised_mtu_range(ctx)?;
    ensure!(
        got == (min, max),
        "{drv} advertises min_mtu {} max_mtu {}, documented {min}..{max}",
        got.0,
        got.1
    );
    let dut = ctx.topo.dut.clone();
    let dev = dut.ifname.as_str();
    let before = mtu(ctx)?;
    let mut refusals = Vec::new();
    for (bad, why) in [
        (max + 1, "mtu greater than device maximum"),
        (min - 1, "mtu less than device minimum"),
    ] {
        let s = bad.to_string();
        match cmd::try_run("ip", ["link", "set", "dev", dev, "mtu", &s])? {
            Ok(_) => anyhow::bail!("`ip link set mtu {bad}` succeeded (range {min}..{max})"),
            Err(e) => {
                ensure!(
                    e.contains(why),
                    "`ip link set mtu {bad}` failed without {why:?}: {e}"
                );
                refusals.push(format!("{bad}: {e}"));
            }
        }
        let m = mtu(ctx)?;
        ensure!(
            m == before,
            "mtu {m} after the refused `mtu {bad}`, was {before}"
        );
    }
    for good in [min, max] {
        let s = good.to_string();
        dut.ip(&["link", "set", "dev", dev, "mtu", &s])
            .with_context(|| format!("the documented limit {good}"))?;
        let m = mtu(ctx)?;
        ensure!(m == good, "mtu is {m} after setting {good}");
    }
    ensure!(
        sysfs::bound_driver(dut.nic.pci_addr)?.as_deref() == Some(drv.as_str()),
        "driver no longer bound after the MTU changes"
    );
    dut.ip(&["link", "set", "dev", dev, "mtu", "1500"])
        .context("going back to mtu 1500")?;
    dut.wait_carrier(true, carrier_timeout(&drv))
        .context("after going back to mtu 1500")?;
    ctx.info(&format!(
        "min_mtu {min} max_mtu {max}; {min} and {max} accepted; refused: {}",
        refusals.join("; ")
    ));
    // An MTU under 68 (IPv4) and 1280 (IPv6) took the addresses away.
    ctx.topo.reconfigure().context("restoring the topology")?;
    Ok(())
}
