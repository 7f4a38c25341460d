// SPDX-License-Identifier: GPL-2.0
//! Test suites and the loop that runs them, with the kernel-log (and, on
//! debug kernels, kmemleak) check after every suite.

pub mod bringup;
pub mod datapath;
pub mod ethtool;
pub mod link;
pub mod stress;

use std::time::Instant;

use anyhow::Result;

use crate::dmesg;
use crate::kmemleak::Kmemleak;
use crate::report::{self, Reporter};
use crate::topology::Topology;

/// What a passing or skipped case returns; a failing case returns `Err`.
#[derive(Debug)]
pub enum Verdict {
    Pass,
    Skip(String),
}

/// The result of one case.
pub type CaseResult = Result<Verdict>;

/// What a case gets to work with.
pub struct Ctx<'a> {
    pub topo: &'a mut Topology,
    pub suite: &'static str,
    pub case: &'static str,
}

impl Ctx<'_> {
    /// Prints a `# suite::case: msg` line.
    pub fn info(&self, msg: &str) {
        report::info(self.suite, self.case, msg);
    }

    /// The driver under test (bound to the dut).
    pub fn driver(&self) -> String {
        self.topo.dut.driver.clone()
    }
}

/// One test case.
pub struct Case {
    pub name: &'static str,
    pub run: fn(&mut Ctx<'_>) -> CaseResult,
}

/// A named list of cases, run in order.
pub struct Suite {
    pub name: &'static str,
    pub about: &'static str,
    pub cases: &'static [Case],
}

/// Every suite, in the order `all` runs them.
pub const ALL: &[&Suite] = &[
    &bringup::SUITE,
    &link::SUITE,
    &datapath::SUITE,
    &stress::SUITE,
    &ethtool::SUITE,
];

/// Looks a suite up by name.
pub fn find(name: &str) -> Option<&'static Suite> {
    ALL.iter().copied().find(|s| s.name == name)
}

/// Options for [`run`].
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Check kmemleak after each suite (debug kernel flavour).
    pub debug_kernel: bool,
}

/// Lines of a kmemleak report shown on failure.
const KMEMLEAK_LINES: usize = 60;

/// Runs one suite, then its `dmesg-clean` (and `kmemleak-clean`) check.
pub fn run(suite: &'static Suite, topo: &mut Topology, rep: &mut Reporter, opts: RunOptions) {
    let started = Instant::now();
    let mut log = match dmesg::Cursor::now() {
        Ok(c) => Some(c),
        Err(e) => {
            rep.fail(suite.name, "dmesg-clean", &format!("{e:#}"));
            None
        }
    };
    let leaks = if opts.debug_kernel {
        match Kmemleak::open().and_then(|k| k.clear().map(|()| k)) {
            Ok(k) => Some(k),
            Err(e) => {
                rep.fail(suite.name, "kmemleak-clean", &format!("{e:#}"));
                None
            }
        }
    } else {
        None
    };

    for case in suite.cases {
        let t = Instant::now();
        let mut ctx = Ctx {
            topo,
            suite: suite.name,
            case: case.name,
        };
        let res = (case.run)(&mut ctx);
        let secs = t.elapsed().as_secs_f64();
        if secs >= 1.0 {
            report::info(suite.name, case.name, &format!("took {secs:.1} s"));
        }
        match res {
            Ok(Verdict::Pass) => rep.ok(suite.name, case.name),
            Ok(Verdict::Skip(why)) => rep.skip(suite.name, case.name, &why),
            Err(e) => rep.fail(suite.name, case.name, &format!("{e:#}")),
        }
    }

    if let Some(k) = leaks {
        match k.scan() {
            Ok(r) if r.contains("unreferenced object") => {
                let shown: Vec<&str> = r.lines().take(KMEMLEAK_LINES).collect();
                rep.fail(
                    suite.name,
                    "kmemleak-clean",
                    &format!("kmemleak found unreferenced objects:\n{}", shown.join("\n")),
                );
            }
            Ok(_) => rep.ok(suite.name, "kmemleak-clean"),
            Err(e) => rep.fail(suite.name, "kmemleak-clean", &format!("{e:#}")),
        }
    }
    if let Some(log) = &mut log {
        match log.read_new() {
            Ok(lines) => {
                let bad = dmesg::offending(&lines);
                if bad.is_empty() {
                    rep.ok(suite.name, "dmesg-clean");
                } else {
                    rep.fail(
                        suite.name,
                        "dmesg-clean",
                        &format!(
                            "{} offending kernel log line(s):\n{}",
                            bad.len(),
                            bad.join("\n")
                        ),
                    );
                }
            }
            Err(e) => rep.fail(suite.name, "dmesg-clean", &format!("{e:#}")),
        }
    }
    report::note(&format!(
        "suite {} took {:.1} s",
        suite.name,
        started.elapsed().as_secs_f64()
    ));
}
