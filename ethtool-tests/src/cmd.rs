// SPDX-License-Identifier: GPL-2.0
//! Running the host's command-line tools with errors that say what failed.

use std::ffi::OsStr;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

fn describe(prog: &str, args: &[&OsStr]) -> String {
    let mut s = prog.to_owned();
    for a in args {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command and returns its raw output whatever its exit status.
pub fn output<I, S>(prog: &str, args: I) -> Result<(String, Output)>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<S> = args.into_iter().collect();
    let refs: Vec<&OsStr> = args.iter().map(AsRef::as_ref).collect();
    let line = describe(prog, &refs);
    let out = Command::new(prog)
        .args(&refs)
        .output()
        .with_context(|| format!("cannot run `{line}`"))?;
    Ok((line, out))
}

/// Runs a command that must succeed and returns its stdout.
pub fn run<I, S>(prog: &str, args: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let (line, out) = output(prog, args)?;
    if !out.status.success() {
        bail!(
            "`{line}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Like [`run`], but the command's stderr is returned on failure instead of
/// an error, for commands whose refusal is an outcome to report.
pub fn try_run<I, S>(prog: &str, args: I) -> Result<std::result::Result<String, String>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let (_, out) = output(prog, args)?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(Ok(stdout))
    } else {
        Ok(Err(format!(
            "{}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// `ip` with `args`, in network namespace `netns` if given.
pub fn ip(netns: Option<&str>, args: &[&str]) -> Result<String> {
    match netns {
        Some(ns) => run("ip", ["-n", ns].iter().chain(args)),
        None => run("ip", args),
    }
}

/// How long udev may take to drain its queue (debug kernels under TCG are slow).
pub const UDEV_SETTLE_SECS: u32 = 60;

/// Waits for udev to finish processing queued events (interface renames).
/// A guest without udevadm just skips this.
pub fn udev_settle() -> Result<()> {
    match Command::new("udevadm")
        .arg("settle")
        .arg(format!("--timeout={UDEV_SETTLE_SECS}"))
        .status()
    {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!("`udevadm settle` failed ({s}): udev still busy after {UDEV_SETTLE_SECS} s"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).context("running udevadm settle"),
    }
}
