// SPDX-License-Identifier: GPL-2.0
//! Result lines: `ok S::C`, `FAIL S::C: reason`, `skip S::C: reason`,
//! informational `# ...` lines, and one closing `RESULT passed=N failed=N skipped=N`.

use std::io::Write;

/// Counts results and prints them as they happen.
#[derive(Debug, Default)]
pub struct Reporter {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Prints the first line of `text` after `head`, the rest as `#   ` lines.
fn emit_multiline(head: &str, text: &str) {
    let mut lines = text.lines();
    emit(&format!("{head}: {}", lines.next().unwrap_or("")));
    for l in lines {
        emit(&format!("#   {l}"));
    }
}

impl Reporter {
    pub fn ok(&mut self, suite: &str, case: &str) {
        self.passed += 1;
        emit(&format!("ok {suite}::{case}"));
    }

    pub fn fail(&mut self, suite: &str, case: &str, reason: &str) {
        self.failed += 1;
        emit_multiline(&format!("FAIL {suite}::{case}"), reason);
    }

    pub fn skip(&mut self, suite: &str, case: &str, reason: &str) {
        self.skipped += 1;
        emit_multiline(&format!("skip {suite}::{case}"), reason);
    }

    /// The closing line.
    pub fn finish(&self) {
        emit(&format!(
            "RESULT passed={} failed={} skipped={}",
            self.passed, self.failed, self.skipped
        ));
    }
}

/// A note that is not a result (outcomes worth reporting, timings).
pub fn info(suite: &str, case: &str, msg: &str) {
    emit_multiline(&format!("# {suite}::{case}"), msg);
}

/// A free-form `# msg` line.
pub fn note(msg: &str) {
    emit(&format!("# {msg}"));
}
