// SPDX-License-Identifier: GPL-2.0
//! The raw SIOCETHTOOL call: a datagram socket, a `struct ifreq` whose
//! `ifr_data` points at a command buffer, and that buffer (8-byte aligned,
//! since several commands carry u64 arrays).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::abi::SIOCETHTOOL;

/// A command buffer: the ethtool struct and its trailing data.
pub struct CmdBuf {
    words: Vec<u64>,
    len: usize,
}

impl CmdBuf {
    /// A zeroed buffer of `len` bytes whose first u32 is `cmd`.
    pub fn new(cmd: u32, len: usize) -> Self {
        let mut b = CmdBuf {
            words: vec![0; len.div_ceil(8).max(1)],
            len,
        };
        b.put_u32(0, cmd);
        b
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `words` owns at least `len` initialised bytes; u8 has no
        // alignment or validity requirements.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, with unique access through `&mut self`.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), self.len) }
    }

    pub fn put_u32(&mut self, off: usize, v: u32) {
        self.bytes_mut()[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    }

    pub fn put_u64(&mut self, off: usize, v: u64) {
        self.bytes_mut()[off..off + 8].copy_from_slice(&v.to_ne_bytes());
    }

    pub fn u32(&self, off: usize) -> u32 {
        let mut b = [0u8; 4];
        b.copy_from_slice(&self.bytes()[off..off + 4]);
        u32::from_ne_bytes(b)
    }

    pub fn u64(&self, off: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.bytes()[off..off + 8]);
        u64::from_ne_bytes(b)
    }

    fn as_mut_ptr(&mut self) -> *mut libc::c_void {
        self.words.as_mut_ptr().cast()
    }
}

/// `struct ifreq` with the `ifr_data` member of its union (40 bytes on
/// 64-bit: 16-byte name, 24-byte union).
#[repr(C)]
struct IfreqData {
    name: [libc::c_char; libc::IFNAMSIZ],
    data: *mut libc::c_void,
    _pad: [u8; 16],
}

/// A socket to issue SIOCETHTOOL on.
pub struct EthtoolSock {
    fd: OwnedFd,
}

impl EthtoolSock {
    /// An AF_INET datagram socket, or AF_UNIX where IPv4 is absent (as the
    /// ethtool CLI does).
    pub fn open() -> io::Result<Self> {
        for family in [libc::AF_INET, libc::AF_UNIX] {
            // SAFETY: plain socket(2) call; the result is checked.
            let fd = unsafe { libc::socket(family, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
            if fd >= 0 {
                // SAFETY: `fd` is a fresh descriptor nobody else owns.
                return Ok(EthtoolSock {
                    fd: unsafe { OwnedFd::from_raw_fd(fd) },
                });
            }
        }
        Err(io::Error::last_os_error())
    }

    /// Issues SIOCETHTOOL on `ifname` with `buf` as the command buffer;
    /// the kernel reads and writes `buf` in place.
    pub fn call(&self, ifname: &str, buf: &mut CmdBuf) -> io::Result<()> {
        let name = ifname.as_bytes();
        if name.is_empty() || name.len() >= libc::IFNAMSIZ || name.contains(&0) {
            return Err(io::Error::from_raw_os_error(libc::ENODEV));
        }
        let mut ifr = IfreqData {
            name: [0; libc::IFNAMSIZ],
            data: buf.as_mut_ptr(),
            _pad: [0; 16],
        };
        for (d, s) in ifr.name.iter_mut().zip(name) {
            *d = *s as libc::c_char;
        }
        // SAFETY: `ifr` is a valid ifreq whose data pointer refers to
        // `buf`, which outlives the call and is as large as the command
        // (every caller sizes it from the kernel's reported lengths).
        let rc = unsafe {
            libc::ioctl(
                self.fd.as_raw_fd(),
                SIOCETHTOOL as _,
                &mut ifr as *mut IfreqData,
            )
        };
        if rc < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifreq_is_40_bytes_like_the_kernels() {
        assert_eq!(std::mem::size_of::<IfreqData>(), 40);
        assert_eq!(
            std::mem::size_of::<IfreqData>(),
            std::mem::size_of::<libc::ifreq>()
        );
    }

    #[test]
    fn cmd_buf_fields() {
        let mut b = CmdBuf::new(0x1d, 8 + 16);
        b.put_u64(8, u64::MAX - 1);
        assert_eq!(b.u32(0), 0x1d);
        assert_eq!(b.u64(8), u64::MAX - 1);
        assert_eq!(b.bytes().len(), 24);
        assert_eq!(b.words.as_ptr() as usize % 8, 0);
    }

    #[test]
    fn bad_names_are_enodev_without_a_syscall() {
        let s = EthtoolSock::open().unwrap();
        let mut b = CmdBuf::new(3, 196);
        for n in ["", "name-longer-than-15", "a\0b"] {
            let e = s.call(n, &mut b).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(libc::ENODEV), "{n:?}");
        }
    }
}
