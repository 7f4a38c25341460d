// SPDX-License-Identifier: GPL-2.0
//! The kernel log of a whole test run, read from /dev/kmsg by sequence
//! (immune to `dmesg -c`; a wrapped ring buffer is detected and is itself a
//! failure), split into the scopes that produced it (setup, each case, each
//! suite's end, teardown) so that a case can allow the alarms it provokes
//! without hiding them anywhere else.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;

use anyhow::{Context, Result};

/// Kernel log text that fails a run wherever it appears: the kernel's own
/// reports of bugs, leaks, and lost log records.
pub const BAD_PATTERNS: &[&str] = &[
    "WARNING:",
    "BUG:",
    "Oops",
    "refcount_t",
    "kmemleak",
    "Call Trace",
    // CONFIG_DMA_API_DEBUG (debug kernel): "DMA-API: ... device driver ..."
    "DMA-API",
    // Rate-limited printk: records were dropped, so the log is incomplete.
    "callbacks suppressed",
    "messages suppressed",
    LOST_RECORDS,
];

/// The alarms of the drivers under test (re1000's `dev_err!`/`dev_warn!`
/// texts, the C e1000's hang report and the core's TX watchdog). A case that
/// provokes one on purpose allows it by name ([`crate::suites::Case::allows_log`]);
/// anywhere else it is a failure.
pub const ALARMS: &[&str] = &[
    // net core, dev_watchdog(): "NETDEV WATCHDOG: eth0 (re1000): transmit queue 0 timed out"
    "NETDEV WATCHDOG",
    // re1000 (drivers/re1000/) and the C e1000
    "TX timeout",
    "Detected Tx Unit Hang",
    "reset failed",
    "EEPROM read failed",
    "EEPROM checksum is invalid",
    "invalid MAC address",
    "EEPROM write not verified",
    "could not reopen after self-test",
    "stop before self-test",
    "loopback test: PHY control register",
    "register dump: PHY register",
    "reading the statistics registers",
    "more than in flight",
    "lost track of a packet",
    "BQL reset with NAPI on",
    "no watchdog to reset",
    "is invalid (",
    "Reset adapter",
];

/// Allowed in cases that take the dut's link down: the C e1000's watchdog
/// resets the MAC when the link is lost with transmit work queued
/// (`e1000_watchdog` → `e1000_reset_task`, "Reset adapter"), by design.
pub const C_LINK_LOSS_RESET: &[&str] = &["Reset adapter"];

/// What [`Cursor::read_new`] returns in place of records the ring buffer
/// overwrote before they were read.
pub const LOST_RECORDS: &str = "[re1000-guest: kernel log records lost (ring buffer wrapped)]";

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
                Err(e) if e.raw_os_error() == Some(libc::EPIPE) => lines.push(LOST_RECORDS.into()),
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

/// The lines that match one of [`BAD_PATTERNS`], or one of [`ALARMS`] that
/// is not in `allowed`.
pub fn offending(lines: &[String], allowed: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| {
            BAD_PATTERNS.iter().any(|p| l.contains(p))
                || ALARMS
                    .iter()
                    .any(|p| l.contains(p) && !allowed.iter().any(|a| l.contains(a)))
        })
        .cloned()
        .collect()
}

/// One offending line and the scope that logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offence {
    /// `suite::case`, `suite` (its end-of-suite checks) or a run phase.
    pub scope: String,
    pub line: String,
}

/// The kernel log of a whole run, read at every scope boundary.
#[derive(Debug)]
pub struct Watch {
    cursor: Cursor,
    offences: Vec<Offence>,
}

impl Watch {
    /// Starts watching at the newest record.
    pub fn start() -> Result<Self> {
        Ok(Self {
            cursor: Cursor::now()?,
            offences: Vec::new(),
        })
    }

    /// Attributes everything logged since the last call to `scope`, where
    /// the alarms in `allowed` are expected; returns how many lines offended.
    pub fn close_scope(&mut self, scope: &str, allowed: &[&str]) -> Result<usize> {
        let lines = self.cursor.read_new()?;
        let bad = offending(&lines, allowed);
        let n = bad.len();
        self.offences.extend(bad.into_iter().map(|line| Offence {
            scope: scope.to_owned(),
            line,
        }));
        Ok(n)
    }

