// SPDX-License-Identifier: GPL-2.0

//! EEPROM reads: through EERD (82540/82545) or bit-banged Microwire on EECD (82544).
//! See firmware-notes/eeprom.md.

use kernel::{
    io::Io,
    prelude::*,
    time::{
        delay::udelay,
        Delta, //
    },
};

use super::Hw;
use crate::{
    logic::{
        eeprom::WORDS,
        microwire, //
    },
    regs::*, //
};

/// EERD polls before giving up (as `e1000_poll_eerd_eewr_done`: 100000 x 5 us).
const EERD_POLLS: u32 = 100_000;
/// Microwire clock half-period for the 82544's EEPROM (`eeprom->delay_usec`).
const MICROWIRE_DELAY_US: i64 = 50;

impl Hw<'_> {
    /// Reads the whole 64-word EEPROM. Sleeps-free but slow on the 82544 (~160 ms of
    /// busy-waiting at 50 us per clock edge), so call it from probe only.
    pub(crate) fn read_eeprom(&self) -> Result<[u16; WORDS]> {
        let mut words = [0u16; WORDS];
        for (addr, word) in (0u16..).zip(words.iter_mut()) {
            *word = if self.mac_type.has_eerd() {
                self.read_word_eerd(addr)?
            } else {
                self.read_word_microwire(addr)?
            };
        }
        Ok(words)
    }

    fn read_word_eerd(&self, addr: u16) -> Result<u16> {
        let addr = u8::try_from(addr).map_err(|_| EINVAL)?;
        self.bar
            .write_reg(EERD::zeroed().with_addr(addr).with_start(true));
        for _ in 0..EERD_POLLS {
            let eerd = self.bar.read(EERD);
            if bool::from(eerd.done()) {
                return Ok(u16::from(eerd.data()));
            }
            udelay(Delta::from_micros(5));
        }
        Err(ETIMEDOUT)
    }

    fn microwire_clock(&self, eecd: EECD) -> EECD {
        let delay = Delta::from_micros(MICROWIRE_DELAY_US);
        let high = eecd.with_sk(true);
        self.bar.write_reg(high);
        udelay(delay);
        let low = high.with_sk(false);
        self.bar.write_reg(low);
        udelay(delay);
        low
    }

    fn read_word_microwire(&self, addr: u16) -> Result<u16> {
        let (command, bits) = microwire::read_command(addr).ok_or(EINVAL)?;
        let delay = Delta::from_micros(MICROWIRE_DELAY_US);
        // Select the chip with the clock and data lines low.
        let mut eecd = self.bar.read(EECD).with_sk(false).with_din(false);
        self.bar.write_reg(eecd);
        eecd = eecd.with_cs(true);
        self.bar.write_reg(eecd);
        udelay(delay);
        // Opcode and address, MSB first, each bit latched on a rising clock edge.
        for i in 0..bits {
            eecd = eecd.with_din(microwire::command_bit(command, bits, i));
            self.bar.write_reg(eecd);
            udelay(delay);
            eecd = self.microwire_clock(eecd);
        }
        eecd = eecd.with_din(false);
        self.bar.write_reg(eecd);
        // Sixteen data bits, MSB first, valid while the clock is high.
        let mut data = 0u16;
        for _ in 0..16 {
            self.bar.write_reg(eecd.with_sk(true));
            udelay(delay);
            let dout: bool = self.bar.read(EECD).dout().into();
            data = (data << 1) | u16::from(dout);
            self.bar.write_reg(eecd.with_sk(false));
            udelay(delay);
        }
        // Deselect; the next read starts a fresh command.
        self.bar.write_reg(eecd.with_cs(false));
        udelay(delay);
        Ok(data)
    }
}
