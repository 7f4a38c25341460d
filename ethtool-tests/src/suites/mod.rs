// SPDX-License-Identifier: GPL-2.0
//! Test suites, the plan of every result a run must report, and the loop
//! that runs them with the kernel-log (and, on debug kernels, kmemleak)
//! checks after every suite.
//!
//! The plan is the one place that says what a configuration tests: the
//! guest prints `# expected N results` from it, and the host's tally
//! ([`crate::tally`]) computes the same plan to count every result the guest
//! did not report as failed. A case can only skip for the reason declared
//! next to it ([`Case::skip_when`]); every other obstacle is a failure.

pub mod bringup;
pub mod datapath;
pub mod ethtool;
pub mod link;
pub mod netfilter;
pub mod stress;

use std::time::Instant;

use anyhow::Result;

use crate::dmesg;
use crate::kmemleak::Kmemleak;
use crate::report::{self, Reporter};
use crate::topology::Topology;

/// What a case returns: `Err` is a failure with its reason.
pub type CaseResult = Result<()>;

/// What a case gets to work with.
pub struct Ctx<'a> {
    pub topo: &'a mut Topology,
    pub suite: &'static str,
    pub case: &'static str,
    pub scale: Scale,
}

/// How much a run repeats. The checks are the same at both scales: `Short`
/// only runs fewer cycles and moves less data. `make check` uses it where
/// the same code paths run at `Full` in another run (the second and third
/// QEMU models), and on the debug kernel, whose checkers (lockdep, kmemleak,
/// DMA-API debugging) report a bad path the first time it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scale {
    #[default]
    Full,
    Short,
}

/// A cycle count or transfer size at each [`Scale`].
#[derive(Debug, Clone, Copy)]
pub struct Scaled<T> {
    pub full: T,
    pub short: T,
}

impl<T: Copy> Scaled<T> {
    /// The value at `scale`.
    pub fn at(self, scale: Scale) -> T {
        match scale {
            Scale::Full => self.full,
            Scale::Short => self.short,
        }
    }
}

impl Ctx<'_> {
    /// `v` at this run's [`Scale`].
    pub fn scaled<T: Copy>(&self, v: Scaled<T>) -> T {
        v.at(self.scale)
    }

    /// Prints a `# suite::case: msg` line.
    pub fn info(&self, msg: &str) {
        report::info(self.suite, self.case, msg);
    }

    /// The driver under test (bound to the dut).
    pub fn driver(&self) -> String {
        self.topo.dut.driver.clone()
    }
}

/// A configuration in which a case does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipWhen {
    /// The driver under test is this one.
    Driver(&'static str),
}

/// A declared skip: when, and why.
#[derive(Debug, Clone, Copy)]
pub struct Skip {
    pub when: SkipWhen,
    pub why: &'static str,
}

/// One test case.
#[derive(Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    pub run: fn(&mut Ctx<'_>) -> CaseResult,
    /// The only configuration in which the case skips, and why.
    pub skip: Option<Skip>,
    /// Driver alarms ([`dmesg::ALARMS`]) this case provokes on purpose.
    pub allowed_log: &'static [&'static str],
}

impl Case {
    pub const fn new(name: &'static str, run: fn(&mut Ctx<'_>) -> CaseResult) -> Self {
        Self {
            name,
            run,
            skip: None,
            allowed_log: &[],
        }
    }

    /// Declares the one configuration in which this case is not run.
    pub const fn skip_when(self, when: SkipWhen, why: &'static str) -> Self {
        Self {
            skip: Some(Skip { when, why }),
            ..self
        }
    }

    /// Declares the kernel-log alarms this case expects; they are allowed
    /// while it runs and nowhere else.
    pub const fn allows_log(self, patterns: &'static [&'static str]) -> Self {
        Self {
            allowed_log: patterns,
            ..self
        }
    }
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
    &netfilter::SUITE,
];

/// Looks a suite up by name.
pub fn find(name: &str) -> Option<&'static Suite> {
    ALL.iter().copied().find(|s| s.name == name)
}

