// SPDX-License-Identifier: GPL-2.0

//! `ethtool -C rx-usecs` and the Interrupt Throttling Register, as the C driver's
//! `e1000_set_coalesce`/`e1000_get_coalesce` (e1000_ethtool.c).
//!
//! rx-usecs 0..=4 select modes (0 off, 1 dynamic, 3 dynamic conservative, 4 simplified;
//! 2 is invalid); 10..=10000 is a fixed minimum interval in microseconds.

/// Largest interval (`E1000_MAX_ITR_USECS`).
pub(crate) const MAX_USECS: u32 = 10_000;
/// Smallest fixed interval (`E1000_MIN_ITR_USECS`).
pub(crate) const MIN_USECS: u32 = 10;
/// Interrupt rate the dynamic modes start from.
pub(crate) const DYNAMIC_START_RATE: u32 = 20_000;

/// The driver's interrupt throttling setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Itr {
    /// What `ethtool -c` reports back (the C driver's `itr_setting`): a mode 0..=4 or,
    /// for fixed rates, the rate in interrupts/s rounded down to a multiple of 4.
    pub(crate) setting: u32,
    /// The rate in interrupts/s written to the register (0: throttling off).
    pub(crate) rate: u32,
}

/// Why an `rx-usecs` value is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItrError {
    /// 2 is not a mode.
    ReservedMode,
    /// Between 5 and 9, or above 10000.
    OutOfRange,
}

/// The default: dynamic conservative mode (InterruptThrottleRate=3).
pub(crate) const DEFAULT: Itr = Itr {
    setting: 3,
    rate: DYNAMIC_START_RATE,
};

/// Converts `rx-usecs` to a setting.
pub(crate) fn from_usecs(usecs: u32) -> Result<Itr, ItrError> {
    match usecs {
        2 => Err(ItrError::ReservedMode),
        0 => Ok(Itr {
            setting: 0,
            rate: 0,
        }),
        4 => Ok(Itr {
            setting: 4,
            rate: DYNAMIC_START_RATE,
        }),
        1 | 3 => Ok(Itr {
            setting: usecs,
            rate: DYNAMIC_START_RATE,
        }),
        u if !(MIN_USECS..=MAX_USECS).contains(&u) => Err(ItrError::OutOfRange),
        u => {
            let rate = 1_000_000u32.checked_div(u).unwrap_or(0);
            Ok(Itr {
                setting: rate & !3,
                rate,
            })
        }
    }
}

/// What `ethtool -c` shows for a setting.
pub(crate) fn to_usecs(itr: Itr) -> u32 {
    if itr.setting <= 4 {
        itr.setting
    } else {
        1_000_000u32.checked_div(itr.setting).unwrap_or(0)
    }
}

/// The ITR register value: the minimum interval in 256 ns units, 10^9 / (rate * 256);
/// 0 turns throttling off.
pub(crate) fn register_value(itr: Itr) -> u32 {
    if itr.setting == 0 {
        return 0;
    }
    itr.rate
        .checked_mul(256)
        .and_then(|d| 1_000_000_000u32.checked_div(d))
        .unwrap_or(0)
}

/// Latency classes of the dynamic modes (`e1000_update_itr`), each with its rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Latency {
    /// 70000 interrupts/s: few small packets.
    Lowest = 0,
    /// 20000 interrupts/s.
    Low = 1,
    /// 4000 interrupts/s: large or many packets.
    Bulk = 2,
}

impl Latency {
    fn rate(self) -> u32 {
        match self {
            Self::Lowest => 70_000,
            Self::Low => 20_000,
            Self::Bulk => 4_000,
        }
    }

    /// For storage in an atomic.
    pub(crate) fn to_raw(self) -> u32 {
        self as u32
    }

    /// Inverse of [`Latency::to_raw`]; unknown values are `Lowest` (the start).
    pub(crate) fn from_raw(v: u32) -> Self {
        match v {
            1 => Self::Low,
            2 => Self::Bulk,
            _ => Self::Lowest,
        }
    }
}

/// What one interrupt's NAPI run handled in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Work {
    pub(crate) packets: u32,
    pub(crate) bytes: u64,
}

/// The next latency class for one direction, as `e1000_update_itr`.
pub(crate) fn classify(current: Latency, w: Work) -> Latency {
    if w.packets == 0 {
        return current;
    }
    let per_packet = w.bytes / u64::from(w.packets);
    let (packets, bytes) = (w.packets, w.bytes);
    match current {
        Latency::Lowest => {
            if per_packet > 8000 {
                Latency::Bulk
            } else if packets < 5 && bytes > 512 {
                Latency::Low
            } else {
                current
            }
        }
        Latency::Low => {
            if bytes > 10_000 {
                if per_packet > 8000 || packets < 10 || per_packet > 1200 {
                    Latency::Bulk
                } else if packets > 35 {
                    Latency::Lowest
                } else {
                    current
                }
            } else if per_packet > 2000 {
                Latency::Bulk
            } else if packets <= 2 && bytes < 512 {
                Latency::Lowest
            } else {
                current
            }
        }
        Latency::Bulk => {
            if bytes > 25_000 {
                if packets > 35 {
                    Latency::Low
                } else {
                    current
                }
            } else if bytes < 6000 {
                Latency::Low
            } else {
                current
            }
        }
    }
}

/// The dynamic modes' state: each direction's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dynamic {
    pub(crate) tx: Latency,
    pub(crate) rx: Latency,
}

