// SPDX-License-Identifier: GPL-2.0

//! EEPROM image rules (SDM 5.6; Linux `e1000_validate_eeprom_checksum`).

/// Words in the 82540/82544/82545 EEPROM (64 x 16 bits, Microwire).
pub(crate) const WORDS: usize = 64;

/// Index of the checksum word, the last of the checksummed region.
pub(crate) const CHECKSUM_WORD: usize = 0x3F;

/// Words `0..=CHECKSUM_WORD` must add up to this (wrapping, 16 bits).
pub(crate) const CHECKSUM_SUM: u16 = 0xBABA;

/// Sum of the checksummed words `0..=CHECKSUM_WORD`, wrapping at 16 bits.
pub(crate) fn checksum_sum(words: &[u16; WORDS]) -> u16 {
    words[..=CHECKSUM_WORD]
        .iter()
        .fold(0u16, |sum, w| sum.wrapping_add(*w))
}

/// Checks the image; on failure returns the sum found.
pub(crate) fn validate(words: &[u16; WORDS]) -> Result<(), u16> {
    match checksum_sum(words) {
        CHECKSUM_SUM => Ok(()),
        sum => Err(sum),
    }
}

/// Sets the checksum word so that the image sums to [`CHECKSUM_SUM`].
pub(crate) fn fix_checksum(words: &mut [u16; WORDS]) {
    let partial = words[..CHECKSUM_WORD]
        .iter()
        .fold(0u16, |sum, w| sum.wrapping_add(*w));
    words[CHECKSUM_WORD] = CHECKSUM_SUM.wrapping_sub(partial);
}

/// Applies an `ethtool -E` write of `data` at byte `offset` to `words` and fixes the
/// checksum, as the C driver's `e1000_set_eeprom`. Returns `None` if the write does
/// not fit the EEPROM. Writing the checksum word itself is overridden by the fix-up.
pub(crate) fn apply_write(
    words: &[u16; WORDS],
    offset: usize,
    data: &[u8],
) -> Option<[u16; WORDS]> {
    let end = offset.checked_add(data.len())?;
    if end > WORDS * 2 {
        return None;
    }
    let mut out = *words;
    for (i, byte) in data.iter().enumerate() {
        let pos = offset + i;
        let word = out.get_mut(pos / 2)?;
        let mut bytes = word.to_le_bytes();
        bytes[pos % 2] = *byte;
        *word = u16::from_le_bytes(bytes);
    }
    fix_checksum(&mut out);
    Some(out)
}

/// The MAC address in words 0..3, each word little-endian (SDM 5.6.1).
pub(crate) fn mac_address(words: &[u16; WORDS]) -> [u8; 6] {
    let [a, b] = words[0].to_le_bytes();
    let [c, d] = words[1].to_le_bytes();
    let [e, f] = words[2].to_le_bytes();
    [a, b, c, d, e, f]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An image like QEMU's default for 52:54:00:12:34:56, with a correct checksum word.
    fn image() -> [u16; WORDS] {
        let mut w = [0u16; WORDS];
        w[0] = 0x5452;
        w[1] = 0x1200;
        w[2] = 0x5634;
        w[0x0B] = 0x100E;
        w[0x0C] = 0x8086;
        // Chosen by hand so that the total is 0xBABA: independent of `checksum_sum`.
        let partial: u32 = w.iter().map(|x| u32::from(*x)).sum();
        w[CHECKSUM_WORD] = (0xBABA_u32 + 0x10000 * 4 - partial) as u16;
        w
    }

    #[test]
    fn valid_image_passes() {
        assert_eq!(validate(&image()), Ok(()));
    }

    #[test]
    fn one_flipped_bit_fails_with_the_sum() {
        let mut w = image();
        w[5] ^= 0x0004;
        assert_eq!(validate(&w), Err(0xBABA + 4));
    }

    #[test]
    fn erased_eeprom_fails() {
        // An erased part reads all ones: 64 * 0xFFFF = 0xFFC0 modulo 2^16.
        assert_eq!(validate(&[0xFFFF; WORDS]), Err(0xFFC0));
    }

    #[test]
    fn sum_wraps_instead_of_overflowing() {
        let mut w = [0u16; WORDS];
        w[0] = 0xFFFF;
        w[1] = 0x0002;
        assert_eq!(checksum_sum(&w), 0x0001);
    }

    #[test]
    fn write_patches_bytes_and_keeps_the_checksum_valid() {
        let img = image();
        // Change the last MAC byte (byte 5 = high byte of word 2).
        let new = apply_write(&img, 5, &[0x99]).unwrap();
        assert_eq!(mac_address(&new), [0x52, 0x54, 0x00, 0x12, 0x34, 0x99]);
        assert_eq!(validate(&new), Ok(()));
        // Only word 2 and the checksum word changed.
        let changed: Vec<usize> = (0..WORDS).filter(|i| new[*i] != img[*i]).collect();
        assert_eq!(changed, [2, CHECKSUM_WORD]);
    }

    #[test]
    fn writes_past_the_end_are_refused() {
        assert_eq!(apply_write(&image(), 127, &[1, 2]), None);
        assert_eq!(apply_write(&image(), usize::MAX, &[1]), None);
        assert!(apply_write(&image(), 126, &[1, 2]).is_some());
    }

    #[test]
    fn mac_bytes_are_little_endian_per_word() {
        assert_eq!(mac_address(&image()), [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    }
}
