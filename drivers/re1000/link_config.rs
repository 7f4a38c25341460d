// SPDX-License-Identifier: GPL-2.0

//! What the user asked of the link (`ethtool -s`, `ethtool -A`): autonegotiation,
//! the advertised modes and flow control, kept in one word because they are read
//! together (`ethtool IF` reports pause in the advertised modes, and `-A` depends on
//! autonegotiation).

use kernel::sync::atomic::{
    Atomic,
    Relaxed, //
};

use crate::link_modes::ADVERTISE_DEFAULT;

/// Flow control (`ethtool -A`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowControl {
    /// Pause is autonegotiated.
    pub(crate) autoneg: bool,
    /// Honour received PAUSE frames (CTRL.RFCE).
    pub(crate) rx: bool,
    /// Send PAUSE frames (CTRL.TFCE).
    pub(crate) tx: bool,
}

impl FlowControl {
    /// Whether any pause is wanted, so PAUSE is advertised.
    pub(crate) fn any(self) -> bool {
        self.rx || self.tx
    }
}

/// One snapshot of the link configuration.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Config {
    /// Link autonegotiation (else the speed and duplex are forced).
    pub(crate) autoneg: bool,
    /// Advertised speeds (`link_mode` bits of `SUPPORTED_SPEEDS`).
    pub(crate) advertising: u64,
    pub(crate) fc: FlowControl,
}

/// The C driver's defaults: autonegotiate everything, flow control autonegotiated
/// with no pause (re1000 does not read EEPROM word 0x0F yet).
const DEFAULT: Config = Config {
    autoneg: true,
    advertising: ADVERTISE_DEFAULT,
    fc: FlowControl {
        autoneg: true,
        rx: false,
        tx: false,
    },
};

/// The flags above the advertised modes' bits (which use bits 0..=13).
const AUTONEG: u64 = 1 << 60;
const FC_AUTONEG: u64 = 1 << 61;
const FC_RX: u64 = 1 << 62;
const FC_TX: u64 = 1 << 63;
const ADVERTISING: u64 = AUTONEG - 1;

fn pack(c: Config) -> u64 {
    let flag = |on: bool, bit: u64| if on { bit } else { 0 };
    (c.advertising & ADVERTISING)
        | flag(c.autoneg, AUTONEG)
        | flag(c.fc.autoneg, FC_AUTONEG)
        | flag(c.fc.rx, FC_RX)
        | flag(c.fc.tx, FC_TX)
}

fn unpack(w: u64) -> Config {
    Config {
        autoneg: w & AUTONEG != 0,
        advertising: w & ADVERTISING,
        fc: FlowControl {
            autoneg: w & FC_AUTONEG != 0,
            rx: w & FC_RX != 0,
            tx: w & FC_TX != 0,
        },
    }
}

/// The link configuration; changed by ethtool ops (under RTNL, so one writer at a
/// time), read anywhere.
pub(crate) struct LinkConfig(Atomic<u64>);

impl LinkConfig {
    pub(crate) fn new() -> Self {
        Self(Atomic::new(pack(DEFAULT)))
    }

    pub(crate) fn get(&self) -> Config {
        unpack(self.0.load(Relaxed))
    }

    pub(crate) fn set(&self, c: Config) {
        self.0.store(pack(c), Relaxed);
    }
}