/// What a run is configured as; decides the plan.
#[derive(Debug, Clone)]
pub struct Config {
    /// The driver bound to the dut.
    pub driver: String,
    /// Debug kernel: kmemleak checks after each suite and after the run.
    pub debug_kernel: bool,
    /// Repetition; does not change the plan.
    pub scale: Scale,
}

impl Skip {
    /// Whether this skip applies to `cfg`.
    pub fn applies(&self, cfg: &Config) -> bool {
        match self.when {
            SkipWhen::Driver(d) => cfg.driver == d,
        }
    }
}

/// The results of the run itself, around the suites.
pub const RUN: &str = "run";
/// `run::setup`: modules installed, NICs bound, topology built.
pub const SETUP: &str = "setup";
/// `run::teardown`: topology removed and re1000 unloaded.
pub const TEARDOWN: &str = "teardown";
/// Per suite and for the run: no offending kernel log line.
pub const DMESG_CLEAN: &str = "dmesg-clean";
/// Per suite and for the run (debug kernel): no unreferenced object.
pub const KMEMLEAK_CLEAN: &str = "kmemleak-clean";

/// One result a run must report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// `suite::case`.
    pub id: String,
    /// Set when the case skips in this configuration, with the reason.
    pub skip: Option<&'static str>,
}

fn id(suite: &str, case: &str) -> String {
    format!("{suite}::{case}")
}

/// Every result a run of `suites` with `cfg` reports, in order.
pub fn plan(suites: &[&Suite], cfg: &Config) -> Vec<Planned> {
    let mut p = Vec::new();
    let mut push = |suite: &str, case: &str, skip: Option<&'static str>| {
        p.push(Planned {
            id: id(suite, case),
            skip,
        })
    };
    push(RUN, SETUP, None);
    for s in suites {
        for c in s.cases {
            push(
                s.name,
                c.name,
                c.skip.filter(|k| k.applies(cfg)).map(|k| k.why),
            );
        }
        if cfg.debug_kernel {
            push(s.name, KMEMLEAK_CLEAN, None);
        }
        push(s.name, DMESG_CLEAN, None);
    }
    push(RUN, TEARDOWN, None);
    if cfg.debug_kernel {
        push(RUN, KMEMLEAK_CLEAN, None);
    }
    push(RUN, DMESG_CLEAN, None);
    p
}

/// Lines of a kmemleak report shown on failure.
const KMEMLEAK_LINES: usize = 60;

/// Starts kmemleak tracking for a scope (debug kernels): clears old reports.
pub fn kmemleak_start(rep: &mut Reporter, suite: &str, cfg: &Config) -> Option<Kmemleak> {
    if !cfg.debug_kernel {
        return None;
    }
    match Kmemleak::open().and_then(|k| k.clear().map(|()| k)) {
        Ok(k) => Some(k),
        Err(e) => {
            rep.fail(suite, KMEMLEAK_CLEAN, &format!("{e:#}"));
            None
        }
    }
}

/// Reports `suite::kmemleak-clean` from a scan (once per scope; a failed
/// start has already reported it).
pub fn kmemleak_check(rep: &mut Reporter, suite: &str, k: Option<Kmemleak>) {
    let Some(k) = k else { return };
    match k.scan() {
        Ok(r) if r.contains("unreferenced object") => {
            let shown: Vec<&str> = r.lines().take(KMEMLEAK_LINES).collect();
            rep.fail(
                suite,
                KMEMLEAK_CLEAN,
                &format!("kmemleak found unreferenced objects:\n{}", shown.join("\n")),
            );
        }
        Ok(_) => rep.ok(suite, KMEMLEAK_CLEAN),
        Err(e) => rep.fail(suite, KMEMLEAK_CLEAN, &format!("{e:#}")),
    }
}

/// Reports `suite::dmesg-clean` for every offence logged in the scopes
/// `mine` selects.
pub fn dmesg_check(
    rep: &mut Reporter,
    suite: &str,
    log: &mut dmesg::Watch,
    mine: impl Fn(&str) -> bool,
) {
    let bad = log.take(mine);
    if bad.is_empty() {
        rep.ok(suite, DMESG_CLEAN);
    } else {
        rep.fail(suite, DMESG_CLEAN, &dmesg::describe(&bad));
    }
}

