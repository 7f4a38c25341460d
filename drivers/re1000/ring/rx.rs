// SPDX-License-Identifier: GPL-2.0

//! The receive ring.

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
            RawDesc,
            RxWriteback, //
        },
        ring, //
    },
    net::{
        dma::{
            DescRing,
            RxBuffer, //
        },
        napi::Receive,
        netdev::NetDev,
        skb::SkBuff,
    },
};

/// Bytes of a receive buffer the device may write: the largest frame the MAC accepts
/// while RCTL.LPE is clear (1522, VLAN-tagged; `MAXIMUM_ETHERNET_VLAN_SIZE`, the C
/// driver's `rx_buffer_len` at MTU 1500). RCTL.BSIZE stays 2048, the smallest size
/// that holds it; the MAC drops longer frames before they reach memory.
pub(crate) const BUFFER_LEN: u32 = 1522;
/// Shortest frame handed to the stack: an Ethernet header.
const MIN_FRAME: u16 = 14;
/// Refill and write RDT after this many frames, not after every one.
pub(crate) const REFILL_BATCH: u32 = 16;

/// What one poll of the ring did.
#[derive(Default)]
pub(crate) struct RxCleaned {
    pub(crate) packets: u32,
    pub(crate) bytes: u64,
    pub(crate) errors: u32,
    pub(crate) length_errors: u32,
    pub(crate) copybreak: u32,
    pub(crate) alloc_failed: u32,
}

/// The receive ring.
///
/// # Invariants
///
/// Descriptors from `next_to_clean` up to `next_to_use` (exclusive, mod count) are armed
/// with the buffer in the same slot of `buffers`; RDT is `next_to_use`.
pub(crate) struct RxRing<'a> {
    dev: &'a Device<Bound>,
    descs: DescRing<RawDesc>,
    buffers: KVec<Option<RxBuffer<'a>>>,
    next_to_use: u32,
    next_to_clean: u32,
    /// Inside a frame that spans descriptors: drop until its EOP.
    discarding: bool,
}

impl<'a> RxRing<'a> {
    /// Allocates a ring of `count` descriptors and fills all but one with buffers.
    pub(crate) fn new(dev: &'a Device<Bound>, count: u32) -> Result<Self> {
        let descs = DescRing::new(dev, count)?;
        let mut buffers = KVec::with_capacity(count as usize, GFP_KERNEL)?;
        for _ in 0..count {
            buffers.push(None, GFP_KERNEL)?;
        }
        let mut ring = Self {
            dev,
            descs,
            buffers,
            next_to_use: 0,
            next_to_clean: 0,
            discarding: false,
        };
        ring.refill();
        if ring.next_to_use == 0 {
            // Not a single buffer: opening would leave the receiver starved.
            return Err(ENOMEM);
        }
        Ok(ring)
    }

    pub(crate) fn descs(&self) -> &DescRing<RawDesc> {
        &self.descs
    }

    /// The value for RDT, for programming the receive unit.
    pub(crate) fn tail(&self) -> u32 {
        self.next_to_use
    }

    /// Hands the armed descriptors to the device (RDT), as `e1000_alloc_rx_buffers`
    /// does after refilling.
    fn kick(&self, hw: &Hw<'_>) {
        hw.set_rx_tail(self.next_to_use);
    }

    /// Arms every free descriptor, reusing a buffer left in its slot or allocating one.
    /// Returns how many allocations failed (the rest is retried next poll). The caller
    /// kicks the device.
    fn refill(&mut self) -> u32 {
        let count = self.descs.count();
        let mut failed = 0;
        while ring::unused(self.next_to_clean, self.next_to_use, count) > 0 {
            let i = self.next_to_use;
            let Some(slot) = self.buffers.get_mut(i as usize) else {
                break;
            };
            if slot.is_none() {
                match RxBuffer::alloc(self.dev, BUFFER_LEN) {
                    Ok(buf) => *slot = Some(buf),
                    Err(_) => {
                        failed += 1;
                        break;
                    }
                }
            }
            if let Some(buf) = slot.as_ref() {
                self.descs.write(i, desc::rx_armed(buf.dma_addr()));
            }
            self.next_to_use = ring::next(i, count);
        }
        failed
    }

