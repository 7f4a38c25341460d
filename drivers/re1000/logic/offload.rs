// SPDX-License-Identifier: GPL-2.0

//! TX offloads (SDM 3.3.5-3.3.7): the TCP/IP context descriptor that tells the MAC
//! where to insert checksums and how to segment a TCP packet, the extended data
//! descriptors that refer to it, and how buffers are cut into descriptors.

use super::desc::{
    tx_cmd,
    RawDesc, //
};

/// Most bytes one TX descriptor carries, as the C driver (`E1000_MAX_DATA_PER_TXD`).
pub(crate) const MAX_DATA_PER_TXD: u32 = 1 << 12;

/// Command bits only in extended descriptors (SDM tables 3-11 and 3-13).
mod ext_cmd {
    /// TCP (context, TSE): the payload is TCP rather than UDP.
    pub(crate) const TCP: u8 = 0x01;
    /// IP (context, TSE): the packet is IPv4, update its total length and checksum.
    pub(crate) const IP: u8 = 0x02;
    /// TCP segmentation enable (context and data).
    pub(crate) const TSE: u8 = 0x04;
    /// Extended descriptor format.
    pub(crate) const DEXT: u8 = 0x20;
}

/// Data descriptor type in an extended descriptor's DTYP field (bits 23:20).
const DTYP_DATA: u32 = 1 << 20;

/// Packet options of an extended data descriptor (POPTS).
mod popts {
    /// Insert the IP header checksum.
    pub(crate) const IXSM: u8 = 0x01;
    /// Insert the TCP/UDP checksum.
    pub(crate) const TXSM: u8 = 0x02;
}

/// TCP segmentation of an IPv4 packet: the context descriptor's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tso {
    /// Start of the IP header (IPCSS).
    pub(crate) ipcss: u8,
    /// Where the IP header checksum goes (IPCSO).
    pub(crate) ipcso: u8,
    /// Last byte of the IP header (IPCSE).
    pub(crate) ipcse: u16,
    /// Start of the TCP header (TUCSS).
    pub(crate) tucss: u8,
    /// Where the TCP checksum goes (TUCSO).
    pub(crate) tucso: u8,
    /// Bytes of headers repeated in front of every segment (HDRLEN).
    pub(crate) hdr_len: u8,
    /// Payload bytes per segment (MSS).
    pub(crate) mss: u16,
    /// Payload bytes of the whole packet (PAYLEN).
    pub(crate) paylen: u32,
}

/// What the MAC does to a packet besides sending it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offload {
    /// Sent as it is (legacy descriptors).
    None,
    /// Inserts the 16-bit ones' complement sum of the bytes from `css` to the end at
    /// `cso` (the stack's `CHECKSUM_PARTIAL`; it seeded `cso` with the pseudo-header
    /// sum).
    Checksum { css: u8, cso: u8 },
    /// Segments a TCP/IPv4 packet, with both checksums in every segment.
    Tso(Tso),
}

/// Why an offload request cannot be described to the MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OffloadError {
    /// An offset beyond the 8-bit fields of the context descriptor.
    OffsetTooLarge,
    /// Headers or sizes that make no sense (would underflow or exceed the packet).
    Inconsistent,
}

impl Offload {
    /// `CHECKSUM_PARTIAL` with the checksum field `csum_offset` bytes after `start`.
    pub(crate) fn checksum(start: u32, csum_offset: u32) -> Result<Self, OffloadError> {
        let cso = start
            .checked_add(csum_offset)
            .ok_or(OffloadError::OffsetTooLarge)?;
        Ok(Self::Checksum {
            css: u8::try_from(start).map_err(|_| OffloadError::OffsetTooLarge)?,
            cso: u8::try_from(cso).map_err(|_| OffloadError::OffsetTooLarge)?,
        })
    }

