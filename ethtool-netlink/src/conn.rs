// SPDX-License-Identifier: GPL-2.0
//! One netlink socket (neli's `NlSocketHandle`) and the request/response
//! exchange both clients use: send with `NLM_F_ACK`, collect the replies
//! of that sequence number until the ACK, `NLMSG_DONE` or an error.
//!
//! neli's `NlRouter` is not used: in 0.7.5 its typed receive path rebuilds
//! the error message without the extended ACK (`Nlmsgerr::to_typed`), so
//! the kernel's message text would be lost.

use std::cell::Cell;
use std::fmt::Debug;
use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

use neli::consts::nl::{NlmF, NlmsgerrAttr};
use neli::consts::socket::NlFamily;
use neli::err::SocketError;
use neli::nl::{NlPayload, Nlmsghdr, NlmsghdrBuilder};
use neli::socket::synchronous::NlSocketHandle;
use neli::types::{Buffer, GenlBuffer};
use neli::utils::Groups;
use neli::{Size, ToBytes};

use super::attr::c_string;
use super::error::{Error, Result};

/// `NLMSG_DONE` (include/uapi/linux/netlink.h).
const NLMSG_DONE: u16 = 3;

/// How long a reply may take before the request fails (the kernel always
/// answers; this only turns a bug into an error instead of a hang).
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct NlConn {
    sock: NlSocketHandle,
    seq: Cell<u32>,
}

impl NlConn {
    /// Opens and binds a socket of `family` with extended ACKs enabled.
    pub fn connect(family: NlFamily) -> Result<Self> {
        let op = "opening a netlink socket";
        let sock =
            NlSocketHandle::connect(family, None, Groups::empty()).map_err(|e| sock_err(op, e))?;
        sock.enable_ext_ack(true).map_err(|e| sock_err(op, e))?;
        set_recv_timeout(&sock, REPLY_TIMEOUT).map_err(|e| Error::io(op, e))?;
        Ok(NlConn {
            sock,
            seq: Cell::new(1),
        })
    }

    /// Sends one request of netlink type `ty` and returns the payloads of
    /// its reply messages (not the ACK).
    pub fn request<P>(&self, op: &str, ty: u16, flags: NlmF, payload: P) -> Result<Vec<Buffer>>
    where
        P: Size + ToBytes + Debug,
    {
        let seq = self.seq.get();
        self.seq.set(seq.wrapping_add(1));
        let msg = NlmsghdrBuilder::default()
            .nl_type(ty)
            .nl_flags(flags | NlmF::REQUEST | NlmF::ACK)
            .nl_seq(seq)
            .nl_payload(NlPayload::Payload(payload))
            .build()
            .map_err(|e| Error::protocol(op, e))?;
        self.sock.send(&msg).map_err(|e| sock_err(op, e))?;

        let mut replies = Vec::new();
        loop {
            let (iter, _) = self
                .sock
                .recv::<u16, Buffer>()
                .map_err(|e| sock_err(op, e))?;
            for m in iter {
                let m = m.map_err(|e| sock_err(op, e))?;
                if *m.nl_seq() != seq {
                    continue;
                }
                if let Some(done) = classify(op, m, &mut replies)? {
                    return done.map(|()| replies);
                }
            }
        }
    }
}

/// Files one reply message: `Some(Ok)` when it ends the exchange
/// successfully, `Some(Err)`/`Err` when the kernel refused, `None` to read on.
fn classify(
    op: &str,
    m: Nlmsghdr<u16, Buffer>,
    replies: &mut Vec<Buffer>,
) -> Result<Option<Result<()>>> {
    let ty = *m.nl_type();
    match m.nl_payload() {
        NlPayload::Ack(_) => Ok(Some(Ok(()))),
        NlPayload::Err(e) => Ok(Some(Err(kernel_error(op, *e.error(), e.ext_ack())))),
        NlPayload::DumpExtAck(e) => Ok(Some(if *e.error() == 0 {
            Ok(())
        } else {
            Err(kernel_error(op, *e.error(), e.ext_ack()))
        })),
        NlPayload::Empty if ty == NLMSG_DONE => Ok(Some(Ok(()))),
        NlPayload::Empty => Ok(None),
        NlPayload::Payload(p) => {
            replies.push(p.clone());
            Ok(None)
        }
    }
}

