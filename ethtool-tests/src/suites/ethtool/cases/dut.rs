// SPDX-License-Identifier: GPL-2.0
//! The device under test as the cases see it: its clients, PCI identity
//! and registers, the state refused requests must not change, and the
//! helpers that compare and report.

use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};

use super::counting::Clients;
use super::expect::{self, Mac};
use crate::bar::{self, reg, Bar};
use crate::netlink::error::errno_name;
use crate::netlink::{self, Coalesce, RingsSet};
use crate::suites::Ctx;
use crate::topology::PEER_IP4;
use crate::{icmp, sysfs, wait, DUT};

/// Carrier must be back this fast after anything that restarts the link
/// (the drivers' watchdogs run every 2 s).
pub(crate) const LINK_TIMEOUT: Duration = Duration::from_secs(15);

/// The dut's interface, its clients, its PCI identity and its registers.
pub(crate) struct Dut {
    pub(crate) c: Clients,
    pub(crate) ifname: String,
    /// The C e1000 (reference run).
    pub(crate) reference: bool,
    pub(crate) mac: Mac,
    pub(crate) vendor: u16,
    pub(crate) device: u16,
    pub(crate) revision: u8,
    pub(crate) bar: Bar,
}

fn pci_u16(attr: &str) -> Result<u16> {
    let s = sysfs::read(sysfs::pci_dev(DUT.pci_addr).join(attr))?;
    let h = s.trim_start_matches("0x");
    u16::from_str_radix(h, 16).with_context(|| format!("PCI {attr} {s:?}"))
}

impl Dut {
    /// The dut, once its link is up (a previous case may have restarted it).
    pub(crate) fn open(ctx: &Ctx<'_>) -> Result<Self> {
        let device = pci_u16("device")?;
        let d = Dut {
            c: Clients::connect()?,
            ifname: ctx.topo.dut.ifname.clone(),
            reference: ctx.topo.dut.driver == "e1000",
            mac: Mac::from_device(device)
                .with_context(|| format!("unknown 8254x device id {device:#06x}"))?,
            vendor: pci_u16("vendor")?,
            device,
            revision: u8::try_from(pci_u16("revision")?)?,
            bar: Bar::open(DUT.pci_addr)?,
        };
        d.wait_link(ctx)?;
        Ok(d)
    }

    /// STATUS.LU set and carrier on both ends.
    pub(crate) fn wait_link(&self, ctx: &Ctx<'_>) -> Result<()> {
        // An autonegotiation restart clears STATUS.LU for about 0.5 s,
        // which the 2 s watchdog may or may not see as a carrier loss.
        wait::until("STATUS.LU", LINK_TIMEOUT, || {
            Ok(self.bar.read(reg::STATUS) & bar::STATUS_LU != 0)
        })?;
        ctx.topo.dut.wait_carrier(true, LINK_TIMEOUT)?;
        ctx.topo.peer.wait_carrier(true, LINK_TIMEOUT)
    }

    pub(crate) fn if_(&self) -> &str {
        &self.ifname
    }

    pub(crate) fn eth(&self) -> &netlink::Ethtool {
        &self.c.eth
    }

    pub(crate) fn io(&self) -> &netlink::Ioctl {
        &self.c.io
    }

    /// The expected `ethtool -S` names.
    pub(crate) fn stat_names(&self) -> Vec<&'static str> {
        let mut v = expect::C_STATS.to_vec();
        if !self.reference {
            v.extend(expect::RE1000_EXTRA_STATS);
        }
        v
    }

    /// Whether `-c/-C` are answered (README: the C driver only from the
    /// 82545 on).
    pub(crate) fn has_coalesce(&self) -> bool {
        !self.reference || self.mac.c_has_coalesce()
    }

    /// `rx-usecs` now, or `None` where coalescing is not offered.
    pub(crate) fn rx_usecs(&self) -> Result<Option<u32>> {
        if !self.has_coalesce() {
            return Ok(None);
        }
        let c = self.eth().coalesce_get(self.if_())?;
        Ok(Some(c.rx_usecs.context("COALESCE_GET without rx-usecs")?))
    }

    pub(crate) fn set_rx_usecs(&self, v: u32) -> netlink::Result<()> {
        self.eth().coalesce_set(
            self.if_(),
            &Coalesce {
                rx_usecs: Some(v),
                ..Default::default()
            },
        )
    }

    pub(crate) fn rings(&self) -> Result<(u32, u32)> {
        let r = self.eth().rings_get(self.if_())?;
        Ok((r.rx, r.tx))
    }

    pub(crate) fn set_rings(&self, rx: Option<u32>, tx: Option<u32>) -> netlink::Result<()> {
        self.eth().rings_set(
            self.if_(),
            &RingsSet {
                rx,
                tx,
                ..Default::default()
            },
        )
    }

    pub(crate) fn eeprom(&self) -> Result<Vec<u8>> {
        Ok(self.io().eeprom(self.if_(), 0, expect::EEPROM_BYTES)?.data)
    }

    /// The `-e`/`-E` magic: vendor | device << 16 (`e1000_get_eeprom`).
    pub(crate) fn magic(&self) -> u32 {
        u32::from(self.vendor) | u32::from(self.device) << 16
    }

    /// Carrier back, STATUS.LU set, and the peer answering every one of
    /// [`PINGS`] pings.
    pub(crate) fn wait_link_and_ping(&self, ctx: &Ctx<'_>) -> Result<()> {
        self.wait_link(ctx)?;
        ping()
    }

    /// Everything a refused request must leave as it was.
    pub(crate) fn state(&self) -> Result<State> {
        let p = self.eth().pause_get(self.if_())?;
        let lm = self.eth().linkmodes_get(self.if_())?;
        let w = self.eth().wol_get(self.if_())?;
        Ok(State {
            rings: self.rings()?,
            rx_usecs: self.rx_usecs()?,
            pause: (p.autoneg, p.rx, p.tx),
            autoneg: lm.autoneg,
            advertised: speed_modes(&lm.advertised),
            wol: (w.supported, w.enabled),
            msglevel: self.eth().debug_get(self.if_())?.msglevel,
            eeprom: self.eeprom()?,
            registers: [
                ("CTRL", reg::CTRL),
                ("RCTL", reg::RCTL),
                ("TCTL", reg::TCTL),
                ("RDLEN", reg::RDLEN),
                ("TDLEN", reg::TDLEN),
            ]
            .into_iter()
            // Not ITR: the default interrupt moderation (dynamic conservative)
            // adapts it to the traffic, in both drivers; `-c` reads the setting.
            .map(|(n, r)| (n, self.bar.read(r)))
            .collect(),
        })
    }

    /// Fails if the state differs from `before`, naming what changed.
    pub(crate) fn unchanged(&self, before: &State, what: &str) -> Result<()> {
        let now = self.state()?;
        let diff = before.diff(&now);
        ensure!(
            diff.is_empty(),
            "{what} changed the device's state:\n{}",
            diff.join("\n")
        );
        Ok(())
    }
}

