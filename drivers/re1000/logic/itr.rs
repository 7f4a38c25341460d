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
}
