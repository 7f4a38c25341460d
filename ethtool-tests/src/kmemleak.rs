// SPDX-License-Identifier: GPL-2.0
//! kmemleak (debug kernels only): clear at suite start, scan and read after.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::cmd;

const KMEMLEAK: &str = "/sys/kernel/debug/kmemleak";

/// kmemleak never reports an object younger than `MSECS_MIN_AGE` (5000 ms,
/// mm/kmemleak.c): what a suite leaked in its last seconds is only visible
/// after this long. A wait for an age, not for an event.
const MIN_AGE: Duration = Duration::from_millis(5000 + 1000);

/// Handle to the kmemleak control file.
#[derive(Debug)]
pub struct Kmemleak(());

impl Kmemleak {
    /// Mounts debugfs if needed; fails if the kernel has no kmemleak.
    pub fn open() -> Result<Self> {
        if !Path::new(KMEMLEAK).exists() {
            // Fails harmlessly if debugfs is already mounted.
            let _ = cmd::run("mount", ["-t", "debugfs", "debugfs", "/sys/kernel/debug"]);
        }
        if !Path::new(KMEMLEAK).exists() {
            bail!("{KMEMLEAK} missing: kernel without CONFIG_DEBUG_KMEMLEAK (use the debug flavour) or kmemleak disabled at boot");
        }
        Ok(Self(()))
    }

    fn command(&self, what: &str) -> Result<()> {
        fs::write(KMEMLEAK, what).with_context(|| format!("echo {what} > {KMEMLEAK}"))
    }

    /// Forgets leaks reported so far.
    pub fn clear(&self) -> Result<()> {
        self.command("clear")
    }

    /// Waits until everything allocated so far is old enough to be reported,
    /// scans twice (mm/kmemleak.c does not report an unreferenced object
    /// whose contents changed since the previous scan, `update_checksum()`:
    /// the first scan records the checksum, the second reports) and returns
    /// the report (empty: no new unreferenced objects).
    pub fn scan(&self) -> Result<String> {
        thread::sleep(MIN_AGE);
        self.command("scan")?;
        self.command("scan")?;
        let report = fs::read_to_string(KMEMLEAK).with_context(|| format!("reading {KMEMLEAK}"))?;
        Ok(report)
    }
}
