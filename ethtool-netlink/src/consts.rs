// SPDX-License-Identifier: GPL-2.0
//! ethtool generic-netlink constants, copied from the Linux 7.3.4 uapi
//! headers (neli has none). Each module names the header and the enum its
//! values come from. `consts_check.rs` compares each value with the
//! headers of the kernel source tree (a unit test).
//!
//! Headers: `include/uapi/linux/ethtool_netlink_generated.h` (G),
//! `include/uapi/linux/ethtool_netlink.h` (N), `include/uapi/linux/ethtool.h` (E).

/// `ETHTOOL_GENL_NAME` (G).
pub const GENL_NAME: &str = "ethtool";
/// `ETHTOOL_GENL_VERSION` (G).
pub const GENL_VERSION: u8 = 1;

/// `enum ethtool_header_flags` (G).
pub mod flag {
    pub const COMPACT_BITSETS: u32 = 1;
    pub const OMIT_REPLY: u32 = 2;
    pub const STATS: u32 = 4;
}

/// Request commands: the anonymous enum `ETHTOOL_MSG_*` user messages (G).
pub mod msg {
    pub const STRSET_GET: u8 = 1;
    pub const LINKINFO_GET: u8 = 2;
    pub const LINKINFO_SET: u8 = 3;
    pub const LINKMODES_GET: u8 = 4;
    pub const LINKMODES_SET: u8 = 5;
    pub const LINKSTATE_GET: u8 = 6;
    pub const DEBUG_GET: u8 = 7;
    pub const DEBUG_SET: u8 = 8;
    pub const WOL_GET: u8 = 9;
    pub const WOL_SET: u8 = 10;
    pub const FEATURES_GET: u8 = 11;
    pub const FEATURES_SET: u8 = 12;
    pub const RINGS_GET: u8 = 15;
    pub const RINGS_SET: u8 = 16;
    pub const COALESCE_GET: u8 = 19;
    pub const COALESCE_SET: u8 = 20;
    pub const PAUSE_GET: u8 = 21;
    pub const PAUSE_SET: u8 = 22;
    pub const TSINFO_GET: u8 = 25;
    pub const STATS_GET: u8 = 32;

    /// The `ETHTOOL_MSG_*` name of a request command, for messages.
    pub fn name(cmd: u8) -> &'static str {
        match cmd {
            STRSET_GET => "ETHTOOL_MSG_STRSET_GET",
            LINKINFO_GET => "ETHTOOL_MSG_LINKINFO_GET",
            LINKINFO_SET => "ETHTOOL_MSG_LINKINFO_SET",
            LINKMODES_GET => "ETHTOOL_MSG_LINKMODES_GET",
            LINKMODES_SET => "ETHTOOL_MSG_LINKMODES_SET",
            LINKSTATE_GET => "ETHTOOL_MSG_LINKSTATE_GET",
            DEBUG_GET => "ETHTOOL_MSG_DEBUG_GET",
            DEBUG_SET => "ETHTOOL_MSG_DEBUG_SET",
            WOL_GET => "ETHTOOL_MSG_WOL_GET",
            WOL_SET => "ETHTOOL_MSG_WOL_SET",
            FEATURES_GET => "ETHTOOL_MSG_FEATURES_GET",
            FEATURES_SET => "ETHTOOL_MSG_FEATURES_SET",
            RINGS_GET => "ETHTOOL_MSG_RINGS_GET",
            RINGS_SET => "ETHTOOL_MSG_RINGS_SET",
            COALESCE_GET => "ETHTOOL_MSG_COALESCE_GET",
            COALESCE_SET => "ETHTOOL_MSG_COALESCE_SET",
            PAUSE_GET => "ETHTOOL_MSG_PAUSE_GET",
            PAUSE_SET => "ETHTOOL_MSG_PAUSE_SET",
            TSINFO_GET => "ETHTOOL_MSG_TSINFO_GET",
            STATS_GET => "ETHTOOL_MSG_STATS_GET",
            _ => "ETHTOOL_MSG_?",
        }
    }
}

/// Reply commands: the anonymous enum `ETHTOOL_MSG_*_REPLY` kernel
/// messages (G). Reply ids are a separate numbering from requests.
pub mod reply {
    pub const STRSET_GET_REPLY: u8 = 1;
    pub const LINKINFO_GET_REPLY: u8 = 2;
    pub const LINKMODES_GET_REPLY: u8 = 4;
    pub const LINKSTATE_GET_REPLY: u8 = 6;
    pub const DEBUG_GET_REPLY: u8 = 7;
    pub const WOL_GET_REPLY: u8 = 9;
    pub const FEATURES_GET_REPLY: u8 = 11;
    pub const FEATURES_SET_REPLY: u8 = 12;
    pub const RINGS_GET_REPLY: u8 = 16;
    pub const COALESCE_GET_REPLY: u8 = 20;
    pub const PAUSE_GET_REPLY: u8 = 22;
    pub const TSINFO_GET_REPLY: u8 = 26;
    pub const STATS_GET_REPLY: u8 = 33;
}