    /// TCP segmentation of a `len`-byte IPv4 packet whose IP header starts at
    /// `network`, TCP header at `transport`, `tcp_hdr_len` bytes long, into `mss`-byte
    /// segments (as `e1000_tso`).
    pub(crate) fn tso(
        network: u32,
        transport: u32,
        tcp_hdr_len: u32,
        mss: u32,
        len: u32,
    ) -> Result<Self, OffloadError> {
        let hdr_len = transport
            .checked_add(tcp_hdr_len)
            .ok_or(OffloadError::Inconsistent)?;
        // An IPv4 header is at least 20 bytes; the payload must be non-empty.
        if transport < network.saturating_add(20) || hdr_len >= len || mss == 0 {
            return Err(OffloadError::Inconsistent);
        }
        let byte = |v: u32| u8::try_from(v).map_err(|_| OffloadError::OffsetTooLarge);
        Ok(Self::Tso(Tso {
            ipcss: byte(network)?,
            // The IPv4 header checksum is at byte 10 of the header, TCP's at 16.
            ipcso: byte(network + 10)?,
            ipcse: u16::try_from(transport - 1).map_err(|_| OffloadError::OffsetTooLarge)?,
            tucss: byte(transport)?,
            tucso: byte(transport + 16)?,
            hdr_len: byte(hdr_len)?,
            mss: u16::try_from(mss).map_err(|_| OffloadError::Inconsistent)?,
            paylen: len - hdr_len,
        }))
    }

    /// The context descriptor that must precede the packet's data descriptors. Without
    /// RS, as `e1000_tso`/`e1000_tx_csum`: only a packet's last descriptor reports done.
    pub(crate) fn context(&self) -> Option<RawDesc> {
        let (ip, tu, cmd, len, seg) = match *self {
            Self::None => return None,
            Self::Checksum { css, cso } => (0, u64::from(css) | u64::from(cso) << 8, 0, 0, 0),
            Self::Tso(t) => (
                u64::from(t.ipcss) | u64::from(t.ipcso) << 8 | u64::from(t.ipcse) << 16,
                u64::from(t.tucss) | u64::from(t.tucso) << 8,
                ext_cmd::TSE | ext_cmd::IP | ext_cmd::TCP,
                t.paylen & 0xf_ffff,
                u64::from(t.hdr_len) << 8 | u64::from(t.mss) << 16,
            ),
        };
        let cmd = cmd | ext_cmd::DEXT;
        Some([
            (ip | tu << 32).to_le(),
            (u64::from(len) | u64::from(cmd) << 24 | seg << 32).to_le(),
        ])
    }

    /// A data descriptor for `len` bytes at `addr` of a packet with this offload: the
    /// legacy format without one, else the extended format referring to the context.
    /// [`tx_cmd::end_of_packet`] on the packet's last descriptor only.
    pub(crate) fn data(&self, addr: u64, len: u32, end_of_packet: bool) -> RawDesc {
        let (tse, options) = match self {
            Self::None => {
                let len = u16::try_from(len).unwrap_or(u16::MAX);
                return super::desc::tx_legacy(addr, len, end_of_packet);
            }
            Self::Checksum { .. } => (0, popts::TXSM),
            Self::Tso(_) => (ext_cmd::TSE, popts::IXSM | popts::TXSM),
        };
        let cmd = ext_cmd::DEXT | tx_cmd::IFCS | tse | tx_cmd::end_of_packet(end_of_packet);
        let lower = u64::from(len & 0xf_ffff | DTYP_DATA) | u64::from(cmd) << 24;
        [addr.to_le(), (lower | u64::from(options) << 40).to_le()]
    }
}

