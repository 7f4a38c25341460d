// SPDX-License-Identifier: GPL-2.0
//! `re1000-guest`: the in-guest side of the re1000 tests. Run it through
//! `re1000-vm`, e.g.
//! `re1000-vm --kdir KDIR -- target/release/re1000-guest test --driver e1000 bringup`.

use std::env;
use std::path::PathBuf;
use std::process;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use ethtool_tests::report::{self, Reporter};
use ethtool_tests::suites;
use ethtool_tests::topology::{Options, Topology};
use ethtool_tests::{bench, demo, dmesg, modules, monitor, sysfs, tally, tool, DUT, PEER};

const DRIVERS: [&str; 2] = ["re1000", "e1000"];
/// Where the repository's Kbuild leaves the module, relative to the repo root.
const MODULE_IN_REPO: &[&str] = &["re1000.ko", "drivers/re1000/re1000.ko"];

#[derive(Parser, Debug)]
#[command(
    name = "re1000-guest",
    version,
    about = "re1000 tests, run inside the test VM as root"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Install the module, bind both NICs, build the two-namespace topology
    Setup(SetupArgs),
    /// Set up, then run suites (`all` runs every suite)
    Test(TestArgs),
    /// Print every result a `test` run with these arguments must report
    Plan(Selection),
    /// Count a finished `test` run from its log against its plan (host side)
    Tally(TallyArgs),
    /// Set up and show what ip/ethtool say about the dut, then ping the peer
    Demo(DemoArgs),
    /// Send one command to QEMU's human monitor, e.g. `set_link nic1 off`
    Monitor {
        #[arg(long, default_value_t = 10, value_name = "SECS")]
        timeout: u64,
        #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
        words: Vec<String>,
    },
    /// Compare re1000 with the C e1000 on the dut NIC (prints `BENCH` lines
    /// for `re1000-bench`)
    Bench(BenchArgs),
    /// List the suites
    List,
    /// Traffic endpoints the suites run in the peer namespace
    #[command(subcommand, hide = true)]
    Tool(tool::Tool),
}

