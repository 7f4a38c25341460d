// SPDX-License-Identifier: GPL-2.0

//! 8254x registers used by re1000, named as in the Intel 8254x Software Developer's
//! Manual (SDM, doc 317453) section 13. See `firmware-notes/registers.md`.
//!
//! QEMU implements only aligned 32-bit accesses, so every register is `u32`.

use kernel::io::register;

/// Size of BAR0, the memory-mapped register space (SDM 13.1).
pub(crate) const BAR0_SIZE: usize = 0x2_0000;

register! {
    /// Device Control (SDM 13.4.1).
    pub(crate) CTRL(u32) @ 0x0000 {
        /// PHY reset.
        31:31 phy_rst;
        /// VLAN mode enable.
        30:30 vme;
        /// Device reset; self-clearing.
        26:26 rst;
        /// Set link up: lets the MAC use the link the PHY reports.
        6:6 slu;
        /// Auto-speed detection enable.
        5:5 asde;
        /// Full duplex.
        0:0 fd;
    }

    /// Device Status (SDM 13.4.2), read-only.
    pub(crate) STATUS(u32) @ 0x0008 {
        /// Link speed: 00 = 10, 01 = 100, 1x = 1000 Mb/s.
        7:6 speed;
        /// Transmission paused by flow control.
        4:4 txoff;
        /// Link up.
        1:1 lu;
        /// Full duplex.
        0:0 fd;
    }

    /// EEPROM/Flash Control (SDM 13.4.3): bit-banged Microwire access (82544).
    pub(crate) EECD(u32) @ 0x0010 {
        /// EEPROM present.
        8:8 pres;
        /// Data out from the EEPROM.
        3:3 dout;
        /// Data in to the EEPROM.
        2:2 din;
        /// Chip select.
        1:1 cs;
        /// Clock.
        0:0 sk;
    }

    /// EEPROM Read (SDM 13.4.4), 82540 and later.
    pub(crate) EERD(u32) @ 0x0014 {
        /// Word read.
        31:16 data;
        /// Word address.
        15:8 addr;
        /// Read done.
        4:4 done;
        /// Start read.
        0:0 start;
    }

    /// Extended Device Control (SDM 13.4.6).
    pub(crate) CTRL_EXT(u32) @ 0x0018 {
        /// EEPROM reset: reloads the EEPROM settings (82544).
        13:13 ee_rst;
    }

    /// Interrupt Cause Read (SDM 13.4.17): clears on read.
    pub(crate) ICR(u32) @ 0x00C0 {
        31:0 causes;
    }

    /// Interrupt Mask Clear (SDM 13.4.21): write 1s to mask.
    pub(crate) IMC(u32) @ 0x00D8 {
        31:0 causes;
    }

    /// Receive Control (SDM 13.4.22).
    pub(crate) RCTL(u32) @ 0x0100 {
        /// Receiver enable.
        1:1 en;
    }

    /// Transmit Control (SDM 13.4.33).
    pub(crate) TCTL(u32) @ 0x0400 {
        /// Pad short packets.
        3:3 psp;
        /// Transmitter enable.
        1:1 en;
    }

    /// Receive Address Low (SDM 13.4.62): MAC bytes 0..4 of filter entry n.
    pub(crate) RAL(u32)[16, stride = 8] @ 0x5400 {
        31:0 addr_lo;
    }

    /// Receive Address High (SDM 13.4.63): MAC bytes 4..6 and Address Valid.
    pub(crate) RAH(u32)[16, stride = 8] @ 0x5404 {
        /// Address valid.
        31:31 av;
        15:0 addr_hi;
    }
}
