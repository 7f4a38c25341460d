// SPDX-License-Identifier: GPL-2.0
//! Settings: message level, pause, link modes, Wake-on-LAN, time
//! stamping and features.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{ensure, Context, Result};

use super::dut::{all_equal, onoff, pair, refused, sorted, speed_modes, Dut};
use super::{cli, counting, expect, tstamp};
use crate::bar::{self, reg};
use crate::netlink::consts::sset;
use crate::netlink::{Duplex, LinkModesSet, PauseSet};
use crate::suites::{CaseResult, Ctx};
use crate::topology::PEER_IP4;

/// `msglvl`: set through netlink and the CLI, read back both ways.
pub(crate) fn msglevel(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let orig = d.eth().debug_get(d.if_())?;
    let r = (|| -> Result<()> {
        let cli_level = |d: &Dut| -> Result<u64> {
            cli::number(&cli::run(&[d.if_()])?, "Current message level")
        };
        ensure!(
            cli_level(&d)? == u64::from(orig.msglevel),
            "`ethtool` shows message level {:#x}, DEBUG_GET {:#x}",
            cli_level(&d)?,
            orig.msglevel
        );
        // drv | ifdown | ifup
        d.eth().debug_set(d.if_(), 0x31)?;
        let g = d.eth().debug_get(d.if_())?;
        ensure!(
            g.msglevel == 0x31,
            "msglevel {:#x} after setting 0x31",
            g.msglevel
        );
        ensure!(
            g.classes == ["drv", "ifdown", "ifup"],
            "classes {:?} for 0x31",
            g.classes
        );
        ensure!(cli_level(&d)? == 0x31, "`ethtool` does not show 0x31");
        cli::run(&["-s", d.if_(), "msglvl", "0x5"])?;
        let g = d.eth().debug_get(d.if_())?;
        ensure!(
            g.msglevel == 0x5,
            "msglevel {:#x} after `msglvl 0x5`",
            g.msglevel
        );
        Ok(())
    })();
    let restore = d.eth().debug_set(d.if_(), orig.msglevel);
    r?;
    restore?;
    Ok(())
}

/// Pause settings as PAUSE_GET and `ethtool -a` see them (6.1's `--json
/// -a` prints attribute presence, not values: text is parsed).
fn check_pause(d: &Dut, want: (bool, bool, bool), ctrl: bool) -> Result<()> {
    let p = d.eth().pause_get(d.if_())?;
    let text = cli::run(&["-a", d.if_()])?;
    let mut checks = vec![
        pair(
            "PAUSE_GET",
            format!("{:?}", (p.autoneg, p.rx, p.tx)),
            format!("{want:?}"),
        ),
        pair(
            "ethtool -a Autonegotiate",
            cli::need(&text, "Autonegotiate")?,
            onoff(want.0),
        ),
        pair("ethtool -a RX", cli::need(&text, "RX")?, onoff(want.1)),
        pair("ethtool -a TX", cli::need(&text, "TX")?, onoff(want.2)),
    ];
    if ctrl {
        let c = d.bar.read(reg::CTRL);
        let w0 = d.io().regs(d.if_())?.words()[0];
        checks.push(pair("CTRL.RFCE", c & bar::CTRL_RFCE != 0, want.1));
        checks.push(pair("CTRL.TFCE", c & bar::CTRL_TFCE != 0, want.2));
        checks.push(pair(
            "ethtool -d CTRL",
            format!("{w0:#x}"),
            format!("{c:#x}"),
        ));
    }
    all_equal("pause settings", &checks)
}

