// SPDX-License-Identifier: GPL-2.0

//! DMA for NIC rings: descriptor rings in coherent memory and streaming mappings of
//! packet buffers.
//!
//! Linux 7.3's `kernel::dma` has coherent allocations but no `dma_map_single` or
//! `dma_sync_single_*`; those are here.
//!
//! C header: [`include/linux/dma-mapping.h`](srctree/include/linux/dma-mapping.h)

use core::ptr::NonNull;

use kernel::{
    device::{
        Bound,
        Device, //
    },
    dma::{
        Coherent,
        DataDirection, //
    },
    prelude::*,
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

use super::{
    bindings,
    napi::Receive,
    skb::{
        SkBuff,
        SkbRef, //
    },
};

fn raw_dev(dev: &Device<Bound>) -> *mut bindings::device {
    // `Device` is a transparent wrapper of `struct device`.
    core::ptr::from_ref(dev).cast_mut().cast()
}

/// A ring of descriptors `D` in coherent DMA memory that the device reads and writes.
/// The descriptor format is the driver's (`D` is plain data of the device's layout).
///
/// # Invariants
///
/// `mem` holds exactly `count` descriptors, `bytes` bytes.
pub(crate) struct DescRing<D: AsBytes + FromBytes + Copy + Default> {
    mem: Coherent<[D]>,
    count: u32,
    bytes: u32,
}

impl<D: AsBytes + FromBytes + Copy + Default> DescRing<D> {
    /// Allocates a zeroed ring of `count` descriptors.
    pub(crate) fn new(dev: &Device<Bound>, count: u32) -> Result<Self> {
        let len = usize::try_from(count).map_err(|_| EINVAL)?;
        let bytes = len
            .checked_mul(core::mem::size_of::<D>())
            .and_then(|b| u32::try_from(b).ok())
            .ok_or(EINVAL)?;
        let mem = Coherent::<D>::zeroed_slice(dev, len, GFP_KERNEL)?;
        Ok(Self { mem, count, bytes })
    }

    /// Number of descriptors.
    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    /// Bus address of descriptor 0, for the base address registers.
    pub(crate) fn dma_address(&self) -> u64 {
        self.mem.dma_address()
    }

    /// Size in bytes, for the length register.
    pub(crate) fn size_bytes(&self) -> u32 {
        self.bytes
    }

    fn slot(&self, i: u32) -> Option<*mut D> {
        if i >= self.count {
            return None;
        }
        let base: *mut D = self.mem.as_mut_ptr().cast();
        // `i < count`, so the result stays inside the allocation.
        Some(base.wrapping_add(i as usize))
    }

    /// Reads descriptor `i` as the device last wrote it; zeros if `i` is out of range.
    pub(crate) fn read(&mut self, i: u32) -> D {
        // SAFETY: `&mut self`: no other CPU accesses the ring.
        unsafe { self.read_shared(i) }
    }

    /// Writes descriptor `i`; ignored if `i` is out of range.
    pub(crate) fn write(&mut self, i: u32, desc: D) {
        // SAFETY: `&mut self`: no other CPU accesses the ring.
        unsafe { self.write_shared(i, desc) }
    }

    /// [`Self::read`] through a shared reference, for a ring whose descriptors are
    /// divided between CPUs.
    ///
    /// # Safety
    ///
    /// No other CPU writes descriptor `i` meanwhile (the device may).
    pub(super) unsafe fn read_shared(&self, i: u32) -> D {
        match self.slot(i) {
            // SAFETY: `p` is inside the live allocation and no other CPU writes it (the
            // caller's guarantee); the device may write it concurrently, so the read
            // is volatile. Any bytes are a valid `D` (`FromBytes`).
            Some(p) => unsafe { p.read_volatile() },
            None => D::default(),
        }
    }

    /// [`Self::write`] through a shared reference.
    ///
    /// # Safety
    ///
    /// No other CPU reads or writes descriptor `i` meanwhile (the device may).
    pub(super) unsafe fn write_shared(&self, i: u32, desc: D) {
        if let Some(p) = self.slot(i) {
            // SAFETY: `p` is inside the live allocation and no other CPU accesses it
            // (the caller's guarantee); volatile because the device reads it.
            unsafe { p.write_volatile(desc) }
        }
    }
}

/// `dir` in this layer's bindings, which bindgen generates apart from
/// `kernel::bindings` (the kernel crate converts only into its own).
fn raw_dir(dir: DataDirection) -> bindings::dma_data_direction {
    match dir {
        DataDirection::Bidirectional => bindings::dma_data_direction::DMA_BIDIRECTIONAL,
        DataDirection::ToDevice => bindings::dma_data_direction::DMA_TO_DEVICE,
        DataDirection::FromDevice => bindings::dma_data_direction::DMA_FROM_DEVICE,
        DataDirection::None => bindings::dma_data_direction::DMA_NONE,
    }
}

/// How a mapping was made, which decides how it is unmapped.
#[derive(Clone, Copy)]
enum Kind {
    Single,
    Page,
}

/// A streaming DMA mapping of `len` bytes; unmapped on drop.
///
/// # Invariants
///
/// `addr` is a successful mapping of `len` bytes for `dev` made as `kind`/`dir`.
pub(crate) struct Mapping<'a> {
    dev: &'a Device<Bound>,
    addr: u64,
    len: u32,
    kind: Kind,
    dir: DataDirection,
}

