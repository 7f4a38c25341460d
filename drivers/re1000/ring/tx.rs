// SPDX-License-Identifier: GPL-2.0

//! The transmit ring.

use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*,
    sync::barrier::{
        dma_mb,
        Read, //
    },
};

use crate::{
    hw::Hw,
    logic::{
        desc::{
            self,
            RawDesc, //
        },
        offload::{
            self,
            Offload, //
        },
        ring, //
    },
    net::{
        dma::{
            DescRing,
            TxBuffer,
            TxPacket,
            TX_MAX_FRAGS, //
        },
        skb::{
            SkBuff,
            TxRequest, //
        },
    },
};

/// Largest packet the stack hands over (`GSO_LEGACY_MAX_SIZE`; re1000 does not raise it).
const MAX_PACKET_BYTES: u32 = 65536;
/// Descriptors one packet may need at most: a context descriptor, every buffer cut
/// into 4 KiB pieces (at most one extra piece per buffer), and the 4-byte split of the
/// TSO work-around.
pub(crate) const MAX_DESCS_PER_PACKET: u32 =
    1 + MAX_PACKET_BYTES / offload::MAX_DATA_PER_TXD + (1 + TX_MAX_FRAGS as u32) + 1;
/// Free descriptors below which the queue stops after a packet: the next largest
/// packet still fits, with two to spare as in the C driver (`e1000_maybe_stop_tx`).
const STOP_THRESHOLD: u32 = MAX_DESCS_PER_PACKET + 2;

/// What a sent packet became on the wire.
struct Sent {
    packets: u32,
    bytes: u32,
}

/// What one descriptor slot holds until the device is done with its packet: on a
/// packet's first descriptor the index of its last one (`next_to_watch`: only that
/// one has RS, and its DD says the whole packet is sent), the buffer whose last piece
/// the descriptor carries (the buffer holds its part of the packet), and on the last
/// descriptor what the packet counts for.
#[derive(Default)]
struct TxSlot<'a> {
    eop: Option<u32>,
    buffer: Option<TxBuffer<'a>>,
    sent: Option<Sent>,
}

/// How a packet goes out: the offload and the frames and bytes it makes on the wire
/// (TSO repeats the headers in every segment; the C driver counts the same way).
pub(crate) struct TxPlan {
    offload: Offload,
    packets: u32,
    bytes: u32,
}

impl TxPlan {
    /// Reads the stack's request and prepares the packet for it (TSO rewrites the
    /// IPv4 and TCP headers). A checksum whose offsets the MAC cannot express is
    /// computed in software instead. `Err`: the packet must be dropped.
    pub(crate) fn for_skb(skb: &mut SkBuff) -> Result<Self> {
        let single = |offload, bytes| Self {
            offload,
            packets: 1,
            bytes,
        };
        match skb.tx_request() {
            TxRequest::None => Ok(single(Offload::None, skb.len())),
            TxRequest::Checksum { start, offset } => match Offload::checksum(start, offset) {
                Ok(o) => Ok(single(o, skb.len())),
                Err(_) => {
                    skb.checksum_help()?;
                    Ok(single(Offload::None, skb.len()))
                }
            },
            TxRequest::TcpV4Segmentation {
                network,
                transport,
                tcp_header_len,
                mss,
                segments,
            } => {
                let len = skb.len();
                let tso = Offload::tso(network, transport, tcp_header_len, mss, len)
                    .map_err(|_| EINVAL)?;
                let hdr_len = transport + tcp_header_len;
                let headers = skb.headers_mut(hdr_len)?;
                if headers.len() < hdr_len as usize {
                    return Err(EINVAL);
                }
                offload::prepare_tso_ipv4(headers, network as usize, transport as usize)
                    .map_err(|_| EINVAL)?;
                let extra = segments.saturating_sub(1).saturating_mul(hdr_len);
                Ok(Self {
                    offload: tso,
                    packets: segments.max(1),
                    bytes: len.saturating_add(extra),
                })
            }
            TxRequest::UnsupportedSegmentation => Err(EINVAL),
        }
    }
}