/// `-a/-A` with pause statistics (`-I -a`): forced settings round-trip and
/// reach CTRL.RFCE/TFCE; re1000 also round-trips autonegotiated ones.
pub(crate) fn pause(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let p0 = d.eth().pause_get(d.if_())?;
    let orig = (p0.autoneg, p0.rx, p0.tx);
    check_pause(&d, orig, false)?;
    let text = cli::run(&["-I", "-a", d.if_()])?;
    if d.reference {
        ensure!(
            p0.stats.tx_frames.is_none() && p0.stats.rx_frames.is_none(),
            "the C e1000 reported pause statistics {:?}",
            p0.stats
        );
        ensure!(
            !text.contains("Statistics:"),
            "`ethtool -I -a` shows statistics"
        );
    } else {
        let (tx, rx) = (
            p0.stats.tx_frames.context("no tx pause frame counter")?,
            p0.stats.rx_frames.context("no rx pause frame counter")?,
        );
        let (cli_tx, cli_rx) = (
            cli::number(&text, "tx_pause_frames")?,
            cli::number(&text, "rx_pause_frames")?,
        );
        // QEMU sends and honours no pause frames: both stay at zero.
        all_equal(
            "pause frame counters",
            &[
                pair("tx_pause_frames", tx, 0),
                pair("rx_pause_frames", rx, 0),
                pair("ethtool -I -a tx_pause_frames", cli_tx, tx),
                pair("ethtool -I -a rx_pause_frames", cli_rx, rx),
            ],
        )?;
    }
    let r = (|| -> Result<()> {
        for want in [
            (false, true, false),
            (false, false, true),
            (false, true, true),
            (false, false, false),
        ] {
            d.eth().pause_set(
                d.if_(),
                &PauseSet {
                    autoneg: Some(want.0),
                    rx: Some(want.1),
                    tx: Some(want.2),
                },
            )?;
            check_pause(&d, want, true)?;
        }
        cli::run(&["-A", d.if_(), "autoneg", "off", "rx", "on", "tx", "off"])?;
        check_pause(&d, (false, true, false), true)?;
        if d.reference {
            ctx.info("C e1000: autonegotiated pause is resolved with the partner, round trip not checked");
        } else {
            for want in [(true, true, true), (true, false, false)] {
                d.eth().pause_set(
                    d.if_(),
                    &PauseSet {
                        autoneg: Some(want.0),
                        rx: Some(want.1),
                        tx: Some(want.2),
                    },
                )?;
                check_pause(&d, want, false)?;
            }
        }
        Ok(())
    })();
    let restore = d.eth().pause_set(
        d.if_(),
        &PauseSet {
            autoneg: Some(orig.0),
            rx: Some(orig.1),
            tx: Some(orig.2),
        },
    );
    r?;
    restore?;
    d.wait_link_and_ping(ctx)?;
    Ok(())
}

/// `PORT_TP` and `XCVR_INTERNAL` (include/uapi/linux/ethtool.h).
const PORT_TP: u8 = 0x00;
const XCVR_INTERNAL: u8 = 0x00;

/// LINKMODES, LINKINFO and LINKSTATE against `ethtool IF`: 1000/Full
/// autonegotiated, the five copper modes supported and advertised, twisted
/// pair, link detected.
pub(crate) fn link_settings(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let lm = d.eth().linkmodes_get(d.if_())?;
    let li = d.eth().linkinfo_get(d.if_())?;
    let ls = d.eth().linkstate_get(d.if_())?;
    let text = cli::run(&[d.if_()])?;
    let all = sorted(&expect::SPEED_MODES);
    let cli_list = |k: &str| -> Result<Vec<String>> {
        let mut v = cli::list(&text, k)?;
        v.sort();
        Ok(v)
    };
    all_equal(
        "link settings",
        &[
            pair("LINKMODES autoneg", lm.autoneg, true),
            pair("LINKMODES speed", format!("{:?}", lm.speed), "Some(1000)"),
            pair("LINKMODES duplex", format!("{:?}", lm.duplex), "Full"),
            pair(
                "LINKMODES supported",
                format!("{:?}", speed_modes(&lm.supported)),
                format!("{all:?}"),
            ),
            pair(
                "LINKMODES advertised",
                format!("{:?}", speed_modes(&lm.advertised)),
                format!("{all:?}"),
            ),
            pair("LINKINFO port", li.port, PORT_TP),
            pair("LINKINFO transceiver", li.transceiver, XCVR_INTERNAL),
            pair("LINKSTATE link", format!("{:?}", ls.link), "Some(true)"),
            pair("ethtool Speed", cli::need(&text, "Speed")?, "1000Mb/s"),
            pair("ethtool Duplex", cli::need(&text, "Duplex")?, "Full"),
            pair(
                "ethtool Auto-negotiation",
                cli::need(&text, "Auto-negotiation")?,
                "on",
            ),
            pair(
                "ethtool Supported link modes",
                format!("{:?}", cli_list("Supported link modes")?),
                format!("{all:?}"),
            ),
            pair(
                "ethtool Advertised link modes",
                format!("{:?}", cli_list("Advertised link modes")?),
                format!("{all:?}"),
            ),
            pair("ethtool Port", cli::need(&text, "Port")?, "Twisted Pair"),
            pair("ethtool PHYAD", cli::number(&text, "PHYAD")?, li.phyaddr),
            pair(
                "ethtool Transceiver",
                cli::need(&text, "Transceiver")?,
                "internal",
            ),
            pair(
                "ethtool Link detected",
                cli::need(&text, "Link detected")?,
                "yes",
            ),
        ],
    )?;
    Ok(())
}

