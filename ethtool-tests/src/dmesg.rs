// SPDX-License-Identifier: GPL-2.0
//! Kernel log since a point in time, read from /dev/kmsg by sequence (immune
//! to ring-buffer wrap and to `dmesg -c`).

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;

use anyhow::{Context, Result};

/// Kernel log text that fails a suite's `dmesg-clean` check.
pub const BAD_PATTERNS: &[&str] = &[
    "WARNING:",
    "BUG:",
    "Oops",
    "refcount_t",
    "kmemleak",
    "Call Trace",
];

/// A position in the kernel log.
#[derive(Debug)]
pub struct Cursor {
    kmsg: File,
}

impl Cursor {
    /// Starts after the newest record.
    pub fn now() -> Result<Self> {
        let mut kmsg = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open("/dev/kmsg")
            .context("opening /dev/kmsg")?;
        kmsg.seek(SeekFrom::End(0)).context("seeking /dev/kmsg")?;
        Ok(Self { kmsg })
    }

    /// The message text of every record logged since the last call.
    pub fn read_new(&mut self) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match self.kmsg.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => lines.push(parse_record(&buf[..n])),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                // Records were overwritten before we read them; carry on
                // from the oldest one still there.
                Err(e) if e.raw_os_error() == Some(libc::EPIPE) => lines
                    .push("[re1000-guest: kernel log records lost (ring buffer wrapped)]".into()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e).context("reading /dev/kmsg"),
            }
        }
        Ok(lines)
    }
}

/// `"6,1234,5678,-;text\n KEY=value\n"` → `"text"`.
fn parse_record(rec: &[u8]) -> String {
    let rec = String::from_utf8_lossy(rec);
    let first = rec.lines().next().unwrap_or("");
    match first.split_once(';') {
        Some((_, text)) => text.to_owned(),
        None => first.to_owned(),
    }
}

/// The lines that match one of [`BAD_PATTERNS`].
pub fn offending(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| BAD_PATTERNS.iter().any(|p| l.contains(p)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kmsg_records() {
        assert_eq!(
            parse_record(b"4,812,3791234,-;WARNING: CPU: 1 PID: 77 at foo.c:12\n SUBSYSTEM=pci\n"),
            "WARNING: CPU: 1 PID: 77 at foo.c:12"
        );
    }

    #[test]
    fn finds_offending_lines() {
        let lines: Vec<String> = [
            "e1000 0000:00:09.0 eth0: Intel(R) PRO/1000 Network Connection",
            "refcount_t: underflow; use-after-free.",
            "Call Trace:",
        ]
        .map(String::from)
        .into();
        assert_eq!(offending(&lines), &lines[1..]);
    }
}