/// The kernel error of an `NLMSG_ERROR`: negative error code and the
/// extended-ACK message.
pub fn kernel_error(op: &str, error: i32, ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>) -> Error {
    let msg = ext_ack
        .iter()
        .find(|a| *a.nla_type().nla_type() == NlmsgerrAttr::Msg)
        .map(|a| c_string(a.nla_payload().as_ref()))
        .filter(|s| !s.is_empty());
    Error::kernel_errno(op, error.saturating_neg(), msg)
}

/// The error of a received `NLMSG_ERROR` message.
#[cfg(test)]
pub(crate) fn error_of(op: &str, m: &Nlmsghdr<u16, Buffer>) -> Option<Error> {
    match m.nl_payload() {
        NlPayload::Err(e) => Some(kernel_error(op, *e.error(), e.ext_ack())),
        _ => None,
    }
}

fn sock_err(op: &str, e: SocketError) -> Error {
    match e {
        SocketError::Io(io) => Error::io(
            op,
            match io.raw_os_error() {
                Some(code) => io::Error::from_raw_os_error(code),
                None => io::Error::new(io.kind(), io.to_string()),
            },
        ),
        other => Error::protocol(op, other),
    }
}

fn set_recv_timeout(sock: &NlSocketHandle, t: Duration) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: t.as_secs() as libc::time_t,
        tv_usec: 0,
    };
    // SAFETY: `tv` is a valid timeval for the duration of the call and the
    // fd is the open socket owned by `sock`.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neli::FromBytes;

    /// An NLMSG_ERROR as the kernel sends it for a refused request with
    /// extack enabled: header, -EINVAL, the request's header echoed
    /// (payload capped), then NLMSGERR_ATTR_MSG.
    fn error_message(msg: &str) -> Vec<u8> {
        let mut tlv = Vec::new();
        let text: Vec<u8> = msg.bytes().chain([0]).collect();
        tlv.extend(((4 + text.len()) as u16).to_ne_bytes());
        tlv.extend(1u16.to_ne_bytes()); // NLMSGERR_ATTR_MSG
        tlv.extend(&text);
        while tlv.len() % 4 != 0 {
            tlv.push(0);
        }
        let mut echoed = Vec::new();
        echoed.extend(16u32.to_ne_bytes()); // a payload-less request
        echoed.extend(0x1du16.to_ne_bytes()); // its type (family id)
        echoed.extend(0x0005u16.to_ne_bytes()); // REQUEST | ACK
        echoed.extend(7u32.to_ne_bytes()); // seq
        echoed.extend(0u32.to_ne_bytes()); // pid
        let body_len = 4 + echoed.len() + tlv.len();
        let mut m = Vec::new();
        m.extend(((16 + body_len) as u32).to_ne_bytes());
        m.extend(2u16.to_ne_bytes()); // NLMSG_ERROR
        m.extend(0x0300u16.to_ne_bytes()); // NLM_F_CAPPED | NLM_F_ACK_TLVS
        m.extend(7u32.to_ne_bytes());
        m.extend(1234u32.to_ne_bytes());
        m.extend((-libc::EINVAL).to_ne_bytes());
        m.extend(echoed);
        m.extend(tlv);
        m
    }

    #[test]
    fn error_with_extack_parses_to_errno_and_text() {
        let bytes = error_message("ring size must be a multiple of 8");
        let m = Nlmsghdr::<u16, Buffer>::from_bytes(&mut std::io::Cursor::new(&bytes)).unwrap();
        let e = error_of("ETHTOOL_MSG_RINGS_SET eth0", &m).unwrap();
        assert_eq!(e.errno(), Some(libc::EINVAL));
        assert_eq!(e.extack(), Some("ring size must be a multiple of 8"));
    }

    #[test]
    fn ack_ends_the_exchange() {
        let mut m = Vec::new();
        m.extend(36u32.to_ne_bytes());
        m.extend(2u16.to_ne_bytes());
        m.extend(0x0100u16.to_ne_bytes());
        m.extend(9u32.to_ne_bytes());
        m.extend(1u32.to_ne_bytes());
        m.extend(0i32.to_ne_bytes());
        m.extend(16u32.to_ne_bytes());
        m.extend(0x10u16.to_ne_bytes());
        m.extend(0x0005u16.to_ne_bytes());
        m.extend(9u32.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        let msg = Nlmsghdr::<u16, Buffer>::from_bytes(&mut std::io::Cursor::new(&m)).unwrap();
        let mut replies = Vec::new();
        let r = classify("x", msg, &mut replies).unwrap();
        assert!(matches!(r, Some(Ok(()))));
        assert!(replies.is_empty());
    }
}