impl<'a> Mapping<'a> {
    /// Bus address for the descriptor.
    pub(crate) fn addr(&self) -> u64 {
        self.addr
    }

    /// Mapped length in bytes.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    fn checked(
        dev: &'a Device<Bound>,
        addr: u64,
        len: u32,
        kind: Kind,
        dir: DataDirection,
    ) -> Result<Self> {
        // SAFETY: `addr` was just returned by a mapping call for `dev`.
        if unsafe { bindings::re1000_dma_mapping_error(raw_dev(dev), addr) } != 0 {
            return Err(ENOMEM);
        }
        Ok(Self {
            dev,
            addr,
            len,
            kind,
            dir,
        })
    }

    /// Makes the device's writes to the first `len` bytes visible to the CPU.
    fn sync_for_cpu(&self, len: u32) {
        // SAFETY: By the type invariant `addr` is a live mapping of at least `len` bytes.
        unsafe {
            bindings::re1000_dma_sync_single_for_cpu(
                raw_dev(self.dev),
                self.addr,
                len.min(self.len) as usize,
                raw_dir(self.dir),
            )
        }
    }

    /// Hands the first `len` bytes back to the device.
    fn sync_for_device(&self, len: u32) {
        // SAFETY: As in `sync_for_cpu`.
        unsafe {
            bindings::re1000_dma_sync_single_for_device(
                raw_dev(self.dev),
                self.addr,
                len.min(self.len) as usize,
                raw_dir(self.dir),
            )
        }
    }
}

impl Drop for Mapping<'_> {
    fn drop(&mut self) {
        let dev = raw_dev(self.dev);
        let len = self.len as usize;
        // SAFETY: By the type invariant this is a live mapping made as `kind`.
        unsafe {
            match self.kind {
                Kind::Single => {
                    bindings::re1000_dma_unmap_single(dev, self.addr, len, raw_dir(self.dir))
                }
                Kind::Page => {
                    bindings::re1000_dma_unmap_page(dev, self.addr, len, raw_dir(self.dir))
                }
            }
        }
    }
}

/// Page fragments a packet to send may have: the running kernel's `MAX_SKB_FRAGS`
/// (`CONFIG_MAX_SKB_FRAGS`), so no packet the stack builds is refused for its shape.
pub(crate) const TX_MAX_FRAGS: usize = bindings::MAX_SKB_FRAGS as usize;

/// A packet mapped for transmission: the skb and the mappings of its linear part and
/// of each page fragment, owned together, so that no mapping outlives the memory it
/// maps. Dropping it unmaps everything, then frees the skb.
pub(crate) struct TxPacket<'a> {
    // Field order: unmap before the skb is freed.
    maps: [Option<Mapping<'a>>; 1 + TX_MAX_FRAGS],
    skb: SkBuff,
}

