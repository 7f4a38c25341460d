// SPDX-License-Identifier: GPL-2.0
//! The SIOCETHTOOL ioctl for the commands netlink does not carry
//! (Documentation/networking/ethtool-netlink.rst): driver info, private
//! statistics, register and EEPROM dumps, self-test, LED identify and
//! autonegotiation restart.

pub mod abi;
mod action;
mod dump;
mod info;
mod sys;

pub use action::SelfTest;
pub use dump::{Eeprom, Regs};
pub use info::DrvInfo;

use super::error::{Error, Result};
use sys::{CmdBuf, EthtoolSock};

/// A socket for SIOCETHTOOL requests.
pub struct Ioctl {
    sock: EthtoolSock,
}

impl Ioctl {
    pub fn open() -> Result<Self> {
        let sock =
            EthtoolSock::open().map_err(|e| Error::io("opening a socket for SIOCETHTOOL", e))?;
        Ok(Ioctl { sock })
    }

    /// Runs `buf`'s command on `ifname`; an errno is the kernel's refusal.
    fn call(&self, ifname: &str, buf: &mut CmdBuf) -> Result<()> {
        let cmd = buf.u32(0);
        self.sock.call(ifname, buf).map_err(|e| {
            let op = format!("{} {ifname}", abi::cmd::name(cmd));
            match e.raw_os_error() {
                Some(errno) => Error::kernel_errno(op, errno, None),
                None => Error::io(op, e),
            }
        })
    }
}
