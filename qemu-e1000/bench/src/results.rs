// SPDX-License-Identifier: GPL-2.0
//! Reading `re1000-guest bench` output and reducing it to one row per
//! metric: each slot's median and spread, and the median of the per-pair
//! ratios with their spread (the two runs of a pair are seconds apart, so
//! their ratio cancels most of the host's drift; the medians of the slots
//! alone would not).

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// The slots: A is the reference (the C e1000), B the candidate (re1000,
/// or the C e1000 again in an A/A run).
pub const SLOTS: [&str; 2] = ["A", "B"];

/// A run below this fraction of its slot's median speed is an outlier.
pub const OUTLIER_SPEED: f64 = 0.7;

/// A metric as the guest describes it in its `BENCHINFO` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub unit: String,
    pub higher_is_better: bool,
}

impl Metric {
    /// How many times faster `value` is than `base` (inverted where lower
    /// is better): above 1 is faster.
    pub fn speed(&self, value: f64, base: f64) -> f64 {
        let r = if self.higher_is_better {
            value / base
        } else {
            base / value
        };
        if r.is_finite() {
            r
        } else {
            0.0
        }
    }
}

/// One measurement (`BENCH` line).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub pair: u64,
    /// Index into [`SLOTS`].
    pub slot: usize,
    pub device: String,
    pub workload: String,
    pub metric: String,
    pub value: f64,
}

/// Everything one guest run printed.
#[derive(Debug, Default)]
pub struct Run {
    pub kernel: String,
    pub seconds: u64,
    pub pairs: u64,
    pub aa: bool,
    /// The driver of each slot.
    pub drivers: [String; 2],
    pub metrics: Vec<Metric>,
    pub samples: Vec<Sample>,
}

impl Run {
    /// "C e1000" / "re1000" labels of the slots (A/A: "A: e1000", ...).
    pub fn slot_label(&self, slot: usize) -> String {
        let name = |d: &str| {
            if d == "e1000" {
                "C e1000".to_owned()
            } else {
                d.to_owned()
            }
        };
        if self.aa {
            format!("{}: {}", SLOTS[slot], name(&self.drivers[slot]))
        } else {
            name(&self.drivers[slot])
        }
    }
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

fn slot_index(name: &str) -> Result<usize> {
    SLOTS
        .iter()
        .position(|s| *s == name)
        .with_context(|| format!("unknown slot {name:?}"))
}

fn parse_info(v: &Value, run: &mut Run) -> Result<()> {
    run.kernel = str_field(v, "kernel")?;
    run.seconds = uint_field(v, "seconds")?;
    run.pairs = uint_field(v, "pairs")?;
    run.aa = v.get("aa").and_then(Value::as_bool).context("no aa")?;
    let slots = v.get("slots").context("no slots")?;
    run.drivers = [str_field(slots, SLOTS[0])?, str_field(slots, SLOTS[1])?];
    let ms = v
        .get("metrics")
        .and_then(Value::as_array)
        .context("no metrics")?;
    run.metrics = ms
        .iter()
        .map(|m| {
            Ok(Metric {
                name: str_field(m, "name")?,
                unit: str_field(m, "unit")?,
                higher_is_better: m
                    .get("higher_is_better")
                    .and_then(Value::as_bool)
                    .context("no higher_is_better")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(())
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
            parse_info(&v, &mut run).with_context(at)?;
            have_info = true;
        } else if let Some(rest) = line.strip_prefix("BENCH ") {
            let v: Value = serde_json::from_str(rest).with_context(at)?;
            let value = num_field(&v, "value").with_context(at)?;
            if !value.is_finite() || value < 0.0 {
                bail!("{}: impossible value {value}", at());
            }
            let slot = slot_index(&str_field(&v, "slot").with_context(at)?).with_context(at)?;
            let driver = str_field(&v, "driver").with_context(at)?;
            if have_info && driver != run.drivers[slot] {
                bail!(
                    "{}: slot {} is {driver}, not {}",
                    at(),
                    SLOTS[slot],
                    run.drivers[slot]
                );
            }
            run.samples.push(Sample {
                pair: uint_field(&v, "pair").with_context(at)?,
                slot,
                device: str_field(&v, "device").with_context(at)?,
                workload: str_field(&v, "workload").with_context(at)?,
                metric: str_field(&v, "metric").with_context(at)?,
                value,
            });
        }
    }
    if !have_info {
        bail!("no BENCHINFO line: the guest's bench did not start");
    }
    Ok(run)
}

/// Median and spread of a set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Stat {
    /// `None` for no values.
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

    fn to_json(self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max, "n": self.n})
    }
}

