// SPDX-License-Identifier: GPL-2.0

//! Legacy TX and RX descriptor encoding (SDM 3.3.3 and 3.2.3). A descriptor is 16
//! bytes: the buffer address, then a 64-bit word of length, command/status, errors and
//! the VLAN "special" field, all little-endian.

/// TX command bits (SDM table 3-10), in the CMD byte (bits 31:24 of word 1).
pub(crate) mod tx_cmd {
    /// End of packet.
    pub(crate) const EOP: u8 = 0x01;
    /// Insert FCS.
    pub(crate) const IFCS: u8 = 0x02;
    /// Report status: write DD back when done.
    pub(crate) const RS: u8 = 0x08;

    /// What only a packet's last descriptor carries: EOP, and RS so that its DD says
    /// the whole packet is sent and every buffer of it may be unmapped (C's `txd_cmd`,
    /// OR-ed into the last descriptor in `e1000_tx_queue`). A buffer is never released
    /// at the write-back of an earlier descriptor, which the MAC may report while it
    /// still fetches the rest of the packet.
    pub(crate) const fn end_of_packet(last: bool) -> u8 {
        if last {
            EOP | RS
        } else {
            0
        }
    }
}

/// TX status: descriptor done.
const TX_STA_DD: u64 = 1 << 32;

/// RX status bits (SDM table 3-2).
pub(crate) mod rx_status {
    /// Descriptor done.
    pub(crate) const DD: u8 = 0x01;
    /// End of packet.
    pub(crate) const EOP: u8 = 0x02;
}

/// RX error bits (SDM table 3-3), in the Errors byte (bits 47:40 of word 1).
pub(crate) mod rx_errors {
    /// CRC error or alignment error.
    pub(crate) const CE: u8 = 0x01;
    /// Symbol error (TBI mode).
    pub(crate) const SE: u8 = 0x02;
    /// Sequence error (TBI mode).
    pub(crate) const SEQ: u8 = 0x04;
    /// Carrier extension error (TBI mode).
    pub(crate) const CXE: u8 = 0x10;
    /// RX data error.
    pub(crate) const RXE: u8 = 0x80;
    /// The errors that make a frame unusable (the C driver's `E1000_RXD_ERR_FRAME_ERR_MASK`;
    /// the checksum error bits TCPE/IPE are not among them).
    pub(crate) const FRAME: u8 = CE | SE | SEQ | CXE | RXE;
}

/// A descriptor as it sits in ring memory.
pub(crate) type RawDesc = [u64; 2];

/// A legacy TX data descriptor for `len` bytes at `addr`, with FCS insertion, plus
/// [`tx_cmd::end_of_packet`] on the last descriptor of a packet.
pub(crate) fn tx_legacy(addr: u64, len: u16, end_of_packet: bool) -> RawDesc {
    let cmd = tx_cmd::IFCS | tx_cmd::end_of_packet(end_of_packet);
    [
        addr.to_le(),
        (u64::from(len) | u64::from(cmd) << 24).to_le(),
    ]
}

/// Whether the device has written back DD on a TX descriptor.
pub(crate) fn tx_done(desc: &RawDesc) -> bool {
    u64::from_le(desc[1]) & TX_STA_DD != 0
}

/// An RX descriptor ready for the device: buffer address, status and errors cleared.
pub(crate) fn rx_armed(addr: u64) -> RawDesc {
    [addr.to_le(), 0]
}

/// The fields the device writes back into an RX descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RxWriteback {
    pub(crate) length: u16,
    pub(crate) status: u8,
    pub(crate) errors: u8,
    pub(crate) special: u16,
}

impl RxWriteback {
    /// Decodes word 1 of an RX descriptor.
    pub(crate) fn decode(desc: &RawDesc) -> Self {
        let w = u64::from_le(desc[1]);
        Self {
            length: w as u16,
            status: (w >> 32) as u8,
            errors: (w >> 40) as u8,
            special: (w >> 48) as u16,
        }
    }

    /// The device has filled this descriptor.
    pub(crate) fn done(&self) -> bool {
        self.status & rx_status::DD != 0
    }

    /// This descriptor ends its frame.
    pub(crate) fn end_of_packet(&self) -> bool {
        self.status & rx_status::EOP != 0
    }

    /// The device reported an error that makes the frame unusable.
    pub(crate) fn frame_error(&self) -> bool {
        self.errors & rx_errors::FRAME != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_errors_are_the_c_drivers_mask() {
        // E1000_RXD_ERR_FRAME_ERR_MASK: CE|SE|SEQ|CXE|RXE = 0x97; TCPE (0x20) and IPE
        // (0x40) only say a checksum is wrong, which the stack checks itself.
        assert_eq!(rx_errors::FRAME, 0x97);
        let wb = |errors| RxWriteback {
            length: 60,
            status: rx_status::DD | rx_status::EOP,
            errors,
            special: 0,
        };
        assert!(wb(0x01).frame_error());
        assert!(wb(0x80).frame_error());
        assert!(!wb(0x20 | 0x40).frame_error());
        assert!(!wb(0).frame_error());
    }

    #[test]
    fn tx_descriptor_layout_matches_the_datasheet() {
        // 60 bytes at 0x1234_5000, last of its packet: CMD = EOP|IFCS|RS = 0x0b.
        let d = tx_legacy(0x1234_5000, 60, true);
        assert_eq!(d[0], 0x1234_5000);
        assert_eq!(d[1], 0x0b00_003c);
        assert!(!tx_done(&d));
    }

    #[test]
    fn tx_fragment_has_neither_rs_nor_eop() {
        // CMD = IFCS = 0x02: only the packet's last descriptor reports done (C's
        // `e1000_tx_queue` ORs `txd_cmd`, which holds RS, into the last one only).
        let d = tx_legacy(0x2000, 1000, false);
        assert_eq!(d[1], 0x0200_03e8);
    }

    #[test]
    fn tx_done_reads_the_dd_bit_of_sta() {
        let mut d = tx_legacy(0x2000, 1000, true);
        d[1] |= 1 << 32;
        assert!(tx_done(&d));
    }

    #[test]
    fn rx_writeback_fields_decode() {
        // length 0x05ea, csum 0xbeef, status DD|EOP|IXSM = 0x07, errors 0, special 0x0064.
        let d = [0x8000, 0x0064_0007_beef_05ea];
        let wb = RxWriteback::decode(&d);
        assert_eq!(
            wb,
            RxWriteback {
                length: 0x05ea,
                status: 0x07,
                errors: 0,
                special: 0x0064
            }
        );
        assert!(wb.done() && wb.end_of_packet());
    }

    #[test]
    fn armed_rx_descriptor_has_status_and_errors_clear() {
        let wb = RxWriteback::decode(&rx_armed(0x4000));
        assert!(!wb.done());
        assert_eq!(wb.errors, 0);
    }
}
