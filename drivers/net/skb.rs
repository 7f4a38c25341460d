// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`) handed to or from a driver.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h)

use core::ptr::NonNull;

use kernel::prelude::*;

use super::{
    bindings,
    device::NetDev, //
};

/// What the stack asks of the device for one packet to transmit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TxRequest {
    /// Send it as it is.
    None,
    /// `CHECKSUM_PARTIAL`: insert the checksum of the bytes from `start` (from the
    /// start of the packet) to the end at `start + offset`.
    Checksum { start: u32, offset: u32 },
    /// TCP segmentation of an IPv4 packet (`SKB_GSO_TCPV4`); offsets from the start of
    /// the packet.
    TcpV4Segmentation {
        network: u32,
        transport: u32,
        tcp_header_len: u32,
        mss: u32,
        segments: u32,
    },
    /// A segmentation type the driver did not advertise.
    UnsupportedSegmentation,
}

/// An owned socket buffer.
///
/// Dropping it frees the buffer as a drop (`dev_kfree_skb_any`), which is safe in any
/// context; a transmitted one is released through its [`SkbRef`]s.
///
/// # Invariants
///
/// `self.0` points to a valid `sk_buff` that this value owns exclusively.
pub(crate) struct SkBuff(NonNull<bindings::sk_buff>);

// SAFETY: An owned `sk_buff` may be handed to and freed from any thread.
unsafe impl Send for SkBuff {}
// SAFETY: Shared references only read fields that do not change while we own it.
unsafe impl Sync for SkBuff {}

impl SkBuff {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid `sk_buff` whose ownership the caller transfers.
    pub(super) unsafe fn from_raw(ptr: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self(ptr)
    }

    /// Allocates a buffer for `len` bytes on `dev` (process or softirq context).
    pub(crate) fn alloc(dev: &NetDev, len: u32) -> Result<Self> {
        // SAFETY: `dev` is valid; a null return is handled.
        let raw = unsafe { bindings::re1000_netdev_alloc_skb_ip_align(dev.as_raw(), len) };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        // SAFETY: A fresh skb that we own.
        Ok(unsafe { Self::from_raw(raw) })
    }

    pub(super) fn as_raw(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Gives up ownership to C.
    pub(super) fn into_raw(self) -> *mut bindings::sk_buff {
        let ptr = self.0.as_ptr();
        core::mem::forget(self);
        ptr
    }

    /// Length of the packet data in bytes (linear part and fragments).
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: By the type invariant the buffer is valid.
        unsafe { (*self.as_raw()).len }
    }

    /// Length of the linear part.
    pub(crate) fn head_len(&self) -> u32 {
        // SAFETY: By the type invariant the buffer is valid.
        unsafe { bindings::re1000_skb_headlen(self.as_raw()) }
    }

    /// Number of page fragments.
    pub(crate) fn nr_frags(&self) -> u32 {
        // SAFETY: By the type invariant the buffer is valid.
        unsafe { bindings::re1000_skb_nr_frags(self.as_raw()) }
    }

    /// Extends the data by `len` bytes written by the device (`skb_put`).
    ///
    /// # Safety
    ///
    /// `len` is at most the buffer's tailroom (`skb_put` would `BUG()` beyond it).
    pub(super) unsafe fn put(&mut self, len: u32) {
        // SAFETY: The buffer is valid (type invariant) and, by the caller, has `len`
        // bytes of tailroom.
        unsafe { bindings::skb_put(self.as_raw(), len) };
    }

    /// Appends `data`, failing if the buffer lacks tailroom.
    pub(crate) fn put_slice(&mut self, data: &[u8]) -> Result {
        let len = u32::try_from(data.len()).map_err(|_| EINVAL)?;
        // SAFETY: The buffer is valid; `end` and `tail` bound its tailroom.
        let tailroom = unsafe {
            let skb = self.as_raw();
            (*skb).end.saturating_sub((*skb).tail)
        };
        if len > tailroom {
            return Err(ENOSPC);
        }
        // SAFETY: `skb_put` returns the start of `len` bytes of tailroom, checked above.
        unsafe {
            let dst = bindings::skb_put(self.as_raw(), len).cast::<u8>();
            core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
        }
        Ok(())
    }

    /// Zero-pads the packet to `len` bytes. On failure the C side has freed the buffer.
    pub(crate) fn pad_to(self, len: u32) -> Result<Self> {
        let ptr = self.into_raw();
        // SAFETY: `ptr` is valid and ours; `skb_put_padto` frees it when it fails.
        if unsafe { bindings::re1000_skb_put_padto(ptr, len) } != 0 {
            return Err(ENOMEM);
        }
        // SAFETY: On success we still own the valid buffer.
        Ok(unsafe { Self::from_raw(NonNull::new_unchecked(ptr)) })
    }

    /// What the stack asks the device to do besides sending the packet.
    pub(crate) fn tx_request(&self) -> TxRequest {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the buffer is valid; these only read it.
        unsafe {
            if bindings::re1000_skb_is_gso(skb) {
                if !bindings::re1000_skb_is_gso_tcpv4(skb) {
                    return TxRequest::UnsupportedSegmentation;
                }
                let offset = |o: c_int| u32::try_from(o).unwrap_or(u32::MAX);
                TxRequest::TcpV4Segmentation {
                    network: offset(bindings::re1000_skb_network_offset(skb)),
                    transport: offset(bindings::re1000_skb_transport_offset(skb)),
                    tcp_header_len: bindings::re1000_tcp_hdrlen(skb),
                    mss: bindings::re1000_skb_gso_size(skb),
                    segments: bindings::re1000_skb_gso_segs(skb),
                }
            } else if bindings::re1000_skb_csum_partial(skb) {
                TxRequest::Checksum {
                    start: bindings::re1000_skb_checksum_start_offset(skb),
                    offset: bindings::re1000_skb_csum_offset(skb),
                }
            } else {
                TxRequest::None
            }
        }
    }