    /// Removes and returns the offences of scopes for which `mine` is true.
    pub fn take(&mut self, mine: impl Fn(&str) -> bool) -> Vec<Offence> {
        let (taken, kept) = self.offences.drain(..).partition(|o| mine(&o.scope));
        self.offences = kept;
        taken
    }
}

/// `N offending kernel log line(s):` and the lines, each with its scope.
pub fn describe(offences: &[Offence]) -> String {
    let mut s = format!("{} offending kernel log line(s):", offences.len());
    for o in offences {
        s.push_str(&format!("\n[{}] {}", o.scope, o.line));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_kmsg_records() {
        assert_eq!(
            parse_record(b"4,812,3791234,-;WARNING: CPU: 1 PID: 77 at foo.c:12\n SUBSYSTEM=pci\n"),
            "WARNING: CPU: 1 PID: 77 at foo.c:12"
        );
    }

    #[test]
    fn finds_offending_lines() {
        let l = lines(&[
            "e1000 0000:00:09.0 eth0: Intel(R) PRO/1000 Network Connection",
            "refcount_t: underflow; use-after-free.",
            "Call Trace:",
        ]);
        assert_eq!(offending(&l, &[]), &l[1..]);
    }

    #[test]
    fn driver_alarms_fail_unless_allowed() {
        let l = lines(&[
            "re1000 0000:00:09.0: enp0s9: Detected Tx Unit Hang, resetting",
            "re1000 0000:00:09.0: EEPROM write not verified: the device kept its old contents",
            "e1000 0000:00:0a.0 eth1: Reset adapter",
        ]);
        assert_eq!(offending(&l, &[]), l);
        assert_eq!(
            offending(&l, &["EEPROM write not verified"]),
            [l[0].clone(), l[2].clone()]
        );
    }

    #[test]
    fn allowing_an_alarm_never_hides_a_bug() {
        let l = lines(&["BUG: TX timeout in the middle of a WARNING"]);
        assert_eq!(offending(&l, &["TX timeout"]), l);
    }

    /// The format string of each `dev_err!`/`dev_warn!` in `src`: the macro's first
    /// string literal.
    fn driver_alarm_formats(src: &str) -> Vec<&str> {
        let calls = src
            .match_indices("dev_err!(")
            .chain(src.match_indices("dev_warn!("));
        calls
            .filter_map(|(at, _)| {
                let rest = &src[at..];
                let open = rest.find('"')? + 1;
                let len = rest[open..].find('"')?;
                Some(&rest[open..open + len])
            })
            .collect()
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable driver source") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every error or warning re1000 can log is an alarm the suites fail on unless a
    /// case allows it: a new `dev_err!` cannot slip past dmesg-clean unseen.
    #[test]
    fn every_driver_error_and_warning_is_an_alarm() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../drivers/re1000");
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        let mut seen = 0;
        for file in files {
            let src = std::fs::read_to_string(&file).expect("readable driver source");
            for format in driver_alarm_formats(&src) {
                seen += 1;
                // An alarm is matched in the printed line, so it must be fixed text.
                assert!(
                    ALARMS
                        .iter()
                        .any(|a| format.contains(a) && !a.contains('{')),
                    "{}: the driver logs \"{format}\", which no entry of ALARMS matches",
                    file.display()
                );
            }
        }
        // The scan found the driver's messages (not an empty or moved tree).
        assert!(seen >= 15, "only {seen} dev_err!/dev_warn! messages found");
    }

    #[test]
    fn driver_alarm_formats_are_the_first_literals() {
        let src = r#"dev_err!(self.pdev, "{}: TX completed {} bytes\n", a, "x");
            dev_warn!(pdev, "{}={} is invalid ({:?})\n", x);"#;
        assert_eq!(
            driver_alarm_formats(src),
            ["{}: TX completed {} bytes\\n", "{}={} is invalid ({:?})\\n"]
        );
    }

    #[test]
    fn lost_records_and_suppressed_messages_fail() {
        let l = lines(&[
            LOST_RECORDS,
            "net_ratelimit: 12 callbacks suppressed",
            "printk: 3 messages suppressed",
        ]);
        assert_eq!(offending(&l, &[]), l);
    }
}
