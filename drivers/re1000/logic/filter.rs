// SPDX-License-Identifier: GPL-2.0

//! The multicast table array hash (SDM 13.4.61; Linux `e1000_hash_mc_addr` with
//! `mc_filter_type` 0, i.e. RCTL.MO = 00).

/// Words in the MTA: 128 x 32 = 4096 hash buckets.
pub(crate) const MTA_WORDS: usize = 128;

/// The 12-bit hash of a multicast address: address bits 47:36.
pub(crate) fn mta_hash(addr: &[u8; 6]) -> u16 {
    ((u16::from(addr[4]) >> 4) | (u16::from(addr[5]) << 4)) & 0xFFF
}

/// Sets the bucket of `addr` in a shadow MTA.
pub(crate) fn mta_set(mta: &mut [u32; MTA_WORDS], addr: &[u8; 6]) {
    let hash = usize::from(mta_hash(addr));
    mta[(hash >> 5) & (MTA_WORDS - 1)] |= 1 << (hash & 0x1F);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_bits_47_to_36() {
        // The example in the C driver's comment: 01:AA:00:12:34:56 -> 0x563.
        assert_eq!(mta_hash(&[0x01, 0xAA, 0x00, 0x12, 0x34, 0x56]), 0x563);
    }

    #[test]
    fn all_nodes_ipv6_group_sets_one_bit() {
        // 33:33:00:00:00:01 -> hash 0x010 -> word 0, bit 16.
        let mut mta = [0u32; MTA_WORDS];
        mta_set(&mut mta, &[0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(mta[0], 1 << 16);
        assert_eq!(mta.iter().map(|w| w.count_ones()).sum::<u32>(), 1);
    }

    #[test]
    fn broadcast_hashes_to_the_last_bucket() {
        let mut mta = [0u32; MTA_WORDS];
        mta_set(&mut mta, &[0xff; 6]);
        assert_eq!(mta[127], 1 << 31);
    }
}