impl<'a> TxPacket<'a> {
    /// Maps the linear part of `skb` (when it has one) and each of its page fragments
    /// for the device to read. On failure the skb is dropped with what was mapped.
    pub(crate) fn map(dev: &'a Device<Bound>, skb: SkBuff) -> Result<Self> {
        let frags = skb.nr_frags();
        if frags as usize > TX_MAX_FRAGS {
            return Err(EINVAL);
        }
        let mut packet = Self {
            maps: [const { None }; 1 + TX_MAX_FRAGS],
            skb,
        };
        let head_len = packet.skb.head_len();
        if head_len > 0 {
            // SAFETY: The skb is valid and its linear data spans `head_len` bytes; the
            // skb lives in `packet` beside the mapping and, by the field order, is
            // freed only after it is unmapped.
            let addr = unsafe {
                bindings::re1000_dma_map_single(
                    raw_dev(dev),
                    bindings::re1000_skb_data(packet.skb.as_raw()).cast(),
                    head_len as usize,
                    raw_dir(DataDirection::ToDevice),
                )
            };
            packet.maps[0] = Some(Mapping::checked(
                dev,
                addr,
                head_len,
                Kind::Single,
                DataDirection::ToDevice,
            )?);
        }
        for (i, slot) in (0..frags).zip(packet.maps.iter_mut().skip(1)) {
            // SAFETY: `i < nr_frags` is a valid fragment index of the valid skb, whose
            // fragments live as long as the skb (as for the head above).
            let (addr, len) = unsafe {
                (
                    bindings::re1000_skb_frag_dma_map(raw_dev(dev), packet.skb.as_raw(), i),
                    bindings::re1000_skb_frag_size(packet.skb.as_raw(), i),
                )
            };
            *slot = Some(Mapping::checked(
                dev,
                addr,
                len,
                Kind::Page,
                DataDirection::ToDevice,
            )?);
        }
        Ok(packet)
    }

    /// Page fragments of the packet.
    pub(crate) fn nr_frags(&self) -> u32 {
        self.skb.nr_frags()
    }

    /// Bus address and length of each mapped buffer, in the packet's order (the
    /// linear part first).
    pub(crate) fn buffers(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.maps.iter().flatten().map(|m| (m.addr(), m.len()))
    }

    /// Unmaps the packet and gives its skb back (to requeue it later).
    pub(crate) fn into_skb(self) -> SkBuff {
        let Self { maps, skb } = self;
        drop(maps);
        skb
    }

    /// Splits the packet into its buffers, in order, each holding a reference to the
    /// skb, so that each can be released as soon as the device has read it; the last
    /// one holds the packet's own reference. Descriptor rings keep each buffer in the
    /// slot of the last descriptor that uses it.
    pub(crate) fn into_buffers(self) -> impl Iterator<Item = TxBuffer<'a>> {
        let Self { maps, skb } = self;
        let mut left = maps.iter().flatten().count();
        let mut skb = Some(skb);
        maps.into_iter().flatten().map_while(move |mapping| {
            left -= 1;
            let skb = if left == 0 {
                skb.take()?.into_ref()
            } else {
                // SAFETY: The skb lives only in this closure, which never changes it:
                // it only hands out references, the last one by `into_ref`.
                unsafe { skb.as_ref()?.share() }
            };
            Some(TxBuffer { mapping, skb })
        })
    }
}

/// One buffer of a packet being sent: its mapping and a reference that keeps the
/// packet's memory alive until it is unmapped.
pub(crate) struct TxBuffer<'a> {
    // Field order: unmap before the reference is dropped.
    mapping: Mapping<'a>,
    skb: SkbRef,
}

impl TxBuffer<'_> {
    /// Bus address for the descriptor.
    pub(crate) fn addr(&self) -> u64 {
        self.mapping.addr()
    }

    /// Mapped length in bytes.
    pub(crate) fn len(&self) -> u32 {
        self.mapping.len()
    }

    /// Unmaps the buffer once the device has sent it and releases its reference (the
    /// last one frees the packet, as [`SkbRef::consume`]).
    pub(crate) fn complete(self, budget: u32) {
        let Self { mapping, skb } = self;
        drop(mapping);
        skb.consume(budget);
    }
}

