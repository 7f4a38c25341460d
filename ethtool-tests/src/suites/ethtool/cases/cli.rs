// SPDX-License-Identifier: GPL-2.0
//! The `ethtool` CLI (6.1 on the CI host) as a second opinion: run it and
//! parse its text. 6.1 has `--json` only for a few commands (`-k`, `-a`),
//! and its `-a` JSON prints the presence of an attribute rather than its
//! value, so text is parsed throughout, except for `-k`.

use std::collections::BTreeMap;

use anyhow::{bail, ensure, Context, Result};

use crate::cmd;

/// `ethtool ARGS`, which must succeed; its stdout.
pub fn run(args: &[&str]) -> Result<String> {
    cmd::run("ethtool", args)
}

/// `ethtool ARGS`, which must succeed; its raw stdout (`raw on` dumps).
pub fn run_raw(args: &[&str]) -> Result<Vec<u8>> {
    let (line, out) = cmd::output("ethtool", args)?;
    ensure!(
        out.status.success(),
        "`{line}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(out.stdout)
}

/// `ethtool ARGS` whatever its exit status: (success, stdout).
pub fn run_any(args: &[&str]) -> Result<(bool, String)> {
    let (_, out) = cmd::output("ethtool", args)?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// `ethtool ARGS`, which must fail; its stderr.
pub fn refused(args: &[&str]) -> Result<String> {
    let (line, out) = cmd::output("ethtool", args)?;
    ensure!(
        !out.status.success(),
        "`{line}` succeeded, expected a refusal; it printed {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The value of the first `KEY: value` line (leading whitespace ignored).
pub fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        l.trim_start()
            .strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .map(str::trim)
    })
}

/// Like [`field`], but the field must be there.
pub fn need<'a>(text: &'a str, key: &str) -> Result<&'a str> {
    field(text, key).with_context(|| format!("no `{key}:` in ethtool's output:\n{text}"))
}

/// A number field, decimal or 0x-hex, optionally followed by more text
/// (`0x00000007 (7)`).
pub fn number(text: &str, key: &str) -> Result<u64> {
    let v = need(text, key)?;
    let first = v.split_whitespace().next().unwrap_or("");
    parse_u64(first).with_context(|| format!("`{key}: {v}` is not a number"))
}

pub fn parse_u64(s: &str) -> Result<u64> {
    Ok(match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16)?,
        None => s.parse()?,
    })
}

/// A list field that continues on indented lines without a colon, as
/// `Supported link modes:` (`Not reported` reads as empty).
pub fn list(text: &str, key: &str) -> Result<Vec<String>> {
    let mut lines = text.lines();
    let first = lines
        .by_ref()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix(':'))
        })
        .with_context(|| format!("no `{key}:` in ethtool's output:\n{text}"))?;
    let mut words: Vec<String> = first.split_whitespace().map(str::to_owned).collect();
    for l in lines {
        if l.contains(':') || !l.starts_with(char::is_whitespace) {
            break;
        }
        words.extend(l.split_whitespace().map(str::to_owned));
    }
    if words.join(" ") == "Not reported" {
        words.clear();
    }
    Ok(words)
}

/// `NAME: VALUE` lines after `header` (`ethtool -S` under `NIC
/// statistics:`, `--all-groups` under `Standard stats for IF:`).
pub fn counters(text: &str, header: &str) -> Result<Vec<(String, u64)>> {
    let body = text
        .split_once(header)
        .with_context(|| format!("no `{header}` in ethtool's output:\n{text}"))?
        .1;
    let mut v = Vec::new();
    for l in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (n, val) = l
            .rsplit_once(':')
            .with_context(|| format!("unparsable counter line {l:?}"))?;
        v.push((n.trim().to_owned(), parse_u64(val.trim())?));
    }
    Ok(v)
}

/// `ethtool -g`: (pre-set maximums, current) as (rx, tx) each.
pub fn rings(text: &str) -> Result<((u32, u32), (u32, u32))> {
    let (max, cur) = text
        .split_once("Current hardware settings:")
        .with_context(|| format!("unexpected `ethtool -g` output:\n{text}"))?;
    let get = |part: &str, k: &str| -> Result<u32> { Ok(u32::try_from(number(part, k)?)?) };
    Ok((
        (get(max, "RX")?, get(max, "TX")?),
        (get(cur, "RX")?, get(cur, "TX")?),
    ))
}

