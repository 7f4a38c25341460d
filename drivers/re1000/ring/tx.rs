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
        split_ring::{
            self,
            Consumer,
            Producer, //
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

/// A TX tail (TDT) value the ring published, written after the caller's lock on its
/// half of the ring is dropped: on QEMU the TDT write emulates the whole transmission
/// before it returns.
#[must_use]
pub(crate) struct TxDoorbell(u32);

impl TxDoorbell {
    /// Hands the descriptors up to the tail to the device.
    pub(crate) fn ring(self, hw: &Hw<'_>) {
        hw.set_tx_tail(self.0);
    }
}

/// Allocates a transmit ring of `count` descriptors (already validated) and returns
/// its two halves, which share no lock: [`TxQueue`] for `start_xmit`, [`TxCleaner`] for
/// the NAPI poll (the C driver's lockless ring).
pub(crate) fn new<'a>(dev: &'a Device<Bound>, count: u32) -> Result<(TxQueue<'a>, TxCleaner<'a>)> {
    let (producer, consumer) = split_ring::new(dev, count, TxSlot::default)?;
    Ok((
        TxQueue {
            dev,
            ring: producer,
            last_was_tso: false,
        },
        TxCleaner { ring: consumer },
    ))
}

/// The transmit ring as `start_xmit` fills it.
///
/// # Invariants
///
/// The descriptors it has handed over (the cleaner's) hold whole packets; the slot of
/// a packet's first descriptor holds the index of its last one, a buffer sits in the
/// slot of the last descriptor that uses it, and what the packet counts for in the
/// slot of its last descriptor. Every slot it has not handed over is empty.
pub(crate) struct TxQueue<'a> {
    dev: &'a Device<Bound>,
    ring: Producer<RawDesc, TxSlot<'a>>,
    /// The last packet queued was a TSO packet.
    last_was_tso: bool,
}

impl<'a> TxQueue<'a> {
    pub(crate) fn descs(&self) -> &DescRing<RawDesc> {
        self.ring.descs()
    }

    /// Whether the queue must stop after the packet just queued: the next one might
    /// not fit.
    pub(crate) fn should_stop(&self) -> bool {
        self.ring.unused() < STOP_THRESHOLD
    }

    /// The doorbell for the descriptors queued so far: once per batch of packets.
    pub(crate) fn doorbell(&self) -> TxDoorbell {
        TxDoorbell(self.ring.head())
    }

    /// Maps `skb`, fills its descriptors as `plan` says and hands them to the cleaner.
    /// Returns the bytes it puts on the wire (for BQL). The caller writes TDT.
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
        if self.ring.unused() < needed {
            return Err(TxError::RingFull(packet.into_skb()));
        }
        // Descriptors are filled `ahead` of the ring's head, all of them among the
        // `needed` unused ones just checked (which only grow meanwhile), and handed
        // over together at the end.
        let mut ahead = 0;
        if let Some(ctx) = context {
            self.write(ahead, ctx);
            ahead += 1;
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
                let last_piece = pieces.peek().is_none();
                let eop = is_last_buffer && last_piece;
                self.write(ahead, plan.offload.data(addr + u64::from(off), len, eop));
                if last_piece {
                    if let Some(slot) = self.ring.slot(ahead) {
                        slot.buffer = buffer.take();
                        if eop {
                            slot.sent = sent.take();
                        }
                    }
                }
                ahead += 1;
            }
        }
        let eop_index = self.ring.index(ahead.saturating_sub(1));
        if let Some(slot) = self.ring.slot(0) {
            slot.eop = Some(eop_index);
        }
        self.last_was_tso = is_tso;
        // Cannot fail: `ahead == needed`, which were unused.
        if self.ring.publish(ahead).is_err() {
            return Err(TxError::MappingFailed);
        }
        Ok(plan.bytes)
    }

    fn write(&mut self, ahead: u32, desc: RawDesc) {
        // Cannot fail: `queue` writes only among the unused descriptors it counted.
        let _ = self.ring.write(ahead, desc);
    }
}

/// The transmit ring as the NAPI poll cleans it (see [`TxQueue`] for what the
/// descriptors handed over hold).
pub(crate) struct TxCleaner<'a> {
    ring: Consumer<RawDesc, TxSlot<'a>>,
}

impl TxCleaner<'_> {
    /// Whether a stopped queue may be woken: enough has been cleaned for a batch of
    /// packets, not just one (the gap to [`TxQueue::should_stop`] is the hysteresis).
    pub(crate) fn may_wake(&self) -> bool {
        self.ring.unused() >= ring::tx_wake_threshold(STOP_THRESHOLD, self.ring.count())
    }

    /// Whether the device still owns descriptors.
    pub(crate) fn busy(&self) -> bool {
        self.ring.pending() > 0
    }

    /// Frees the packets the device has sent, each at the DD of its last descriptor
    /// (`e1000_clean_tx_irq`). Returns the totals for BQL and statistics. Cleans at
    /// most what was queued when it started (C bounds its clean to one ring's worth):
    /// packets queued meanwhile complete with a TX interrupt of their own.
    pub(crate) fn clean(&mut self, budget: u32) -> TxCleaned {
        let mut done = TxCleaned::default();
        let mut pending = self.ring.pending();
        while pending > 0 {
            let Some(eop) = self.ring.slot(0).and_then(|slot| slot.eop) else {
                done.lost_track = true;
                break;
            };
            // The packet's descriptors, its first (at the tail) to its last.
            let Some(descs) = self
                .ring
                .ahead_of(eop)
                .map(|last| last + 1)
                .filter(|&n| n <= pending)
            else {
                done.lost_track = true;
                break;
            };
            let Some(last) = self.ring.read(descs - 1) else {
                break;
            };
            if !desc::tx_done(&last) {
                break;
            }
            // The buffers are released only after the DD bit that said they are sent.
            dma_mb(Read);
            for ahead in 0..descs {
                if let Some(slot) = self.ring.slot(ahead) {
                    let TxSlot { buffer, sent, .. } = core::mem::take(slot);
                    if let Some(buffer) = buffer {
                        buffer.complete(budget);
                    }
                    if let Some(sent) = sent {
                        done.packets += sent.packets;
                        done.bytes += sent.bytes;
                    }
                }
                // No stale DD for the next packet to find.
                let _ = self.ring.write(ahead, [0; 2]);
            }
            // Cannot fail: `descs <= pending`.
            let _ = self.ring.release(descs);
            pending -= descs;
        }
        done
    }
}
