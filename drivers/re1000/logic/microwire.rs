// SPDX-License-Identifier: GPL-2.0

//! The Microwire READ command for the 64-word EEPROM of the 82544, which has no EERD
//! register (SDM 5.6.3; Linux `e1000_read_eeprom` with `e1000_eeprom_microwire`).

/// READ opcode, shifted out MSB first before the address.
const READ_OPCODE: u16 = 0b110;
/// Opcode width in bits.
const OPCODE_BITS: u32 = 3;
/// Address width for a 64-word part.
const ADDRESS_BITS: u32 = 6;

/// The bits to clock out (MSB first) to read word `addr`, and how many there are.
/// Returns `None` for an address beyond the 64-word part.
pub(crate) fn read_command(addr: u16) -> Option<(u16, u32)> {
    if addr >= 1 << ADDRESS_BITS {
        return None;
    }
    Some((
        (READ_OPCODE << ADDRESS_BITS) | addr,
        OPCODE_BITS + ADDRESS_BITS,
    ))
}

/// Bit `index` (0 = first clocked out) of a `count`-bit command.
pub(crate) fn command_bit(command: u16, count: u32, index: u32) -> bool {
    index < count && (command >> (count - 1 - index)) & 1 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_of_word_0x3f_is_110_111111() {
        assert_eq!(read_command(0x3F), Some((0b110_111111, 9)));
    }

    #[test]
    fn bits_come_out_msb_first() {
        let (cmd, n) = read_command(0x01).unwrap();
        let bits: Vec<bool> = (0..n).map(|i| command_bit(cmd, n, i)).collect();
        assert_eq!(
            bits,
            [true, true, false, false, false, false, false, false, true]
        );
    }

    #[test]
    fn addresses_past_the_part_are_rejected() {
        assert_eq!(read_command(64), None);
    }
}