/// Advertised speed modes as LINKMODES_GET and `ethtool IF` see them.
fn check_advertised(d: &Dut, want: &[&str]) -> Result<()> {
    let lm = d.eth().linkmodes_get(d.if_())?;
    let mut cli_adv = cli::list(&cli::run(&[d.if_()])?, "Advertised link modes")?;
    cli_adv.sort();
    let want = sorted(want);
    all_equal(
        "advertised link modes",
        &[
            pair("LINKMODES autoneg", lm.autoneg, true),
            pair(
                "LINKMODES advertised",
                format!("{:?}", speed_modes(&lm.advertised)),
                format!("{want:?}"),
            ),
            pair(
                "ethtool Advertised link modes",
                format!("{cli_adv:?}"),
                format!("{want:?}"),
            ),
        ],
    )
}

/// `-s`: advertising a subset (netlink speed/duplex with autoneg, CLI
/// `advertise`) and back; forced 1000/Half is refused; forced 1000/Full is
/// what each driver makes of it. The link comes back each time.
pub(crate) fn link_advertise(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let r = link_advertise_body(ctx, &d);
    let restore = cli::run(&[
        "-s",
        d.if_(),
        "autoneg",
        "on",
        "advertise",
        expect::ADVERTISE_ALL,
    ]);
    r?;
    restore?;
    check_advertised(&d, &expect::SPEED_MODES)?;
    d.wait_link_and_ping(ctx)?;
    let lm = d.eth().linkmodes_get(d.if_())?;
    ensure!(
        lm.speed == Some(1000),
        "speed {:?} after restoring",
        lm.speed
    );
    Ok(())
}