/// One metric on one device, both slots.
#[derive(Debug, Clone)]
pub struct Row {
    pub device: String,
    pub workload: String,
    pub metric: Metric,
    pub slots: [Stat; 2],
    /// Speed of B relative to A per complete pair: above 1 is faster.
    pub speedup: Stat,
}

type Key<'a> = (&'a str, &'a str, usize);

fn by_slot(run: &Run) -> BTreeMap<Key<'_>, Vec<&Sample>> {
    let mut by: BTreeMap<Key<'_>, Vec<&Sample>> = BTreeMap::new();
    for s in &run.samples {
        by.entry((&s.device, &s.metric, s.slot))
            .or_default()
            .push(s);
    }
    by
}

fn devices(run: &Run) -> Vec<&str> {
    let mut d: Vec<&str> = run.samples.iter().map(|s| s.device.as_str()).collect();
    d.sort_unstable();
    d.dedup();
    d
}

/// One row per (device, metric) with at least one complete pair, in the
/// guest's metric order. Metrics without one are named in the error list.
pub fn summarize(run: &Run) -> (Vec<Row>, Vec<String>) {
    let by = by_slot(run);
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for dev in devices(run) {
        for m in &run.metrics {
            let get = |slot| {
                by.get(&(dev, m.name.as_str(), slot))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
            };
            let (a, b) = (get(0), get(1));
            let ratios: Vec<f64> = a
                .iter()
                .filter_map(|sa| {
                    let sb = b.iter().find(|sb| sb.pair == sa.pair)?;
                    Some(m.speed(sb.value, sa.value))
                })
                .collect();
            let vals = |s: &[&Sample]| s.iter().map(|x| x.value).collect::<Vec<_>>();
            match (Stat::of(&vals(a)), Stat::of(&vals(b)), Stat::of(&ratios)) {
                (Some(sa), Some(sb), Some(speedup)) => rows.push(Row {
                    device: dev.to_owned(),
                    workload: a[0].workload.clone(),
                    metric: m.clone(),
                    slots: [sa, sb],
                    speedup,
                }),
                _ => missing.push(format!(
                    "{dev} {}: no complete pair ({} results for {}, {} for {})",
                    m.name,
                    a.len(),
                    run.slot_label(0),
                    b.len(),
                    run.slot_label(1)
                )),
            }
        }
    }
    (rows, missing)
}

/// Every run more than 30% slower than its slot's median on its metric: a
/// stall (a queue woken late, a lost doorbell) rather than noise.
pub fn outliers(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for ((dev, metric, slot), samples) in by_slot(run) {
        let Some(m) = run.metrics.iter().find(|m| m.name == metric) else {
            continue;
        };
        let vals: Vec<f64> = samples.iter().map(|s| s.value).collect();
        let Some(st) = Stat::of(&vals) else {
            continue;
        };
        for s in samples {
            let speed = m.speed(s.value, st.median);
            if speed < OUTLIER_SPEED {
                out.push(format!(
                    "{dev} {metric} pair {} {}: {} {} against a median of {} ({:.0}% slower)",
                    s.pair + 1,
                    run.slot_label(slot),
                    fmt_value(s.value),
                    m.unit,
                    fmt_value(st.median),
                    (1.0 - speed) * 100.0
                ));
            }
        }
    }
    out
}

/// The row whose ratio is furthest from 1 (for the A/A verdict).
pub fn widest(rows: &[Row]) -> Option<&Row> {
    rows.iter().max_by(|a, b| {
        (a.speedup.median - 1.0)
            .abs()
            .total_cmp(&(b.speedup.median - 1.0).abs())
    })
}

