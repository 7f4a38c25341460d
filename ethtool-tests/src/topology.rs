// SPDX-License-Identifier: GPL-2.0
//! The two-NIC test topology inside the guest.
//!
//! ```text
//!  root netns                          netns "peer"
//!  dut  0000:00:09.0  52:54:00:00:00:01   peer 0000:00:0a.0  52:54:00:00:00:02
//!       192.0.2.1/24 2001:db8::1/64  <-QEMU hub->  192.0.2.2/24 2001:db8::2/64
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use re1000_topology::{Nic, DUT, PEER};

use crate::{cmd, modules, sysfs, wait};

/// Network namespace the peer NIC lives in.
pub const NETNS: &str = "peer";
/// The dut's addresses (root namespace).
pub const DUT_ADDRS: [&str; 2] = ["192.0.2.1/24", "2001:db8::1/64"];
/// The peer's addresses (namespace [`NETNS`]).
pub const PEER_ADDRS: [&str; 2] = ["192.0.2.2/24", "2001:db8::2/64"];
/// The peer's IPv4 address, for ping.
pub const PEER_IP4: &str = "192.0.2.2";
/// The peer's IPv6 address, for ping.
pub const PEER_IP6: &str = "2001:db8::2";

/// How long a probe may take to produce a bound device and an interface
/// (QEMU runs under TCG here: guest code is slow).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// One side of the topology.
#[derive(Debug, Clone)]
pub struct Port {
    /// The emulated NIC (PCI address, MAC, QEMU id).
    pub nic: Nic,
    /// Driver (= module) name bound to it.
    pub driver: String,
    /// Its interface name.
    pub ifname: String,
    /// Its network namespace (`None`: the root namespace).
    pub netns: Option<&'static str>,
}

impl Port {
    /// `ip` in this port's namespace.
    pub fn ip(&self, args: &[&str]) -> Result<String> {
        cmd::ip(self.netns, args)
    }
}

/// What [`Topology::setup`] binds.
#[derive(Debug, Clone)]
pub struct Options {
    /// Out-of-tree module to install into /lib/modules/$(uname -r)/extra.
    pub module: Option<PathBuf>,
    /// Driver of the dut NIC (`re1000` or `e1000`).
    pub dut_driver: String,
    /// Driver of the peer NIC.
    pub peer_driver: String,
}

/// The configured topology.
#[derive(Debug, Clone)]
pub struct Topology {
    pub dut: Port,
    pub peer: Port,
}

/// Refuses to rebind PCI devices anywhere but in a virtme-ng guest.
pub fn require_guest() -> Result<()> {
    let cmdline = sysfs::read("/proc/cmdline")?;
    if cmdline.contains("virtme") || std::env::var_os("RE1000_GUEST_FORCE").is_some() {
        return Ok(());
    }
    bail!("not in a virtme-ng guest (no `virtme` on /proc/cmdline): refusing to rebind PCI devices; run me through re1000-vm (or set RE1000_GUEST_FORCE=1)")
}

/// Waits until `addr` is bound to `drv`.
pub fn wait_bound(addr: &str, drv: &str, timeout: Duration) -> Result<()> {
    wait::until(&format!("{addr} to bind to {drv}"), timeout, || {
        Ok(sysfs::bound_driver(addr)?.as_deref() == Some(drv))
    })
}

/// Waits for the device's network interface (root namespace) and for udev
/// to have renamed it; returns its final name.
pub fn wait_netdev(addr: &str, timeout: Duration) -> Result<String> {
    wait::poll(&format!("a network interface on {addr}"), timeout, || {
        Ok(sysfs::netdevs(addr)?.into_iter().next())
    })?;
    cmd::udev_settle()?;
    wait::poll(&format!("a network interface on {addr}"), timeout, || {
        Ok(sysfs::netdevs(addr)?.into_iter().next())
    })
}

/// The interface of a PCI device that lives in namespace `ns`.
fn netdev_in_ns(addr: &str, ns: &str) -> Result<Option<String>> {
    // `ip netns exec` remounts /sys for the namespace.
    let dir = sysfs::pci_dev(addr).join("net");
    let dir = dir.to_string_lossy();
    match cmd::try_run("ip", ["netns", "exec", ns, "ls", &*dir])? {
        Ok(out) => Ok(out.split_whitespace().next().map(str::to_owned)),
        Err(_) => Ok(None),
    }
}

fn configure(port: &Port, addrs: &[&str; 2]) -> Result<()> {
    let dev = port.ifname.as_str();
    port.ip(&["addr", "flush", "dev", dev, "scope", "global"])?;
    port.ip(&["addr", "add", addrs[0], "dev", dev])?;
    port.ip(&["addr", "add", addrs[1], "dev", dev, "nodad"])?;
    port.ip(&["link", "set", "dev", dev, "up"])?;
    Ok(())
}

