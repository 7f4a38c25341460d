// SPDX-License-Identifier: GPL-2.0
//! `re1000-vm`: boots the test kernel with virtme-ng (QEMU under TCG) with two
//! e1000 NICs on one hub and runs one command in the guest.
//!
//! Exit status: the guest command's, 124 on timeout, 123 if the guest
//! kernel crashed (whatever the command returned), 125 if the runner itself
//! failed.

mod relay;
mod supervise;
mod tail;
mod vng;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::builder::PossibleValuesParser;
use clap::Parser;
use re1000_vm::qemu::{self, MonitorSockets};
use re1000_vm::shell;
use re1000_vm::topology::{DUT, MODELS, MONITOR_PORT, PEER};

use supervise::{Outcome, Sinks};
use tail::Tail;

/// Lines of guest output printed again after a timeout or crash.
const TAIL_LINES: usize = 60;
/// Exit status when the guest kernel crashed, distinct from any status of
/// the guest command so that a crash after a clean report is still seen.
const EXIT_GUEST_CRASHED: i32 = 123;
/// Kernel log buffer of the guest: large enough that a whole `make check`
/// guest run never wraps it (a wrap is a test failure, see `dmesg.rs`).
const LOG_BUF_LEN: &str = "log_buf_len=16M";

#[derive(Parser, Debug)]
#[command(
    name = "re1000-vm",
    version,
    about = "Boot the re1000 test kernel under virtme-ng and run one command in the guest",
    after_help = after_help()
)]
struct Cli {
    /// Kernel build directory (the one holding .re1000-complete)
    #[arg(long, value_name = "DIR")]
    kdir: PathBuf,
    /// QEMU device model of both NICs
    #[arg(long, default_value = "e1000", value_parser = PossibleValuesParser::new(MODELS))]
    model: String,
    /// Hard timeout in seconds for the whole run (boot included)
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    timeout: u64,
    /// Capture the dut's wire (netdev p0) to this pcap file
    #[arg(long, value_name = "FILE")]
    pcap: Option<PathBuf>,
    /// Host directory the guest may write to, at the same path (repeatable)
    #[arg(long, value_name = "DIR")]
    rwdir: Vec<PathBuf>,
    /// Guest memory
    #[arg(long, default_value = "1G")]
    memory: String,
    /// Guest vCPUs
    #[arg(long, default_value_t = 2)]
    cpus: u32,
    /// Also write the guest's console and output to this file
    #[arg(long, value_name = "FILE")]
    console_log: Option<PathBuf>,
    /// Guest console loglevel (5: warnings and worse; 8: everything)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(0..=8))]
    console_loglevel: u8,
    /// Extra guest kernel command-line argument (repeatable)
    #[arg(long = "append", value_name = "ARG")]
    kernel_args: Vec<String>,
    /// Do not wire QEMU's monitor to the guest
    #[arg(long)]
    no_monitor: bool,
    /// Command to run in the guest (as root, in the current directory)
    #[arg(last = true, required = true, value_name = "CMD")]
    cmd: Vec<String>,
}

/// `--help` epilogue, built from the shared topology constants.
fn after_help() -> String {
    let nic = |role: &str, n: &re1000_vm::topology::Nic| {
        format!(
            "  {role:<5}: PCI {}, QEMU id {}, netdev {}, MAC {}\n",
            n.pci_addr, n.qdev_id, n.netdev_id, n.mac
        )
    };
    format!(
        "Topology: two NICs of --model on QEMU hub 0:\n{}{}\
         In the guest, /dev/virtio-ports/{MONITOR_PORT} speaks QEMU's human monitor\n\
         (e.g. `set_link {} off`); `re1000-guest monitor CMD` wraps it.\n\
         The guest sees the host's root filesystem read-only (with throw-away\n\
         overlays); pass --rwdir for results. The runner exports rwdirs itself (9p,\n\
         mounted before CMD runs) instead of through vng's --rwdir, whose PCI devices\n\
         would take the NICs' fixed slots. vng is $VNG, else found on PATH.\n\
         Exit status: the guest command's; 124 on timeout; 123 on a guest kernel\n\
         crash (Kernel panic, BUG:, Oops); 125 if the runner fails.",
        nic("dut", &DUT),
        nic("peer", &PEER),
        PEER.qdev_id
    )
}

/// A per-run directory for the monitor sockets, removed on drop.
struct RunDir(PathBuf);

impl RunDir {
    fn create() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("re1000-vm.{}", process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("resolving {}", p.display()))
}

