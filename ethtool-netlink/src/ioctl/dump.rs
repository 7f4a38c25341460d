// SPDX-License-Identifier: GPL-2.0
//! GREGS and GEEPROM/SEEPROM (`ethtool -d`, `ethtool -e/-E`).

use super::super::error::Result;
use super::abi::{cmd, EEPROM_HDR, REGS_HDR};
use super::sys::CmdBuf;
use super::Ioctl;

/// A register dump: the driver's layout version and the raw bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regs {
    pub version: u32,
    pub data: Vec<u8>,
}

impl Regs {
    /// The dump as native-endian u32 words (the e1000 layout).
    pub fn words(&self) -> Vec<u32> {
        self.data
            .chunks_exact(4)
            .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }
}

/// An EEPROM read: the magic the driver reports (vendor | device << 16 on
/// e1000) and the bytes from `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Eeprom {
    pub magic: u32,
    pub offset: u32,
    pub data: Vec<u8>,
}

impl Eeprom {
    /// The bytes as little-endian 16-bit EEPROM words.
    pub fn words(&self) -> Vec<u16> {
        self.data
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    }
}

impl Ioctl {
    /// The whole register dump (`regdump_len` bytes from GDRVINFO).
    pub fn regs(&self, ifname: &str) -> Result<Regs> {
        let len = self.drvinfo(ifname)?.regdump_len as usize;
        let mut b = CmdBuf::new(cmd::GREGS, REGS_HDR + len);
        b.put_u32(8, len as u32);
        self.call(ifname, &mut b)?;
        let got = (b.u32(8) as usize).min(len);
        Ok(Regs {
            version: b.u32(4),
            data: b.bytes()[REGS_HDR..REGS_HDR + got].to_vec(),
        })
    }

    /// The EEPROM length in bytes (`eedump_len` from GDRVINFO).
    pub fn eeprom_len(&self, ifname: &str) -> Result<u32> {
        Ok(self.drvinfo(ifname)?.eedump_len)
    }

    /// `len` EEPROM bytes from `offset`. The kernel refuses a range past
    /// the EEPROM's end with EINVAL.
    pub fn eeprom(&self, ifname: &str, offset: u32, len: u32) -> Result<Eeprom> {
        let mut b = CmdBuf::new(cmd::GEEPROM, EEPROM_HDR + len as usize);
        b.put_u32(8, offset);
        b.put_u32(12, len);
        self.call(ifname, &mut b)?;
        let got = (b.u32(12) as usize).min(len as usize);
        Ok(Eeprom {
            magic: b.u32(4),
            offset: b.u32(8),
            data: b.bytes()[EEPROM_HDR..EEPROM_HDR + got].to_vec(),
        })
    }

    /// Writes `data` at `offset` with `magic` (`ethtool -E`).
    pub fn eeprom_set(&self, ifname: &str, magic: u32, offset: u32, data: &[u8]) -> Result<()> {
        let mut b = CmdBuf::new(cmd::SEEPROM, EEPROM_HDR + data.len());
        b.put_u32(4, magic);
        b.put_u32(8, offset);
        b.put_u32(12, data.len() as u32);
        b.bytes_mut()[EEPROM_HDR..].copy_from_slice(data);
        self.call(ifname, &mut b)
    }
}
