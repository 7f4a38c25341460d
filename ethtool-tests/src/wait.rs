// SPDX-License-Identifier: GPL-2.0
//! Polling with deadlines: every wait in the tests goes through here.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

/// Poll interval.
pub const STEP: Duration = Duration::from_millis(20);

/// Calls `probe` every [`STEP`] until it returns `Ok(Some(_))` or `timeout`
/// passes. `Ok(None)` and `Err` both mean "not yet"; the last error is part of
/// the timeout message.
pub fn poll<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    let mut last_err = None;
    loop {
        match probe() {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_err = Some(e),
        }
        if start.elapsed() >= timeout {
            let mut msg = format!(
                "timed out after {:.1} s waiting for {what}",
                timeout.as_secs_f64()
            );
            if let Some(e) = last_err {
                msg.push_str(&format!(" (last error: {e:#})"));
            }
            return Err(anyhow!(msg));
        }
        thread::sleep(STEP);
    }
}

/// [`poll`] for a condition.
pub fn until(what: &str, timeout: Duration, mut cond: impl FnMut() -> Result<bool>) -> Result<()> {
    poll(what, timeout, || Ok(cond()?.then_some(())))
}
