// SPDX-License-Identifier: GPL-2.0
//! The host side's count of one guest run: every result of the plan
//! ([`crate::suites::plan`]) is found in the run's log or counted as failed,
//! skips are accepted only where the plan declares them, and the VM
//! runner's exit status is a result of its own (`vm::exit-status`), so that
//! a crash or timeout after a clean report is a failure and the number of
//! results is the same for every run of one configuration.

use std::collections::HashMap;

use crate::suites::Planned;

/// The result that stands for the VM runner's exit status.
pub const EXIT_STATUS_ID: &str = "vm::exit-status";

/// How one result was reported in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ok,
    Fail,
    Skip,
}

/// What the guest's `RESULT passed=N failed=N skipped=N` line said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Summary {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// The count of one run, and the failures with their reasons.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// `(id, why)` of every failed result.
    pub failures: Vec<(String, String)>,
}

impl Tally {
    fn fail(&mut self, id: &str, why: impl Into<String>) {
        self.failed += 1;
        self.failures.push((id.to_owned(), why.into()));
    }
}

/// What starts every line re1000-vm prints itself.
const RUNNER_PREFIX: &str = "[vm]";

/// Result markers as `report.rs` prints them.
const MARKERS: [(&str, Kind); 3] = [
    ("ok ", Kind::Ok),
    ("FAIL ", Kind::Fail),
    ("skip ", Kind::Skip),
];

/// The `(kind, id)` a log line reports, if any: the first marker that starts
/// a word and is followed by a `suite::case` id (console noise may come
/// first on the line). `#` lines are notes and continuation lines.
fn result_of(line: &str) -> Option<(Kind, &str)> {
    if line.trim_start().starts_with('#') {
        return None;
    }
    let mut best: Option<(usize, Kind, &str)> = None;
    for (m, kind) in MARKERS {
        let mut from = 0;
        while let Some(pos) = line[from..].find(m) {
            let at = from + pos;
            from = at + m.len();
            if at > 0 && !line[..at].ends_with(|c: char| !c.is_alphanumeric()) {
                continue;
            }
            let rest = &line[at + m.len()..];
            let id = rest.split_whitespace().next().unwrap_or("");
            let id = id.strip_suffix(':').unwrap_or(id);
            if id.contains("::") {
                if best.is_none_or(|(b, _, _)| at < b) {
                    best = Some((at, kind, id));
                }
                break;
            }
        }
    }
    best.map(|(_, kind, id)| (kind, id))
}

fn summary_of(line: &str) -> Option<Summary> {
    let pos = line.find("RESULT passed=")?;
    let mut s = Summary::default();
    for kv in line[pos + "RESULT ".len()..].split_whitespace() {
        let (k, v) = kv.split_once('=')?;
        let v = v.parse().ok()?;
        match k {
            "passed" => s.passed = v,
            "failed" => s.failed = v,
            "skipped" => s.skipped = v,
            _ => return None,
        }
    }
    Some(s)
}

/// What the VM runner's exit status means.
pub fn describe_status(status: i32) -> String {
    match status {
        0 => "0".into(),
        1 => "1 (the guest reported failures)".into(),
        2 => "2 (the guest runner stopped with an error)".into(),
        123 => "123 (the guest kernel crashed)".into(),
        124 => "124 (timeout)".into(),
        125 => "125 (re1000-vm itself failed)".into(),
        n if n > 128 => format!("{n} (killed by signal {})", n - 128),
        n => n.to_string(),
    }
}