/// The IPv4 and TCP header changes TSO needs before the MAC sees the packet (as
/// `e1000_tso`): the total length and header checksum zeroed (the MAC fills them per
/// segment) and the TCP checksum seeded with the pseudo-header sum of the addresses
/// and protocol, without a length. `headers` starts at the Ethernet header.
pub(crate) fn prepare_tso_ipv4(
    headers: &mut [u8],
    network: usize,
    transport: usize,
) -> Result<(), OffloadError> {
    const TCP: u8 = 6;
    let ip_end = network.checked_add(20).ok_or(OffloadError::Inconsistent)?;
    let ip: &mut [u8; 20] = headers
        .get_mut(network..ip_end)
        .and_then(|s| s.try_into().ok())
        .ok_or(OffloadError::Inconsistent)?;
    // Version 4 and the protocol must be TCP.
    if ip[0] >> 4 != 4 || ip[9] != TCP {
        return Err(OffloadError::Inconsistent);
    }
    let word = |hi: u8, lo: u8| u32::from(u16::from_be_bytes([hi, lo]));
    let mut sum = word(ip[12], ip[13])
        + word(ip[14], ip[15])
        + word(ip[16], ip[17])
        + word(ip[18], ip[19])
        + u32::from(TCP);
    // Total length and header checksum.
    [ip[2], ip[3], ip[10], ip[11]] = [0; 4];
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let check_at = transport
        .checked_add(16)
        .ok_or(OffloadError::Inconsistent)?;
    let check: &mut [u8; 2] = headers
        .get_mut(check_at..check_at + 2)
        .and_then(|s| s.try_into().ok())
        .ok_or(OffloadError::Inconsistent)?;
    *check = (sum as u16).to_be_bytes();
    Ok(())
}

/// Descriptors a buffer of `len` bytes needs.
pub(crate) fn descriptors_for(len: u32) -> u32 {
    len.div_ceil(MAX_DATA_PER_TXD).max(1)
}