/// What cleaning completed.
#[derive(Default)]
pub(crate) struct TxCleaned {
    pub(crate) packets: u32,
    pub(crate) bytes: u32,
    /// A packet in flight had no last descriptor recorded: the ring's invariant
    /// broke, and cleaning stopped there.
    pub(crate) lost_track: bool,
}

/// Why a packet was not queued.
pub(crate) enum TxError {
    /// Not enough free descriptors; the caller stops the queue.
    RingFull(SkBuff),
    /// A DMA mapping failed, or the packet has no data; it was dropped.
    MappingFailed,
}

/// A TX tail (TDT) value the ring published: taken under the ring lock, written after
/// it is dropped. On QEMU the TDT write emulates the whole transmission before it
/// returns, and NAPI's clean-up must not spin on the ring lock meanwhile.
#[must_use]
pub(crate) struct TxDoorbell(u32);

impl TxDoorbell {
    /// Hands the descriptors up to the tail to the device.
    pub(crate) fn ring(self, hw: &Hw<'_>) {
        hw.set_tx_tail(self.0);
    }
}

/// The transmit ring and the buffers the device owns.
///
/// # Invariants
///
/// Descriptors `next_to_clean..next_to_use` (mod count) are owned by the device and
/// hold whole packets; the slot of a packet's first descriptor holds the index of its
/// last one, which lies in that range; a buffer sits in the slot of the last descriptor
/// that uses it, and what the packet counts for in the slot of its last descriptor.
/// Every other slot is empty.
pub(crate) struct TxRing<'a> {
    dev: &'a Device<Bound>,
    descs: DescRing<RawDesc>,
    buffers: KVec<TxSlot<'a>>,
    next_to_use: u32,
    next_to_clean: u32,
    /// The last packet queued was a TSO packet.
    last_was_tso: bool,
}

impl<'a> TxRing<'a> {
    /// Allocates a ring of `count` descriptors (already validated).
    pub(crate) fn new(dev: &'a Device<Bound>, count: u32) -> Result<Self> {
        let descs = DescRing::new(dev, count)?;
        let mut buffers = KVec::with_capacity(count as usize, GFP_KERNEL)?;
        for _ in 0..count {
            buffers.push(TxSlot::default(), GFP_KERNEL)?;
        }
        Ok(Self {
            dev,
            descs,
            buffers,
            next_to_use: 0,
            next_to_clean: 0,
            last_was_tso: false,
        })
    }

    pub(crate) fn descs(&self) -> &DescRing<RawDesc> {
        &self.descs
    }

    /// Free descriptors.
    pub(crate) fn unused(&self) -> u32 {
        ring::unused(self.next_to_clean, self.next_to_use, self.descs.count())
    }

    /// Whether the queue must stop after the packet just queued: the next one might
    /// not fit.
    pub(crate) fn should_stop(&self) -> bool {
        self.unused() < STOP_THRESHOLD
    }

    /// Whether a stopped queue may be woken: enough has been cleaned for a batch of
    /// packets, not just one (the gap to [`Self::should_stop`] is the hysteresis).
    pub(crate) fn may_wake(&self) -> bool {
        self.unused() >= ring::tx_wake_threshold(STOP_THRESHOLD, self.descs.count())
    }

    /// The doorbell for the descriptors queued so far: once per batch of packets.
    pub(crate) fn doorbell(&self) -> TxDoorbell {
        TxDoorbell(self.next_to_use)
    }

    /// Whether the device still owns descriptors.
    pub(crate) fn busy(&self) -> bool {
        self.next_to_use != self.next_to_clean
    }