/// Counts the run whose log is `log` and whose runner exited with `status`
/// against `plan`.
pub fn tally(plan: &[Planned], log: &str, status: i32) -> Tally {
    let mut reported: HashMap<&str, Vec<Kind>> = HashMap::new();
    let mut reasons: HashMap<&str, &str> = HashMap::new();
    let mut order = Vec::new();
    let mut summary = None;
    // re1000-vm's own lines, among them its replay of the guest's last lines
    // after a crash or timeout, which must not count twice.
    for line in log
        .lines()
        .filter(|l| !l.trim_start().starts_with(RUNNER_PREFIX))
    {
        if let Some((kind, id)) = result_of(line) {
            if !reported.contains_key(id) {
                order.push(id);
            }
            reported.entry(id).or_default().push(kind);
            if kind == Kind::Fail {
                if let Some((_, why)) = line.split_once(&format!("{id}: ")) {
                    reasons.entry(id).or_insert(why);
                }
            }
        } else if let Some(s) = summary_of(line) {
            summary = Some(s);
        }
    }

    let mut t = Tally::default();
    let mut seen = Summary::default();
    for p in plan {
        let kinds = reported
            .get(p.id.as_str())
            .map_or(&[][..], |v| v.as_slice());
        for k in kinds {
            match k {
                Kind::Ok => seen.passed += 1,
                Kind::Fail => seen.failed += 1,
                Kind::Skip => seen.skipped += 1,
            }
        }
        match (kinds, p.skip) {
            ([], _) => t.fail(&p.id, "not run (no result in the log)"),
            ([_, _, ..], _) => t.fail(&p.id, format!("reported {} times", kinds.len())),
            ([Kind::Ok], None) => t.passed += 1,
            ([Kind::Fail], _) => {
                let why = reasons.get(p.id.as_str()).copied().unwrap_or("failed");
                t.fail(&p.id, why)
            }
            ([Kind::Skip], Some(_)) => t.skipped += 1,
            ([Kind::Skip], None) => t.fail(&p.id, "skipped, but no skip is declared for it"),
            ([Kind::Ok], Some(why)) => t.fail(&p.id, format!("ran, but the plan skips it ({why})")),
        }
    }
    for id in order {
        if !plan.iter().any(|p| p.id == id) {
            t.fail(id, "reported, but not in the plan");
        }
    }

    let want_status = match summary {
        Some(s) if s.failed > 0 => 1,
        _ => 0,
    };
    let exit_problem = match summary {
        None => Some("the guest printed no RESULT line".to_owned()),
        Some(s) if s != seen => Some(format!(
            "RESULT says passed={} failed={} skipped={}, the planned results in the log \
             passed={} failed={} skipped={}",
            s.passed, s.failed, s.skipped, seen.passed, seen.failed, seen.skipped
        )),
        Some(_) if status != want_status => Some(format!(
            "re1000-vm exited {}, expected {want_status}",
            describe_status(status)
        )),
        Some(_) => None,
    };
    match exit_problem {
        Some(why) => t.fail(EXIT_STATUS_ID, why),
        None => t.passed += 1,
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(ids: &[(&str, Option<&'static str>)]) -> Vec<Planned> {
        ids.iter()
            .map(|(id, skip)| Planned {
                id: id.to_string(),
                skip: *skip,
            })
            .collect()
    }

    fn p3() -> Vec<Planned> {
        plan(&[
            ("a::x", None),
            ("a::y", Some("C driver oopses")),
            ("a::dmesg-clean", None),
        ])
    }

    const GOOD: &str = "\
[vm] booting
ok a::x
skip a::y: C driver oopses
ok a::dmesg-clean
RESULT passed=2 failed=0 skipped=1
";

    #[test]
    fn a_clean_run_passes_every_planned_result() {
        let t = tally(&p3(), GOOD, 0);
        assert_eq!(
            (t.passed, t.failed, t.skipped),
            (3, 0, 1),
            "{:?}",
            t.failures
        );
    }

    #[test]
    fn a_crash_after_result_is_a_failure() {
        let t = tally(&p3(), GOOD, 123);
        assert_eq!((t.passed, t.failed, t.skipped), (2, 1, 1));
        assert_eq!(t.failures[0].0, EXIT_STATUS_ID);
        assert!(t.failures[0].1.contains("crashed"), "{:?}", t.failures);
        let t = tally(&p3(), GOOD, 124);
        assert!(t.failures[0].1.contains("timeout"));
    }

    #[test]
    fn the_runners_replay_of_the_last_lines_does_not_count() {
        let log = format!(
            "{GOOD}[vm] guest kernel crashed (Oops: invalid opcode); last 60 lines:\n\
             [vm] | ok a::x\n[vm] | RESULT passed=9 failed=0 skipped=0\n"
        );
        let t = tally(&p3(), &log, 123);
        assert_eq!(
            (t.passed, t.failed, t.skipped),
            (2, 1, 1),
            "{:?}",
            t.failures
        );
        assert!(t.failures[0].1.contains("123 (the guest kernel crashed)"));
    }

    #[test]
    fn cases_that_never_reported_fail_and_the_count_stays_the_same() {
        let half = "ok a::x\n[vm] TIMEOUT\n";
        let t = tally(&p3(), half, 124);
        assert_eq!(t.passed + t.failed + t.skipped, 4);
        let ids: Vec<&str> = t.failures.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(ids, ["a::y", "a::dmesg-clean", EXIT_STATUS_ID]);
    }

    #[test]
    fn undeclared_skips_and_unplanned_results_fail() {
        let log = "ok a::x\nskip a::y: why\nskip a::dmesg-clean: no monitor\nok a::extra\n\
                   RESULT passed=2 failed=0 skipped=2\n";
        let t = tally(&p3(), log, 0);
        let ids: Vec<&str> = t.failures.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(ids, ["a::dmesg-clean", "a::extra", EXIT_STATUS_ID]);
    }

    #[test]
    fn a_failure_needs_exit_status_one() {
        let log = "ok a::x\nskip a::y: w\nFAIL a::dmesg-clean: 1 offending line\n\
                   RESULT passed=1 failed=1 skipped=1\n";
        let t = tally(&p3(), log, 1);
        assert_eq!(
            (t.passed, t.failed, t.skipped),
            (2, 1, 1),
            "{:?}",
            t.failures
        );
        let t = tally(&p3(), log, 0);
        assert_eq!(t.failed, 2);
    }

    #[test]
    fn duplicates_and_a_skipped_case_that_ran_fail() {
        let log =
            "ok a::x\nok a::x\nok a::y\nok a::dmesg-clean\nRESULT passed=4 failed=0 skipped=0\n";
        let t = tally(&p3(), log, 0);
        let ids: Vec<&str> = t.failures.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(ids, ["a::x", "a::y"]);
    }

    #[test]
    fn markers_after_console_noise_count_but_not_inside_words() {
        assert_eq!(result_of("\r[  3.1] ok a::x"), Some((Kind::Ok, "a::x")));
        assert_eq!(
            result_of("FAIL a::x: because ok b::y"),
            Some((Kind::Fail, "a::x"))
        );
        assert_eq!(result_of("book a::x"), None);
        assert_eq!(result_of("# a::x: ok then"), None);
        assert_eq!(result_of("#   FAIL b::y: quoted"), None);
    }
}
