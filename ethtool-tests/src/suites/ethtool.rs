// SPDX-License-Identifier: GPL-2.0
//! `ethtool`: every `ethtool_ops` callback of the driver under test,
//! exercised through the crate's netlink and ioctl clients
//! ([`crate::netlink`]) and cross-checked against the `ethtool` CLI's
//! answer to the same question; exact counter movements under generated
//! traffic; ring resizes under TCP; self-tests, autonegotiation restart and
//! LED identify; refused input that must change nothing.
//!
//! Expected values come from the test's own inputs, from the hardware (PCI
//! ids, registers read through BAR 0) and from the C e1000's documented
//! behaviour (`ethtool_suite/expect.rs`), never from the driver's answers.
//! With `--driver e1000` the suite runs against the C driver as a
//! reference: where the README lists an intended difference, the case
//! asserts the C driver's behaviour instead and says so.

//!
//! The cases live in `ethtool_suite/`, one module per group, with the
//! support code they share.

#[path = "../ethtool_suite/mod.rs"]
mod cases;

use super::{Case, Suite};

pub const SUITE: Suite = Suite {
    name: "ethtool",
    about: "every ethtool_ops callback via netlink/ioctl vs the ethtool CLI, exact counters, -G under TCP, -C/ITR, -t, -r, -p, -e/-E, refused input",
    cases: &[
        Case {
            name: "drvinfo",
            run: cases::info::drvinfo,
        },
        Case {
            name: "stats-strings",
            run: cases::info::stats_strings,
        },
        Case {
            name: "std-stats",
            run: cases::info::std_stats,
        },
        Case {
            name: "counters-rx",
            run: cases::counters::counters_rx,
        },
        Case {
            name: "counters-tx",
            run: cases::counters::counters_tx,
        },
        Case {
            name: "rings",
            run: cases::rings::rings,
        },
        Case {
            name: "rings-under-tcp",
            run: cases::rings::rings_under_tcp,
        },
        Case {
            name: "coalesce",
            run: cases::coalesce::coalesce,
        },
        Case {
            name: "regs",
            run: cases::dumps::regs,
        },
        Case {
            name: "eeprom",
            run: cases::dumps::eeprom,
        },
        Case {
            name: "eeprom-write",
            run: cases::dumps::eeprom_write,
        },
        Case {
            name: "msglevel",
            run: cases::settings::msglevel,
        },
        Case {
            name: "pause",
            run: cases::settings::pause,
        },
        Case {
            name: "link-settings",
            run: cases::settings::link_settings,
        },
        Case {
            name: "link-advertise",
            run: cases::settings::link_advertise,
        },
        Case {
            name: "wol",
            run: cases::settings::wol,
        },
        Case {
            name: "tsinfo",
            run: cases::settings::tsinfo,
        },
        Case {
            name: "features",
            run: cases::settings::features,
        },
        Case {
            name: "nway-reset",
            run: cases::actions::nway_reset,
        },
        Case {
            name: "phys-id",
            run: cases::actions::phys_id,
        },
        Case {
            name: "self-test-online",
            run: cases::actions::self_test_online,
        },
        Case {
            name: "self-test-offline",
            run: cases::actions::self_test_offline,
        },
        Case {
            name: "invalid-input",
            run: cases::invalid::invalid_input,
        },
    ],
};
