// SPDX-License-Identifier: GPL-2.0

//! The statistics registers (SDM 13.7) and how their readings accumulate.
//!
//! Silicon clears every counter on read; a 64-bit pair clears when its high half is
//! read, so the low half is read first. QEMU never clears MPC and RNBC, so on QEMU
//! those are cumulative and only their increase since the last reading counts
//! (firmware-notes/qemu-differences.md).

/// A hardware counter and where it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counter {
    /// The datasheet's register name.
    pub(crate) name: &'static str,
    /// Offset of the (low) register.
    pub(crate) offset: usize,
    /// Whether it is a 64-bit low/high pair.
    pub(crate) pair: bool,
}

const fn c(name: &'static str, offset: usize) -> Counter {
    Counter {
        name,
        offset,
        pair: false,
    }
}

const fn pair(name: &'static str, offset: usize) -> Counter {
    Counter {
        name,
        offset,
        pair: true,
    }
}

/// Every counter the driver accumulates, in register order. Indices into this table
/// are the `Hw*` constants below.
pub(crate) const COUNTERS: [Counter; 54] = [
    c("CRCERRS", 0x4000),
    c("ALGNERRC", 0x4004),
    c("SYMERRS", 0x4008),
    c("RXERRC", 0x400C),
    c("MPC", 0x4010),
    c("SCC", 0x4014),
    c("ECOL", 0x4018),
    c("MCC", 0x401C),
    c("LATECOL", 0x4020),
    c("COLC", 0x4028),
    c("DC", 0x4030),
    c("TNCRS", 0x4034),
    c("SEC", 0x4038),
    c("CEXTERR", 0x403C),
    c("RLEC", 0x4040),
    c("XONRXC", 0x4048),
    c("XONTXC", 0x404C),
    c("XOFFRXC", 0x4050),
    c("XOFFTXC", 0x4054),
    c("FCRUC", 0x4058),
    c("PRC64", 0x405C),
    c("PRC127", 0x4060),
    c("PRC255", 0x4064),
    c("PRC511", 0x4068),
    c("PRC1023", 0x406C),
    c("PRC1522", 0x4070),
    c("GPRC", 0x4074),
    c("BPRC", 0x4078),
    c("MPRC", 0x407C),
    c("GPTC", 0x4080),
    pair("GORC", 0x4088),
    pair("GOTC", 0x4090),
    c("RNBC", 0x40A0),
    c("RUC", 0x40A4),
    c("RFC", 0x40A8),
    c("ROC", 0x40AC),
    c("RJC", 0x40B0),
    c("MGTPRC", 0x40B4),
    c("MGTPDC", 0x40B8),
    c("MGTPTC", 0x40BC),
    pair("TOR", 0x40C0),
    pair("TOT", 0x40C8),
    c("TPR", 0x40D0),
    c("TPT", 0x40D4),
    c("PTC64", 0x40D8),
    c("PTC127", 0x40DC),
    c("PTC255", 0x40E0),
    c("PTC511", 0x40E4),
    c("PTC1023", 0x40E8),
    c("PTC1522", 0x40EC),
    c("MPTC", 0x40F0),
    c("BPTC", 0x40F4),
    c("TSCTC", 0x40F8),
    c("TSCTFC", 0x40FC),
];

/// Position of the counter named `name` in [`COUNTERS`], or `COUNTERS.len()` (one past
/// the table) for a name that is not there. Only build-time lookups call it: through
/// [`counter!`], or in a table checked by an assertion in a `const` item.
pub(crate) const fn find(name: &str) -> usize {
    let mut i = 0;
    while i < COUNTERS.len() {
        if const_str_eq(COUNTERS[i].name, name) {
            return i;
        }
        i += 1;
    }
    COUNTERS.len()
}

/// `counter!("GPRC")`: the index of a hardware counter, resolved while the module
/// builds. The check is a `const` block, so an unknown name fails the build and no
/// lookup (or check) is compiled into the module.
macro_rules! counter {
    ($name:literal) => {
        const {
            let i = $crate::logic::hwstats::find($name);
            assert!(
                i < $crate::logic::hwstats::COUNTERS.len(),
                concat!("no hardware counter named ", $name)
            );
            i
        }
    };
}
pub(crate) use counter;

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub(crate) const CRCERRS: usize = counter!("CRCERRS");
pub(crate) const ALGNERRC: usize = counter!("ALGNERRC");
pub(crate) const RXERRC: usize = counter!("RXERRC");
pub(crate) const MPC: usize = counter!("MPC");
pub(crate) const RNBC: usize = counter!("RNBC");
pub(crate) const ECOL: usize = counter!("ECOL");
pub(crate) const LATECOL: usize = counter!("LATECOL");
pub(crate) const COLC: usize = counter!("COLC");
pub(crate) const RLEC: usize = counter!("RLEC");
pub(crate) const RUC: usize = counter!("RUC");
pub(crate) const ROC: usize = counter!("ROC");
pub(crate) const CEXTERR: usize = counter!("CEXTERR");
pub(crate) const MPRC: usize = counter!("MPRC");

/// Whether a counter keeps counting across reads on this device: QEMU never clears
/// MPC and RNBC.
pub(crate) fn is_cumulative(index: usize, emulated: bool) -> bool {
    emulated && (index == MPC || index == RNBC)
}

/// How much a reading adds to the running total. `last` is the previous raw reading of
/// a cumulative counter (ignored for clear-on-read ones).
pub(crate) fn increment(reading: u64, last: u64, cumulative: bool) -> u64 {
    if cumulative {
        // A counter that went backwards was reset (device reset): count from zero.
        if reading >= last {
            reading - last
        } else {
            reading
        }
    } else {
        reading
    }
}

/// Combines the halves of a 64-bit pair.
pub(crate) fn combine(low: u32, high: u32) -> u64 {
    u64::from(high) << 32 | u64::from(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_sorted_and_in_the_statistics_block() {
        for w in COUNTERS.windows(2) {
            assert!(
                w[0].offset < w[1].offset,
                "{} before {}",
                w[0].name,
                w[1].name
            );
        }
        assert!(COUNTERS
            .iter()
            .all(|c| (0x4000..0x4100).contains(&c.offset)));
    }

    #[test]
    fn named_indices_point_at_their_registers() {
        assert_eq!(COUNTERS[MPC].offset, 0x4010);
        assert_eq!(COUNTERS[RNBC].offset, 0x40A0);
        assert_eq!(COUNTERS[CRCERRS].offset, 0x4000);
        assert_eq!(COUNTERS[ROC].offset, 0x40AC);
    }

    #[test]
    fn clear_on_read_readings_add_up() {
        assert_eq!(increment(7, 100, false), 7);
    }

    #[test]
    fn cumulative_readings_count_only_the_increase() {
        assert_eq!(increment(350, 347, true), 3);
        assert_eq!(increment(347, 347, true), 0);
        // Reset underneath us: the new value is all new.
        assert_eq!(increment(5, 347, true), 5);
    }

    #[test]
    fn only_mpc_and_rnbc_are_cumulative_and_only_on_qemu() {
        assert!(is_cumulative(MPC, true));
        assert!(is_cumulative(RNBC, true));
        assert!(!is_cumulative(MPC, false));
        assert!(!is_cumulative(CRCERRS, true));
    }

    #[test]
    fn pairs_combine_high_and_low() {
        assert_eq!(combine(0x8000_0001, 0x2), 0x2_8000_0001);
    }
}
