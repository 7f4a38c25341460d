// SPDX-License-Identifier: GPL-2.0
//! `re1000-bench`: reads the logs of `re1000-guest bench` runs (one per QEMU
//! model), prints the table of medians and per-pair re1000/C ratios, the
//! A/A noise floor when both slots were the C e1000, and the runs far below
//! their driver's median; writes `results.md`, `results.json` and
//! `bench.svg` into `--out`.
//!
//! It reports; it never fails because re1000 is slower. It fails when a log
//! holds no results or a metric has no complete pair.

mod chart;
mod results;

use std::fs;
use std::path::PathBuf;
use std::process;

use anyhow::{bail, Context, Result};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(name = "re1000-bench", version, about)]
struct Cli {
    /// Where to write results.md, results.json and bench.svg
    #[arg(long, default_value = "build/bench")]
    out: PathBuf,
    /// Logs of `re1000-vm ... -- re1000-guest bench` runs
    #[arg(required = true)]
    logs: Vec<PathBuf>,
}

fn run(cli: &Cli) -> Result<()> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut runs = Vec::new();
    for log in &cli.logs {
        let text = fs::read_to_string(log).with_context(|| format!("reading {}", log.display()))?;
        let run = results::parse(&text).with_context(|| format!("in {}", log.display()))?;
        let (r, missing) = results::summarize(&run);
        problems.extend(
            missing
                .into_iter()
                .map(|m| format!("{}: {m}", log.display())),
        );
        rows.extend(r);
        runs.push(run);
    }
    let Some(first) = runs.first() else {
        bail!("no logs");
    };
    fs::create_dir_all(&cli.out).with_context(|| format!("creating {}", cli.out.display()))?;
    let mut text = format!(
        "Linux {}, {} pairs per metric in ABBA order, {} s per stream; \
         each driver's median (min..max) and the median (min..max) of the \
         per-pair ratios; ratio = {} speed / {} speed.\n\n",
        first.kernel,
        first.pairs,
        first.seconds,
        first.slot_label(1),
        first.slot_label(0)
    );
    text.push_str(&results::markdown(first, &rows));
    if first.aa {
        if let Some(w) = results::widest(&rows) {
            text.push_str(&format!(
                "\nA/A (the C e1000 in both slots): the widest ratio is {:.3} \
                 ({} on {}): differences smaller than {:.1}% are noise.\n",
                w.speedup.median,
                w.metric.name,
                w.device,
                (w.speedup.median - 1.0).abs() * 100.0
            ));
        }
    }
    let outliers: Vec<String> = runs.iter().flat_map(results::outliers).collect();
    if !outliers.is_empty() {
        text.push_str(&format!(
            "\nRuns more than {:.0}% slower than their driver's median:\n",
            (1.0 - results::OUTLIER_SPEED) * 100.0
        ));
        for o in &outliers {
            text.push_str(&format!("- {o}\n"));
        }
    }
    print!("{text}");
    fs::write(cli.out.join("results.md"), &text)?;
    let json: Vec<_> = runs
        .iter()
        .zip(&cli.logs)
        .map(|(run, log)| {
            let (r, _) = results::summarize(run);
            serde_json::json!({"log": log.display().to_string(), "results": results::to_json(run, &r)})
        })
        .collect();
    fs::write(
        cli.out.join("results.json"),
        serde_json::to_string_pretty(&json)?,
    )?;
    let svg = cli.out.join("bench.svg");
    chart::draw(
        &rows,
        &format!(
            "{} vs {} (Linux {}, QEMU TCG)",
            first.slot_label(1),
            first.slot_label(0),
            first.kernel
        ),
        &svg,
    )?;
    println!("\nwrote {}", cli.out.display());
    if !problems.is_empty() {
        bail!("incomplete results:\n{}", problems.join("\n"));
    }
    if rows.is_empty() {
        bail!("no metric has a complete pair");
    }
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(&cli) {
        eprintln!("re1000-bench: error: {e:#}");
        process::exit(1);
    }
}
