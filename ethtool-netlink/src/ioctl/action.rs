// SPDX-License-Identifier: GPL-2.0
//! TEST, PHYS_ID and NWAY_RST (`ethtool -t`, `-p`, `-r`).

use super::super::consts::sset;
use super::super::error::Result;
use super::abi::{cmd, ETH_TEST_FL_FAILED, ETH_TEST_FL_OFFLINE, TEST_HDR};
use super::sys::CmdBuf;
use super::Ioctl;

/// A self-test result: overall verdict and each test's name and result
/// (0 = pass, as `ethtool -t` prints it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfTest {
    pub passed: bool,
    pub flags: u32,
    pub results: Vec<(String, u64)>,
}

impl Ioctl {
    /// Runs the driver's self-test; `offline` adds the disruptive tests
    /// (`ETH_TEST_FL_OFFLINE`, `ethtool -t DEV offline`).
    pub fn self_test(&self, ifname: &str, offline: bool) -> Result<SelfTest> {
        let names = self.strings(ifname, sset::TEST)?;
        let n = names.len();
        let mut b = CmdBuf::new(cmd::TEST, TEST_HDR + n * 8);
        b.put_u32(4, if offline { ETH_TEST_FL_OFFLINE } else { 0 });
        b.put_u32(12, n as u32);
        self.call(ifname, &mut b)?;
        let flags = b.u32(4);
        let got = (b.u32(12) as usize).min(n);
        let results = names
            .into_iter()
            .take(got)
            .enumerate()
            .map(|(i, name)| (name, b.u64(TEST_HDR + i * 8)))
            .collect();
        Ok(SelfTest {
            passed: flags & ETH_TEST_FL_FAILED == 0,
            flags,
            results,
        })
    }

    /// Blinks the port LED for `seconds` (0: until interrupted; avoid).
    /// Returns when the blinking ends.
    pub fn phys_id(&self, ifname: &str, seconds: u32) -> Result<()> {
        let mut b = CmdBuf::new(cmd::PHYS_ID, 8);
        b.put_u32(4, seconds);
        self.call(ifname, &mut b)
    }

    /// Restarts autonegotiation.
    pub fn nway_reset(&self, ifname: &str) -> Result<()> {
        let mut b = CmdBuf::new(cmd::NWAY_RST, 8);
        self.call(ifname, &mut b)
    }
}