fn link_advertise_body(ctx: &Ctx<'_>, d: &Dut) -> Result<()> {
    d.eth().linkmodes_set(
        d.if_(),
        &LinkModesSet {
            autoneg: Some(true),
            speed: Some(100),
            duplex: Some(Duplex::Full),
        },
    )?;
    check_advertised(d, &["100baseT/Full"])?;
    d.wait_link_and_ping(ctx)?;
    // 100baseT/Half is link mode bit 2.
    cli::run(&["-s", d.if_(), "advertise", "0x4"])?;
    check_advertised(d, &["100baseT/Half"])?;
    d.wait_link_and_ping(ctx)?;
    cli::run(&["-s", d.if_(), "advertise", expect::ADVERTISE_ALL])?;
    check_advertised(d, &expect::SPEED_MODES)?;
    d.wait_link_and_ping(ctx)?;

    let before = d.state()?;
    refused(
        "forced 1000/Half",
        d.eth().linkmodes_set(
            d.if_(),
            &LinkModesSet {
                autoneg: Some(false),
                speed: Some(1000),
                duplex: Some(Duplex::Half),
            },
        ),
        libc::EINVAL,
        None,
    )?;
    if d.reference {
        // e1000_set_spd_dplx clears hw->autoneg before it validates, so the
        // refused request leaves the C driver reporting autoneg off.
        let lm = d.eth().linkmodes_get(d.if_())?;
        ctx.info(&format!(
            "C e1000: refused forced 1000/Half left autoneg {} advertising {:?}; restoring",
            onoff(lm.autoneg),
            speed_modes(&lm.advertised)
        ));
        cli::run(&[
            "-s",
            d.if_(),
            "autoneg",
            "on",
            "advertise",
            expect::ADVERTISE_ALL,
        ])?;
        d.wait_link_and_ping(ctx)?;
    }
    d.unchanged(&before, "forced 1000/Half")?;
    let forced = d.eth().linkmodes_set(
        d.if_(),
        &LinkModesSet {
            autoneg: Some(false),
            speed: Some(1000),
            duplex: Some(Duplex::Full),
        },
    );
    if d.reference {
        // e1000_set_spd_dplx: 1000/Full "forced" is autonegotiation
        // advertising 1000baseT/Full only.
        forced.context("forced 1000/Full")?;
        check_advertised(d, &["1000baseT/Full"])?;
        ctx.info("C e1000: forced 1000/Full becomes autoneg advertising 1000baseT/Full only");
    } else {
        refused("forced 1000/Full", forced, libc::EINVAL, None)?;
        d.unchanged(&before, "forced 1000/Full")?;
        ctx.info("re1000: forced 1000/Full refused (EINVAL); the C e1000 autonegotiates 1000baseT/Full instead");
    }
    Ok(())
}

/// WoL: re1000 offers no wake-up (README), so enabling one is refused by
/// the core; the C e1000 lists u/m/b/g but QEMU's device cannot wake, so
/// it refuses with EOPNOTSUPP. Disabling always works.
pub(crate) fn wol(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let w = d.eth().wol_get(d.if_())?;
    let mut sup = w.supported.clone();
    sup.sort();
    let want_sup = if d.reference {
        sorted(expect::c_wol_supported(d.device))
    } else {
        Vec::new()
    };
    let text = cli::run(&[d.if_()])?;
    all_equal(
        "Wake-on-LAN",
        &[
            pair(
                "WOL_GET supported",
                format!("{sup:?}"),
                format!("{want_sup:?}"),
            ),
            pair("WOL_GET enabled", format!("{:?}", w.enabled), "[]"),
            pair(
                "ethtool Supports Wake-on",
                format!(
                    "{:?}",
                    cli::wol_modes(cli::need(&text, "Supports Wake-on")?)?
                ),
                format!("{sup:?}"),
            ),
            pair(
                "ethtool Wake-on",
                format!("{:?}", cli::wol_modes(cli::need(&text, "Wake-on")?)?),
                "[]",
            ),
        ],
    )?;
    let before = d.state()?;
    let r = d.eth().wol_set(d.if_(), &["magic"]);
    if d.reference && !want_sup.is_empty() {
        // Listed, but QEMU's device cannot wake the system.
        refused("wol magic", r, libc::EOPNOTSUPP, None)?;
    } else {
        refused(
            "wol magic",
            r,
            libc::EINVAL,
            Some("cannot enable unsupported WoL mode"),
        )?;
    }
    d.unchanged(&before, "wol magic")?;
    cli::refused(&["-s", d.if_(), "wol", "g"])?;
    d.unchanged(&before, "`ethtool -s wol g`")?;
    d.eth().wol_set(d.if_(), &[])?;
    cli::run(&["-s", d.if_(), "wol", "d"])?;
    d.unchanged(&before, "wol off")?;
    Ok(())
}

