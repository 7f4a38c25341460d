// SPDX-License-Identifier: GPL-2.0
//! PCI binding and network-interface state through sysfs.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// `/sys/bus/pci/devices/<addr>`.
pub fn pci_dev(addr: &str) -> PathBuf {
    Path::new("/sys/bus/pci/devices").join(addr)
}

/// `vendor:device` of a PCI device, hex without `0x` (empty parts if unreadable).
pub fn pci_id(addr: &str) -> String {
    let id = |f: &str| read(pci_dev(addr).join(f)).unwrap_or_default();
    format!(
        "{}:{}",
        id("vendor").trim().trim_start_matches("0x"),
        id("device").trim().trim_start_matches("0x")
    )
}

/// Reads a sysfs attribute, trimmed.
pub fn read(path: impl AsRef<Path>) -> Result<String> {
    let path = path.as_ref();
    let s = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(s.trim().to_owned())
}

/// Writes a sysfs attribute.
pub fn write(path: impl AsRef<Path>, value: &str) -> Result<()> {
    let path = path.as_ref();
    fs::write(path, value).with_context(|| format!("writing {value:?} to {}", path.display()))
}

/// Whether the PCI device is enabled (`enable`: the core's `enable_cnt`).
pub fn pci_enabled(addr: &str) -> Result<bool> {
    Ok(read(pci_dev(addr).join("enable"))? != "0")
}

/// Bus Master Enable, bit 2 of the COMMAND register at offset 4 of the config space
/// (PCI Local Bus Specification 6.2.2): whether the device may start DMA.
pub fn pci_bus_master(addr: &str) -> Result<bool> {
    const COMMAND: usize = 4;
    const BUS_MASTER: u16 = 1 << 2;
    let path = pci_dev(addr).join("config");
    let config = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let command = config
        .get(COMMAND..COMMAND + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .with_context(|| format!("{}: shorter than the PCI header", path.display()))?;
    Ok(command & BUS_MASTER != 0)
}

/// Name of the driver bound to a PCI device, if any.
pub fn bound_driver(addr: &str) -> Result<Option<String>> {
    match fs::read_link(pci_dev(addr).join("driver")) {
        Ok(target) => Ok(target.file_name().map(|n| n.to_string_lossy().into_owned())),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {addr}/driver")),
    }
}

/// Unbinds whatever driver holds the device.
pub fn unbind(addr: &str) -> Result<()> {
    if let Some(drv) = bound_driver(addr)? {
        unbind_from(addr, &drv)?;
    }
    Ok(())
}

/// `echo ADDR > /sys/bus/pci/drivers/DRV/unbind`.
pub fn unbind_from(addr: &str, drv: &str) -> Result<()> {
    write(format!("/sys/bus/pci/drivers/{drv}/unbind"), addr)
}

/// `echo ADDR > /sys/bus/pci/drivers/DRV/bind`.
pub fn bind_to(addr: &str, drv: &str) -> Result<()> {
    write(format!("/sys/bus/pci/drivers/{drv}/bind"), addr)
}

/// Restricts the device to one driver (`driver_override`).
pub fn set_driver_override(addr: &str, drv: &str) -> Result<()> {
    write(pci_dev(addr).join("driver_override"), drv)
}

/// `echo ADDR > /sys/bus/pci/drivers_probe`: bind to the first matching driver.
pub fn drivers_probe(addr: &str) -> Result<()> {
    write("/sys/bus/pci/drivers_probe", addr)
}

/// The device's modalias (`pci:v00008086d0000100E...`).
pub fn modalias(addr: &str) -> Result<String> {
    read(pci_dev(addr).join("modalias"))
}

/// Network interfaces of a PCI device visible in this network namespace.
pub fn netdevs(addr: &str) -> Result<Vec<String>> {
    let dir = pci_dev(addr).join("net");
    let rd = match fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    let mut names = Vec::new();
    for ent in rd {
        names.push(ent?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// `/sys/class/net/IF/<attr>`.
pub fn net_attr(ifname: &str, attr: &str) -> Result<String> {
    read(Path::new("/sys/class/net").join(ifname).join(attr))
}

/// Carrier state; `false` while the interface is down (the kernel answers
/// EINVAL then).
pub fn carrier(ifname: &str) -> Result<bool> {
    let path = Path::new("/sys/class/net").join(ifname).join("carrier");
    match fs::read_to_string(&path) {
        Ok(s) => Ok(s.trim() == "1"),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(false),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
