// SPDX-License-Identifier: GPL-2.0
//! Reading `re1000-guest bench` output and reducing it to one row per
//! workload: the median of each driver and how re1000 compares with C.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// The driver every ratio is taken against.
pub const REFERENCE: &str = "e1000";
/// The driver being measured.
pub const CANDIDATE: &str = "re1000";

/// A workload as the guest describes it in its `BENCHINFO` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub name: String,
    pub unit: String,
    pub higher_is_better: bool,
}

/// One measurement (`BENCH` line).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub round: u64,
    pub driver: String,
    pub device: String,
    pub workload: String,
    pub value: f64,
}

/// Everything one guest run printed.
#[derive(Debug, Default)]
pub struct Run {
    pub kernel: String,
    pub seconds: u64,
    pub rounds: u64,
    pub workloads: Vec<Workload>,
    pub samples: Vec<Sample>,
}

fn str_field(v: &Value, k: &str) -> Result<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no string {k:?} in {v}"))
}

fn num_field(v: &Value, k: &str) -> Result<f64> {
    v.get(k)
        .and_then(Value::as_f64)
        .with_context(|| format!("no number {k:?} in {v}"))
}

fn uint_field(v: &Value, k: &str) -> Result<u64> {
    v.get(k)
        .and_then(Value::as_u64)
        .with_context(|| format!("no integer {k:?} in {v}"))
}

/// Parses the `BENCHINFO` and `BENCH` lines of a log (the guest's console
/// is interleaved with them; everything else is ignored).
pub fn parse(log: &str) -> Result<Run> {
    let mut run = Run::default();
    let mut have_info = false;
    for (i, line) in log.lines().enumerate() {
        let at = || format!("line {}", i + 1);
        if let Some(rest) = line.strip_prefix("BENCHINFO ") {
            let v: Value = serde_json::from_str(rest).with_context(at)?;
            run.kernel = str_field(&v, "kernel")?;
            run.seconds = uint_field(&v, "seconds")?;
            run.rounds = uint_field(&v, "rounds")?;
            let ws = v
                .get("workloads")
                .and_then(Value::as_array)
                .with_context(|| format!("{}: no workloads", at()))?;
            run.workloads = ws
                .iter()
                .map(|w| {
                    Ok(Workload {
                        name: str_field(w, "name")?,
                        unit: str_field(w, "unit")?,
                        higher_is_better: w
                            .get("higher_is_better")
                            .and_then(Value::as_bool)
                            .context("no higher_is_better")?,
                    })
                })
                .collect::<Result<_>>()
                .with_context(at)?;
            have_info = true;
        } else if let Some(rest) = line.strip_prefix("BENCH ") {
            let v: Value = serde_json::from_str(rest).with_context(at)?;
            let value = num_field(&v, "value").with_context(at)?;
            if !value.is_finite() || value < 0.0 {
                bail!("{}: impossible value {value}", at());
            }
            run.samples.push(Sample {
                round: uint_field(&v, "round").with_context(at)?,
                driver: str_field(&v, "driver").with_context(at)?,
                device: str_field(&v, "device").with_context(at)?,
                workload: str_field(&v, "workload").with_context(at)?,
                value,
            });
        }
    }
    if !have_info {
        bail!("no BENCHINFO line: the guest's bench did not start");
    }
    Ok(run)
}

/// Median and spread of one driver's samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Stat {
    /// `None` for no samples.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let (first, last) = (*v.first()?, *v.last()?);
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: first,
            max: last,
            n,
        })
    }
}

/// One workload on one device, both drivers.
#[derive(Debug, Clone)]
pub struct Row {
    pub device: String,
    pub workload: Workload,
    pub reference: Stat,
    pub candidate: Stat,
}

impl Row {
    /// How many times faster re1000 is than C on this workload (the medians'
    /// ratio, inverted where lower is better): above 1 is faster.
    pub fn speedup(&self) -> f64 {
        let (c, r) = (self.reference.median, self.candidate.median);
        let ratio = if self.workload.higher_is_better {
            r / c
        } else {
            c / r
        };
        if ratio.is_finite() {
            ratio
        } else {
            0.0
        }
    }
}

/// One row per (device, workload) that both drivers completed, in the
/// guest's workload order. Workloads missing for a driver are named in the
/// error list instead.
pub fn summarize(run: &Run) -> (Vec<Row>, Vec<String>) {
    let mut by: BTreeMap<(&str, &str, &str), Vec<f64>> = BTreeMap::new();
    for s in &run.samples {
        by.entry((&s.device, &s.workload, &s.driver))
            .or_default()
            .push(s.value);
    }
    let mut devices: Vec<&str> = run.samples.iter().map(|s| s.device.as_str()).collect();
    devices.sort_unstable();
    devices.dedup();
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for dev in devices {
        for w in &run.workloads {
            let stat = |drv| {
                by.get(&(dev, w.name.as_str(), drv))
                    .and_then(|v| Stat::of(v))
            };
            match (stat(REFERENCE), stat(CANDIDATE)) {
                (Some(reference), Some(candidate)) => rows.push(Row {
                    device: dev.to_owned(),
                    workload: w.clone(),
                    reference,
                    candidate,
                }),
                (c, r) => missing.push(format!(
                    "{dev} {}: no result for {}",
                    w.name,
                    [(REFERENCE, c.is_none()), (CANDIDATE, r.is_none())]
                        .iter()
                        .filter(|(_, m)| *m)
                        .map(|(d, _)| *d)
                        .collect::<Vec<_>>()
                        .join(" and ")
                )),
            }
        }
    }
    (rows, missing)
}

