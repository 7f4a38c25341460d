// SPDX-License-Identifier: GPL-2.0
//! SIOCETHTOOL command numbers and struct layouts, from
//! include/uapi/linux/ethtool.h and include/uapi/linux/sockios.h (Linux
//! 7.3.4); `netlink/consts_check.rs` compares them with the headers.

/// `SIOCETHTOOL` (sockios.h).
pub const SIOCETHTOOL: u32 = 0x8946;

/// `ETHTOOL_*` command numbers (ethtool.h).
pub mod cmd {
    pub const GDRVINFO: u32 = 0x03;
    pub const GREGS: u32 = 0x04;
    pub const NWAY_RST: u32 = 0x09;
    pub const GEEPROM: u32 = 0x0b;
    pub const SEEPROM: u32 = 0x0c;
    pub const TEST: u32 = 0x1a;
    pub const GSTRINGS: u32 = 0x1b;
    pub const PHYS_ID: u32 = 0x1c;
    pub const GSTATS: u32 = 0x1d;
    pub const GSSET_INFO: u32 = 0x37;

    pub fn name(cmd: u32) -> &'static str {
        match cmd {
            GDRVINFO => "ETHTOOL_GDRVINFO",
            GREGS => "ETHTOOL_GREGS",
            NWAY_RST => "ETHTOOL_NWAY_RST",
            GEEPROM => "ETHTOOL_GEEPROM",
            SEEPROM => "ETHTOOL_SEEPROM",
            TEST => "ETHTOOL_TEST",
            GSTRINGS => "ETHTOOL_GSTRINGS",
            PHYS_ID => "ETHTOOL_PHYS_ID",
            GSTATS => "ETHTOOL_GSTATS",
            GSSET_INFO => "ETHTOOL_GSSET_INFO",
            _ => "ETHTOOL_?",
        }
    }
}

/// `ETH_GSTRING_LEN`.
pub const GSTRING_LEN: usize = 32;
/// `enum ethtool_test_flags`.
pub const ETH_TEST_FL_OFFLINE: u32 = 1 << 0;
pub const ETH_TEST_FL_FAILED: u32 = 1 << 1;

/// `struct ethtool_drvinfo`: 196 bytes.
pub mod drvinfo {
    pub const SIZE: usize = 196;
    pub const DRIVER: usize = 4;
    pub const VERSION: usize = 36;
    pub const FW_VERSION: usize = 68;
    pub const BUS_INFO: usize = 100;
    pub const EROM_VERSION: usize = 132;
    pub const N_PRIV_FLAGS: usize = 176;
    pub const N_STATS: usize = 180;
    pub const TESTINFO_LEN: usize = 184;
    pub const EEDUMP_LEN: usize = 188;
    pub const REGDUMP_LEN: usize = 192;
    pub const STR_LEN: usize = 32;
}

/// Header sizes of the variable-length structs (data follows).
pub const REGS_HDR: usize = 12; // cmd, version, len
pub const EEPROM_HDR: usize = 16; // cmd, magic, offset, len
pub const TEST_HDR: usize = 16; // cmd, flags, reserved, len
pub const STATS_HDR: usize = 8; // cmd, n_stats
pub const GSTRINGS_HDR: usize = 12; // cmd, string_set, len
pub const SSET_INFO_HDR: usize = 16; // cmd, reserved, sset_mask (u64)
