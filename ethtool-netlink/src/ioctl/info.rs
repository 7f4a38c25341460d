// SPDX-License-Identifier: GPL-2.0
//! GDRVINFO, GSSET_INFO, GSTRINGS and GSTATS (`ethtool -i`, `ethtool -S`).

use super::super::attr::c_string;
use super::super::error::{Error, Result};
use super::abi::{self, cmd, drvinfo as d, GSTRING_LEN};
use super::sys::CmdBuf;
use super::Ioctl;

/// `struct ethtool_drvinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrvInfo {
    pub driver: String,
    pub version: String,
    pub fw_version: String,
    pub bus_info: String,
    pub erom_version: String,
    pub n_priv_flags: u32,
    pub n_stats: u32,
    pub testinfo_len: u32,
    pub eedump_len: u32,
    pub regdump_len: u32,
}

impl DrvInfo {
    /// Parses the reply buffer of ETHTOOL_GDRVINFO.
    pub fn parse(b: &[u8]) -> Result<Self> {
        if b.len() < d::SIZE {
            return Err(Error::protocol(
                "parsing ethtool_drvinfo",
                format!("{} bytes, expected {}", b.len(), d::SIZE),
            ));
        }
        let s = |off: usize| c_string(&b[off..off + d::STR_LEN]);
        let u = |off: usize| u32::from_ne_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]]);
        Ok(DrvInfo {
            driver: s(d::DRIVER),
            version: s(d::VERSION),
            fw_version: s(d::FW_VERSION),
            bus_info: s(d::BUS_INFO),
            erom_version: s(d::EROM_VERSION),
            n_priv_flags: u(d::N_PRIV_FLAGS),
            n_stats: u(d::N_STATS),
            testinfo_len: u(d::TESTINFO_LEN),
            eedump_len: u(d::EEDUMP_LEN),
            regdump_len: u(d::REGDUMP_LEN),
        })
    }
}

impl Ioctl {
    pub fn drvinfo(&self, ifname: &str) -> Result<DrvInfo> {
        let mut b = CmdBuf::new(cmd::GDRVINFO, d::SIZE);
        self.call(ifname, &mut b)?;
        DrvInfo::parse(b.bytes())
    }

    /// The number of strings in string set `set` (`ETH_SS_*`), or `None`
    /// when the driver does not have that set.
    pub fn sset_count(&self, ifname: &str, set: u32) -> Result<Option<u32>> {
        let mut b = CmdBuf::new(cmd::GSSET_INFO, abi::SSET_INFO_HDR + 4);
        b.put_u64(8, 1u64 << set);
        self.call(ifname, &mut b)?;
        Ok((b.u64(8) & (1u64 << set) != 0).then(|| b.u32(abi::SSET_INFO_HDR)))
    }

    /// The strings of set `set`, in order.
    pub fn strings(&self, ifname: &str, set: u32) -> Result<Vec<String>> {
        let Some(n) = self.sset_count(ifname, set)? else {
            return Ok(Vec::new());
        };
        let n = n as usize;
        let mut b = CmdBuf::new(cmd::GSTRINGS, abi::GSTRINGS_HDR + n * GSTRING_LEN);
        b.put_u32(4, set);
        b.put_u32(8, n as u32);
        self.call(ifname, &mut b)?;
        let got = (b.u32(8) as usize).min(n);
        let data = &b.bytes()[abi::GSTRINGS_HDR..];
        Ok(data
            .chunks_exact(GSTRING_LEN)
            .take(got)
            .map(c_string)
            .collect())
    }

    /// The private statistics values (`ETHTOOL_GSTATS`), `n` of them.
    pub fn stats_values(&self, ifname: &str, n: usize) -> Result<Vec<u64>> {
        let mut b = CmdBuf::new(cmd::GSTATS, abi::STATS_HDR + n * 8);
        b.put_u32(4, n as u32);
        self.call(ifname, &mut b)?;
        if b.u32(4) as usize != n {
            return Err(Error::protocol(
                format!("ETHTOOL_GSTATS {ifname}"),
                format!("the driver now has {} statistics, not {n}", b.u32(4)),
            ));
        }
        Ok((0..n).map(|i| b.u64(abi::STATS_HDR + i * 8)).collect())
    }

    /// `ethtool -S`: each private statistic's name and value, in order.
    pub fn stats(&self, ifname: &str) -> Result<Vec<(String, u64)>> {
        let names = self.strings(ifname, super::super::consts::sset::STATS)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let values = self.stats_values(ifname, names.len())?;
        Ok(names.into_iter().zip(values).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drvinfo_layout() {
        let mut b = vec![0u8; d::SIZE];
        b[d::DRIVER..d::DRIVER + 6].copy_from_slice(b"re1000");
        b[d::BUS_INFO..d::BUS_INFO + 12].copy_from_slice(b"0000:00:09.0");
        b[d::N_STATS..d::N_STATS + 4].copy_from_slice(&50u32.to_ne_bytes());
        b[d::REGDUMP_LEN..d::REGDUMP_LEN + 4].copy_from_slice(&128u32.to_ne_bytes());
        let i = DrvInfo::parse(&b).unwrap();
        assert_eq!(i.driver, "re1000");
        assert_eq!(i.bus_info, "0000:00:09.0");
        assert_eq!(i.n_stats, 50);
        assert_eq!(i.regdump_len, 128);
        assert!(DrvInfo::parse(&b[..100]).is_err());
    }
}