/// `ETHTOOL_A_HEADER_*` (G).
pub mod header {
    pub const DEV_INDEX: u16 = 1;
    pub const DEV_NAME: u16 = 2;
    pub const FLAGS: u16 = 3;
    pub const PHY_INDEX: u16 = 4;
}

/// `ETHTOOL_A_BITSET_*` (G).
pub mod bitset {
    pub const NOMASK: u16 = 1;
    pub const SIZE: u16 = 2;
    pub const BITS: u16 = 3;
    pub const VALUE: u16 = 4;
    pub const MASK: u16 = 5;
}

/// `ETHTOOL_A_BITSET_BITS_*` (G).
pub mod bitset_bits {
    pub const BIT: u16 = 1;
}

/// `ETHTOOL_A_BITSET_BIT_*` (G).
pub mod bitset_bit {
    pub const INDEX: u16 = 1;
    pub const NAME: u16 = 2;
    pub const VALUE: u16 = 3;
}

/// `ETHTOOL_A_STRSET_*`, `_STRINGSETS_*`, `_STRINGSET_*`, `_STRINGS_*` and
/// `_STRING_*` (G).
pub mod strset {
    pub const HEADER: u16 = 1;
    pub const STRINGSETS: u16 = 2;
    pub const COUNTS_ONLY: u16 = 3;
    /// `ETHTOOL_A_STRINGSETS_STRINGSET`.
    pub const STRINGSETS_STRINGSET: u16 = 1;
    /// `ETHTOOL_A_STRINGSET_ID`.
    pub const STRINGSET_ID: u16 = 1;
    /// `ETHTOOL_A_STRINGSET_COUNT`.
    pub const STRINGSET_COUNT: u16 = 2;
    /// `ETHTOOL_A_STRINGSET_STRINGS`.
    pub const STRINGSET_STRINGS: u16 = 3;
    /// `ETHTOOL_A_STRINGS_STRING`.
    pub const STRINGS_STRING: u16 = 1;
    /// `ETHTOOL_A_STRING_INDEX`.
    pub const STRING_INDEX: u16 = 1;
    /// `ETHTOOL_A_STRING_VALUE`.
    pub const STRING_VALUE: u16 = 2;
}

/// `ETHTOOL_A_LINKINFO_*` (G).
pub mod linkinfo {
    pub const HEADER: u16 = 1;
    pub const PORT: u16 = 2;
    pub const PHYADDR: u16 = 3;
    pub const TP_MDIX: u16 = 4;
    pub const TP_MDIX_CTRL: u16 = 5;
    pub const TRANSCEIVER: u16 = 6;
}

/// `ETHTOOL_A_LINKMODES_*` (G).
pub mod linkmodes {
    pub const HEADER: u16 = 1;
    pub const AUTONEG: u16 = 2;
    pub const OURS: u16 = 3;
    pub const PEER: u16 = 4;
    pub const SPEED: u16 = 5;
    pub const DUPLEX: u16 = 6;
    pub const MASTER_SLAVE_CFG: u16 = 7;
    pub const MASTER_SLAVE_STATE: u16 = 8;
    pub const LANES: u16 = 9;
    pub const RATE_MATCHING: u16 = 10;
}

/// `ETHTOOL_A_LINKSTATE_*` (G).
pub mod linkstate {
    pub const HEADER: u16 = 1;
    pub const LINK: u16 = 2;
    pub const SQI: u16 = 3;
    pub const SQI_MAX: u16 = 4;
    pub const EXT_STATE: u16 = 5;
    pub const EXT_SUBSTATE: u16 = 6;
    pub const EXT_DOWN_CNT: u16 = 7;
}

/// `ETHTOOL_A_DEBUG_*` (G).
pub mod debug {
    pub const HEADER: u16 = 1;
    pub const MSGMASK: u16 = 2;
}

/// `ETHTOOL_A_WOL_*` (G).
pub mod wol {
    pub const HEADER: u16 = 1;
    pub const MODES: u16 = 2;
    pub const SOPASS: u16 = 3;
}

/// `ETHTOOL_A_FEATURES_*` (G).
pub mod features {
    pub const HEADER: u16 = 1;
    pub const HW: u16 = 2;
    pub const WANTED: u16 = 3;
    pub const ACTIVE: u16 = 4;
    pub const NOCHANGE: u16 = 5;
}

/// `ETHTOOL_A_RINGS_*` (G).
pub mod rings {
    pub const HEADER: u16 = 1;
    pub const RX_MAX: u16 = 2;
    pub const RX_MINI_MAX: u16 = 3;
    pub const RX_JUMBO_MAX: u16 = 4;
    pub const TX_MAX: u16 = 5;
    pub const RX: u16 = 6;
    pub const RX_MINI: u16 = 7;
    pub const RX_JUMBO: u16 = 8;
    pub const TX: u16 = 9;
    pub const RX_BUF_LEN: u16 = 10;
    pub const TCP_DATA_SPLIT: u16 = 11;
    pub const CQE_SIZE: u16 = 12;
    pub const TX_PUSH: u16 = 13;
    pub const RX_PUSH: u16 = 14;
}