#[derive(Args, Debug)]
struct ModuleArg {
    /// re1000.ko to install (default: $RE1000_KO, else re1000.ko or
    /// drivers/re1000/re1000.ko in the current directory or in the repository
    /// holding this binary); only needed when a NIC uses re1000
    #[arg(long, value_name = "PATH/re1000.ko")]
    module: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SetupArgs {
    #[command(flatten)]
    module: ModuleArg,
    #[arg(long, default_value = "re1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    dut_driver: String,
    #[arg(long, default_value = "e1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    peer_driver: String,
}

/// What a `test` run covers: decides its plan.
#[derive(Args, Debug)]
struct Selection {
    /// Driver under test, bound to the dut NIC
    #[arg(long, default_value = "re1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    driver: String,
    /// Driver of the peer NIC
    #[arg(long, default_value = "e1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    peer_driver: String,
    /// Also check kmemleak after each suite (debug kernel flavour)
    #[arg(long)]
    debug_kernel: bool,
    /// Cycle counts and transfer sizes (the checks are the same at both)
    #[arg(long, value_enum, default_value_t = suites::Scale::Full)]
    scale: suites::Scale,
    /// Suites to run: NAME, NAME:CASE[,CASE...] or `all`
    #[arg(required = true, value_name = "SUITE")]
    suites: Vec<String>,
}

#[derive(Args, Debug)]
struct TestArgs {
    #[command(flatten)]
    module: ModuleArg,
    #[command(flatten)]
    sel: Selection,
}

#[derive(Args, Debug)]
struct TallyArgs {
    /// The run's log (its guest output and the runner's messages)
    #[arg(long, value_name = "FILE")]
    log: PathBuf,
    /// re1000-vm's exit status
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    status: i32,
    /// Name of the run in the FAIL lines
    #[arg(long)]
    label: String,
    #[command(flatten)]
    sel: Selection,
}

#[derive(Args, Debug)]
struct BenchArgs {
    #[command(flatten)]
    module: ModuleArg,
    /// Pairs per workload, in ABBA order; each measures both drivers once (an
    /// even number puts each driver first equally often)
    #[arg(long, default_value_t = 6)]
    pairs: u32,
    /// Duration of each stream and request/response run
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    seconds: u32,
    /// Echo requests of the ping workload (one per 10 ms)
    #[arg(long, default_value_t = 1000)]
    pings: u32,
    /// A/A: the C e1000 in both slots, to show the bench's noise floor
    #[arg(long)]
    aa: bool,
}

#[derive(Args, Debug)]
struct DemoArgs {
    #[command(flatten)]
    module: ModuleArg,
    #[arg(long, default_value = "re1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    driver: String,
    #[arg(long, default_value = "e1000", value_parser = PossibleValuesParser::new(DRIVERS))]
    peer_driver: String,
    /// Fail unless the peer answers the ping
    #[arg(long)]
    expect_ping: bool,
}

/// The module to install: given, or found, or none if no NIC needs re1000.
fn resolve_module(arg: &ModuleArg, drivers: [&str; 2]) -> Result<Option<PathBuf>> {
    if let Some(m) = &arg.module {
        return Ok(Some(m.clone()));
    }
    if !drivers.contains(&"re1000") {
        return Ok(None);
    }
    let mut cands: Vec<PathBuf> = env::var_os("RE1000_KO")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    cands.extend(MODULE_IN_REPO.iter().map(PathBuf::from));
    // <repo>/target/<profile>/re1000-guest
    if let Some(repo) = env::current_exe()?.ancestors().nth(3) {
        cands.extend(MODULE_IN_REPO.iter().map(|m| repo.join(m)));
    }
    match cands.iter().find(|p| p.is_file()) {
        Some(p) => Ok(Some(p.clone())),
        None => bail!(
            "re1000.ko not found (tried {}); build the module or pass --module",
            cands
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn options(module: &ModuleArg, dut: &str, peer: &str) -> Result<Options> {
    Ok(Options {
        module: resolve_module(module, [dut, peer])?,
        dut_driver: dut.to_owned(),
        peer_driver: peer.to_owned(),
    })
}

/// `SUITE` or `SUITE:CASE[,CASE...]` (only those cases, in suite order).
fn select(name: &str) -> Result<&'static suites::Suite> {
    let (suite, cases) = match name.split_once(':') {
        Some((s, c)) => (s, Some(c)),
        None => (name, None),
    };
    let Some(s) = suites::find(suite) else {
        bail!("unknown suite {suite:?} (`re1000-guest list` shows them)");
    };
    let Some(cases) = cases else {
        return Ok(s);
    };
    let wanted: Vec<&str> = cases.split(',').collect();
    for w in &wanted {
        if !s.cases.iter().any(|c| c.name == *w) {
            bail!("suite {suite} has no case {w:?} (`re1000-guest list` shows them)");
        }
    }
    let picked: Vec<suites::Case> = s
        .cases
        .iter()
        .filter(|c| wanted.contains(&c.name))
        .copied()
        .collect();
    // Lives for the rest of the process, like the built-in suites.
    Ok(Box::leak(Box::new(suites::Suite {
        name: s.name,
        about: s.about,
        cases: Box::leak(picked.into_boxed_slice()),
    })))
}

fn selected(sel: &Selection) -> Result<Vec<&'static suites::Suite>> {
    if sel.suites.iter().any(|s| s == "all") {
        return Ok(suites::ALL.to_vec());
    }
    sel.suites.iter().map(|n| select(n)).collect()
}

fn config(sel: &Selection) -> suites::Config {
    suites::Config {
        driver: sel.driver.clone(),
        debug_kernel: sel.debug_kernel,
        scale: sel.scale,
    }
}

fn plan(sel: &Selection) -> Result<Vec<suites::Planned>> {
    Ok(suites::plan(&selected(sel)?, &config(sel)))
}

fn tally(args: &TallyArgs) -> Result<i32> {
    let plan = plan(&args.sel)?;
    let log = std::fs::read(&args.log)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", args.log.display()))?;
    let t = tally::tally(&plan, &String::from_utf8_lossy(&log), args.status);
    for (id, why) in &t.failures {
        println!("FAIL {}: {id}: {why}", args.label);
    }
    println!(
        "TALLY passed={} failed={} skipped={}",
        t.passed, t.failed, t.skipped
    );
    Ok(0)
}

/// Unloads re1000 if this run loaded it, so that its remove path and
/// module exit are inside the run's kernel-log and kmemleak checks.
fn unload() -> Result<()> {
    if modules::is_loaded("re1000") {
        modules::rmmod("re1000")?;
    }
    Ok(())
}

fn test(args: &TestArgs) -> Result<i32> {
    let wanted = selected(&args.sel)?;
    let cfg = config(&args.sel);
    let planned = suites::plan(&wanted, &cfg);
    let opts = options(&args.module, &args.sel.driver, &args.sel.peer_driver)?;
    let mut rep = Reporter::default();
    report::note(&format!(
        "kernel {}, driver under test {}, peer {}, module {}",
        modules::kernel_release()?,
        opts.dut_driver,
        opts.peer_driver,
        opts.module
            .as_deref()
            .map_or("-".into(), |p| p.display().to_string())
    ));
    report::note(&format!("expected {} results", planned.len()));
    // From before the first module load to after the last unload.
    let mut log = dmesg::Watch::start()?;
    let leaks = suites::kmemleak_start(&mut rep, suites::RUN, &cfg);
    let run_scope = |s: &str| s == suites::RUN;
    let mut topo = match Topology::setup(&opts) {
        Ok(t) => t,
        Err(e) => {
            rep.fail(suites::RUN, suites::SETUP, &format!("{e:#}"));
            rep.finish();
            return Ok(1);
        }
    };
    rep.ok(suites::RUN, suites::SETUP);
    report::note(&format!(
        "dut {} [{}] {} ({}), peer {} [{}] {} in netns {} ({})",
        DUT.pci_addr,
        sysfs::pci_id(DUT.pci_addr),
        topo.dut.ifname,
        topo.dut.driver,
        PEER.pci_addr,
        sysfs::pci_id(PEER.pci_addr),
        topo.peer.ifname,
        topo.peer.netns.unwrap_or("-"),
        topo.peer.driver
    ));
    for s in wanted {
        suites::run(s, &mut topo, &mut rep, &mut log, &cfg);
    }
    match topo.teardown().and_then(|()| unload()) {
        Ok(()) => rep.ok(suites::RUN, suites::TEARDOWN),
        Err(e) => rep.fail(suites::RUN, suites::TEARDOWN, &format!("{e:#}")),
    }
    suites::kmemleak_check(&mut rep, suites::RUN, leaks);
    match log.close_scope(suites::RUN, &[]) {
        Ok(_) => suites::dmesg_check(&mut rep, suites::RUN, &mut log, run_scope),
        Err(e) => rep.fail(suites::RUN, suites::DMESG_CLEAN, &format!("{e:#}")),
    }
    rep.finish();
    Ok(if rep.failed > 0 { 1 } else { 0 })
}

fn run(cli: Cli) -> Result<i32> {
    match cli.cmd {
        Sub::Setup(a) => {
            let topo = Topology::setup(&options(&a.module, &a.dut_driver, &a.peer_driver)?)?;
            println!(
                "dut {} {} ({}), peer {} {} in netns {} ({})",
                topo.dut.nic.pci_addr,
                topo.dut.ifname,
                topo.dut.driver,
                topo.peer.nic.pci_addr,
                topo.peer.ifname,
                topo.peer.netns.unwrap_or("-"),
                topo.peer.driver
            );
            Ok(0)
        }
        Sub::Test(a) => test(&a),
        Sub::Plan(sel) => {
            for p in plan(&sel)? {
                match p.skip {
                    Some(why) => println!("{} (skips: {why})", p.id),
                    None => println!("{}", p.id),
                }
            }
            Ok(0)
        }
        Sub::Tally(a) => tally(&a),
        Sub::Demo(a) => demo::run(
            &options(&a.module, &a.driver, &a.peer_driver)?,
            a.expect_ping,
        ),
        Sub::Monitor { timeout, words } => {
            let out = monitor::hmp(&words.join(" "), Duration::from_secs(timeout))?;
            if !out.is_empty() {
                println!("{out}");
            }
            Ok(0)
        }
        Sub::Tool(t) => tool::run(t),
        Sub::Bench(a) => bench::run(&bench::BenchOptions {
            topology: options(&a.module, "re1000", "e1000")?,
            pairs: a.pairs,
            seconds: a.seconds,
            pings: a.pings,
            aa: a.aa,
        }),
        Sub::List => {
            for s in suites::ALL {
                let cases: Vec<&str> = s.cases.iter().map(|c| c.name).collect();
                println!(
                    "{:<10} {}\n{:<10} cases: {}",
                    s.name,
                    s.about,
                    "",
                    cases.join(", ")
                );
            }
            Ok(0)
        }
    }
}

fn main() {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => process::exit(code),
        Err(e) => {
            eprintln!("re1000-guest: error: {e:#}");
            process::exit(2);
        }
    }
}