/// Runs one suite, then its `kmemleak-clean` (debug kernel) and
/// `dmesg-clean` checks. Each case's kernel log is read when it ends, so
/// that only the alarms it declares are allowed, and only while it runs.
pub fn run(
    suite: &'static Suite,
    topo: &mut Topology,
    rep: &mut Reporter,
    log: &mut dmesg::Watch,
    cfg: &Config,
) {
    let started = Instant::now();
    let leaks = kmemleak_start(rep, suite.name, cfg);
    let mut log_failed = None;
    let mut close = |log: &mut dmesg::Watch, scope: &str, allowed: &[&str]| {
        if let Err(e) = log.close_scope(scope, allowed) {
            log_failed.get_or_insert(format!("{e:#}"));
        }
    };
    // Whatever was logged between suites belongs to the run, not this suite.
    close(log, RUN, &[]);

    for case in suite.cases {
        if let Some(skip) = case.skip.filter(|k| k.applies(cfg)) {
            rep.skip(suite.name, case.name, skip.why);
            continue;
        }
        let t = Instant::now();
        let mut ctx = Ctx {
            topo,
            suite: suite.name,
            case: case.name,
            scale: cfg.scale,
        };
        let res = (case.run)(&mut ctx);
        let secs = t.elapsed().as_secs_f64();
        if secs >= 1.0 {
            report::info(suite.name, case.name, &format!("took {secs:.1} s"));
        }
        match res {
            Ok(()) => rep.ok(suite.name, case.name),
            Err(e) => rep.fail(suite.name, case.name, &format!("{e:#}")),
        }
        close(log, &id(suite.name, case.name), case.allowed_log);
    }

    kmemleak_check(rep, suite.name, leaks);
    close(log, suite.name, &[]);
    match log_failed {
        Some(e) => rep.fail(suite.name, DMESG_CLEAN, &e),
        None => {
            let prefix = format!("{}::", suite.name);
            dmesg_check(rep, suite.name, log, |s| {
                s == suite.name || s.starts_with(&prefix)
            })
        }
    }
    report::note(&format!(
        "suite {} took {:.1} s",
        suite.name,
        started.elapsed().as_secs_f64()
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(driver: &str, debug_kernel: bool) -> Config {
        Config {
            driver: driver.into(),
            debug_kernel,
            scale: Scale::Full,
        }
    }

    #[test]
    fn plan_covers_every_case_and_check() {
        let p = plan(&[&bringup::SUITE], &cfg("re1000", false));
        let ids: Vec<&str> = p.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&"run::setup"));
        assert_eq!(
            &ids[ids.len() - 3..],
            ["bringup::dmesg-clean", "run::teardown", "run::dmesg-clean"]
        );
        assert_eq!(p.len(), bringup::SUITE.cases.len() + 4);
        let dbg = plan(&[&bringup::SUITE, &link::SUITE], &cfg("re1000", true));
        assert_eq!(
            dbg.len(),
            bringup::SUITE.cases.len() + link::SUITE.cases.len() + 2 * 2 + 4
        );
    }

    #[test]
    fn declared_skips_apply_only_to_their_configuration() {
        let skipped = |driver| {
            plan(&[&ethtool::SUITE], &cfg(driver, false))
                .into_iter()
                .filter(|p| p.skip.is_some())
                .map(|p| p.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(skipped("e1000"), ["ethtool::rings-under-tcp"]);
        assert!(skipped("re1000").is_empty());
    }

    #[test]
    fn case_names_are_unique_and_never_shadow_the_checks() {
        for s in ALL {
            let mut names: Vec<&str> = s.cases.iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.cases.len(), "duplicate case in {}", s.name);
            assert!(!names.contains(&DMESG_CLEAN) && !names.contains(&KMEMLEAK_CLEAN));
            assert_ne!(s.name, RUN);
        }
    }
}