/// Bytes in front of a received frame: XDP's headroom (`XDP_PACKET_HEADROOM`), so that
/// an XDP program can later run on these buffers without another layout, plus
/// `NET_IP_ALIGN` (0 on x86).
const RX_HEADROOM: u32 = bindings::XDP_PACKET_HEADROOM + bindings::NET_IP_ALIGN;

/// Most bytes one receive buffer maps: a page. Larger frames (jumbo) span several
/// buffers; the bound also keeps the fragment size arithmetic far from overflow.
const RX_MAX_LEN: u32 = kernel::page::PAGE_SIZE as u32;

/// A page fragment from `netdev_alloc_frag`, freed on drop unless an skb took it.
///
/// # Invariants
///
/// `ptr` is a live fragment of `size` bytes that this value owns.
struct Frag {
    ptr: NonNull<u8>,
    size: u32,
}

impl Frag {
    /// A fragment of `size` bytes (any context: `netdev_alloc_frag` disables bottom
    /// halves around its per-CPU cache itself).
    fn alloc(size: u32) -> Result<Self> {
        // SAFETY: No pointer is passed; a null return is handled.
        let ptr = unsafe { bindings::re1000_netdev_alloc_frag(size) };
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or(ENOMEM)?;
        // INVARIANT: A fresh fragment of `size` bytes.
        Ok(Self { ptr, size })
    }

    /// Gives the fragment up to whoever now frees it (an skb built around it).
    fn into_raw(self) -> *mut u8 {
        let ptr = self.ptr.as_ptr();
        core::mem::forget(self);
        ptr
    }
}

impl Drop for Frag {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own this live fragment; it is freed once.
        unsafe { bindings::re1000_skb_free_frag(self.ptr.as_ptr().cast()) }
    }
}

// SAFETY: A fragment is plain memory that may be freed from any CPU and context
// (`page_frag_free` drops a page reference).
unsafe impl Send for Frag {}
// SAFETY: Shared references give no access to the memory.
unsafe impl Sync for Frag {}

/// A receive buffer: a page fragment with room for an skb head around `len` bytes at
/// [`RX_HEADROOM`], which are mapped for the device to write (the layout of the C
/// driver's `e1000_alloc_frag`; the skb is built only when a frame has arrived).
///
/// # Invariants
///
/// `mapping` maps the `mapping.len()` bytes at `RX_HEADROOM` inside `frag`, which has
/// room after them for an skb's shared info (`SKB_HEAD_ALIGN`).
pub(crate) struct RxBuffer<'a> {
    // Field order: unmapped before the fragment is freed.
    mapping: Mapping<'a>,
    frag: Frag,
}

impl<'a> RxBuffer<'a> {
    /// Allocates a fragment for a frame of up to `len` bytes and maps it. Callable in
    /// any context (GFP_ATOMIC).
    pub(crate) fn alloc(dev: &'a Device<Bound>, len: u32) -> Result<Self> {
        if len == 0 || len > RX_MAX_LEN {
            return Err(EINVAL);
        }
        // No overflow: both terms are small (checked above).
        let need = RX_HEADROOM + len;
        // SAFETY: Pure arithmetic on its argument, which is far from `u32::MAX`.
        let size = unsafe { bindings::re1000_skb_head_align(need) };
        // `SKB_HEAD_ALIGN` only rounds up and adds; anything else would break the
        // layout the invariant promises.
        if size <= need {
            return Err(EINVAL);
        }
        let frag = Frag::alloc(size)?;
        // SAFETY: `frag` has `size` bytes, at least `RX_HEADROOM + len`, so the `len`
        // bytes at `RX_HEADROOM` are inside it; it outlives the mapping (both owned by
        // `Self`, the mapping dropped first).
        let addr = unsafe {
            bindings::re1000_dma_map_single(
                raw_dev(dev),
                frag.ptr.as_ptr().add(RX_HEADROOM as usize).cast(),
                len as usize,
                raw_dir(DataDirection::FromDevice),
            )
        };
        let mapping = Mapping::checked(dev, addr, len, Kind::Single, DataDirection::FromDevice)?;
        // INVARIANT: mapped at `RX_HEADROOM`, `size` from `SKB_HEAD_ALIGN`.
        Ok(Self { mapping, frag })
    }