pub fn fmt_value(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The Markdown table of the README.
pub fn markdown(run: &Run, rows: &[Row]) -> String {
    let (a, b) = if run.aa {
        (SLOTS[0].to_owned(), SLOTS[1].to_owned())
    } else {
        (run.slot_label(0), run.slot_label(1))
    };
    let mut s = format!(
        "| NIC | metric | {} | {} | {b} vs {a}, per pair |\n|---|---|---:|---:|---:|\n",
        run.slot_label(0),
        run.slot_label(1),
    );
    for r in rows {
        let cell = |st: &Stat| {
            format!(
                "{} {} ({}..{})",
                fmt_value(st.median),
                r.metric.unit,
                fmt_value(st.min),
                fmt_value(st.max)
            )
        };
        s.push_str(&format!(
            "| {} | {}{} | {} | {} | {:.2}x ({:.2}..{:.2}, n={}) |\n",
            r.device,
            r.metric.name,
            if r.metric.higher_is_better {
                ""
            } else {
                " (lower is better)"
            },
            cell(&r.slots[0]),
            cell(&r.slots[1]),
            r.speedup.median,
            r.speedup.min,
            r.speedup.max,
            r.speedup.n
        ));
    }
    s
}

/// Machine-readable results of one run.
pub fn to_json(run: &Run, rows: &[Row]) -> Value {
    let slot = |r: &Row, i: usize| {
        let mut v = r.slots[i].to_json();
        v["driver"] = run.drivers[i].clone().into();
        v
    };
    json!({
        "kernel": run.kernel,
        "pairs": run.pairs,
        "rounds": run.pairs,
        "seconds": run.seconds,
        "aa": run.aa,
        "rows": rows.iter().map(|r| json!({
            "device": r.device,
            "workload": r.workload,
            "metric": r.metric.name,
            "unit": r.metric.unit,
            "higher_is_better": r.metric.higher_is_better,
            "reference": slot(r, 0),
            "candidate": slot(r, 1),
            "speedup": r.speedup.median,
            "speedup_spread": r.speedup.to_json(),
        })).collect::<Vec<_>>(),
        "outliers": outliers(run),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pair: u64, slot: &str, driver: &str, metric: &str, value: f64) -> String {
        format!(
            "BENCH {}\n",
            json!({"pair": pair, "slot": slot, "driver": driver, "device": "8086:100e",
                   "workload": metric.split('_').next().unwrap(), "metric": metric, "value": value})
        )
    }

    fn log() -> String {
        let mut s = String::from(
            "[    1.0] boot noise\n\
             BENCHINFO {\"kernel\":\"7.3.4\",\"pairs\":3,\"seconds\":3,\"pings\":10,\"aa\":false,\
             \"slots\":{\"A\":\"e1000\",\"B\":\"re1000\"},\"peer\":\"e1000\",\
             \"metrics\":[{\"name\":\"tcp_tx\",\"unit\":\"Mbit/s\",\"higher_is_better\":true},\
             {\"name\":\"ping_p99\",\"unit\":\"us\",\"higher_is_better\":false}]}\n",
        );
        // ABBA: pair 0 A then B, pair 1 B then A, pair 2 A then B.
        for (pair, a, b) in [(0, 100.0, 150.0), (1, 200.0, 220.0), (2, 130.0, 120.0)] {
            s += &line(pair, "A", "e1000", "tcp_tx", a);
            s += &line(pair, "B", "re1000", "tcp_tx", b);
        }
        s += &line(0, "A", "e1000", "ping_p99", 800.0);
        s += &line(0, "B", "re1000", "ping_p99", 400.0);
        s += "# bench: tcp_rr pair 2/3 re1000 (B): connection refused\n";
        s += &line(1, "A", "e1000", "ping_p99", 900.0);
        s
    }

    #[test]
    fn per_pair_ratios_and_medians() {
        let run = parse(&log()).unwrap();
        assert_eq!(run.samples.len(), 9);
        let (rows, missing) = summarize(&run);
        assert!(missing.is_empty(), "{missing:?}");
        assert_eq!(rows.len(), 2);
        // Slot medians: A of 100, 130, 200; B of 120, 150, 220.
        assert_eq!(rows[0].slots[0].median, 130.0);
        assert_eq!(rows[0].slots[1].median, 150.0);
        // Pair ratios 1.5, 1.1, 0.92: the median is the middle pair's, not
        // the ratio of the medians (150/130 = 1.15).
        assert!((rows[0].speedup.median - 1.1).abs() < 1e-9);
        assert!((rows[0].speedup.min - 120.0 / 130.0).abs() < 1e-9);
        assert_eq!(rows[0].speedup.n, 3);
        // Lower is better: half the latency is twice as fast; pair 1 has
        // no B, so only pair 0 counts.
        assert_eq!(rows[1].speedup.median, 2.0);
        assert_eq!(rows[1].speedup.n, 1);
        let md = markdown(&run, &rows);
        assert!(
            md.starts_with("| NIC | metric | C e1000 | re1000 | re1000 vs C e1000, per pair |")
                && md.contains(
                    "| 8086:100e | tcp_tx | 130 Mbit/s (100..200) | 150 Mbit/s (120..220) | 1.10x (0.92..1.50, n=3) |"
            ),
            "{md}"
        );
        let j = to_json(&run, &rows);
        assert_eq!(j["rows"][0]["candidate"]["driver"], "re1000");
        assert_eq!(j["rows"][0]["speedup_spread"]["n"], 3);
    }

    #[test]
    fn outliers_are_slow_runs() {
        // A's tcp_tx median is 130, B's 150: 100 and 120 are within noise;
        // A's ping_p99 of 900 against a median of 850 too.
        assert!(outliers(&parse(&log()).unwrap()).is_empty());
        let slow = log().replace("\"value\":200.0", "\"value\":70.0");
        let o = outliers(&parse(&slow).unwrap());
        // A: 70, 100, 130 -> median 100; 70 is 30% slower: not below 0.7.
        assert!(o.is_empty(), "{o:?}");
        let slower = log().replace("\"value\":200.0", "\"value\":60.0");
        let o = outliers(&parse(&slower).unwrap());
        assert_eq!(o.len(), 1, "{o:?}");
        assert!(
            o[0].starts_with("8086:100e tcp_tx pair 2 C e1000: 60.0"),
            "{o:?}"
        );
    }

    #[test]
    fn incomplete_pairs_and_bad_input() {
        let l = log().replace(&line(0, "B", "re1000", "ping_p99", 400.0), "");
        let (rows, missing) = summarize(&parse(&l).unwrap());
        assert_eq!(rows.len(), 1);
        assert_eq!(
            missing,
            ["8086:100e ping_p99: no complete pair (2 results for C e1000, 0 for re1000)"]
        );
        assert!(parse("BENCH {}").is_err());
        assert!(parse("no bench here").is_err());
        assert!(parse(&log().replace("\"value\":150.0", "\"value\":-1")).is_err());
        // A sample whose driver is not its slot's.
        assert!(parse(&log().replace("\"driver\":\"re1000\"", "\"driver\":\"e1000\"")).is_err());
    }

    #[test]
    fn aa_labels_and_widest() {
        let l = log()
            .replace("\"aa\":false", "\"aa\":true")
            .replace("\"re1000\"", "\"e1000\"");
        let run = parse(&l).unwrap();
        assert_eq!(run.slot_label(1), "B: C e1000");
        let (rows, _) = summarize(&run);
        assert_eq!(
            widest(&rows).map(|r| r.metric.name.as_str()),
            Some("ping_p99")
        );
        assert!(
            markdown(&run, &rows).starts_with("| NIC | metric | A: C e1000 | B: C e1000 | B vs A")
        );
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(Stat::of(&[3.0, 1.0, 2.0]).map(|s| s.median), Some(2.0));
        assert_eq!(Stat::of(&[4.0, 1.0, 2.0, 3.0]).map(|s| s.median), Some(2.5));
        assert_eq!(Stat::of(&[]), None);
    }
}
