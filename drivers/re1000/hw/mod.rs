// SPDX-License-Identifier: GPL-2.0

//! Hardware access: everything that touches the 8254x registers, split by block as the
//! C driver's `e1000_hw.c` is (MAC reset, EEPROM, link status).

use kernel::pci;

use crate::regs::BAR0_SIZE;

pub(crate) mod eeprom;
pub(crate) mod mac;
pub(crate) mod phy;
pub(crate) mod rings;
pub(crate) mod stats;

/// The memory-mapped register BAR.
pub(crate) type Bar0<'a> = pci::Bar<'a, BAR0_SIZE>;

/// The 8254x parts re1000 handles, in the order of the C driver's `e1000_mac_type`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MacType {
    /// 82544GC/EI: Microwire EEPROM without EERD.
    I82544,
    /// 82540EM (QEMU's default `-device e1000`).
    I82540,
    /// 82545EM.
    I82545,
}

impl MacType {
    /// Marketing name for log messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MacType::I82544 => "82544",
            MacType::I82540 => "82540EM",
            MacType::I82545 => "82545EM",
        }
    }

    /// Whether the part reads its EEPROM through EERD (82540 and later).
    pub(crate) fn has_eerd(self) -> bool {
        self != MacType::I82544
    }
}

/// Register access for one device.
pub(crate) struct Hw<'a> {
    pub(crate) bar: Bar0<'a>,
    pub(crate) mac_type: MacType,
    /// Running on QEMU's model (PCI subsystem vendor 0x1af4), whose quirks some code
    /// must allow for (firmware-notes/qemu-differences.md).
    pub(crate) emulated: bool,
}

/// PCI subsystem vendor QEMU gives its emulated devices (Red Hat, Inc.).
pub(crate) const QEMU_SUBSYSTEM_VENDOR: u16 = 0x1af4;