    /// Maps `skb` and fills its descriptors as `plan` says. Returns the bytes it puts
    /// on the wire (for BQL). The caller writes TDT.
    pub(crate) fn queue(&mut self, skb: SkBuff, plan: TxPlan) -> Result<u32, TxError> {
        // Map everything before touching the ring, so a failure unwinds by dropping.
        let packet = TxPacket::map(self.dev, skb).map_err(|_| TxError::MappingFailed)?;
        let is_tso = matches!(plan.offload, Offload::Tso(_));
        // The C driver's work-arounds for premature descriptor write-back: a linear
        // packet right after a TSO one, and a linear TSO packet, end in a separate
        // 4-byte descriptor (see firmware-notes/data-path.md).
        let split_last = packet.nr_frags() == 0 && (is_tso || self.last_was_tso);
        let buffers = packet.buffers().count();
        let Some(last) = buffers.checked_sub(1) else {
            return Err(TxError::MappingFailed);
        };
        let context = plan.offload.context();
        let mut needed = u32::from(context.is_some());
        for (k, (_, len)) in packet.buffers().enumerate() {
            needed += offload::pieces(len, split_last && k == last).count() as u32;
        }
        if self.unused() < needed {
            return Err(TxError::RingFull(packet.into_skb()));
        }
        let count = self.descs.count();
        let first = self.next_to_use;
        let mut eop_index = first;
        if let Some(ctx) = context {
            self.descs.write(self.next_to_use, ctx);
            self.next_to_use = ring::next(self.next_to_use, count);
        }
        let mut sent = Some(Sent {
            packets: plan.packets,
            bytes: plan.bytes,
        });
        for (k, buffer) in packet.into_buffers().enumerate() {
            let is_last_buffer = k == last;
            let addr = buffer.addr();
            let mut buffer = Some(buffer);
            let mut pieces = offload::pieces(
                buffer.as_ref().map_or(0, TxBuffer::len),
                split_last && is_last_buffer,
            )
            .peekable();
            while let Some((off, len)) = pieces.next() {
                let i = self.next_to_use;
                let last_piece = pieces.peek().is_none();
                let eop = is_last_buffer && last_piece;
                self.descs
                    .write(i, plan.offload.data(addr + u64::from(off), len, eop));
                if last_piece {
                    if let Some(slot) = self.buffers.get_mut(i as usize) {
                        slot.buffer = buffer.take();
                        if eop {
                            slot.sent = sent.take();
                        }
                    }
                }
                eop_index = i;
                self.next_to_use = ring::next(i, count);
            }
        }
        if let Some(slot) = self.buffers.get_mut(first as usize) {
            slot.eop = Some(eop_index);
        }
        self.last_was_tso = is_tso;
        Ok(plan.bytes)
    }

    /// Frees the packets the device has sent, each at the DD of its last descriptor
    /// (`e1000_clean_tx_irq`). Returns the totals for BQL and statistics. Cleaning
    /// always catches up with the device: the ring lock keeps `start_xmit` out, so
    /// at most `count - 1` descriptors are in flight (C's lockless ring bounds its
    /// clean to one ring's worth because transmit runs beside it).
    pub(crate) fn clean(&mut self, budget: u32) -> TxCleaned {
        let mut done = TxCleaned::default();
        let count = self.descs.count();
        while self.next_to_clean != self.next_to_use {
            let Some(eop) = self
                .buffers
                .get(self.next_to_clean as usize)
                .and_then(|slot| slot.eop)
            else {
                done.lost_track = true;
                break;
            };
            if !desc::tx_done(&self.descs.read(eop)) {
                break;
            }
            // The buffers are released only after the DD bit that said they are sent.
            dma_mb(Read);
            // From the packet's first descriptor to its last, which the invariant puts
            // before `next_to_use`; the check keeps a broken ring from looping.
            while self.next_to_clean != self.next_to_use {
                let i = self.next_to_clean;
                if let Some(slot) = self.buffers.get_mut(i as usize) {
                    let TxSlot { buffer, sent, .. } = core::mem::take(slot);
                    if let Some(buffer) = buffer {
                        buffer.complete(budget);
                    }
                    if let Some(sent) = sent {
                        done.packets += sent.packets;
                        done.bytes += sent.bytes;
                    }
                }
                self.descs.write(i, [0; 2]);
                self.next_to_clean = ring::next(i, count);
                if i == eop {
                    break;
                }
            }
        }
        done
    }
}