/// `ethtool -t`: the verdict and each test's result.
pub fn self_test(text: &str) -> Result<(bool, Vec<(String, u64)>)> {
    let verdict = text
        .lines()
        .find_map(|l| l.strip_prefix("The test result is "))
        .with_context(|| format!("no verdict in `ethtool -t` output:\n{text}"))?;
    let passed = match verdict.trim() {
        "PASS" => true,
        "FAIL" => false,
        v => bail!("test result {v:?}"),
    };
    let mut results = Vec::new();
    if let Some((_, extra)) = text.split_once("The test extra info:") {
        for l in extra.lines().filter(|l| !l.trim().is_empty()) {
            let (n, v) = l
                .rsplit_once('\t')
                .with_context(|| format!("unparsable test line {l:?}"))?;
            results.push((n.to_owned(), parse_u64(v.trim())?));
        }
    }
    Ok((passed, results))
}

/// `Wake-on` letters (`ethtool` `wol` syntax) as the kernel's mode names;
/// `d` (disabled) is the empty set.
pub fn wol_modes(letters: &str) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for c in letters.chars() {
        v.push(
            match c {
                'p' => "phy",
                'u' => "ucast",
                'm' => "mcast",
                'b' => "bcast",
                'a' => "arp",
                'g' => "magic",
                's' => "magicsecure",
                'f' => "filter",
                'd' => continue,
                _ => bail!("unknown Wake-on letter {c:?} in {letters:?}"),
            }
            .to_owned(),
        );
    }
    v.sort();
    Ok(v)
}

/// `ethtool --json -k`: each feature's `active` state.
pub fn features_json(text: &str) -> Result<BTreeMap<String, bool>> {
    let v: serde_json::Value =
        serde_json::from_str(text).with_context(|| format!("parsing {text:?}"))?;
    let obj = v
        .get(0)
        .and_then(|o| o.as_object())
        .context("`ethtool --json -k`: no object")?;
    let mut m = BTreeMap::new();
    for (k, f) in obj {
        if let Some(a) = f.get("active").and_then(|a| a.as_bool()) {
            m.insert(k.clone(), a);
        }
    }
    Ok(m)
}

/// `Capabilities:`-style blocks of `ethtool -T`: the indented lines after
/// `header`, up to the next unindented line.
pub fn block(text: &str, header: &str) -> Result<Vec<String>> {
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|l| l.trim_end() == header)
        .with_context(|| format!("no `{header}` in ethtool's output:\n{text}"))?;
    Ok(lines
        .take_while(|l| l.starts_with(char::is_whitespace))
        .map(|l| l.trim().to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: &str = "Settings for enp0s9:
\tSupported ports: [ TP ]
\tSupported link modes:   10baseT/Half 10baseT/Full
\t                        100baseT/Half 100baseT/Full
\t                        1000baseT/Full
\tSupported pause frame use: Symmetric
\tAdvertised FEC modes: Not reported
\tSpeed: 1000Mb/s
        Current message level: 0x00000007 (7)
                               drv probe link
\tLink detected: yes
";

    #[test]
    fn settings_fields() {
        assert_eq!(
            list(SETTINGS, "Supported link modes").unwrap(),
            [
                "10baseT/Half",
                "10baseT/Full",
                "100baseT/Half",
                "100baseT/Full",
                "1000baseT/Full"
            ]
        );
        assert!(list(SETTINGS, "Advertised FEC modes").unwrap().is_empty());
        assert_eq!(field(SETTINGS, "Speed"), Some("1000Mb/s"));
        assert_eq!(number(SETTINGS, "Current message level").unwrap(), 7);
        assert_eq!(field(SETTINGS, "Link detected"), Some("yes"));
    }

    #[test]
    fn rings_and_tests() {
        let g = "Ring parameters for x:\nPre-set maximums:\nRX:\t\t4096\nRX Mini:\tn/a\nTX:\t\t4096\nCurrent hardware settings:\nRX:\t\t256\nRX Mini:\tn/a\nTX:\t\t128\n";
        assert_eq!(rings(g).unwrap(), ((4096, 4096), (256, 128)));
        let t = "The test result is FAIL\nThe test extra info:\nRegister test  (offline)\t 40\nLink test   (on/offline)\t 0\n\n";
        let (ok, r) = self_test(t).unwrap();
        assert!(!ok);
        assert_eq!(r[0], ("Register test  (offline)".to_owned(), 40));
        assert_eq!(r[1].1, 0);
    }

    #[test]
    fn counters_and_wol() {
        let s = "NIC statistics:\n     rx_packets: 3\n     tx_bytes: 614\n";
        assert_eq!(
            counters(s, "NIC statistics:").unwrap(),
            [("rx_packets".to_owned(), 3), ("tx_bytes".to_owned(), 614)]
        );
        assert_eq!(
            wol_modes("umbg").unwrap(),
            ["bcast", "magic", "mcast", "ucast"]
        );
        assert!(wol_modes("d").unwrap().is_empty());
    }
}
