// SPDX-License-Identifier: GPL-2.0

//! TX and RX descriptor rings: legacy descriptors in coherent DMA memory, packet
//! buffers mapped with streaming DMA. Index arithmetic lives in `logic::ring`.

pub(crate) mod rx;
pub(crate) mod tx;