/// `-T`: the capabilities netlink and the CLI report agree, and the
/// software transmit stamps it promises arrive.
pub(crate) fn tsinfo(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let ts = d.eth().tsinfo_get(d.if_())?;
    let text = cli::run(&["-T", d.if_()])?;
    let mut caps = cli::block(&text, "Capabilities:")?;
    caps.sort();
    let mut lib = ts.timestamping.clone();
    lib.sort();
    ensure!(
        caps == lib,
        "`ethtool -T` capabilities {caps:?}, TSINFO_GET {lib:?}"
    );
    for c in [
        "software-transmit",
        "software-receive",
        "software-system-clock",
    ] {
        ensure!(lib.iter().any(|x| x == c), "no {c} in {lib:?}");
    }
    ensure!(
        cli::need(&text, "PTP Hardware Clock")? == "none",
        "`ethtool -T`: a PTP clock on an 8254x"
    );
    let sock = counting::dut_socket()?;
    let to: SocketAddr = format!("{PEER_IP4}:9").parse()?;
    let stamp = tstamp::tx_software(&sock, to, Duration::from_secs(5))
        .context("software-transmit is reported")?;
    ensure!(
        stamp.tv_sec != 0 || stamp.tv_nsec != 0,
        "an all-zero software transmit stamp"
    );
    Ok(())
}

/// The CLI's names for single features (ethtool's `off_flag_def`); its
/// other legacy names (`scatter-gather`, `tx-checksumming`,
/// `tcp-segmentation-offload`) aggregate several and are left out.
const CLI_FEATURE_NAMES: [(&str, &str); 9] = [
    ("rx-checksumming", "rx-checksum"),
    ("generic-segmentation-offload", "tx-generic-segmentation"),
    ("generic-receive-offload", "rx-gro"),
    ("large-receive-offload", "rx-lro"),
    ("rx-vlan-offload", "rx-vlan-hw-parse"),
    ("tx-vlan-offload", "tx-vlan-hw-insert"),
    ("ntuple-filters", "rx-ntuple-filter"),
    ("receive-hashing", "rx-hashing"),
    ("udp-fragmentation-offload", "tx-udp-fragmentation"),
];

/// Features (FEATURES_GET/SET) against `ethtool --json -k`, and GRO
/// toggled both ways: a consistency check of two views of the core's
/// feature bits, not a cross-check (what the offloads do on the wire is the
/// datapath suite's).
pub(crate) fn features(ctx: &mut Ctx<'_>) -> CaseResult {
    let d = Dut::open(ctx)?;
    let f = d.eth().features_get(d.if_())?;
    let names = d.eth().strings(d.if_(), sset::FEATURES)?;
    let json = cli::features_json(&cli::run(&["--json", "-k", d.if_()])?)?;
    let mut common = 0;
    let mut bad = Vec::new();
    for (cli_name, active) in &json {
        let name = CLI_FEATURE_NAMES
            .iter()
            .find(|(c, _)| c == cli_name)
            .map_or(cli_name.as_str(), |(_, k)| k);
        if !names.iter().any(|n| n == name) {
            continue;
        }
        common += 1;
        if f.is_active(name) != *active {
            bad.push(format!(
                "{cli_name}: CLI {active}, FEATURES_GET {name} {}",
                f.is_active(name)
            ));
        }
    }
    ensure!(
        bad.is_empty(),
        "consistency: FEATURES_GET vs `ethtool -k`:\n{}",
        bad.join("\n")
    );
    ensure!(
        common >= 20,
        "only {common} features in common with the CLI"
    );
    let gro = f.is_active("rx-gro");
    let r = (|| -> Result<()> {
        d.eth().features_set(d.if_(), &[("rx-gro", !gro)])?;
        let j = cli::features_json(&cli::run(&["--json", "-k", d.if_()])?)?;
        ensure!(
            j.get("generic-receive-offload") == Some(&!gro),
            "`ethtool -k` GRO {:?} after setting {}",
            j.get("generic-receive-offload"),
            !gro
        );
        cli::run(&["-K", d.if_(), "gro", onoff(gro)])?;
        ensure!(
            d.eth().features_get(d.if_())?.is_active("rx-gro") == gro,
            "rx-gro not {gro} after `ethtool -K gro {}`",
            onoff(gro)
        );
        Ok(())
    })();
    let restore = d.eth().features_set(d.if_(), &[("rx-gro", gro)]);
    r?;
    restore?;
    ctx.info(&format!(
        "consistency check: {common} features agree between FEATURES_GET and `ethtool -k`"
    ));
    Ok(())
}
