// SPDX-License-Identifier: GPL-2.0

//! The transmit ring.

use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*,
};

use crate::{
    logic::{
        desc,
        ring, //
    },
    net::{
        dma::{
            map_tx_frag,
            map_tx_head,
            DescRing,
            Mapping, //
        },
        skb::SkBuff,
    },
};

/// Descriptors one packet may need at most: the head plus `MAX_SKB_FRAGS` (17).
pub(crate) const MAX_DESCS_PER_PACKET: u32 = 1 + 17;
/// Wake a stopped queue once this many descriptors are free (C `TX_WAKE_THRESHOLD`).
pub(crate) const WAKE_THRESHOLD: u32 = 32;

/// One descriptor's buffer; the packet's last descriptor also holds its skb.
struct TxBuffer<'a> {
    mapping: Mapping<'a>,
    skb: Option<SkBuff>,
}

/// What cleaning completed.
#[derive(Default)]
pub(crate) struct TxCleaned {
    pub(crate) packets: u32,
    pub(crate) bytes: u32,
}

/// Why a packet was not queued.
pub(crate) enum TxError {
    /// Not enough free descriptors; the caller stops the queue.
    RingFull(SkBuff),
    /// A DMA mapping failed; the packet was dropped.
    MappingFailed,
}

/// The transmit ring and the buffers the device owns.
///
/// # Invariants
///
/// Descriptors `next_to_clean..next_to_use` (mod count) are owned by the device and each
/// has its buffer in `buffers`; all other slots are `None`.
pub(crate) struct TxRing<'a> {
    dev: &'a Device<Bound>,
    descs: DescRing,
    buffers: KVec<Option<TxBuffer<'a>>>,
    next_to_use: u32,
    next_to_clean: u32,
}

impl<'a> TxRing<'a> {
    /// Allocates a ring of `count` descriptors (already validated).
    pub(crate) fn new(dev: &'a Device<Bound>, count: u32) -> Result<Self> {
        let descs = DescRing::new(dev, count)?;
        let mut buffers = KVec::with_capacity(count as usize, GFP_KERNEL)?;
        for _ in 0..count {
            buffers.push(None, GFP_KERNEL)?;
        }
        Ok(Self {
            dev,
            descs,
            buffers,
            next_to_use: 0,
            next_to_clean: 0,
        })
    }

    pub(crate) fn descs(&self) -> &DescRing {
        &self.descs
    }

    /// Free descriptors.
    pub(crate) fn unused(&self) -> u32 {
        ring::unused(self.next_to_clean, self.next_to_use, self.descs.count())
    }

    /// Where the next packet goes; the value for TDT.
    pub(crate) fn tail(&self) -> u32 {
        self.next_to_use
    }

    /// Whether the device still owns descriptors.
    pub(crate) fn busy(&self) -> bool {
        self.next_to_use != self.next_to_clean
    }

    /// Maps `skb` and fills its descriptors. The caller writes TDT.
    pub(crate) fn queue(&mut self, skb: SkBuff) -> Result<u32, TxError> {
        let frags = skb.nr_frags();
        if self.unused() < 1 + frags {
            return Err(TxError::RingFull(skb));
        }
        // Map everything before touching the ring, so a failure unwinds by dropping.
        let mut mappings = KVec::with_capacity(1 + frags as usize, GFP_ATOMIC)
            .map_err(|_| TxError::MappingFailed)?;
        let head = map_tx_head(self.dev, &skb).map_err(|_| TxError::MappingFailed)?;
        mappings
            .push(head, GFP_ATOMIC)
            .map_err(|_| TxError::MappingFailed)?;
        for i in 0..frags {
            let m = map_tx_frag(self.dev, &skb, i).map_err(|_| TxError::MappingFailed)?;
            mappings
                .push(m, GFP_ATOMIC)
                .map_err(|_| TxError::MappingFailed)?;
        }
        let bytes = skb.len();
        let count = self.descs.count();
        let last = mappings.len() - 1;
        let mut skb = Some(skb);
        for (n, mapping) in mappings.drain_all().enumerate() {
            let i = self.next_to_use;
            let eop = n == last;
            let len = u16::try_from(mapping.len()).unwrap_or(u16::MAX);
            self.descs
                .write(i, desc::tx_legacy(mapping.addr(), len, eop));
            let slot = TxBuffer {
                mapping,
                skb: if eop { skb.take() } else { None },
            };
            if let Some(b) = self.buffers.get_mut(i as usize) {
                *b = Some(slot);
            }
            self.next_to_use = ring::next(i, count);
        }
        Ok(bytes)
    }

    /// Frees what the device has sent. Returns the totals for BQL and statistics.
    pub(crate) fn clean(&mut self, budget: u32) -> TxCleaned {
        let mut done = TxCleaned::default();
        let count = self.descs.count();
        while self.next_to_clean != self.next_to_use {
            let i = self.next_to_clean;
            if !desc::tx_done(&self.descs.read(i)) {
                break;
            }
            crate::net::dma::dma_rmb();
            if let Some(buf) = self.buffers.get_mut(i as usize).and_then(Option::take) {
                let TxBuffer { mapping, skb } = buf;
                drop(mapping);
                if let Some(skb) = skb {
                    done.packets += 1;
                    done.bytes += skb.len();
                    skb.consume(budget);
                }
            }
            self.descs.write(i, [0; 2]);
            self.next_to_clean = ring::next(i, count);
        }
        done
    }
}