fn run(cli: Cli) -> Result<i32> {
    let started = Instant::now();
    let kdir = absolute(&cli.kdir)?;
    if !kdir.join("arch/x86/boot/bzImage").is_file() {
        bail!(
            "{}: no arch/x86/boot/bzImage (kernel not built?)",
            kdir.display()
        );
    }
    let pcap = cli.pcap.as_deref().map(absolute).transpose()?;
    let mut rwdirs = Vec::new();
    for d in &cli.rwdir {
        let d = absolute(d)?;
        if !d.is_dir() {
            bail!("--rwdir {}: not a directory", d.display());
        }
        rwdirs.push(d);
    }
    let rundir = RunDir::create()?;
    let socks = MonitorSockets {
        monitor: rundir.0.join("mon.sock"),
        guest_port: rundir.0.join("gmon.sock"),
    };
    let qemu_args = qemu::args(&qemu::Options {
        model: &cli.model,
        pcap: pcap.as_deref(),
        monitor: (!cli.no_monitor).then_some(&socks),
        rwdirs: &rwdirs,
    });
    let mut kernel_args = vec![
        format!("loglevel={}", cli.console_loglevel),
        LOG_BUF_LEN.to_owned(),
    ];
    kernel_args.extend(cli.kernel_args.iter().cloned());

    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let exit_marker = format!("[re1000-vm:{}:{nonce:08x}] exit status ", process::id());
    let mounts: Vec<(String, String)> = rwdirs
        .iter()
        .enumerate()
        .map(|(i, d)| (qemu::rwdir_tag(i), d.display().to_string()))
        .collect();
    let guest_shell = shell::guest_command(&cli.cmd, &mounts, &exit_marker);

    let vng_bin = vng::find()?;
    let mut cmd = Command::new(&vng_bin);
    cmd.args(vng::args(&vng::Invocation {
        kdir: &kdir,
        cpus: cli.cpus,
        memory: &cli.memory,
        kernel_args: &kernel_args,
        qemu_args: &qemu_args,
        guest_shell: &guest_shell,
    }))
    .env("PATH", vng::child_path(&vng_bin)?);

    let log = match &cli.console_log {
        Some(p) => Some(Arc::new(Mutex::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        ))),
        None => None,
    };
    let sinks = Sinks {
        tail: Arc::new(Tail::new(TAIL_LINES, &exit_marker)),
        log,
    };
    eprintln!(
        "[vm] {} kernel {} model {}: dut {} {} / peer {} {}{}",
        vng_bin.display(),
        kdir.display(),
        cli.model,
        DUT.pci_addr,
        DUT.mac,
        PEER.pci_addr,
        PEER.mac,
        if cli.no_monitor {
            String::new()
        } else {
            format!(", monitor at /dev/virtio-ports/{MONITOR_PORT}")
        }
    );
    let (mut child, readers) = supervise::spawn(cmd, &sinks)?;
    let stop = Arc::new(AtomicBool::new(false));
    let relay = (!cli.no_monitor).then(|| relay::spawn(socks.clone(), Arc::clone(&stop)));
    let outcome = supervise::wait(
        &mut child,
        readers,
        Duration::from_secs(cli.timeout),
        &sinks.tail,
    );
    stop.store(true, Ordering::Relaxed);
    if let Some(r) = relay {
        let _ = r.join();
    }
    let code = exit_code(outcome?, &sinks.tail, cli.timeout);
    let took = started.elapsed().as_secs();
    eprintln!("[vm] model {} exit {code}: took {took} s", cli.model);
    Ok(code)
}

/// Prints what the user needs to know about how the run ended and returns
/// the runner's exit status.
fn exit_code(outcome: Outcome, tail: &Tail, timeout: u64) -> i32 {
    let print_tail = |why: &str| {
        eprintln!("[vm] {why}; last {TAIL_LINES} lines of guest output:");
        for l in tail.lines() {
            eprintln!("[vm] | {l}");
        }
    };
    let code = match outcome {
        Outcome::TimedOut => {
            print_tail(&format!(
                "TIMEOUT: no exit after {timeout} s, killed vng and QEMU"
            ));
            124
        }
        Outcome::Signalled(sig) => {
            eprintln!("[vm] interrupted by signal {sig}, killed vng and QEMU");
            128 + sig
        }
        Outcome::Exited(status) => {
            // The guest's own report wins: vng says 255 when it lost it.
            let code = tail
                .exit_status()
                .unwrap_or_else(|| supervise::exit_code(status));
            match tail.crash() {
                Some(line) => {
                    print_tail(&format!(
                        "guest kernel crashed ({line}); the command returned {code}"
                    ));
                    EXIT_GUEST_CRASHED
                }
                None => code,
            }
        }
    };
    let slot_taken = |l: &String| l.contains("PCI: slot") && l.contains("not available");
    if code != 0 && tail.lines().iter().any(slot_taken) {
        eprintln!(
            "[vm] hint: a device vng adds took one of the NICs' fixed PCI slots \
             ({:#x}, {:#x}); vng's own devices (root fs, serial ports, ...) are \
             assigned slots before ours",
            DUT.pci_slot, PEER.pci_slot
        );
    }
    code
}

fn main() {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => process::exit(code),
        Err(e) => {
            eprintln!("[vm] error: {e:#}");
            process::exit(125);
        }
    }
}