/// `ETHTOOL_A_COALESCE_*` (G).
pub mod coalesce {
    pub const HEADER: u16 = 1;
    pub const RX_USECS: u16 = 2;
    pub const RX_MAX_FRAMES: u16 = 3;
    pub const RX_USECS_IRQ: u16 = 4;
    pub const RX_MAX_FRAMES_IRQ: u16 = 5;
    pub const TX_USECS: u16 = 6;
    pub const TX_MAX_FRAMES: u16 = 7;
    pub const TX_USECS_IRQ: u16 = 8;
    pub const TX_MAX_FRAMES_IRQ: u16 = 9;
    pub const STATS_BLOCK_USECS: u16 = 10;
    pub const USE_ADAPTIVE_RX: u16 = 11;
    pub const USE_ADAPTIVE_TX: u16 = 12;
    pub const PKT_RATE_LOW: u16 = 13;
    pub const PKT_RATE_HIGH: u16 = 18;
    pub const RATE_SAMPLE_INTERVAL: u16 = 23;
}

/// `ETHTOOL_A_PAUSE_*` (G).
pub mod pause {
    pub const HEADER: u16 = 1;
    pub const AUTONEG: u16 = 2;
    pub const RX: u16 = 3;
    pub const TX: u16 = 4;
    pub const STATS: u16 = 5;
    pub const STATS_SRC: u16 = 6;
}

/// `ETHTOOL_A_PAUSE_STAT_*` (G).
pub mod pause_stat {
    pub const PAD: u16 = 1;
    pub const TX_FRAMES: u16 = 2;
    pub const RX_FRAMES: u16 = 3;
    pub const TX_PAUSE_STORM_EVENTS: u16 = 4;
}

/// `ETHTOOL_A_TSINFO_*` (G).
pub mod tsinfo {
    pub const HEADER: u16 = 1;
    pub const TIMESTAMPING: u16 = 2;
    pub const TX_TYPES: u16 = 3;
    pub const RX_FILTERS: u16 = 4;
    pub const PHC_INDEX: u16 = 5;
}

/// `ETHTOOL_A_STATS_*` (G). Note HEADER is 2 here, not 1.
pub mod stats {
    pub const PAD: u16 = 1;
    pub const HEADER: u16 = 2;
    pub const GROUPS: u16 = 3;
    pub const GRP: u16 = 4;
    pub const SRC: u16 = 5;
}

/// `ETHTOOL_A_STATS_GRP_*` (G).
pub mod stats_grp {
    pub const PAD: u16 = 1;
    pub const ID: u16 = 2;
    pub const SS_ID: u16 = 3;
    pub const STAT: u16 = 4;
    pub const HIST_RX: u16 = 5;
    pub const HIST_TX: u16 = 6;
    pub const HIST_BKT_LOW: u16 = 7;
    pub const HIST_BKT_HI: u16 = 8;
    pub const HIST_VAL: u16 = 9;
}

/// Standard statistics groups: the anonymous enum `ETHTOOL_STATS_*` (N);
/// names from `stats_std_names[]` in net/ethtool/stats.c (also the
/// `ETH_SS_STATS_STD` string set).
pub mod stats_group {
    pub const ETH_PHY: u32 = 0;
    pub const ETH_MAC: u32 = 1;
    pub const ETH_CTRL: u32 = 2;
    pub const RMON: u32 = 3;
    pub const PHY: u32 = 4;
}

/// String sets: `enum ethtool_stringset` (E).
pub mod sset {
    pub const TEST: u32 = 0;
    pub const STATS: u32 = 1;
    pub const PRIV_FLAGS: u32 = 2;
    pub const FEATURES: u32 = 4;
    pub const LINK_MODES: u32 = 9;
    pub const MSG_CLASSES: u32 = 10;
    pub const WOL_MODES: u32 = 11;
    pub const SOF_TIMESTAMPING: u32 = 12;
    pub const TS_TX_TYPES: u32 = 13;
    pub const TS_RX_FILTERS: u32 = 14;
    pub const STATS_STD: u32 = 16;
    pub const STATS_ETH_PHY: u32 = 17;
    pub const STATS_ETH_MAC: u32 = 18;
    pub const STATS_ETH_CTRL: u32 = 19;
    pub const STATS_RMON: u32 = 20;
    pub const STATS_PHY: u32 = 21;
}

/// `SPEED_UNKNOWN` and `DUPLEX_*` (E).
pub mod link {
    pub const SPEED_UNKNOWN: u32 = u32::MAX;
    pub const DUPLEX_HALF: u8 = 0x00;
    pub const DUPLEX_FULL: u8 = 0x01;
    pub const DUPLEX_UNKNOWN: u8 = 0xff;
}