/// After a NAPI run with `tx` and `rx` work: the interrupt rate to program, or `None`
/// to keep `current_rate`, as `e1000_set_itr`. Only modes 1 and 3 adapt (3, the
/// conservative one, never goes to `Lowest`); below gigabit the rate is 4000/s. A
/// rising rate climbs a quarter of the target at a time.
pub(crate) fn next_rate(
    setting: u32,
    current_rate: u32,
    gigabit: bool,
    state: &mut Dynamic,
    tx: Work,
    rx: Work,
) -> Option<u32> {
    if !matches!(setting, 1 | 3) {
        return None;
    }
    let target = if gigabit {
        let conservative = |l: Latency| {
            if setting == 3 && l == Latency::Lowest {
                Latency::Low
            } else {
                l
            }
        };
        state.tx = conservative(classify(state.tx, tx));
        state.rx = conservative(classify(state.rx, rx));
        state.tx.max(state.rx).rate()
    } else {
        Latency::Bulk.rate()
    };
    if target == current_rate {
        return None;
    }
    Some(if target > current_rate {
        current_rate.saturating_add(target >> 2).min(target)
    } else {
        target
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_conservative_at_20000_per_second() {
        // 10^9 / (20000 * 256) = 195, what the C driver writes at open.
        assert_eq!(register_value(DEFAULT), 195);
        assert_eq!(to_usecs(DEFAULT), 3);
    }

    #[test]
    fn modes_and_invalid_values() {
        assert_eq!(from_usecs(2), Err(ItrError::ReservedMode));
        assert_eq!(from_usecs(5), Err(ItrError::OutOfRange));
        assert_eq!(from_usecs(9), Err(ItrError::OutOfRange));
        assert_eq!(from_usecs(10_001), Err(ItrError::OutOfRange));
        assert_eq!(from_usecs(20_000), Err(ItrError::OutOfRange));
        assert_eq!(register_value(from_usecs(0).unwrap()), 0);
        assert_eq!(to_usecs(from_usecs(4).unwrap()), 4);
    }

    #[test]
    fn fixed_intervals_as_the_c_driver() {
        // 100 us: rate 10000/s, setting 10000, register 10^9 / 2560000 = 390.
        let itr = from_usecs(100).unwrap();
        assert_eq!(
            itr,
            Itr {
                setting: 10_000,
                rate: 10_000
            }
        );
        assert_eq!(register_value(itr), 390);
        assert_eq!(to_usecs(itr), 100);
        // 10 us: rate 100000/s -> register 39; 10000 us: rate 100/s -> 39062.
        assert_eq!(register_value(from_usecs(10).unwrap()), 39);
        assert_eq!(register_value(from_usecs(10_000).unwrap()), 39_062);
        // 30 us: rate 33333, setting rounded down to 33332, shown back as 30.
        let itr = from_usecs(30).unwrap();
        assert_eq!(itr.setting, 33_332);
        assert_eq!(to_usecs(itr), 30);
    }

    #[test]
    fn dynamic_classes_as_the_c_driver() {
        let w = |packets, bytes| Work { packets, bytes };
        // A ping: one small packet keeps the lowest class, leaves low for lowest.
        assert_eq!(classify(Latency::Lowest, w(1, 98)), Latency::Lowest);
        assert_eq!(classify(Latency::Low, w(1, 98)), Latency::Lowest);
        // 64 full-size frames in one run: bulk.
        assert_eq!(classify(Latency::Low, w(64, 64 * 1514)), Latency::Bulk);
        // Many small packets (36 x 300 bytes): from low to lowest.
        assert_eq!(classify(Latency::Low, w(36, 36 * 300)), Latency::Lowest);
        // Bulk drops back once a run carries under 6000 bytes.
        assert_eq!(classify(Latency::Bulk, w(3, 3000)), Latency::Low);
        assert_eq!(classify(Latency::Bulk, w(0, 0)), Latency::Bulk);
    }

    #[test]
    fn dynamic_rate_steps() {
        let mut st = Dynamic {
            tx: Latency::Low,
            rx: Latency::Low,
        };
        let bulk = Work {
            packets: 64,
            bytes: 64 * 1514,
        };
        let none = Work::default();
        // Bulk traffic: straight down to 4000/s.
        assert_eq!(next_rate(3, 20_000, true, &mut st, bulk, none), Some(4000));
        // Conservative mode never picks 70000/s; climbing back goes by quarters of
        // the target (4000 + 5000 = 9000).
        let ping = Work {
            packets: 1,
            bytes: 98,
        };
        st = Dynamic {
            tx: Latency::Low,
            rx: Latency::Low,
        };
        assert_eq!(next_rate(3, 4000, true, &mut st, ping, ping), Some(9000));
        assert_eq!(st.rx, Latency::Low);
        assert_eq!(
            next_rate(1, 20_000, true, &mut st, ping, ping),
            Some(37_500)
        );
        assert_eq!(st.rx, Latency::Lowest);
        // Fixed and simplified modes never change; below gigabit it is 4000/s.
        assert_eq!(next_rate(4, 20_000, true, &mut st, bulk, bulk), None);
        assert_eq!(next_rate(10_000, 10_000, true, &mut st, bulk, bulk), None);
        assert_eq!(next_rate(3, 20_000, false, &mut st, none, none), Some(4000));
        assert_eq!(next_rate(3, 4000, false, &mut st, none, none), None);
    }
}
