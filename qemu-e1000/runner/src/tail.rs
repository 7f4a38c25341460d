// SPDX-License-Identifier: GPL-2.0
//! Keeps the last lines of the guest's output and notices kernel crashes.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Console markers that mean the guest kernel crashed or hit a bug.
pub const CRASH_MARKERS: &[&str] = &["Kernel panic", "BUG:", "Oops"];

/// Console lines of a guest kernel that stopped without powering QEMU off
/// (an x86 kernel without ACPI halts on `poweroff`).
pub const HALT_MARKERS: &[&str] = &["reboot: System halted", "System halted instead"];

/// A bounded buffer of recent lines, shared by the output reader threads.
#[derive(Debug)]
pub struct Tail {
    cap: usize,
    exit_marker: String,
    inner: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    lines: VecDeque<String>,
    crash: Option<String>,
    halted: bool,
    exit_status: Option<i32>,
}

impl Tail {
    /// `exit_marker` starts the line the guest wrapper prints with the
    /// command's exit status (see `re1000_vm::shell::guest_command`).
    pub fn new(cap: usize, exit_marker: &str) -> Self {
        Self {
            cap,
            exit_marker: exit_marker.to_owned(),
            inner: Mutex::new(State::default()),
        }
    }

    /// Records one line; remembers the first crash marker seen. Returns
    /// `false` for the exit-status line, which is not guest output.
    pub fn push(&self, line: &str) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pos) = line.find(&self.exit_marker) {
            let rest = &line[pos + self.exit_marker.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                s.exit_status = Some(n);
                return false;
            }
        }
        if s.crash.is_none() && CRASH_MARKERS.iter().any(|m| line.contains(m)) {
            s.crash = Some(line.to_owned());
        }
        if HALT_MARKERS.iter().any(|m| line.contains(m)) {
            s.halted = true;
        }
        if s.lines.len() == self.cap {
            s.lines.pop_front();
        }
        s.lines.push_back(line.to_owned());
        true
    }

    /// The guest command's exit status, if its wrapper reported one.
    pub fn exit_status(&self) -> Option<i32> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .exit_status
    }

    /// The first line that contained a crash marker, if any.
    pub fn crash(&self) -> Option<String> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .crash
            .clone()
    }

    /// Whether the guest kernel said it halted.
    pub fn halted(&self) -> bool {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).halted
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        let s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.lines.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_last_lines_and_first_crash() {
        let t = Tail::new(2, "@@exit:");
        t.push("a");
        t.push("[    3.1] BUG: unable to handle page fault");
        t.push("c");
        t.push("Kernel panic - not syncing: Fatal exception");
        assert_eq!(
            t.lines(),
            ["c", "Kernel panic - not syncing: Fatal exception"]
        );
        assert_eq!(
            t.crash().as_deref(),
            Some("[    3.1] BUG: unable to handle page fault")
        );
    }

    #[test]
    fn ordinary_lines_are_no_crash() {
        let t = Tail::new(4, "@@exit:");
        t.push("ok bringup::carrier");
        assert_eq!(t.crash(), None);
        assert!(!t.halted());
        t.push("[   9.1] reboot: Power off not available: System halted instead");
        assert!(t.halted());
    }
}

#[cfg(test)]
mod exit_tests {
    use super::*;

    #[test]
    fn exit_marker_is_taken_out() {
        let t = Tail::new(4, "@@exit:");
        assert!(t.push("RESULT passed=1 failed=0 skipped=0"));
        assert!(!t.push("@@exit:3"));
        assert_eq!(t.exit_status(), Some(3));
        assert_eq!(t.lines(), ["RESULT passed=1 failed=0 skipped=0"]);
    }
}
