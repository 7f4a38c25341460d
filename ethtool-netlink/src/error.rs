// SPDX-License-Identifier: GPL-2.0
//! Errors of the netlink and ioctl clients: the kernel's refusal (errno and
//! extack message) kept apart from transport and parse failures, so a test
//! can assert "EINVAL with this message" exactly.

use std::fmt;
use std::io;

/// The kernel refused a request: `errno` (positive, e.g. `libc::EINVAL`)
/// and, for netlink, the extended-ACK message the kernel attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EthtoolError {
    /// What was asked, e.g. `ETHTOOL_MSG_RINGS_SET enp0s9`.
    pub op: String,
    /// Positive errno.
    pub errno: i32,
    /// `NLMSGERR_ATTR_MSG` text, if the kernel set one.
    pub extack: Option<String>,
}

impl fmt::Display for EthtoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.op,
            errno_name(self.errno),
            io::Error::from_raw_os_error(self.errno)
        )?;
        if let Some(msg) = &self.extack {
            write!(f, ": {msg}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EthtoolError {}

/// Every failure of [`crate`].
#[derive(Debug)]
pub enum Error {
    /// The kernel answered the request with an error.
    Kernel(EthtoolError),
    /// The socket could not be opened, written or read.
    Io { op: String, source: io::Error },
    /// A message could not be built, or a reply did not have the expected
    /// shape.
    Protocol { op: String, detail: String },
}

/// Result of every client call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The kernel's errno, if the kernel refused the request.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Kernel(e) => Some(e.errno),
            _ => None,
        }
    }

    /// The kernel's extack message, if it refused the request with one.
    pub fn extack(&self) -> Option<&str> {
        match self {
            Error::Kernel(e) => e.extack.as_deref(),
            _ => None,
        }
    }

    /// The kernel error, if this is one.
    pub fn kernel(&self) -> Option<&EthtoolError> {
        match self {
            Error::Kernel(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn io(op: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            op: op.into(),
            source,
        }
    }

    pub(crate) fn protocol(op: impl Into<String>, detail: impl fmt::Display) -> Self {
        Error::Protocol {
            op: op.into(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn kernel_errno(op: impl Into<String>, errno: i32, extack: Option<String>) -> Self {
        Error::Kernel(EthtoolError {
            op: op.into(),
            errno,
            extack,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Kernel(e) => e.fmt(f),
            Error::Io { op, source } => write!(f, "{op}: {source}"),
            Error::Protocol { op, detail } => write!(f, "{op}: {detail}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Kernel(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            Error::Protocol { .. } => None,
        }
    }
}

/// The symbolic name of the errnos ethtool requests meet, for messages.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::E2BIG => "E2BIG",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::ENOSPC => "ENOSPC",
        libc::ERANGE => "ERANGE",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENETDOWN => "ENETDOWN",
        libc::ETIMEDOUT => "ETIMEDOUT",
        // include/linux/errno.h (kernel-internal, leaks to user space).
        524 => "ENOTSUPP",
        _ => return format!("errno {errno}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_errno_and_extack() {
        let e = Error::kernel_errno(
            "ETHTOOL_MSG_RINGS_SET eth0",
            libc::EINVAL,
            Some("ring size must be a multiple of 8".into()),
        );
        assert_eq!(e.errno(), Some(libc::EINVAL));
        assert_eq!(e.extack(), Some("ring size must be a multiple of 8"));
        let s = e.to_string();
        assert!(s.starts_with("ETHTOOL_MSG_RINGS_SET eth0: EINVAL ("), "{s}");
        assert!(s.ends_with(": ring size must be a multiple of 8"), "{s}");
    }

    #[test]
    fn unknown_errno_is_numbered() {
        assert_eq!(errno_name(4095), "errno 4095");
        assert_eq!(errno_name(libc::EOPNOTSUPP), "EOPNOTSUPP");
    }
}