fn fmt_value(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The Markdown table of the README.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| NIC | workload | C e1000 | re1000 | re1000 vs C |\n|---|---|---:|---:|---:|\n",
    );
    for r in rows {
        let cell = |st: &Stat| {
            format!(
                "{} {} ({}..{})",
                fmt_value(st.median),
                r.workload.unit,
                fmt_value(st.min),
                fmt_value(st.max)
            )
        };
        s.push_str(&format!(
            "| {} | {}{} | {} | {} | {:.2}x |\n",
            r.device,
            r.workload.name,
            if r.workload.higher_is_better {
                ""
            } else {
                " (lower is better)"
            },
            cell(&r.reference),
            cell(&r.candidate),
            r.speedup()
        ));
    }
    s
}

/// Machine-readable results.
pub fn to_json(run: &Run, rows: &[Row]) -> Value {
    let stat = |s: &Stat| json!({"median": s.median, "min": s.min, "max": s.max, "n": s.n});
    json!({
        "kernel": run.kernel,
        "rounds": run.rounds,
        "seconds": run.seconds,
        "rows": rows.iter().map(|r| json!({
            "device": r.device,
            "workload": r.workload.name,
            "unit": r.workload.unit,
            "higher_is_better": r.workload.higher_is_better,
            REFERENCE: stat(&r.reference),
            CANDIDATE: stat(&r.candidate),
            "speedup": r.speedup(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"[    1.0] boot noise
BENCHINFO {"kernel":"7.3.4","rounds":2,"seconds":3,"peer":"e1000","workloads":[{"name":"tcp_tx","unit":"Mbit/s","higher_is_better":true},{"name":"ping_rtt","unit":"us","higher_is_better":false}]}
BENCH {"round":0,"driver":"e1000","device":"8086:100e","workload":"tcp_tx","value":100.0}
BENCH {"round":0,"driver":"e1000","device":"8086:100e","workload":"ping_rtt","value":800.0}
BENCH {"round":0,"driver":"re1000","device":"8086:100e","workload":"tcp_tx","value":150.0}
BENCH {"round":0,"driver":"re1000","device":"8086:100e","workload":"ping_rtt","value":400.0}
# round 1 re1000 tcp_tx: iperf3 failed
BENCH {"round":1,"driver":"e1000","device":"8086:100e","workload":"tcp_tx","value":120.0}
"#;

    #[test]
    fn medians_and_speedups() {
        let run = parse(LOG).unwrap();
        assert_eq!(run.samples.len(), 5);
        let (rows, missing) = summarize(&run);
        assert!(missing.is_empty(), "{missing:?}");
        assert_eq!(rows.len(), 2);
        // C: median of 100 and 120; re1000: 150 alone.
        assert_eq!(rows[0].reference.median, 110.0);
        assert_eq!(rows[0].reference.n, 2);
        assert!((rows[0].speedup() - 150.0 / 110.0).abs() < 1e-9);
        // Lower is better: half the RTT is twice as fast.
        assert_eq!(rows[1].speedup(), 2.0);
        let md = markdown(&rows);
        assert!(
            md.contains(
                "| 8086:100e | tcp_tx | 110 Mbit/s (100..120) | 150 Mbit/s (150..150) | 1.36x |"
            ),
            "{md}"
        );
    }

    #[test]
    fn missing_and_bad_input() {
        let log = LOG.replace(
            r#"BENCH {"round":0,"driver":"re1000","device":"8086:100e","workload":"ping_rtt","value":400.0}"#,
            "",
        );
        let (rows, missing) = summarize(&parse(&log).unwrap());
        assert_eq!(rows.len(), 1);
        assert_eq!(missing, ["8086:100e ping_rtt: no result for re1000"]);
        assert!(parse("BENCH {}").is_err());
        assert!(parse("no bench here").is_err());
        let neg = LOG.replace("\"value\":150.0", "\"value\":-1");
        assert!(parse(&neg).is_err());
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(Stat::of(&[3.0, 1.0, 2.0]).map(|s| s.median), Some(2.0));
        assert_eq!(Stat::of(&[4.0, 1.0, 2.0, 3.0]).map(|s| s.median), Some(2.5));
        assert_eq!(Stat::of(&[]), None);
    }
}
