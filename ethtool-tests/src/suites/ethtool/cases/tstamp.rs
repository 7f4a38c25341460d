// SPDX-License-Identifier: GPL-2.0
//! Software transmit time stamps (`SOF_TIMESTAMPING_TX_SOFTWARE`): what
//! `ethtool -T` promises when it lists `software-transmit`, and what a
//! driver delivers by calling `skb_tx_timestamp()` as it hands a frame to
//! the hardware.

use std::io;
use std::mem;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// `SO_TIMESTAMPING` = `SCM_TIMESTAMPING` on 64-bit x86
/// (include/uapi/asm-generic/socket.h: `SO_TIMESTAMPING_OLD`).
const SO_TIMESTAMPING: libc::c_int = 37;

/// Sends one datagram from `sock` to `to` with software transmit time
/// stamping on, and returns the time stamp from the error queue, waiting up
/// to `timeout`.
pub fn tx_software(sock: &UdpSocket, to: SocketAddr, timeout: Duration) -> Result<libc::timespec> {
    let flags: libc::c_uint = libc::SOF_TIMESTAMPING_TX_SOFTWARE
        | libc::SOF_TIMESTAMPING_SOFTWARE
        | libc::SOF_TIMESTAMPING_OPT_TSONLY;
    // SAFETY: `flags` lives for the call; the length is its size.
    let r = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            SO_TIMESTAMPING,
            (&flags as *const libc::c_uint).cast(),
            mem::size_of::<libc::c_uint>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error()).context("setsockopt SO_TIMESTAMPING");
    }
    sock.send_to(b"time stamp me", to)
        .with_context(|| format!("sending to {to}"))?;
    let start = Instant::now();
    loop {
        if let Some(ts) = recv_errqueue(sock)? {
            return Ok(ts);
        }
        if start.elapsed() > timeout {
            bail!(
                "no software transmit time stamp on the error queue within {:.0} s",
                timeout.as_secs_f64()
            );
        }
        std::thread::sleep(crate::wait::STEP);
    }
}

/// One `SCM_TIMESTAMPING` message from the error queue, if there is one.
fn recv_errqueue(sock: &UdpSocket) -> Result<Option<libc::timespec>> {
    let mut data = [0u8; 256];
    let mut ctrl = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: plain data; all-zero is a valid msghdr.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.as_mut_ptr().cast();
    msg.msg_controllen = mem::size_of_val(&ctrl);
    // SAFETY: `msg` points at live buffers of the stated sizes.
    let n = unsafe {
        libc::recvmsg(
            sock.as_raw_fd(),
            &mut msg,
            libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
        )
    };
    if n < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::WouldBlock {
            return Ok(None);
        }
        return Err(e).context("recvmsg MSG_ERRQUEUE");
    }
    // SAFETY: walking the control messages the kernel wrote into `ctrl`,
    // with the CMSG_* helpers that bound every step by `msg_controllen`.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == SO_TIMESTAMPING {
                // struct scm_timestamping { struct timespec ts[3]; }: ts[0]
                // is the software stamp.
                let ts = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::timespec>());
                return Ok(Some(ts));
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok(None)
}
