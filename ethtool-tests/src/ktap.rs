// SPDX-License-Identifier: GPL-2.0
//! The KTAP report a KUnit suite prints to the kernel log when the module
//! holding it loads (CONFIG_KUNIT=y runs a module's suites at load;
//! Documentation/dev-tools/ktap.rst).

use anyhow::{bail, ensure, Context, Result};

/// What one suite reported: its `# <suite>: pass:P fail:F skip:S total:T`
/// line and its closing `ok N <suite>` / `not ok N <suite>` line.
#[derive(Debug, PartialEq, Eq)]
pub struct SuiteReport {
    pub ok: bool,
    pub pass: u32,
    pub fail: u32,
    pub skip: u32,
    pub total: u32,
}

/// The last report of `suite` in `lines` (kernel log messages).
pub fn suite_report(lines: &[String], suite: &str) -> Result<SuiteReport> {
    let stats_prefix = format!("# {suite}: ");
    let mut stats = None;
    let mut status = None;
    for line in lines.iter().map(|l| l.trim()) {
        if let Some(rest) = line.strip_prefix(&stats_prefix) {
            stats = Some(parse_stats(rest).with_context(|| format!("bad KTAP line {line:?}"))?);
        } else if let Some(ok) = closing_status(line, suite) {
            status = Some(ok);
        }
    }
    let Some((pass, fail, skip, total)) = stats else {
        bail!("no `# {suite}: pass:...` line in the kernel log: the suite did not run");
    };
    let Some(ok) = status else {
        bail!("no `ok N {suite}` or `not ok N {suite}` line in the kernel log");
    };
    Ok(SuiteReport {
        ok,
        pass,
        fail,
        skip,
        total,
    })
}

/// Checks that `suite` ran exactly `expected` tests and every one passed.
pub fn check_suite(lines: &[String], suite: &str, expected: u32) -> Result<SuiteReport> {
    let r = suite_report(lines, suite)?;
    ensure!(
        r.ok && r.fail == 0 && r.skip == 0 && r.pass == r.total,
        "KUnit suite {suite}: {r:?}"
    );
    ensure!(
        r.total == expected,
        "KUnit suite {suite} ran {} tests, {expected} are declared",
        r.total
    );
    Ok(r)
}

/// `pass:3 fail:0 skip:0 total:3` → (3, 0, 0, 3).
fn parse_stats(s: &str) -> Result<(u32, u32, u32, u32)> {
    let mut v = [None; 4];
    for kv in s.split_whitespace() {
        let (k, n) = kv.split_once(':').context("no `:`")?;
        let i = match k {
            "pass" => 0,
            "fail" => 1,
            "skip" => 2,
            "total" => 3,
            _ => continue,
        };
        v[i] = Some(
            n.parse::<u32>()
                .with_context(|| format!("bad count {n:?}"))?,
        );
    }
    match v {
        [Some(p), Some(f), Some(s), Some(t)] => Ok((p, f, s, t)),
        _ => bail!("missing pass, fail, skip or total"),
    }
}

/// `ok 1 re1000_regs` → Some(true), `not ok 1 re1000_regs` → Some(false).
fn closing_status(line: &str, suite: &str) -> Option<bool> {
    let (ok, rest) = match line.strip_prefix("not ok ") {
        Some(rest) => (false, rest),
        None => (true, line.strip_prefix("ok ")?),
    };
    let (num, name) = rest.split_once(' ')?;
    num.parse::<u32>().ok()?;
    let name = name.split(" #").next().unwrap_or(name).trim();
    (name == suite).then_some(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(s: &str) -> Vec<String> {
        s.lines().map(str::to_owned).collect()
    }

    const PASSED: &str = "KTAP version 1
1..1
    KTAP version 1
    # Subtest: re1000_regs
    # module: re1000
    1..3
    ok 1 qemu_status_decodes_to_1000_full
    ok 2 every_speed_encoding
    ok 3 mdic_read_request_layout
# re1000_regs: pass:3 fail:0 skip:0 total:3
# Totals: pass:3 fail:0 skip:0 total:3
ok 1 re1000_regs";

    #[test]
    fn a_passed_suite() {
        let r = check_suite(&log(PASSED), "re1000_regs", 3).unwrap();
        assert_eq!(r.total, 3);
    }

    #[test]
    fn a_failed_test_fails_the_check() {
        let failed = PASSED
            .replace("    ok 2 every", "    not ok 2 every")
            .replace(
                "pass:3 fail:0 skip:0 total:3\n# Totals",
                "pass:2 fail:1 skip:0 total:3\n# Totals",
            )
            .replace("ok 1 re1000_regs", "not ok 1 re1000_regs");
        assert!(check_suite(&log(&failed), "re1000_regs", 3).is_err());
    }

    #[test]
    fn a_lost_or_missing_suite_fails_the_check() {
        assert!(check_suite(&log(PASSED), "re1000_regs", 4).is_err());
        assert!(check_suite(&log(PASSED), "re1000_other", 3).is_err());
        let skipped = PASSED.replace("ok 1 re1000_regs", "ok 1 re1000_regs # SKIP");
        assert!(suite_report(&log(&skipped), "re1000_regs").unwrap().ok);
    }
}
