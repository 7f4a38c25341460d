// SPDX-License-Identifier: GPL-2.0

//! Decoding of the Device Status register's link fields (SDM 13.4.2).

/// Link speed in Mb/s from STATUS.SPEED (bits 7:6): 00 = 10, 01 = 100, 1x = 1000.
pub(crate) fn speed_mbps(speed_field: u32) -> u32 {
    match speed_field & 0b11 {
        0b00 => 10,
        0b01 => 100,
        _ => 1000,
    }
}

/// "Full" or "Half", as the C e1000 prints it.
pub(crate) fn duplex_name(full_duplex: bool) -> &'static str {
    if full_duplex {
        "Full Duplex"
    } else {
        "Half Duplex"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_status_reset_value_decodes_to_1000_full() {
        // QEMU's STATUS reset value 0x80080783: SPEED = 0b10, FD = 1.
        let status = 0x8008_0783_u32;
        assert_eq!(speed_mbps((status >> 6) & 0b11), 1000);
        assert_eq!(duplex_name(status & 1 != 0), "Full Duplex");
    }

    #[test]
    fn all_speed_encodings() {
        assert_eq!(speed_mbps(0b00), 10);
        assert_eq!(speed_mbps(0b01), 100);
        assert_eq!(speed_mbps(0b10), 1000);
        assert_eq!(speed_mbps(0b11), 1000);
    }
}
