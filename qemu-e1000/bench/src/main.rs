// SPDX-License-Identifier: GPL-2.0
//! `re1000-bench`: reads the logs of `re1000-guest bench` runs (one per QEMU
//! model), prints the table of medians and re1000/C ratios, and writes
//! `results.md`, `results.json` and `bench.svg` into `--out`.
//!
//! It reports; it never fails because re1000 is slower. It fails when a log
//! holds no results or a workload has no result for one of the drivers.

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
    let table = results::markdown(&rows);
    let header = format!(
        "Linux {}, {} rounds of {} s per workload, medians (min..max); \
         ratio = re1000 speed / C e1000 speed.\n\n",
        first.kernel, first.rounds, first.seconds
    );
    print!("{header}{table}");
    fs::write(cli.out.join("results.md"), format!("{header}{table}"))?;
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
        &format!("re1000 vs C e1000 (Linux {}, QEMU TCG)", first.kernel),
        &svg,
    )?;
    println!("\nwrote {}", cli.out.display());
    if !problems.is_empty() {
        bail!("incomplete results:\n{}", problems.join("\n"));
    }
    if rows.is_empty() {
        bail!("no workload has results for both drivers");
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
