// SPDX-License-Identifier: GPL-2.0
//! Running a closure inside a network namespace: a short-lived thread
//! enters the namespace (`setns(2)` affects only the calling thread) and
//! runs it. Sockets created there stay in that namespace, so the peer's
//! sockets can be made here and used from any thread.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::thread;

use anyhow::{anyhow, Context, Result};

/// Runs `f` in network namespace `ns` (as `ip netns` names it).
pub fn run<T, F>(ns: &str, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    let path = format!("/run/netns/{ns}");
    thread::spawn(move || {
        let nsf = File::open(&path).with_context(|| format!("opening {path}"))?;
        // SAFETY: plain syscall on a valid descriptor; it changes only this
        // thread's network namespace, and the thread ends after `f`.
        if unsafe { libc::setns(nsf.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
            return Err(io::Error::last_os_error()).with_context(|| format!("setns {path}"));
        }
        f()
    })
    .join()
    .map_err(|_| anyhow!("thread in netns {ns} panicked"))?
}

/// Writes a sysctl file (`/proc/sys/...`) of namespace `ns` (`None`: here).
pub fn write_sysctl(ns: Option<&str>, path: &str, value: &str) -> Result<()> {
    let (path, value) = (path.to_owned(), value.to_owned());
    let w =
        move || std::fs::write(&path, &value).with_context(|| format!("writing {value} to {path}"));
    match ns {
        Some(ns) => run(ns, w),
        None => w(),
    }
}
