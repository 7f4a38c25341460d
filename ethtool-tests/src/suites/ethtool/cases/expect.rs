// SPDX-License-Identifier: GPL-2.0
//! What the suite expects, written down from the C e1000's source
//! (drivers/net/ethernet/intel/e1000/e1000_ethtool.c, Linux 7.3) and the
//! README's feature table, never read from the driver under test.

/// The C e1000's `ethtool -S` names in order (`e1000_gstrings_stats`).
pub const C_STATS: [&str; 46] = [
    "rx_packets",
    "tx_packets",
    "rx_bytes",
    "tx_bytes",
    "rx_broadcast",
    "tx_broadcast",
    "rx_multicast",
    "tx_multicast",
    "rx_errors",
    "tx_errors",
    "tx_dropped",
    "multicast",
    "collisions",
    "rx_length_errors",
    "rx_over_errors",
    "rx_crc_errors",
    "rx_frame_errors",
    "rx_no_buffer_count",
    "rx_missed_errors",
    "tx_aborted_errors",
    "tx_carrier_errors",
    "tx_fifo_errors",
    "tx_heartbeat_errors",
    "tx_window_errors",
    "tx_abort_late_coll",
    "tx_deferred_ok",
    "tx_single_coll_ok",
    "tx_multi_coll_ok",
    "tx_timeout_count",
    "tx_restart_queue",
    "rx_long_length_errors",
    "rx_short_length_errors",
    "rx_align_errors",
    "tx_tcp_seg_good",
    "tx_tcp_seg_failed",
    "rx_flow_control_xon",
    "rx_flow_control_xoff",
    "tx_flow_control_xon",
    "tx_flow_control_xoff",
    "rx_long_byte_count",
    "rx_csum_offload_good",
    "rx_csum_offload_errors",
    "alloc_rx_buff_failed",
    "tx_smbus",
    "rx_smbus",
    "dropped_smbus",
];

/// re1000's own counters, after the C ones (README feature table).
pub const RE1000_EXTRA_STATS: [&str; 4] = [
    "napi_polls",
    "rx_copybreak",
    "rx_dropped_length",
    "rx_dropped_errors",
];

/// `ethtool -S` names the C table fills from the same source, so one read
/// must show them equal: MPRC, GORC and LATECOL.
pub const SAME_SOURCE: [(&str, &str); 3] = [
    ("multicast", "rx_multicast"),
    ("rx_long_byte_count", "rx_bytes"),
    ("tx_window_errors", "tx_abort_late_coll"),
];

/// The self-test names (`e1000_gstrings_test`), in result order.
pub const TEST_NAMES: [&str; 5] = [
    "Register test  (offline)",
    "Eeprom test    (offline)",
    "Interrupt test (offline)",
    "Loopback test  (offline)",
    "Link test   (on/offline)",
];

/// RMON histogram buckets of PRC64..PRC1522 / PTC64..PTC1522, frame
/// length including the FCS.
pub const RMON_RANGES: [(u32, u32); 6] = [
    (0, 64),
    (65, 127),
    (128, 255),
    (256, 511),
    (512, 1023),
    (1024, 1522),
];

/// The EEPROM: 64 little-endian words whose sum is `EEPROM_SUM`.
pub const EEPROM_BYTES: u32 = 128;
pub const EEPROM_SUM: u16 = 0xBABA;
/// `ethtool -d`: 32 words (`E1000_REGS_LEN`).
pub const REGS_BYTES: u32 = 32 * 4;
/// Ring limits and the default size.
pub const RING_MIN: u32 = 48;
pub const RING_MAX: u32 = 4096;
pub const RING_DEFAULT: u32 = 256;
/// Link modes of the copper parts.
pub const SPEED_MODES: [&str; 5] = [
    "10baseT/Half",
    "10baseT/Full",
    "100baseT/Half",
    "100baseT/Full",
    "1000baseT/Full",
];
/// `ethtool -s IF advertise 0x2f`: the five modes above (ETHTOOL_LINK_MODE
/// bits 0, 1, 2, 3 and 5).
pub const ADVERTISE_ALL: &str = "0x2f";

/// The MAC generations QEMU models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mac {
    I82540,
    I82544,
    I82545,
}

impl Mac {
    /// By PCI device id (the driver's id table).
    pub fn from_device(id: u16) -> Option<Self> {
        match id {
            0x100e | 0x1015 => Some(Mac::I82540),
            0x1008 | 0x100c | 0x100d => Some(Mac::I82544),
            0x100f => Some(Mac::I82545),
            _ => None,
        }
    }