    /// The first `len` bytes of the packet (at most the linear part), made private to
    /// this buffer first (`skb_cow_head`) so that headers can be rewritten.
    pub(crate) fn headers_mut(&mut self, len: u32) -> Result<&mut [u8]> {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the buffer is valid and ours.
        if unsafe { bindings::re1000_skb_cow_head(skb) } != 0 {
            return Err(ENOMEM);
        }
        let len = len.min(self.head_len()) as usize;
        // SAFETY: The linear data holds `head_len` bytes, and after `skb_cow_head` its
        // header part is not shared with clones; the borrow of `self` keeps the buffer
        // alive and unaliased for the slice's lifetime.
        Ok(unsafe { core::slice::from_raw_parts_mut(bindings::re1000_skb_data(skb), len) })
    }

    /// Computes a `CHECKSUM_PARTIAL` checksum in software (`skb_checksum_help`).
    pub(crate) fn checksum_help(&mut self) -> Result {
        // SAFETY: By the type invariant the buffer is valid and ours.
        kernel::error::to_result(unsafe { bindings::skb_checksum_help(self.as_raw()) })
    }

    /// Records the software TX timestamp, if one was requested.
    pub(crate) fn tx_timestamp(&mut self) {
        // SAFETY: By the type invariant the buffer is valid.
        unsafe { bindings::re1000_skb_tx_timestamp(self.as_raw()) }
    }

    /// Sets the protocol from the Ethernet header and pulls it (`eth_type_trans`).
    /// Fails with `EINVAL`, leaving the buffer as it was, if the linear part is shorter
    /// than an Ethernet header.
    pub(crate) fn eth_type_trans(&mut self, dev: &NetDev) -> Result {
        if self.head_len() < bindings::ETH_HLEN {
            return Err(EINVAL);
        }
        // SAFETY: The buffer is valid (type invariant) and its linear part holds a full
        // Ethernet header (checked above), which `eth_type_trans` reads and pulls; `dev`
        // is a valid device (`&NetDev`).
        unsafe { bindings::re1000_skb_set_protocol_eth(self.as_raw(), dev.as_raw()) };
        Ok(())
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own the buffer; it is not used after this.
        unsafe { bindings::re1000_dev_kfree_skb_any(self.0.as_ptr()) }
    }
}

/// One reference to a socket buffer (`skb->users`) that keeps its memory alive but
/// gives no access to it: what a DMA mapping of part of the buffer holds, so that the
/// buffer cannot be freed while the device may still read it. Dropping it drops the
/// reference (`dev_kfree_skb_any`); [`SkbRef::consume`] releases a sent one.
///
/// # Invariants
///
/// `self.0` points to a valid `sk_buff` on which this value holds one reference.
pub(crate) struct SkbRef(NonNull<bindings::sk_buff>);

// SAFETY: A reference may be dropped from any thread (`dev_kfree_skb_any`).
unsafe impl Send for SkbRef {}
// SAFETY: `SkbRef` has no methods taking `&self`.
unsafe impl Sync for SkbRef {}

impl SkBuff {
    /// Turns the owned buffer into a reference that only keeps it alive.
    pub(crate) fn into_ref(self) -> SkbRef {
        let ptr = self.0;
        core::mem::forget(self);
        // INVARIANT: The buffer's one reference, ours, passes to the `SkbRef`.
        SkbRef(ptr)
    }

    /// Takes one more reference (`skb_get`) that only keeps the buffer alive: what the
    /// DMA mappings of a packet being sent hold.
    ///
    /// # Safety
    ///
    /// While the returned reference lives, the caller must not change the buffer
    /// through `self` (a shared skb must not be reallocated or written:
    /// `pskb_expand_head` BUGs on one), only read it, drop it, or turn it into an
    /// [`SkbRef`].
    pub(super) unsafe fn share(&self) -> SkbRef {
        // SAFETY: By the type invariant the buffer is valid; `skb_get` only increments
        // `skb->users`.
        unsafe { bindings::re1000_skb_get(self.as_raw()) };
        // INVARIANT: `skb_get` took the reference the `SkbRef` holds.
        SkbRef(self.0)
    }
}

impl SkbRef {
    /// Releases the reference of a transmitted buffer from NAPI poll
    /// (`napi_consume_skb`, which frees the buffer with its last reference); `budget` 0
    /// means not in NAPI context.
    pub(crate) fn consume(self, budget: u32) {
        let budget = c_int::try_from(budget).unwrap_or(c_int::MAX);
        let ptr = self.0.as_ptr();
        core::mem::forget(self);
        // SAFETY: By the type invariant we hold one reference; it passes to C.
        unsafe { bindings::napi_consume_skb(ptr, budget) }
    }
}

impl Drop for SkbRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold one reference; it is not used after
        // this.
        unsafe { bindings::re1000_dev_kfree_skb_any(self.0.as_ptr()) }
    }
}
