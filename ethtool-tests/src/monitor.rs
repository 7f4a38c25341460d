// SPDX-License-Identifier: GPL-2.0
//! QEMU's human monitor (HMP) from inside the guest, through the
//! `re1000.monitor` virtio-serial port that `re1000-vm` relays to QEMU.
//!
//! The relay connection lives as long as QEMU, across many guest
//! open/close cycles, so output of earlier commands may still be waiting in
//! the port. Each request therefore starts with a unique unknown command as
//! a sync marker, and only what follows QEMU's complaint about it counts.
//! QEMU's readline redraws the echoed command with terminal escapes, so the
//! echo is skipped as "everything up to the end of the prompt's line".

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use re1000_topology::MONITOR_PORT;

const PROMPT: &str = "(qemu) ";

/// The guest device of the monitor port, if the runner created one.
pub fn port_path() -> Option<PathBuf> {
    let by_name = Path::new("/dev/virtio-ports").join(MONITOR_PORT);
    if by_name.exists() {
        return Some(by_name);
    }
    // Without udev's symlinks the port is only /dev/vportNpM; its name is in sysfs.
    for ent in fs::read_dir("/sys/class/virtio-ports").ok()?.flatten() {
        let name = fs::read_to_string(ent.path().join("name")).unwrap_or_default();
        if name.trim() == MONITOR_PORT {
            let dev = Path::new("/dev").join(ent.file_name());
            if dev.exists() {
                return Some(dev);
            }
        }
    }
    None
}

/// Waits up to `timeout` for the port to become readable.
fn readable(f: &File, timeout: Duration) -> Result<bool> {
    let mut pfd = libc::pollfd {
        fd: f.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut pfd, 1, ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(false);
        }
        return Err(e).context("poll on the monitor port");
    }
    Ok(n > 0)
}

/// Runs one HMP command and returns its output (without echo and prompt).
pub fn hmp(command: &str, timeout: Duration) -> Result<String> {
    if command.contains('\n') {
        bail!("one HMP command per call");
    }
    let path = port_path().with_context(|| {
        format!("no virtio port {MONITOR_PORT}: run under re1000-vm without --no-monitor")
    })?;
    let mut port = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let marker = format!("re1000-sync-{}-{nonce}", std::process::id());
    port.write_all(format!("{marker}\n{command}\n").as_bytes())
        .with_context(|| format!("writing to {}", path.display()))?;

    let deadline = Instant::now() + timeout;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&raw).replace('\r', "");
        if let Some(out) = parse_reply(&text, &marker) {
            return Ok(out);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let plain = strip_escapes(&text);
            let start = plain.len().saturating_sub(300);
            let start = (start..plain.len())
                .find(|&i| plain.is_char_boundary(i))
                .unwrap_or(plain.len());
            bail!(
                "no reply from QEMU's monitor to {command:?} within {timeout:?}; last output: {:?}",
                &plain[start..]
            );
        }
        if readable(&port, left.min(Duration::from_millis(200)))? {
            let n = port.read(&mut buf).context("reading the monitor port")?;
            raw.extend_from_slice(&buf[..n]);
        }
    }
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
        } else if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    out
}

/// After QEMU's "unknown command" for `marker` come a prompt, the (redrawn)
/// echo of our command up to a newline, the command's output and the next
/// prompt; returns that output.
fn parse_reply(text: &str, marker: &str) -> Option<String> {
    let complaint = format!("unknown command: '{marker}'");
    let rest = &text[text.find(&complaint)? + complaint.len()..];
    let rest = &rest[rest.find(PROMPT)? + PROMPT.len()..];
    let rest = &rest[rest.find('\n')? + 1..];
    let end = rest.find(PROMPT)?;
    Some(strip_escapes(&rest[..end]).trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ECHO: &str = "s\x1b[K\x1b[Dse\x1b[K\x1b[D\x1b[Dset_link nic1 off\x1b[K\n";

    #[test]
    fn reply_after_stale_output() {
        let text = format!(
            "QEMU 7.2.22 monitor - type 'help' for more information\n(qemu) info status\n\
             VM status: running\n(qemu) r\x1b[K\x1b[Dre1000-sync-1-2\x1b[K\n\
             unknown command: 're1000-sync-1-2'\n(qemu) {ECHO}hub 0\n \\ p1: nic1\n(qemu) "
        );
        assert_eq!(
            parse_reply(&text, "re1000-sync-1-2").as_deref(),
            Some("hub 0\n \\ p1: nic1")
        );
    }

    #[test]
    fn incomplete_reply_waits() {
        let text = "unknown command: 're1000-sync-1-2'\n(qemu) set_link nic1 o";
        assert_eq!(parse_reply(text, "re1000-sync-1-2"), None);
        let text = format!("unknown command: 're1000-sync-1-2'\n(qemu) {ECHO}");
        assert_eq!(parse_reply(&text, "re1000-sync-1-2"), None);
    }

    #[test]
    fn empty_output() {
        let text = format!("unknown command: 're1000-sync-1-2'\n(qemu) {ECHO}(qemu) ");
        assert_eq!(parse_reply(&text, "re1000-sync-1-2").as_deref(), Some(""));
    }

    #[test]
    fn strips_escapes() {
        assert_eq!(strip_escapes("a\x1b[Kb\x1b[12Dc"), "abc");
    }
}