    /// The 82544 has no Interrupt Throttling Register.
    pub fn has_itr(self) -> bool {
        self != Mac::I82544
    }

    /// `e1000_get_regs` fills MANC (word 26) from the 82540 on.
    pub fn dumps_manc(self) -> bool {
        self != Mac::I82544
    }

    /// The register the LED is driven through: CTRL's software-definable
    /// pin 0 on the 82544 (`e1000_led_on`), LEDCTL after it.
    pub fn led_register(self) -> (usize, u32) {
        use crate::bar::{reg, CTRL_SWDPIN0, CTRL_SWDPIO0};
        match self {
            Mac::I82544 => (reg::CTRL, CTRL_SWDPIN0 | CTRL_SWDPIO0),
            _ => (reg::LEDCTL, u32::MAX),
        }
    }

    /// The C driver's coalesce callbacks answer from the 82545 on
    /// (`hw->mac_type < e1000_82545` is EOPNOTSUPP).
    pub fn c_has_coalesce(self) -> bool {
        self == Mac::I82545
    }
}

/// The Wake-on-LAN modes the C e1000 lists (`e1000_get_wol`: u, m, b, g,
/// except for the parts `e1000_wol_exclusion` names, such as the 82545EM
/// copper), by PCI device id.
pub fn c_wol_supported(device: u16) -> &'static [&'static str] {
    match device {
        0x100f => &[],
        _ => &["bcast", "magic", "mcast", "ucast"],
    }
}

/// Interrupts per second of mode 4 and of the dynamic modes' starting point.
const DYNAMIC_START_RATE: u32 = 20_000;
/// The rates the dynamic modes move between (`e1000_set_itr`: bulk 4000/s,
/// lowest latency 70000/s).
pub const DYNAMIC_RATES: std::ops::RangeInclusive<u32> = 4_000..=70_000;

/// What `ethtool -C rx-usecs U` leads to, as `e1000_set_coalesce` and
/// `e1000_get_coalesce` compute it: the value `-c` reads back, and the ITR
/// register for a fixed interval, mode 0 and mode 4 (20000/s); `None` for
/// the dynamic modes 1 and 3, which adapt it to the traffic (see
/// [`DYNAMIC_RATES`]). `None` for what the C driver refuses.
pub fn coalesce(usecs: u32) -> Option<(u32, Option<u32>)> {
    match usecs {
        2 => None,
        0 => Some((0, Some(0))),
        1 | 3 => Some((usecs, None)),
        4 => Some((4, Some(itr_register(DYNAMIC_START_RATE)))),
        u if !(10..=10_000).contains(&u) => None,
        u => {
            let rate = 1_000_000 / u;
            let setting = rate & !3;
            Some((1_000_000 / setting, Some(itr_register(rate))))
        }
    }
}

/// `e1000_set_itr`'s rates for its latency classes, in interrupts/s:
/// `lowest_latency` (few small packets), `low_latency` (the start) and
/// `bulk_latency` (large or many packets; also the fixed rate below
/// gigabit).
pub const ITR_LOWEST_RATE: u32 = 70_000;
pub const ITR_LOW_RATE: u32 = DYNAMIC_START_RATE;
pub const ITR_BULK_RATE: u32 = 4_000;

/// Every interrupt rate `e1000_set_itr` can program in a dynamic mode,
/// starting from the 20000/s `e1000_set_coalesce` writes: a class's rate,
/// or a step of a rise ("bias towards bulk": the current rate plus a
/// quarter of the target, capped at the target). Mode 3 (`conservative`)
/// never targets `lowest_latency`; below gigabit the only target is 4000.
pub fn dynamic_rates(conservative: bool, gigabit: bool) -> std::collections::BTreeSet<u32> {
    let targets: &[u32] = match (gigabit, conservative) {
        (false, _) => &[ITR_BULK_RATE],
        (true, true) => &[ITR_BULK_RATE, ITR_LOW_RATE],
        (true, false) => &[ITR_BULK_RATE, ITR_LOW_RATE, ITR_LOWEST_RATE],
    };
    let mut set = std::collections::BTreeSet::from([DYNAMIC_START_RATE]);
    let mut todo = vec![DYNAMIC_START_RATE];
    while let Some(r) = todo.pop() {
        for &t in targets {
            let next = if t > r { (r + (t >> 2)).min(t) } else { t };
            if set.insert(next) {
                todo.push(next);
            }
        }
    }
    set
}

