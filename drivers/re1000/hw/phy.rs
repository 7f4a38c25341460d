// SPDX-License-Identifier: GPL-2.0

//! PHY register access through MDIC (SDM 13.4.7; Linux `e1000_read_phy_reg_ex`,
//! `e1000_write_phy_reg_ex`). See firmware-notes/phy-mdic.md.

use kernel::{
    io::{
        poll::read_poll_timeout_atomic,
        Io, //
    },
    prelude::*,
    time::Delta,
};

use super::Hw;
use crate::regs::{
    phy,
    MDIC, //
};

/// Polls for MDIC.READY: 64 x 50 us, as the C driver.
const MDIC_POLLS: usize = 64;
const MDIC_OP_WRITE: u32 = 0b01;
const MDIC_OP_READ: u32 = 0b10;

impl Hw<'_> {
    fn mdic_wait(&self) -> Result<MDIC> {
        // Busy-waits: callers may hold a spinlock (the C driver polls with udelay too).
        let mdic = read_poll_timeout_atomic(
            || Ok(self.bar.read(MDIC)),
            |m| m.ready(),
            Delta::from_micros(50),
            MDIC_POLLS,
        )?;
        if mdic.error() {
            return Err(EIO);
        }
        Ok(mdic)
    }

    /// Reads PHY register `reg`. Busy-waits up to 3.2 ms.
    pub(crate) fn read_phy(&self, reg: u8) -> Result<u16> {
        let cmd = MDIC::zeroed()
            .try_with_regadd(reg)?
            .try_with_phyadd(phy::ADDRESS)?
            .try_with_op(MDIC_OP_READ)?;
        self.bar.write_reg(cmd);
        Ok(u16::from(self.mdic_wait()?.data()))
    }

    /// Writes PHY register `reg`. Busy-waits up to 3.2 ms.
    pub(crate) fn write_phy(&self, reg: u8, value: u16) -> Result {
        let cmd = MDIC::zeroed()
            .with_data(value)
            .try_with_regadd(reg)?
            .try_with_phyadd(phy::ADDRESS)?
            .try_with_op(MDIC_OP_WRITE)?;
        self.bar.write_reg(cmd);
        self.mdic_wait().map(|_| ())
    }

    /// Restarts autonegotiation (`ethtool -r`). The link drops and comes back; on QEMU
    /// after 500 ms, with an LSC interrupt.
    pub(crate) fn restart_autoneg(&self) -> Result {
        let ctrl = self.read_phy(phy::CTRL)?;
        self.write_phy(
            phy::CTRL,
            ctrl | phy::CTRL_AUTONEG_ENABLE | phy::CTRL_RESTART_AUTONEG,
        )
    }
}

/// Which speeds to advertise.
pub(crate) struct Advertise {
    pub(crate) half_10: bool,
    pub(crate) full_10: bool,
    pub(crate) half_100: bool,
    pub(crate) full_100: bool,
    pub(crate) full_1000: bool,
    pub(crate) pause: bool,
}

impl Hw<'_> {
    /// Programs the advertisement and restarts autonegotiation.
    pub(crate) fn autoneg_advertise(&self, adv: &Advertise) -> Result {
        let mut reg4 = self.read_phy(phy::AUTONEG_ADV)?;
        reg4 &= !(phy::ADV_10_HALF
            | phy::ADV_10_FULL
            | phy::ADV_100_HALF
            | phy::ADV_100_FULL
            | phy::ADV_PAUSE);
        for (on, bit) in [
            (adv.half_10, phy::ADV_10_HALF),
            (adv.full_10, phy::ADV_10_FULL),
            (adv.half_100, phy::ADV_100_HALF),
            (adv.full_100, phy::ADV_100_FULL),
            (adv.pause, phy::ADV_PAUSE),
        ] {
            if on {
                reg4 |= bit;
            }
        }
        self.write_phy(phy::AUTONEG_ADV, reg4)?;
        let mut reg9 = self.read_phy(phy::CTRL_1000T)? & !phy::ADV_1000_FULL;
        if adv.full_1000 {
            reg9 |= phy::ADV_1000_FULL;
        }
        self.write_phy(phy::CTRL_1000T, reg9)?;
        self.restart_autoneg()
    }

    /// Forces 10 or 100 Mb/s at the given duplex, autonegotiation off.
    pub(crate) fn force_speed_duplex(&self, speed_100: bool, full_duplex: bool) -> Result {
        let mut ctrl = self.read_phy(phy::CTRL)?;
        ctrl &= !(phy::CTRL_AUTONEG_ENABLE | phy::CTRL_SPEED_100 | phy::CTRL_FULL_DUPLEX);
        if speed_100 {
            ctrl |= phy::CTRL_SPEED_100;
        }
        if full_duplex {
            ctrl |= phy::CTRL_FULL_DUPLEX;
        }
        self.write_phy(phy::CTRL, ctrl)
    }
}
