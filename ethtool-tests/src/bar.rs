// SPDX-License-Identifier: GPL-2.0
//! Read-only access to a NIC's registers through its PCI BAR 0
//! (`/sys/bus/pci/devices/ADDR/resource0`, mapped shared), so the suite
//! can check what a driver wrote to the hardware without going through
//! that driver. [`Bar::read`] reads only registers whose read has no side
//! effect (never ICR or the clear-on-read statistics); the statistics are
//! read only by [`Bar::read_clear`], while the driver does not (see there),
//! and MPC by [`Bar::missed_packets`], on QEMU only.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::ptr;

use anyhow::{ensure, Context, Result};

use crate::sysfs;

/// 8254x register offsets (Intel 8254x SDM, table 13-2).
pub mod reg {
    pub const CTRL: usize = 0x0000;
    pub const STATUS: usize = 0x0008;
    pub const ITR: usize = 0x00C4;
    pub const RCTL: usize = 0x0100;
    pub const TCTL: usize = 0x0400;
    pub const LEDCTL: usize = 0x0E00;
    pub const RDLEN: usize = 0x2808;
    pub const RDTR: usize = 0x2820;
    pub const TDLEN: usize = 0x3808;
    pub const TIDV: usize = 0x3820;
    pub const MANC: usize = 0x5820;
    /// Total Packets Received / Transmitted (clear on read). QEMU copies
    /// them into GPRC/GPTC on every frame, so these are the ones to sum.
    pub const TPR: usize = 0x40D0;
    pub const TPT: usize = 0x40D4;
    /// Missed Packets Count: frames dropped for want of a receive buffer.
    pub const MPC: usize = 0x4010;
}

/// The PCI subsystem vendor of QEMU's emulated devices (Red Hat, Inc.).
const QEMU_SUBSYSTEM_VENDOR: &str = "0x1af4";

/// CTRL.RFCE and CTRL.TFCE: receive and transmit flow control enable.
pub const CTRL_RFCE: u32 = 1 << 27;
pub const CTRL_TFCE: u32 = 1 << 28;
/// CTRL.SWDPIN0 and CTRL.SWDPIO0: software-definable pin 0, which drives
/// the LED of the 82544 (LEDCTL on the 82540 and later).
pub const CTRL_SWDPIN0: u32 = 1 << 18;
pub const CTRL_SWDPIO0: u32 = 1 << 22;
/// STATUS.LU: link up.
pub const STATUS_LU: u32 = 1 << 1;
/// STATUS.SPEED (bits 7:6): 00 10 Mb/s, 01 100 Mb/s, 1x 1000 Mb/s.
pub const STATUS_SPEED_1000: u32 = 1 << 7;

/// BAR 0 of one PCI device, mapped.
pub struct Bar {
    base: *mut u8,
    len: usize,
    /// QEMU's model, whose MPC never clears.
    qemu: bool,
}

impl Bar {
    /// Maps BAR 0 of the device at `pci_addr` (root only).
    pub fn open(pci_addr: &str) -> Result<Self> {
        let path = sysfs::pci_dev(pci_addr).join("resource0");
        let f = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        let sub = sysfs::pci_dev(pci_addr).join("subsystem_vendor");
        let qemu = std::fs::read_to_string(&sub)
            .with_context(|| format!("reading {}", sub.display()))?
            .trim()
            == QEMU_SUBSYSTEM_VENDOR;
        let len = f.metadata()?.len() as usize;
        ensure!(
            len >= reg::MANC + 4,
            "{} is only {len} bytes",
            path.display()
        );
        // SAFETY: a fresh shared mapping of the whole file; nothing else in
        // this process aliases it. The kernel keeps the mapping valid after
        // the file is closed.
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                f.as_raw_fd(),
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(io::Error::last_os_error())
                .with_context(|| format!("mapping {}", path.display()));
        }
        Ok(Bar {
            base: base.cast(),
            len,
            qemu,
        })
    }

    /// One 32-bit register.
    pub fn read(&self, offset: usize) -> u32 {
        assert!(
            offset.is_multiple_of(4) && offset + 4 <= self.len,
            "register offset {offset:#x} outside BAR 0"
        );
        // SAFETY: in bounds and aligned (checked above) within a live
        // mapping; MMIO needs a volatile access.
        unsafe { ptr::read_volatile(self.base.add(offset).cast::<u32>()) }
    }
}

impl Bar {
    /// A clear-on-read statistics register (TPR, TPT): what the hardware
    /// counted since the last read by anyone. The read takes these counts
    /// from the driver, so it is done only while the driver does not read
    /// them (its watchdog stopped, as during an offline self-test, which
    /// resets the MAC and its counters anyway).
    pub fn read_clear(&self, offset: usize) -> Result<u32> {
        ensure!(
            offset == reg::TPR || offset == reg::TPT,
            "{offset:#x} is not a clear-on-read counter this suite reads"
        );
        Ok(self.read(offset))
    }
}

impl Bar {
    /// MPC: the frames this NIC dropped for want of a receive buffer since
    /// its last reset. Clear-on-read on silicon, but QEMU counts it and never
    /// clears it (firmware-notes/registers.md, `macreg_readops`), so on QEMU
    /// the read takes nothing from the driver, and two reads differ by what
    /// the NIC missed in between, whatever a driver makes of the register (the
    /// C e1000 adds the never-cleared value up every 2 s).
    pub fn missed_packets(&self) -> Result<u32> {
        ensure!(
            self.qemu,
            "MPC clears on read on silicon; only QEMU's model can be read from outside the driver"
        );
        Ok(self.read(reg::MPC))
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        // SAFETY: `base`/`len` are exactly what mmap returned.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}
