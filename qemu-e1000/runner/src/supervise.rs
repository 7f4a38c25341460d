// SPDX-License-Identifier: GPL-2.0
//! Runs vng in its own process group, streams its output, enforces the
//! hard timeout and forwards Ctrl-C/SIGTERM as a kill of the whole group.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::tail::Tail;

const POLL: Duration = Duration::from_millis(50);

/// How the run ended.
pub enum Outcome {
    Exited(ExitStatus),
    TimedOut,
    Signalled(i32),
}

static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNAL.store(sig, Ordering::SeqCst);
}

fn install_signal_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(sig, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// QEMU processes in process group `pgid`.
fn qemu_pids(pgid: u32) -> Vec<libc::pid_t> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // "pid (comm) state ppid pgrp ..."; comm may contain anything.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                return false;
            };
            let comm = &stat[open + 1..close];
            let pgrp = stat[close + 1..].split_whitespace().nth(2);
            comm.starts_with("qemu-system") && pgrp == Some(pgid.to_string().as_str())
        })
        .collect()
}

/// Asks QEMU (only) to exit, so vng still collects the guest's exit status.
fn terminate_qemu(pgid: u32) -> bool {
    let pids = qemu_pids(pgid);
    for &pid in &pids {
        // SAFETY: plain syscall on a pid we just found in our process group.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    !pids.is_empty()
}

/// Kills every process in the group (vng, its shell, virtme-run, QEMU).
pub fn kill_group(pgid: u32) {
    // SAFETY: plain syscall; a negative pid addresses the process group.
    unsafe {
        libc::kill(-(pgid as libc::pid_t), libc::SIGKILL);
    }
}

/// Where each output line goes besides the tail buffer.
pub struct Sinks {
    pub tail: Arc<Tail>,
    pub log: Option<Arc<Mutex<File>>>,
}

fn pipe_reader<R: Read + Send + 'static>(src: R, sinks: &Sinks) -> JoinHandle<()> {
    let tail = Arc::clone(&sinks.tail);
    let log = sinks.log.clone();
    thread::spawn(move || {
        let mut r = BufReader::new(src);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim_end_matches(['\n', '\r']);
            if !tail.push(line) {
                continue;
            }
            {
                let mut out = io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            if let Some(log) = &log {
                let mut f = log.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(f, "{line}");
            }
        }
    })
}

/// Starts `cmd` with stdin from /dev/null (vng crashes without a stdin) in a
/// new process group; both output streams are copied to our stdout.
pub fn spawn(mut cmd: Command, sinks: &Sinks) -> Result<(Child, Vec<JoinHandle<()>>)> {
    install_signal_handlers();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().context("starting vng")?;
    let out = child.stdout.take().context("vng stdout")?;
    let err = child.stderr.take().context("vng stderr")?;
    let readers = vec![pipe_reader(out, sinks), pipe_reader(err, sinks)];
    Ok((child, readers))
}

/// After a guest halt, how long QEMU gets to exit on SIGTERM.
const HALT_GRACE: Duration = Duration::from_secs(10);

/// Waits for the child until `timeout`; on expiry or on a signal to us the
/// whole process group is killed. Reader threads are joined afterwards.
///
/// A guest kernel that halts instead of powering off leaves QEMU running;
/// then QEMU alone is terminated and vng reports the guest command's status,
/// which the guest wrote before halting.
pub fn wait(
    child: &mut Child,
    readers: Vec<JoinHandle<()>>,
    timeout: Duration,
    tail: &Tail,
) -> Result<Outcome> {
    let deadline = Instant::now() + timeout;
    let mut halt_seen: Option<Instant> = None;
    let outcome = loop {
        if let Some(status) = child.try_wait().context("waiting for vng")? {
            break Outcome::Exited(status);
        }
        let sig = SIGNAL.load(Ordering::SeqCst);
        if sig != 0 {
            kill_group(child.id());
            break Outcome::Signalled(sig);
        }
        if Instant::now() >= deadline {
            kill_group(child.id());
            break Outcome::TimedOut;
        }
        match halt_seen {
            None if tail.halted() => {
                halt_seen = Some(Instant::now());
                terminate_qemu(child.id());
            }
            Some(t) if t.elapsed() > HALT_GRACE => kill_group(child.id()),
            _ => {}
        }
        thread::sleep(POLL);
    };
    // vng waits for QEMU, but make sure nothing of the group outlives the run
    // (and holds our pipes open).
    kill_group(child.id());
    let _ = child.wait();
    for r in readers {
        let _ = r.join();
    }
    Ok(outcome)
}

/// The exit code a shell would report for `status`.
pub fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}
