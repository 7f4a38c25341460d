// SPDX-License-Identifier: GPL-2.0

//! EEPROM reads: through EERD (82540/82545) or bit-banged Microwire on EECD (82544).
//! See firmware-notes/eeprom.md.

use kernel::{
    io::{
        poll::read_poll_timeout_atomic,
        Io, //
    },
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
const EERD_POLLS: usize = 100_000;
/// Microwire clock half-period for the 82544's EEPROM (`eeprom->delay_usec`).
const MICROWIRE_DELAY_US: i64 = 50;
/// Polls of DO after a Microwire WRITE: 200 x 50 us = 10 ms.
const WRITE_POLLS: usize = 200;

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
        let eerd = read_poll_timeout_atomic(
            || Ok(self.bar.read(EERD)),
            |e| e.done(),
            Delta::from_micros(5),
            EERD_POLLS,
        )?;
        Ok(u16::from(eerd.data()))
    }

    fn delay() {
        udelay(Delta::from_micros(MICROWIRE_DELAY_US));
    }

    /// Selects the chip with clock and data low.
    fn microwire_select(&self) -> EECD {
        let eecd = self.bar.read(EECD).with_sk(false).with_din(false);
        self.bar.write_reg(eecd);
        let eecd = eecd.with_cs(true);
        self.bar.write_reg(eecd);
        Self::delay();
        eecd
    }

    /// Clocks out the low `count` bits of `bits`, MSB first, each latched on a rising
    /// clock edge.
    fn microwire_shift_out(&self, mut eecd: EECD, bits: u16, count: u32) -> EECD {
        for i in 0..count {
            eecd = eecd.with_din(microwire::command_bit(bits, count, i));
            self.bar.write_reg(eecd);
            Self::delay();
            self.bar.write_reg(eecd.with_sk(true));
            Self::delay();
            self.bar.write_reg(eecd.with_sk(false));
            Self::delay();
        }
        let eecd = eecd.with_din(false);
        self.bar.write_reg(eecd);
        eecd
    }

    /// Clocks in 16 data bits, MSB first, valid while the clock is high.
    fn microwire_shift_in(&self, eecd: EECD) -> u16 {
        let mut data = 0u16;
        for _ in 0..16 {
            self.bar.write_reg(eecd.with_sk(true));
            Self::delay();
            let dout = self.bar.read(EECD).dout();
            data = (data << 1) | u16::from(dout);
            self.bar.write_reg(eecd.with_sk(false));
            Self::delay();
        }
        data
    }

    /// Ends a command: chip select low, then high again for the next one
    /// (`e1000_standby_eeprom`).
    fn microwire_standby(&self, eecd: EECD) -> EECD {
        self.bar.write_reg(eecd.with_cs(false).with_sk(false));
        Self::delay();
        let eecd = eecd.with_cs(true);
        self.bar.write_reg(eecd);
        Self::delay();
        eecd
    }

    fn microwire_deselect(&self, eecd: EECD) {
        self.bar
            .write_reg(eecd.with_cs(false).with_din(false).with_sk(false));
        Self::delay();
    }

    fn read_word_microwire(&self, addr: u16) -> Result<u16> {
        let (command, bits) = microwire::read_command(addr).ok_or(EINVAL)?;
        let eecd = self.microwire_select();
        let eecd = self.microwire_shift_out(eecd, command, bits);
        let data = self.microwire_shift_in(eecd);
        self.microwire_deselect(eecd);
        Ok(data)
    }

    /// Writes `words` at word `offset` with Microwire (EWEN, WRITE each word and wait
    /// for DO to signal completion, EWDS), as Linux `e1000_write_eeprom_microwire`.
    /// Busy-waits about 10 ms per word.
    pub(crate) fn write_eeprom_words(&self, offset: u16, words: &[u16]) -> Result {
        let (ewen, ewen_bits) = microwire::write_enable_command();
        let (ewds, ewds_bits) = microwire::write_disable_command();
        let mut eecd = self.microwire_select();
        eecd = self.microwire_shift_out(eecd, ewen, ewen_bits);
        eecd = self.microwire_standby(eecd);
        let mut result = Ok(());
        for (addr, word) in (offset..).zip(words) {
            let Some((cmd, bits)) = microwire::write_command(addr) else {
                result = Err(EINVAL);
                break;
            };
            eecd = self.microwire_shift_out(eecd, cmd, bits);
            eecd = self.microwire_shift_out(eecd, *word, 16);
            eecd = self.microwire_standby(eecd);
            // The part raises DO when the write has completed: up to 10 ms.
            if let Err(e) = read_poll_timeout_atomic(
                || Ok(self.bar.read(EECD).dout()),
                |dout| *dout,
                Delta::from_micros(50),
                WRITE_POLLS,
            ) {
                result = Err(e);
                break;
            }
            eecd = self.microwire_standby(eecd);
        }
        eecd = self.microwire_shift_out(eecd, ewds, ewds_bits);
        self.microwire_deselect(eecd);
        result
    }
}
