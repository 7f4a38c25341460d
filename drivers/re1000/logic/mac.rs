// SPDX-License-Identifier: GPL-2.0

//! MAC address rules and their receive-address register encoding (SDM 13.4.62-63).

/// Whether `mac` can be a station address: not multicast/broadcast and not all zeros
/// (as Linux `is_valid_ether_addr`).
pub(crate) fn is_valid_station_address(mac: &[u8; 6]) -> bool {
    let multicast = mac[0] & 0x01 != 0;
    !multicast && mac.iter().any(|b| *b != 0)
}

/// RAL and RAH values for `mac` with Address Valid set: RAL holds bytes 0..4 and RAH
/// bytes 4..6, little-endian, with AV in bit 31.
pub(crate) fn receive_address_regs(mac: &[u8; 6]) -> (u32, u32) {
    let low = u32::from_le_bytes([mac[0], mac[1], mac[2], mac[3]]);
    let high = u32::from(u16::from_le_bytes([mac[4], mac[5]])) | (1 << 31);
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_default_mac_is_valid() {
        assert!(is_valid_station_address(&[0x52, 0x54, 0, 0x12, 0x34, 0x56]));
    }

    #[test]
    fn zero_multicast_and_broadcast_are_invalid() {
        assert!(!is_valid_station_address(&[0; 6]));
        assert!(!is_valid_station_address(&[0x01, 0, 0x5e, 0, 0, 1]));
        assert!(!is_valid_station_address(&[0xff; 6]));
    }

    #[test]
    fn locally_administered_unicast_is_valid() {
        assert!(is_valid_station_address(&[0x02, 0, 0, 0, 0, 1]));
    }

    #[test]
    fn receive_address_encoding_matches_the_datasheet_layout() {
        // 52:54:00:12:34:56 -> RAL 0x12005452, RAH 0x80005634 (SDM table 13-82).
        let (ral, rah) = receive_address_regs(&[0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(ral, 0x1200_5452);
        assert_eq!(rah, 0x8000_5634);
    }
}