/// The `(offset, len)` pieces of a `len`-byte buffer, one per descriptor. With
/// `split_last` the final 4 bytes go alone into the last piece (the C driver's
/// work-around for a premature write-back after TSO, see firmware-notes).
pub(crate) fn pieces(len: u32, split_last: bool) -> impl Iterator<Item = (u32, u32)> {
    let (body, tail) = if split_last && len > 4 {
        (len - 4, 4)
    } else {
        (len, 0)
    };
    let n = descriptors_for(body);
    (0..n)
        .map(move |i| {
            let off = i * MAX_DATA_PER_TXD;
            (off, (body - off).min(MAX_DATA_PER_TXD))
        })
        .chain((tail > 0).then_some((body, tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_context_matches_the_c_driver() -> Result<(), OffloadError> {
        // TCP/IPv4 without options: csum_start 34, csum_offset 16.
        let o = Offload::checksum(34, 16)?;
        assert_eq!(o, Offload::Checksum { css: 34, cso: 50 });
        let c = o.context().ok_or(OffloadError::Inconsistent)?;
        // TUCSS 34, TUCSO 50 in the upper dword of word 0.
        assert_eq!(u64::from_le(c[0]), (34 | 50 << 8) << 32);
        // TUCMD = DEXT (no RS: `e1000_tx_csum`), PAYLEN 0, DTYP 0 (context).
        assert_eq!(u64::from_le(c[1]), 0x2000_0000);
        assert_eq!(
            Offload::checksum(250, 16),
            Err(OffloadError::OffsetTooLarge)
        );
        assert_eq!(Offload::None.context(), None);
        Ok(())
    }

    #[test]
    fn tso_context_matches_the_c_driver() -> Result<(), OffloadError> {
        // 14 + 20 + 32 (TCP with timestamps) headers, 1448-byte segments, 20000 bytes.
        let o = Offload::tso(14, 34, 32, 1448, 20_000)?;
        let Offload::Tso(t) = o else {
            return Err(OffloadError::Inconsistent);
        };
        assert_eq!((t.ipcss, t.ipcso, t.ipcse), (14, 24, 33));
        assert_eq!((t.tucss, t.tucso, t.hdr_len), (34, 50, 66));
        assert_eq!((t.mss, t.paylen), (1448, 20_000 - 66));
        let c = o.context().ok_or(OffloadError::Inconsistent)?;
        assert_eq!(
            u64::from_le(c[0]),
            14 | 24 << 8 | 33 << 16 | (34 | 50 << 8) << 32
        );
        // TUCMD = DEXT|TSE|IP|TCP = 0x27 (no RS: `e1000_tso`); HDRLEN 66, MSS 1448.
        assert_eq!(
            u64::from_le(c[1]),
            (20_000 - 66) | 0x27 << 24 | 66 << 40 | 1448 << 48
        );
        assert_eq!(
            Offload::tso(14, 34, 32, 1448, 66),
            Err(OffloadError::Inconsistent)
        );
        assert_eq!(
            Offload::tso(14, 20, 20, 1448, 9000),
            Err(OffloadError::Inconsistent)
        );
        Ok(())
    }

    #[test]
    fn extended_data_descriptors() -> Result<(), OffloadError> {
        let tso = Offload::tso(14, 34, 20, 1460, 30_000)?;
        let d = tso.data(0x1000, 4096, true);
        assert_eq!(u64::from_le(d[0]), 0x1000);
        // DTALEN 4096, DTYP 1, DCMD = DEXT|RS|TSE|IFCS|EOP = 0x2f, POPTS IXSM|TXSM.
        assert_eq!(u64::from_le(d[1]), 4096 | 1 << 20 | 0x2f << 24 | 0x03 << 40);
        let cs = Offload::checksum(34, 6)?.data(0x2000, 100, false);
        // Not the last: DCMD = DEXT|IFCS = 0x22 (no RS), POPTS TXSM.
        assert_eq!(u64::from_le(cs[1]), 100 | 1 << 20 | 0x22 << 24 | 0x02 << 40);
        // No offload: the legacy descriptor.
        assert_eq!(
            Offload::None.data(0x3000, 60, true),
            super::super::desc::tx_legacy(0x3000, 60, true)
        );
        Ok(())
    }

    #[test]
    fn tso_header_preparation() -> Result<(), OffloadError> {
        // Ethernet + IPv4 (192.0.2.1 -> 192.0.2.2, TCP, total length 0x05dc) + TCP.
        let mut h = [0u8; 14 + 20 + 20];
        h[14] = 0x45;
        h[16..18].copy_from_slice(&[0x05, 0xdc]);
        h[23] = 6;
        h[24..26].copy_from_slice(&[0xab, 0xcd]);
        h[26..30].copy_from_slice(&[192, 0, 2, 1]);
        h[30..34].copy_from_slice(&[192, 0, 2, 2]);
        prepare_tso_ipv4(&mut h, 14, 34)?;
        assert_eq!(&h[16..18], &[0, 0]);
        assert_eq!(&h[24..26], &[0, 0]);
        // 0xc000 + 0x0201 + 0xc000 + 0x0202 + 6 = 0x18409 -> 0x840a.
        assert_eq!(&h[50..52], &[0x84, 0x0a]);
        let mut udp = h;
        udp[23] = 17;
        assert_eq!(
            prepare_tso_ipv4(&mut udp, 14, 34),
            Err(OffloadError::Inconsistent)
        );
        assert_eq!(
            prepare_tso_ipv4(&mut h[..40], 14, 34),
            Err(OffloadError::Inconsistent)
        );
        Ok(())
    }

    #[test]
    fn buffers_are_cut_at_4096_bytes() {
        let v: Vec<_> = pieces(10_000, false).collect();
        assert_eq!(v, [(0, 4096), (4096, 4096), (8192, 1808)]);
        assert_eq!(descriptors_for(10_000), 3);
        assert_eq!(descriptors_for(4096), 1);
        let v: Vec<_> = pieces(100, true).collect();
        assert_eq!(v, [(0, 96), (96, 4)]);
        let v: Vec<_> = pieces(4100, true).collect();
        assert_eq!(v, [(0, 4096), (4096, 4)]);
        let v: Vec<_> = pieces(4, true).collect();
        assert_eq!(v, [(0, 4)]);
    }
}
