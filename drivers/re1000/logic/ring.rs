// SPDX-License-Identifier: GPL-2.0

//! Descriptor ring sizes and index arithmetic.

/// Smallest ring the C driver accepts (`E1000_MIN_TXD`/`E1000_MIN_RXD`).
pub(crate) const MIN_DESCRIPTORS: u32 = 48;
/// Largest ring on the 82544 and later (`E1000_MAX_82544_TXD`).
pub(crate) const MAX_DESCRIPTORS: u32 = 4096;
/// Ring sizes are multiples of 8 (RDLEN/TDLEN are multiples of 128 bytes).
pub(crate) const DESCRIPTOR_MULTIPLE: u32 = 8;
/// Default ring size, as the C driver.
pub(crate) const DEFAULT_DESCRIPTORS: u32 = 256;

/// Why a requested ring size is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RingSizeError {
    OutOfRange,
    NotMultipleOf8,
}

/// Checks a ring size a user asked for.
pub(crate) fn check_size(count: u32) -> Result<u32, RingSizeError> {
    if !(MIN_DESCRIPTORS..=MAX_DESCRIPTORS).contains(&count) {
        Err(RingSizeError::OutOfRange)
    } else if count & (DESCRIPTOR_MULTIPLE - 1) != 0 {
        Err(RingSizeError::NotMultipleOf8)
    } else {
        Ok(count)
    }
}

/// The index after `i` in a ring of `count`.
pub(crate) fn next(i: u32, count: u32) -> u32 {
    if i + 1 >= count {
        0
    } else {
        i + 1
    }
}

/// Descriptors software may fill: one slot always stays empty, because the device
/// reads head == tail as "ring empty" (`E1000_DESC_UNUSED`).
pub(crate) fn unused(next_to_clean: u32, next_to_use: u32, count: u32) -> u32 {
    if next_to_clean > next_to_use {
        next_to_clean - next_to_use - 1
    } else {
        count + next_to_clean - next_to_use - 1
    }
}

/// Free descriptors at which a TX queue stopped below `stop` is woken: twice that (as
/// ixgbe's `TX_WAKE_THRESHOLD`), so that a woken queue takes a batch of packets rather
/// than one and stops again; on a ring too small for that, half way between `stop`
/// and an empty ring, so the queue need not wait for the ring to drain; and never
/// more than an empty ring of `count` has free, or the queue would never wake.
pub(crate) fn tx_wake_threshold(stop: u32, count: u32) -> u32 {
    let empty = count.saturating_sub(1);
    let gap = stop.min(empty.saturating_sub(stop) / 2);
    stop.saturating_add(gap).min(empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_c_driver_limits() {
        assert_eq!(check_size(48), Ok(48));
        assert_eq!(check_size(4096), Ok(4096));
        assert_eq!(check_size(256), Ok(256));
        assert_eq!(check_size(0), Err(RingSizeError::OutOfRange));
        assert_eq!(check_size(40), Err(RingSizeError::OutOfRange));
        assert_eq!(check_size(5000), Err(RingSizeError::OutOfRange));
        assert_eq!(check_size(100), Err(RingSizeError::NotMultipleOf8));
    }

    #[test]
    fn next_wraps_at_the_end() {
        assert_eq!(next(0, 48), 1);
        assert_eq!(next(46, 48), 47);
        assert_eq!(next(47, 48), 0);
    }

    #[test]
    fn empty_ring_leaves_one_slot() {
        assert_eq!(unused(0, 0, 256), 255);
        assert_eq!(unused(10, 10, 256), 255);
    }

    #[test]
    fn full_ring_has_none_unused() {
        // next_to_use just behind next_to_clean.
        assert_eq!(unused(5, 4, 256), 0);
        assert_eq!(unused(0, 255, 256), 0);
    }

    #[test]
    fn partly_used_ring() {
        assert_eq!(unused(3, 10, 48), 40);
        assert_eq!(unused(40, 10, 48), 29);
    }

    #[test]
    fn tx_wakes_with_hysteresis_but_always_on_an_empty_ring() {
        // The default ring: wake at twice the stop threshold.
        assert_eq!(tx_wake_threshold(38, 256), 76);
        // The smallest ring (48, 47 free when empty): half way from 38 to 47.
        assert_eq!(tx_wake_threshold(38, 48), 42);
        assert_eq!(tx_wake_threshold(30, 64), 46);
        // A stop level an empty ring cannot reach: wake when empty.
        assert_eq!(tx_wake_threshold(60, 48), 47);
        assert_eq!(unused(7, 7, 48), tx_wake_threshold(60, 48));
    }
}
