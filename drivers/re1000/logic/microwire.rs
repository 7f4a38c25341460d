// SPDX-License-Identifier: GPL-2.0

//! The Microwire READ command for the 64-word EEPROM of the 82544, which has no EERD
//! register (SDM 5.6.3; Linux `e1000_read_eeprom` with `e1000_eeprom_microwire`).

/// READ opcode, shifted out MSB first before the address.
const READ_OPCODE: u16 = 0b110;
/// Opcode width in bits.
const OPCODE_BITS: u32 = 3;
/// Address width for a 64-word part.
const ADDRESS_BITS: u32 = 6;

/// WRITE opcode.
const WRITE_OPCODE: u16 = 0b101;
/// Erase/write enable and disable: the opcode 100 followed by 11 or 00 in the first
/// two address bits (`EEPROM_EWEN_OPCODE_MICROWIRE`, `EEPROM_EWDS_OPCODE_MICROWIRE`).
const EWEN: (u16, u32) = (0b10011 << (ADDRESS_BITS - 2), OPCODE_BITS + ADDRESS_BITS);
const EWDS: (u16, u32) = (0b10000 << (ADDRESS_BITS - 2), OPCODE_BITS + ADDRESS_BITS);

/// The write-enable command (bits, count).
pub(crate) fn write_enable_command() -> (u16, u32) {
    EWEN
}

/// The write-disable command (bits, count).
pub(crate) fn write_disable_command() -> (u16, u32) {
    EWDS
}

/// The command to write word `addr`, followed by 16 data bits.
pub(crate) fn write_command(addr: u16) -> Option<(u16, u32)> {
    if addr >= 1 << ADDRESS_BITS {
        return None;
    }
    Some((
        (WRITE_OPCODE << ADDRESS_BITS) | addr,
        OPCODE_BITS + ADDRESS_BITS,
    ))
}

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
    fn write_enable_disable_and_write_encodings() {
        assert_eq!(write_enable_command(), (0b100_110000, 9));
        assert_eq!(write_disable_command(), (0b100_000000, 9));
        assert_eq!(write_command(0x3F), Some((0b101_111111, 9)));
        assert_eq!(write_command(64), None);
    }

    #[test]
    fn addresses_past_the_part_are_rejected() {
        assert_eq!(read_command(64), None);
    }
}