/// What the C driver leaves in ITR for rx-usecs 4: `e1000_set_coalesce`
/// sets `adapter->itr = 4` and writes 10^9 / (4 * 256) = 976562, of which
/// the 16-bit register keeps the low half (about 66 interrupts/s).
pub fn c_mode4_itr() -> u32 {
    (1_000_000_000 / (4 * 256)) & 0xffff
}

/// The ITR register for `rate` interrupts/s: the minimum interval in
/// 256 ns units.
pub fn itr_register(rate: u32) -> u32 {
    1_000_000_000 / (rate * 256)
}

/// The ring size the C driver makes of a request (`e1000_set_ringparam`:
/// at least 48, at most the maximum, rounded up to a multiple of 8).
pub fn c_ring_size(req: u32, max: u32) -> u32 {
    req.clamp(RING_MIN, max).div_ceil(8) * 8
}

/// re1000's refusal of a ring size the core lets through (the core refuses
/// anything above the reported maximum itself).
pub fn re1000_ring_error(n: u32) -> Option<&'static str> {
    if !(RING_MIN..=RING_MAX).contains(&n) {
        Some("ring size must be between 48 and 4096")
    } else if !n.is_multiple_of(8) {
        Some("ring size must be a multiple of 8")
    } else {
        None
    }
}

/// The RMON bucket a frame of `len` bytes (FCS included) falls in.
pub fn rmon_bucket(len: u32) -> Option<(u32, u32)> {
    RMON_RANGES
        .into_iter()
        .find(|&(lo, hi)| (lo..=hi).contains(&len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_rates_as_e1000_set_itr() {
        let all = dynamic_rates(false, true);
        // From 4000 towards 70000: 4000 + 17500 = 21500, 39000, 56500, 70000.
        for r in [4_000, 20_000, 70_000, 21_500, 39_000, 56_500, 9_000] {
            assert!(all.contains(&r), "{r}");
        }
        let cons = dynamic_rates(true, true);
        assert!(cons.iter().all(|&r| r <= ITR_LOW_RATE));
        assert!(cons.contains(&4_000) && cons.contains(&9_000) && cons.contains(&19_000));
        assert_eq!(
            dynamic_rates(true, false),
            std::collections::BTreeSet::from([4_000, 20_000])
        );
        assert_eq!(itr_register(ITR_LOWEST_RATE), 55);
        assert_eq!(itr_register(ITR_LOW_RATE), 195);
        assert_eq!(itr_register(ITR_BULK_RATE), 976);
    }

    #[test]
    fn coalesce_as_the_c_driver() {
        assert_eq!(coalesce(100), Some((100, Some(390))));
        assert_eq!(coalesce(0), Some((0, Some(0))));
        assert_eq!(coalesce(3), Some((3, None)));
        assert_eq!(coalesce(4), Some((4, Some(195))));
        assert_eq!(c_mode4_itr(), 59_058);
        assert_eq!(coalesce(2), None);
        assert_eq!(coalesce(5), None);
        assert_eq!(coalesce(10_001), None);
        // 1000000 / 7777 = 128 interrupts/s; 1000000 / 128 = 7812.
        assert_eq!(coalesce(7777), Some((7812, Some(30517))));
        // 33333 & !3 = 33332; 1000000 / 33332 = 30.
        assert_eq!(coalesce(30).unwrap().0, 30);
        assert_eq!(coalesce(10_000), Some((10_000, Some(39062))));
    }

    #[test]
    fn rings_as_the_c_driver() {
        assert_eq!(c_ring_size(0, 4096), 48);
        assert_eq!(c_ring_size(100, 4096), 104);
        assert_eq!(c_ring_size(256, 4096), 256);
        assert_eq!(
            re1000_ring_error(100),
            Some("ring size must be a multiple of 8")
        );
        assert_eq!(
            re1000_ring_error(0),
            Some("ring size must be between 48 and 4096")
        );
        assert_eq!(re1000_ring_error(4096), None);
    }

    #[test]
    fn buckets() {
        assert_eq!(rmon_bucket(64), Some((0, 64)));
        assert_eq!(rmon_bucket(204), Some((128, 255)));
        assert_eq!(rmon_bucket(1522), Some((1024, 1522)));
        assert_eq!(rmon_bucket(1523), None);
        assert_eq!(C_STATS.len(), 46);
    }
}