impl Topology {
    /// Installs the module (if given), binds the dut and the peer to their
    /// drivers with `driver_override`, moves the peer into [`NETNS`] and
    /// configures addresses on both.
    pub fn setup(opts: &Options) -> Result<Self> {
        require_guest()?;
        if let Some(ko) = &opts.module {
            modules::install(ko).context("installing the module")?;
        }
        let plan = [(DUT, &opts.dut_driver), (PEER, &opts.peer_driver)];
        for (nic, drv) in plan {
            sysfs::unbind(nic.pci_addr)?;
            sysfs::set_driver_override(nic.pci_addr, drv)?;
        }
        for drv in [&opts.dut_driver, &opts.peer_driver] {
            modules::modprobe(drv).with_context(|| format!("loading driver {drv}"))?;
        }
        for (nic, drv) in plan {
            if sysfs::bound_driver(nic.pci_addr)?.is_none() {
                sysfs::drivers_probe(nic.pci_addr)?;
            }
            wait_bound(nic.pci_addr, drv, PROBE_TIMEOUT)?;
        }
        if !Path::new("/run/netns").join(NETNS).exists() {
            cmd::run("ip", ["netns", "add", NETNS])?;
        }
        cmd::ip(Some(NETNS), &["link", "set", "dev", "lo", "up"])?;
        let mut topo = Topology {
            dut: Port {
                nic: DUT,
                driver: opts.dut_driver.clone(),
                ifname: String::new(),
                netns: None,
            },
            peer: Port {
                nic: PEER,
                driver: opts.peer_driver.clone(),
                ifname: String::new(),
                netns: Some(NETNS),
            },
        };
        topo.reconfigure()?;
        Ok(topo)
    }

    /// Re-discovers both interfaces (after unbind/bind or a module reload
    /// they may have been recreated) and re-applies namespace, addresses and
    /// link state. Idempotent.
    pub fn reconfigure(&mut self) -> Result<()> {
        self.dut.ifname = wait_netdev(DUT.pci_addr, PROBE_TIMEOUT)?;
        // The peer is in its namespace, or was recreated in the root one
        // (probe after unbind/reload), or is still probing.
        let in_root = wait::poll(
            &format!("the peer interface (root netns or {NETNS})"),
            PROBE_TIMEOUT,
            || {
                if !sysfs::netdevs(PEER.pci_addr)?.is_empty() {
                    return Ok(Some(true));
                }
                Ok(netdev_in_ns(PEER.pci_addr, NETNS)?.map(|_| false))
            },
        )?;
        self.peer.ifname = if in_root {
            let name = wait_netdev(PEER.pci_addr, PROBE_TIMEOUT)?;
            cmd::ip(None, &["link", "set", "dev", &name, "netns", NETNS])?;
            name
        } else {
            netdev_in_ns(PEER.pci_addr, NETNS)?
                .with_context(|| format!("peer interface left netns {NETNS}"))?
        };
        configure(&self.dut, &DUT_ADDRS).context("configuring the dut")?;
        configure(&self.peer, &PEER_ADDRS).context("configuring the peer")?;
        Ok(())
    }

    /// Removes the peer namespace (the peer NIC returns to the root
    /// namespace) and the dut's addresses.
    pub fn teardown(&self) -> Result<()> {
        if Path::new("/run/netns").join(NETNS).exists() {
            cmd::run("ip", ["netns", "del", NETNS])?;
        }
        if let Some(dev) = sysfs::netdevs(DUT.pci_addr)?.first() {
            cmd::ip(None, &["addr", "flush", "dev", dev, "scope", "global"])?;
            cmd::ip(None, &["link", "set", "dev", dev, "down"])?;
        }
        Ok(())
    }
}

impl Port {
    /// This port's entry of `ip -j link show dev IF`.
    pub fn link_json(&self) -> Result<serde_json::Value> {
        let out = self.ip(&["-j", "link", "show", "dev", &self.ifname])?;
        let v: serde_json::Value = serde_json::from_str(&out)
            .with_context(|| format!("parsing `ip -j link` output {out:?}"))?;
        v.get(0)
            .cloned()
            .with_context(|| format!("`ip -j link show dev {}` returned no link", self.ifname))
    }

    /// The MAC address `ip -j link` reports.
    pub fn link_address(&self) -> Result<String> {
        let v = self.link_json()?;
        v["address"]
            .as_str()
            .map(str::to_owned)
            .context("`ip -j link` entry has no address")
    }

    /// Carrier (LOWER_UP), read in the port's namespace.
    pub fn carrier(&self) -> Result<bool> {
        if self.netns.is_none() {
            return sysfs::carrier(&self.ifname);
        }
        let v = self.link_json()?;
        let flags = v["flags"]
            .as_array()
            .context("`ip -j link` entry has no flags")?;
        Ok(flags.iter().any(|f| f == "LOWER_UP"))
    }

    /// Waits until the carrier is `up` (or down).
    pub fn wait_carrier(&self, up: bool, timeout: Duration) -> Result<()> {
        let what = format!(
            "carrier {} on {}",
            if up { "up" } else { "down" },
            self.ifname
        );
        wait::until(&what, timeout, || Ok(self.carrier()? == up))
    }
}