/// What a refused request must not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) rings: (u32, u32),
    pub(crate) rx_usecs: Option<u32>,
    pub(crate) pause: (bool, bool, bool),
    pub(crate) autoneg: bool,
    pub(crate) advertised: Vec<String>,
    pub(crate) wol: (Vec<String>, Vec<String>),
    pub(crate) msglevel: u32,
    pub(crate) eeprom: Vec<u8>,
    pub(crate) registers: Vec<(&'static str, u32)>,
}

impl State {
    fn diff(&self, b: &State) -> Vec<String> {
        let mut v = Vec::new();
        let mut f = |name: &str, x: String, y: String| {
            if x != y {
                v.push(format!("{name}: {x} -> {y}"));
            }
        };
        f(
            "rings (rx, tx)",
            format!("{:?}", self.rings),
            format!("{:?}", b.rings),
        );
        f(
            "rx-usecs",
            format!("{:?}", self.rx_usecs),
            format!("{:?}", b.rx_usecs),
        );
        f(
            "pause (autoneg, rx, tx)",
            format!("{:?}", self.pause),
            format!("{:?}", b.pause),
        );
        f("autoneg", self.autoneg.to_string(), b.autoneg.to_string());
        f(
            "advertised",
            format!("{:?}", self.advertised),
            format!("{:?}", b.advertised),
        );
        f(
            "wol (supported, enabled)",
            format!("{:?}", self.wol),
            format!("{:?}", b.wol),
        );
        f(
            "msglevel",
            format!("{:#x}", self.msglevel),
            format!("{:#x}", b.msglevel),
        );
        f("eeprom", hex(&self.eeprom), hex(&b.eeprom));
        for ((n, x), (_, y)) in self.registers.iter().zip(&b.registers) {
            f(n, format!("{x:#010x}"), format!("{y:#010x}"));
        }
        v
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The speed modes (`10baseT/Half`...) of a link mode list, sorted.
pub(crate) fn speed_modes(modes: &[String]) -> Vec<String> {
    let mut v: Vec<String> = modes
        .iter()
        .filter(|m| m.contains("baseT/"))
        .cloned()
        .collect();
    v.sort();
    v
}

/// Owned and sorted, for comparing name sets.
pub(crate) fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// The kernel must refuse `r` with `errno` and, if given, exactly this
/// extack message.
pub(crate) fn refused<T: std::fmt::Debug>(
    what: &str,
    r: netlink::Result<T>,
    errno: i32,
    extack: Option<&str>,
) -> Result<()> {
    match r {
        Ok(v) => bail!("{what}: accepted ({v:?}), expected {}", errno_name(errno)),
        Err(e) => {
            ensure!(
                e.errno() == Some(errno),
                "{what}: {e}, expected {}",
                errno_name(errno)
            );
            if let Some(m) = extack {
                ensure!(
                    e.extack() == Some(m),
                    "{what}: extack {:?}, expected {m:?}",
                    e.extack()
                );
            }
            Ok(())
        }
    }
}

/// Pings sent by [`ping`]; every one must be answered.
pub(crate) const PINGS: u16 = 3;

/// Three pings to the peer, every one answered (the link is up and
/// lossless: a lost reply is a failure, not noise).
pub(crate) fn ping() -> Result<()> {
    let dst: Ipv4Addr = PEER_IP4.parse()?;
    let s = icmp::ping(dst, PINGS, Duration::from_secs(2))?;
    ensure!(
        s.sent == u32::from(PINGS) && s.rtts.len() == usize::from(PINGS),
        "not every ping answered: {}",
        s.line(dst)
    );
    Ok(())
}

/// `(name, got, want)` triples whose two values must be equal; every
/// mismatch is reported, not only the first.
pub(crate) fn all_equal(what: &str, pairs: &[(String, String, String)]) -> Result<()> {
    let bad: Vec<String> = pairs
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(n, a, b)| format!("{n}: {a}, expected {b}"))
        .collect();
    ensure!(bad.is_empty(), "{what}:\n{}", bad.join("\n"));
    Ok(())
}

/// One entry for [`all_equal`].
pub(crate) fn pair(n: &str, a: impl ToString, b: impl ToString) -> (String, String, String) {
    (n.to_owned(), a.to_string(), b.to_string())
}

/// How `ethtool` prints a flag.
pub(crate) fn onoff(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}
