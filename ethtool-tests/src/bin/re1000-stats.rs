// SPDX-License-Identifier: GPL-2.0
//! `re1000-stats IFACE`: every counter of a network interface in one table
//! — the driver's private `ethtool -S` counters, the standard groups
//! (eth-phy, eth-mac, eth-ctrl, rmon with its size histogram), the pause
//! frame counters and the kernel's stats64 — read through netlink and the
//! ethtool ioctl the way `ethtool` and `ip` do.
//!
//! `--watch` redraws every `--interval` seconds with per-second rates until
//! interrupted, or `--count` times.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use ethtool_tests::netlink::counters::{Section, Snapshot, Sources};
use ethtool_tests::netlink::Duplex;

#[derive(Parser, Debug)]
#[command(
    name = "re1000-stats",
    version,
    about = "Print a network interface's counters (ethtool -S, standard groups, pause, stats64)"
)]
struct Cli {
    /// Interface, e.g. enp0s9
    iface: String,
    /// Redraw periodically with per-second rates
    #[arg(long)]
    watch: bool,
    /// Seconds between refreshes with --watch
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    interval: f64,
    /// Stop after N refreshes (default with --watch: until interrupted)
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Hide counters that are zero and did not move
    #[arg(long)]
    nonzero: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("re1000-stats: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), Box<dyn std::error::Error>> {
    if !(cli.interval.is_finite() && cli.interval > 0.0) {
        return Err("--interval must be a positive number of seconds".into());
    }
    let src = Sources::connect()?;
    // Fails with ENODEV for a wrong name before anything is printed.
    src.rtnl.link(&cli.iface)?;
    let tty = io::stdout().is_terminal();
    let width = term_width(tty);
    let frames = match (cli.watch, cli.count) {
        (_, Some(n)) => n.max(1),
        (false, None) => 1,
        (true, None) => u64::MAX,
    };

    let mut prev: Option<Snapshot> = None;
    for frame in 0..frames {
        if frame > 0 {
            thread::sleep(Duration::from_secs_f64(cli.interval));
        }
        let snap = src.snapshot(&cli.iface);
        let mut out = String::new();
        if cli.watch && tty {
            out.push_str("\x1b[H\x1b[2J");
        } else if frame > 0 {
            out.push('\n');
        }
        out.push_str(&title(&src, &cli.iface));
        if cli.watch {
            out.push_str(&format!(
                "  [refresh {} every {}s]\n",
                frame + 1,
                cli.interval
            ));
        }
        out.push('\n');
        let rates = cli.watch.then_some(()).and(prev.as_ref());
        out.push_str(&render(&snap, rates, width, cli.nonzero));
        io::stdout().write_all(out.as_bytes())?;
        io::stdout().flush()?;
        prev = Some(snap);
    }
    Ok(())
}

/// "enp0s9: re1000 0000:00:09.0, link up 1000Mb/s full, mtu 1500".
fn title(src: &Sources, iface: &str) -> String {
    let mut parts = Vec::new();
    if let Ok(d) = src.ioctl.drvinfo(iface) {
        parts.push(format!("{} {}", d.driver, d.bus_info));
    }
    let link = src.ethtool.linkstate_get(iface).ok().and_then(|l| l.link);
    let modes = src.ethtool.linkmodes_get(iface).ok();
    match (link, modes) {
        (Some(true), Some(m)) => {
            let speed = m
                .speed
                .map_or("speed unknown".to_owned(), |s| format!("{s}Mb/s"));
            let duplex = match m.duplex {
                Duplex::Full => " full duplex",
                Duplex::Half => " half duplex",
                Duplex::Unknown => "",
            };
            parts.push(format!("link up {speed}{duplex}"));
        }
        (Some(true), None) => parts.push("link up".to_owned()),
        (Some(false), _) => parts.push("no link".to_owned()),
        (None, _) => {}
    }
    if let Ok(l) = src.rtnl.link(iface) {
        if let Some(m) = l.mtu {
            parts.push(format!("mtu {m}"));
        }
        if !l.up {
            parts.push("admin down".to_owned());
        }
    }
    format!("{iface}: {}", parts.join(", "))
}

const NAME_W: usize = 32;
const VALUE_W: usize = 16;
const RATE_W: usize = 12;

/// One section as text: a heading, then rows packed in as many columns as
/// `width` allows, each "name value [rate/s]".
fn render(snap: &Snapshot, prev: Option<&Snapshot>, width: usize, nonzero: bool) -> String {
    let dt = prev.map(|p| snap.taken.duration_since(p.taken).as_secs_f64());
    let cell_w = NAME_W + VALUE_W + if dt.is_some() { RATE_W } else { 0 } + 2;
    let cols = (width / cell_w).max(1);
    let mut out = String::new();
    for s in &snap.sections {
        let cells = cells(s, prev, dt, nonzero);
        out.push_str(&heading(s, cells.len()));
        if let Some(note) = &s.note {
            out.push_str(&format!("  ({note})\n"));
        }
        for row in cells.chunks(cols) {
            let line: Vec<String> = row.iter().map(|c| pad(c, cell_w)).collect();
            out.push_str(line.join("").trim_end());
            out.push('\n');
        }
    }
    out
}

fn heading(s: &Section, shown: usize) -> String {
    if s.rows.is_empty() || shown == s.rows.len() {
        format!("== {} ==\n", s.title)
    } else {
        format!("== {} ({shown} of {} shown) ==\n", s.title, s.rows.len())
    }
}

fn cells(s: &Section, prev: Option<&Snapshot>, dt: Option<f64>, nonzero: bool) -> Vec<String> {
    s.rows
        .iter()
        .filter_map(|(name, v)| {
            let before = prev.and_then(|p| p.get(&s.title, name));
            let moved = before.is_some_and(|b| b != *v);
            if nonzero && *v == 0 && !moved {
                return None;
            }
            let mut c = format!("  {name:<nw$}{v:>vw$}", nw = NAME_W - 2, vw = VALUE_W);
            if let Some(dt) = dt {
                c.push_str(&format!("{:>rw$}", rate(before, *v, dt), rw = RATE_W));
            }
            Some(c)
        })
        .collect()
}

/// "+12/s", "" when unchanged, "reset" when the counter went backwards.
fn rate(before: Option<u64>, now: u64, dt: f64) -> String {
    match before {
        None => String::new(),
        Some(b) if b == now => String::new(),
        Some(b) if now < b => "reset".to_owned(),
        Some(b) => {
            let r = (now - b) as f64 / dt.max(1e-3);
            if r >= 100.0 {
                format!("+{r:.0}/s")
            } else {
                format!("+{r:.1}/s")
            }
        }
    }
}

fn pad(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

/// Output width: $COLUMNS, else the terminal's (TIOCGWINSZ), else 100
/// when stdout is not a terminal.
fn term_width(tty: bool) -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
    {
        return c;
    }
    if !tty {
        return 100;
    }
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into `ws`, which is valid.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
    if rc == 0 && ws.ws_col > 0 {
        usize::from(ws.ws_col)
    } else {
        80
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn snap(v: u64, at: Instant) -> Snapshot {
        Snapshot {
            taken: at,
            sections: vec![
                Section {
                    title: "stats64".into(),
                    rows: vec![("rx_packets".into(), v), ("tx_packets".into(), 0)],
                    note: None,
                },
                Section {
                    title: "eth-ctrl".into(),
                    rows: vec![],
                    note: Some("empty: the driver reports nothing in this group".into()),
                },
            ],
        }
    }

    #[test]
    fn one_shot_table() {
        let t = render(&snap(5, Instant::now()), None, 50, false);
        assert!(t.contains("== stats64 =="), "{t}");
        assert!(t.contains("rx_packets"), "{t}");
        assert!(t.contains("== eth-ctrl ==\n  (empty: the driver"), "{t}");
        assert!(!t.contains("/s"), "{t}");
    }

    #[test]
    fn watch_rates_and_nonzero_filter() {
        let t0 = Instant::now();
        let a = snap(100, t0);
        let b = snap(300, t0 + Duration::from_secs(2));
        let t = render(&b, Some(&a), 200, true);
        assert!(t.contains("+100/s"), "{t}");
        assert!(!t.contains("tx_packets"), "{t}");
        assert!(t.contains("(1 of 2 shown)"), "{t}");
    }

    #[test]
    fn rate_edge_cases() {
        assert_eq!(rate(None, 5, 1.0), "");
        assert_eq!(rate(Some(5), 5, 1.0), "");
        assert_eq!(rate(Some(9), 5, 1.0), "reset");
        assert_eq!(rate(Some(0), 1000, 1.0), "+1000/s");
    }
}
