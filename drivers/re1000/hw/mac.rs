// SPDX-License-Identifier: GPL-2.0

//! MAC control: quiescing, global reset, receive address and link state.

use kernel::{
    io::{
        register::Array,
        Io, //
    },
    prelude::*,
    time::{
        delay::fsleep,
        Delta, //
    },
};

use super::{
    Hw,
    MacType, //
};
use crate::{
    logic,
    regs::*, //
};

/// Link state read from STATUS.
pub(crate) struct LinkStatus {
    pub(crate) up: bool,
    pub(crate) speed_mbps: u32,
    pub(crate) full_duplex: bool,
}

impl Hw<'_> {
    /// Stops all DMA and interrupts: masks every cause, disables RX and TX and clears
    /// pending causes. QEMU's CTRL.RST resets none of these, and a previous driver may
    /// have left DMA running, so this comes before anything else (firmware-notes/
    /// qemu-differences.md).
    pub(crate) fn quiesce(&self) {
        let bar = &self.bar;
        bar.write_reg(IMC::zeroed().with_causes(u32::MAX));
        bar.write_reg(RCTL::zeroed());
        bar.write_reg(TCTL::zeroed().with_psp(true));
        // Reading ICR clears it and flushes the posted writes above.
        let _ = bar.read(ICR);
    }

    /// Global reset (Linux `e1000_reset_hw`): quiesce, wait for in-flight DMA, set
    /// CTRL.RST, wait for the EEPROM reload, then mask again. Sleeps about 15 ms.
    pub(crate) fn reset(&self) {
        self.quiesce();
        // Let pending PCI transactions finish (the C driver waits 10 ms too).
        fsleep(Delta::from_millis(10));
        let ctrl = self.bar.read(CTRL);
        // The C driver issues this write through the I/O BAR on these parts because some
        // PCI-X hosts cannot complete a 64-bit MMIO write during reset; Linux 7.3's Rust
        // PCI layer has no I/O port access (firmware-notes/reset-and-bringup.md).
        self.bar.write_reg(ctrl.with_rst(true));
        match self.mac_type {
            MacType::I82544 => {
                fsleep(Delta::from_micros(10));
                self.bar.update(CTRL_EXT, |r| r.with_ee_rst(true));
                fsleep(Delta::from_millis(2));
            }
            // Auto read of the EEPROM completes within 5 ms (`e1000_get_auto_rd_done`).
            MacType::I82540 | MacType::I82545 => fsleep(Delta::from_millis(5)),
        }
        self.quiesce();
    }

    /// Programs receive address filter 0 with `mac` and marks it valid.
    pub(crate) fn set_receive_address(&self, mac: &[u8; 6]) {
        let (low, high) = logic::mac::receive_address_regs(mac);
        // Clear AV first so the filter never matches a half-written address.
        self.bar.write(RAH::at(0), RAH::from_raw(0));
        self.bar.write(RAL::at(0), RAL::from_raw(low));
        self.bar.write(RAH::at(0), RAH::from_raw(high));
    }

    /// Lets the MAC use the link the PHY negotiates (CTRL.SLU; SDM 8.2.1).
    pub(crate) fn set_link_up(&self) {
        self.bar.update(CTRL, |r| r.with_slu(true));
    }

    /// The link state the MAC reports.
    pub(crate) fn link_status(&self) -> LinkStatus {
        let status = self.bar.read(STATUS);
        LinkStatus {
            up: status.lu(),
            speed_mbps: status.speed().mbps(),
            full_duplex: status.fd(),
        }
    }
}

/// PAUSE frames go to 01:80:C2:00:00:01 with ethertype 0x8808 (IEEE 802.3 annex 31B;
/// Linux `FLOW_CONTROL_ADDRESS_LOW/HIGH`, `FLOW_CONTROL_TYPE`).
const FC_ADDRESS_LOW: u32 = 0x00C2_8001;
const FC_ADDRESS_HIGH: u16 = 0x0100;
const FC_TYPE: u16 = 0x8808;
/// Pause time sent in PAUSE frames (`E1000_FC_PAUSE_TIME`).
const FC_PAUSE_TIME: u16 = 0xFFFF;

impl Hw<'_> {
    /// Enables honouring (rx) and sending (tx) PAUSE frames (Linux
    /// `e1000_force_mac_fc`). QEMU ignores flow control.
    pub(crate) fn set_flow_control(&self, rx: bool, tx: bool) {
        self.bar.write_reg(FCAL::from_raw(FC_ADDRESS_LOW));
        self.bar
            .write_reg(FCAH::zeroed().with_addr(FC_ADDRESS_HIGH));
        self.bar.write_reg(FCT::zeroed().with_ethertype(FC_TYPE));
        self.bar.write_reg(FCTTV::zeroed().with_time(FC_PAUSE_TIME));
        self.bar.update(CTRL, |r| r.with_rfce(rx).with_tfce(tx));
    }

    /// Reads LEDCTL (82540+) or CTRL (82544, whose LED hangs off SWDP0), to restore
    /// after identifying the port.
    pub(crate) fn led_state(&self) -> u32 {
        match self.mac_type {
            MacType::I82544 => self.bar.read(CTRL).into_raw(),
            _ => self.bar.read(LEDCTL).into_raw(),
        }
    }

    /// Forces the link LED on or off (Linux `e1000_led_on`/`e1000_led_off`).
    pub(crate) fn set_led(&self, on: bool) {
        match self.mac_type {
            // The LED is active low on SWDP0.
            MacType::I82544 => self
                .bar
                .update(CTRL, |r| r.with_swdpio0(true).with_swdpin0(!on)),
            _ => self.bar.update(LEDCTL, |r| {
                if on {
                    r.with_const_led0_mode::<0xE>()
                } else {
                    r.with_const_led0_mode::<0xF>()
                }
            }),
        }
    }

    /// Restores what [`Self::led_state`] saved.
    pub(crate) fn restore_led(&self, saved: u32) {
        match self.mac_type {
            MacType::I82544 => {
                let saved = CTRL::from_raw(saved);
                self.bar.update(CTRL, |r| {
                    r.with_swdpio0(saved.swdpio0())
                        .with_swdpin0(saved.swdpin0())
                })
            }
            _ => self.bar.write_reg(LEDCTL::from_raw(saved)),
        }
    }
}