    /// Receives up to `budget` frames into the stack, refills the ring and hands the
    /// new buffers to the device. Frames of `copybreak` bytes or less are copied so
    /// that their buffer is reused.
    pub(crate) fn clean(
        &mut self,
        napi: &Receive<'_>,
        netdev: &NetDev,
        hw: &Hw<'_>,
        budget: u32,
        copybreak: u32,
    ) -> RxCleaned {
        let mut out = RxCleaned::default();
        let count = self.descs.count();
        let mut since_refill = 0;
        while out.packets < budget && self.next_to_clean != self.next_to_use {
            let i = self.next_to_clean;
            let wb = RxWriteback::decode(&self.descs.read(i));
            if !wb.done() {
                break;
            }
            // The rest of the descriptor is read after the DD bit that said it is done.
            dma_mb(Read);
            self.next_to_clean = ring::next(i, count);
            since_refill += 1;
            self.receive_one(i, wb, napi, netdev, copybreak, &mut out);
            // Every batch goes back to the device at once, not at the end of the poll:
            // a small ring would otherwise run dry during a long poll.
            if since_refill >= REFILL_BATCH {
                out.alloc_failed += self.refill();
                self.kick(hw);
                since_refill = 0;
            }
        }
        if since_refill > 0 {
            out.alloc_failed += self.refill();
            self.kick(hw);
        }
        out
    }

    fn receive_one(
        &mut self,
        i: u32,
        wb: RxWriteback,
        napi: &Receive<'_>,
        netdev: &NetDev,
        copybreak: u32,
        out: &mut RxCleaned,
    ) {
        // The slot of a descriptor the device says it filled holds the buffer it was
        // armed with (refill arms none without one); if not, the write-back is not
        // trusted and the frame counts as an error.
        let Some(slot) = self.buffers.get_mut(i as usize) else {
            out.errors += 1;
            return;
        };
        // A frame spanning descriptors means it was larger than our buffers: without
        // jumbo frames that is an error; drop every piece up to its EOP.
        if !wb.end_of_packet() || self.discarding {
            if !self.discarding {
                out.length_errors += 1;
            }
            self.discarding = !wb.end_of_packet();
            return;
        }
        if wb.frame_error() {
            out.errors += 1;
            return;
        }
        // Never trust the device's length beyond our buffer.
        let len = u32::from(wb.length);
        if wb.length < MIN_FRAME || len > BUFFER_LEN {
            out.length_errors += 1;
            return;
        }
        let skb = if len <= copybreak {
            let Some(buf) = slot.as_mut() else {
                out.errors += 1;
                return;
            };
            let Some(mut skb) = napi.alloc_skb(len) else {
                out.alloc_failed += 1;
                return;
            };
            if buf.copy_to(&mut skb, len).is_err() {
                out.alloc_failed += 1;
                return;
            }
            out.copybreak += 1;
            skb
        } else {
            let Some(buf) = slot.take() else {
                out.errors += 1;
                return;
            };
            match buf.into_skb(napi, len) {
                Ok(skb) => skb,
                Err(buf) => {
                    // No skb head: the frame is dropped, its buffer re-armed.
                    *slot = Some(buf);
                    out.alloc_failed += 1;
                    return;
                }
            }
        };
        if deliver(skb, napi, netdev).is_err() {
            out.length_errors += 1;
            return;
        }
        out.packets += 1;
        out.bytes += u64::from(len);
    }
}

impl RxRing<'_> {
    /// Hands each received frame's bytes to `f` without building skbs, re-arming every
    /// buffer and kicking the device (self-test, with NAPI off). Returns how many
    /// frames were seen.
    pub(crate) fn poll_raw(&mut self, hw: &Hw<'_>, mut f: impl FnMut(&[u8])) -> u32 {
        let count = self.descs.count();
        let mut seen = 0;
        while self.next_to_clean != self.next_to_use {
            let i = self.next_to_clean;
            let wb = RxWriteback::decode(&self.descs.read(i));
            if !wb.done() {
                break;
            }
            dma_mb(Read);
            self.next_to_clean = ring::next(i, count);
            if let Some(buf) = self.buffers.get_mut(i as usize).and_then(Option::as_mut) {
                buf.inspect(u32::from(wb.length), &mut f);
                seen += 1;
            }
        }
        self.refill();
        self.kick(hw);
        seen
    }
}

/// Hands a frame to the stack; fails (dropping it) for one too short to hold an
/// Ethernet header, which the length check before should already have caught.
fn deliver(mut skb: SkBuff, napi: &Receive<'_>, netdev: &NetDev) -> Result {
    // The hardware's checksum is not used: the skb stays CHECKSUM_NONE.
    skb.eth_type_trans(netdev)?;
    napi.gro_receive(skb);
    Ok(())
}
