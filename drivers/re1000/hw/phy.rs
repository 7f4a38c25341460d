// SPDX-License-Identifier: GPL-2.0

//! PHY register access through MDIC (SDM 13.4.7; Linux `e1000_read_phy_reg_ex`,
//! `e1000_write_phy_reg_ex`). See firmware-notes/phy-mdic.md.

use kernel::{
    io::Io,
    prelude::*,
    time::{
        delay::udelay,
        Delta, //
    },
};

use super::Hw;
use crate::regs::{
    phy,
    MDIC, //
};

/// Polls for MDIC.READY: 64 x 50 us, as the C driver.
const MDIC_POLLS: u32 = 64;
const MDIC_OP_WRITE: u32 = 0b01;
const MDIC_OP_READ: u32 = 0b10;

impl Hw<'_> {
    fn mdic_wait(&self) -> Result<MDIC> {
        for _ in 0..MDIC_POLLS {
            udelay(Delta::from_micros(50));
            let mdic = self.bar.read(MDIC);
            if bool::from(mdic.ready()) {
                if bool::from(mdic.error()) {
                    return Err(EIO);
                }
                return Ok(mdic);
            }
        }
        Err(ETIMEDOUT)
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