    /// Bus address for the RX descriptor.
    pub(crate) fn dma_addr(&self) -> u64 {
        self.mapping.addr()
    }

    /// Size of the buffer the device may fill.
    pub(crate) fn capacity(&self) -> u32 {
        self.mapping.len()
    }

    /// The first `len` bytes the device wrote, to be read between the syncs.
    ///
    /// # Safety
    ///
    /// The caller reads the slice only while the CPU owns those bytes
    /// (after `sync_for_cpu`, before `sync_for_device` or the unmap), and holds `self`
    /// exclusively meanwhile.
    unsafe fn frame(&self, len: u32) -> &[u8] {
        let len = len.min(self.capacity());
        // SAFETY: By the type invariant the `capacity()` bytes at `RX_HEADROOM` are
        // inside the live fragment; `len` is clamped to them.
        unsafe {
            core::slice::from_raw_parts(
                self.frag.ptr.as_ptr().add(RX_HEADROOM as usize),
                len as usize,
            )
        }
    }

    /// Copies the first `len` bytes the device wrote into `dst` (copybreak), leaving
    /// the buffer mapped for reuse. `len` is clamped to the buffer. `&mut`: the syncs
    /// (a bounce-buffer copy under swiotlb) must not overlap another reader.
    ///
    /// The bytes are what the device wrote only once it reported the descriptor done;
    /// that is the ring's protocol, which these types do not see. Called earlier, this
    /// reads bytes the device may still be writing: stale or torn data, as with any
    /// DMA buffer, in plain bytes that any value is valid for.
    pub(crate) fn copy_to(&mut self, dst: &mut SkBuff, len: u32) -> Result {
        self.mapping.sync_for_cpu(len);
        // SAFETY: Read between the sync for the CPU above and the one for the device,
        // with `self` held exclusively.
        let res = dst.put_slice(unsafe { self.frame(len) });
        self.mapping.sync_for_device(len);
        res
    }

    /// Lets `f` look at the first `len` bytes the device wrote, leaving the buffer
    /// mapped for reuse. `len` is clamped to the buffer. As [`Self::copy_to`].
    pub(crate) fn inspect<R>(&mut self, len: u32, f: impl FnOnce(&[u8]) -> R) -> R {
        self.mapping.sync_for_cpu(len);
        // SAFETY: Read between the sync for the CPU above and the one for the device,
        // with `self` held exclusively.
        let r = f(unsafe { self.frame(len) });
        self.mapping.sync_for_device(len);
        r
    }

    /// Builds an skb around the fragment holding the `len` bytes received (clamped to
    /// the buffer) from the NAPI cache, and unmaps it, as `e1000_clean_rx_irq`. If no
    /// skb head can be had the buffer comes back, still mapped, to be re-armed.
    pub(crate) fn into_skb(self, _rx: &Receive<'_>, len: u32) -> Result<SkBuff, Self> {
        let len = len.min(self.capacity());
        // SAFETY: `Receive` exists only inside a softirq NAPI poll (its invariant), where
        // the NAPI skb cache may be used. The fragment is live and `size` bytes long
        // with room for the shared info (type invariant); building writes only that,
        // outside the mapped bytes. On success the skb owns the fragment.
        let raw =
            unsafe { bindings::napi_build_skb(self.frag.ptr.as_ptr().cast(), self.frag.size) };
        let Some(raw) = NonNull::new(raw) else {
            return Err(self);
        };
        let Self { mapping, frag } = self;
        // The CPU owns the received bytes from here.
        drop(mapping);
        // The skb frees the fragment now.
        let _ = frag.into_raw();
        // SAFETY: A fresh skb that we own.
        let mut skb = unsafe { SkBuff::from_raw(raw) };
        // SAFETY: The skb's head is the whole fragment: `RX_HEADROOM + len` bytes fit in
        // it (type invariant, `len` clamped to the mapping), so neither call overruns.
        unsafe {
            bindings::re1000_skb_reserve(skb.as_raw(), RX_HEADROOM as c_int);
            skb.put(len);
        }
        Ok(skb)
    }
}
