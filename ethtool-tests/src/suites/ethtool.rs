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
//! behaviour (`ethtool/cases/expect.rs`), never from the driver's answers.
//! With `--driver e1000` the suite runs against the C driver as a
//! reference: where the README lists an intended difference, the case
//! asserts the C driver's behaviour instead and says so.

//!
//! The cases live in `ethtool/cases/`, one module per group, with the
//! support code they share.

mod cases;

use super::{Case, SkipWhen, Suite};
use crate::dmesg;

pub const SUITE: Suite = Suite {
    name: "ethtool",
    about: "every ethtool_ops callback via netlink/ioctl vs the ethtool CLI, exact counters, -G under TCP, -C/ITR, -t, -r, -p, -e/-E, refused input",
    cases: &[
        Case::new("drvinfo", cases::info::drvinfo),
        Case::new("stats-consistency", cases::info::stats_strings),
        Case::new("std-stats-consistency", cases::info::std_stats),
        Case::new("counters-rx", cases::counters::counters_rx),
        Case::new("counters-tx", cases::counters::counters_tx),
        // The C e1000's set_ringparam resets the MAC (e1000_down -> e1000_reset),
        // which restarts autonegotiation: its watchdog may see that link loss
        // with frames queued and reset again.
        Case::new("rings", cases::rings::rings).allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("rings-under-tcp", cases::rings::rings_under_tcp).skip_when(
            SkipWhen::Driver("e1000"),
            "C e1000: ring resize under transmit load can oops the kernel (e1000_set_ringparam \
             vs e1000_xmit_frame race, see ethtool/cases/rings.rs); resizes without traffic are \
             in `rings`",
        ),
        Case::new("coalesce", cases::coalesce::coalesce),
        Case::new("coalesce-dynamic", cases::coalesce::coalesce_dynamic),
        Case::new("regs", cases::dumps::regs),
        Case::new("eeprom", cases::dumps::eeprom),
        // re1000 verifies EEPROM writes by read-back and says so when QEMU ignores them.
        Case::new("eeprom-write", cases::dumps::eeprom_write)
            .allows_log(&["EEPROM write not verified"]),
        Case::new("msglevel", cases::settings::msglevel),
        Case::new("pause", cases::settings::pause)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("link-settings", cases::settings::link_settings)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("link-advertise", cases::settings::link_advertise)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("wol", cases::settings::wol),
        Case::new("tsinfo", cases::settings::tsinfo),
        Case::new("features-consistency", cases::settings::features),
        Case::new("nway-reset", cases::actions::nway_reset)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("phys-id", cases::actions::phys_id),
        Case::new("self-test-online", cases::actions::self_test_online),
        Case::new("self-test-offline", cases::actions::self_test_offline)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        Case::new("self-test-small-rings", cases::actions::self_test_small_rings)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
        // Its driver-refusal cases force and restore the link speed.
        Case::new("invalid-input", cases::invalid::invalid_input)
            .allows_log(dmesg::C_LINK_LOSS_RESET),
    ],
};
