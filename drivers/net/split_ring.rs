// SPDX-License-Identifier: GPL-2.0

//! A descriptor ring split between one producer and one consumer that share no lock,
//! as the C drivers' TX rings are: `start_xmit` fills descriptors and publishes
//! `next_to_use`, the NAPI poll cleans them and publishes `next_to_clean`, and each
//! index is written by one side only (`smp_store_release`/`smp_load_acquire` in C).
//!
//! Each side is a unique handle, [`Producer`] or [`Consumer`]. A descriptor and the
//! driver's state for it (`T`) belong to the side whose range holds its index, so
//! the two sides never touch the same slot at once. The device reads and writes the
//! descriptors all along; that is why they are accessed volatile.

use core::cell::UnsafeCell;

use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*,
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Release, //
        },
        Arc,
    },
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

use super::dma::DescRing;

/// Slots from `from` up to (not including) `to`, going round a ring of `count`: the
/// consumer's slots from `tail` to `head`. Both indices are below `count`.
fn distance(from: u32, to: u32, count: u32) -> u32 {
    // No panic path: a `count` of 0 gives 0 (`Shared` never has one).
    to.wrapping_add(count)
        .wrapping_sub(from)
        .checked_rem(count)
        .unwrap_or(0)
}

/// Slots the producer may fill: all but one of those the consumer does not hold
/// (the one left keeps a full ring apart from an empty one).
fn free(head: u32, tail: u32, count: u32) -> u32 {
    count
        .saturating_sub(1)
        .saturating_sub(distance(tail, head, count))
}

/// The index `ahead` slots after `base` (below `count`), wrapped.
fn advance(base: u32, ahead: u32, count: u32) -> u32 {
    base.wrapping_add(ahead).checked_rem(count).unwrap_or(0)
}

/// What both handles share.
///
/// # Invariants
///
/// - `slots.len() == descs.count() >= 2`, and `head` and `tail` are below it.
/// - `head` is stored only by the one [`Producer`], `tail` only by the one
///   [`Consumer`], each with release ordering after its side's last access to the
///   slots it hands over.
/// - Indices `tail..head` (mod count) belong to the consumer, `head..tail - 1` to the
///   producer; slot `tail - 1` to neither. Only the owner accesses a slot's
///   descriptor (the device aside) and its `T`.
struct Shared<D: AsBytes + FromBytes + Copy + Default, T> {
    descs: DescRing<D>,
    slots: KVec<UnsafeCell<T>>,
    /// `next_to_use`: the first index the producer has not handed over.
    head: Atomic<u32>,
    /// `next_to_clean`: the first index the consumer has not given back.
    tail: Atomic<u32>,
}

// SAFETY: A slot's `T` is only accessed by the side that owns its index (the type
// invariant), through that side's unique handle, and moves to the other side with a
// release/acquire pair on `head` or `tail`: `T: Send` is enough. The descriptors are
// likewise accessed by their owner only.
unsafe impl<D: AsBytes + FromBytes + Copy + Default + Send, T: Send> Sync for Shared<D, T> {}

// SAFETY: As above; dropping `Shared` drops every `T` on whichever CPU drops the last
// handle, which `T: Send` allows.
unsafe impl<D: AsBytes + FromBytes + Copy + Default + Send, T: Send> Send for Shared<D, T> {}

impl<D: AsBytes + FromBytes + Copy + Default, T> Shared<D, T> {
    fn count(&self) -> u32 {
        self.descs.count()
    }

    fn index(&self, base: u32, ahead: u32) -> u32 {
        advance(base, ahead, self.count())
    }

    /// The state of slot `i`; dereferenced only by the side that owns `i`.
    fn slot_ptr(&self, i: u32) -> Option<*mut T> {
        self.slots.get(i as usize).map(UnsafeCell::get)
    }
}

/// Creates a ring of `count` descriptors (at least 2), every slot's state made by
/// `init`, and returns its two sides.
pub(crate) fn new<D, T>(
    dev: &Device<Bound>,
    count: u32,
    mut init: impl FnMut() -> T,
) -> Result<(Producer<D, T>, Consumer<D, T>)>
where
    D: AsBytes + FromBytes + Copy + Default + Send,
    T: Send,
{
    if count < 2 {
        return Err(EINVAL);
    }
    let descs = DescRing::new(dev, count)?;
    let mut slots = KVec::with_capacity(count as usize, GFP_KERNEL)?;
    for _ in 0..count {
        slots.push(UnsafeCell::new(init()), GFP_KERNEL)?;
    }
    // INVARIANT: `count` slots and descriptors, both indices 0: everything but slot
    // `count - 1` belongs to the producer.
    let shared = Arc::new(
        Shared {
            descs,
            slots,
            head: Atomic::new(0),
            tail: Atomic::new(0),
        },
        GFP_KERNEL,
    )?;
    Ok((
        Producer {
            shared: shared.clone(),
            head: 0,
        },
        Consumer { shared, tail: 0 },
    ))
}

/// The side that fills slots and hands them over (transmit).
pub(crate) struct Producer<D: AsBytes + FromBytes + Copy + Default, T> {
    shared: Arc<Shared<D, T>>,
    /// Equal to `shared.head`, which only this handle stores.
    head: u32,
}

impl<D: AsBytes + FromBytes + Copy + Default, T> Producer<D, T> {
    /// The descriptors, for the ring's registers (the accessors that read or write
    /// descriptors need a mutable ring, which the shared one never is).
    pub(crate) fn descs(&self) -> &DescRing<D> {
        &self.shared.descs
    }

    /// The first index not handed over (`next_to_use`): the tail for the device.
    pub(crate) fn head(&self) -> u32 {
        self.head
    }

    /// Slots the producer may fill now. Only grows until [`Self::publish`].
    pub(crate) fn unused(&self) -> u32 {
        // Acquire: the consumer's accesses to the slots it gave back happen before ours.
        let tail = self.shared.tail.load(Acquire);
        free(self.head, tail, self.shared.count())
    }

    /// Writes the descriptor `ahead` slots after [`Self::head`]; `Err` unless it is
    /// among the [`Self::unused`] ones.
    pub(crate) fn write(&mut self, ahead: u32, desc: D) -> Result {
        if ahead >= self.unused() {
            return Err(EINVAL);
        }
        let i = self.shared.index(self.head, ahead);
        // SAFETY: `i` is in the producer's range (`ahead < unused`, and the consumer
        // never moves `tail` past `head`), so no other CPU accesses it.
        unsafe { self.shared.descs.write_shared(i, desc) };
        Ok(())
    }

    /// The index `ahead` slots after [`Self::head`].
    pub(crate) fn index(&self, ahead: u32) -> u32 {
        self.shared.index(self.head, ahead)
    }

    /// The state of the slot `ahead` after [`Self::head`], if it is unused.
    pub(crate) fn slot(&mut self, ahead: u32) -> Option<&mut T> {
        if ahead >= self.unused() {
            return None;
        }
        let p = self.shared.slot_ptr(self.index(ahead))?;
        // SAFETY: The index is the producer's (as in `write`), so no other CPU
        // accesses it, and `self` is borrowed mutably for the reference's lifetime.
        Some(unsafe { &mut *p })
    }

    /// Hands the next `n` slots to the consumer; `Err` if fewer are unused.
    pub(crate) fn publish(&mut self, n: u32) -> Result {
        if n > self.unused() {
            return Err(EINVAL);
        }
        self.head = self.shared.index(self.head, n);
        // INVARIANT: Only this handle stores `head`; release orders our writes to the
        // slots before the consumer can see them as its own.
        self.shared.head.store(self.head, Release);
        Ok(())
    }
}

/// The side that takes handed-over slots back (transmit clean-up).
pub(crate) struct Consumer<D: AsBytes + FromBytes + Copy + Default, T> {
    shared: Arc<Shared<D, T>>,
    /// Equal to `shared.tail`, which only this handle stores.
    tail: u32,
}

impl<D: AsBytes + FromBytes + Copy + Default, T> Consumer<D, T> {
    /// Number of descriptors.
    pub(crate) fn count(&self) -> u32 {
        self.shared.count()
    }

    /// Slots handed over and not given back. Only grows until [`Self::release`].
    pub(crate) fn pending(&self) -> u32 {
        // Acquire: the producer's writes to the slots it handed over happen before
        // our accesses.
        let head = self.shared.head.load(Acquire);
        distance(self.tail, head, self.shared.count())
    }

    /// Slots the producer may fill, as last published.
    pub(crate) fn unused(&self) -> u32 {
        let head = self.shared.head.load(Acquire);
        free(head, self.tail, self.count())
    }

    /// Reads the descriptor `ahead` slots after [`Self::tail`]; `None` unless it is
    /// pending.
    pub(crate) fn read(&self, ahead: u32) -> Option<D> {
        if ahead >= self.pending() {
            return None;
        }
        let i = self.shared.index(self.tail, ahead);
        // SAFETY: `i` is in the consumer's range, where the producer does not write,
        // and writing needs `&mut self`, which `&self` excludes.
        Some(unsafe { self.shared.descs.read_shared(i) })
    }

    /// Writes the descriptor `ahead` slots after [`Self::tail`]; `Err` unless it is
    /// pending.
    pub(crate) fn write(&mut self, ahead: u32, desc: D) -> Result {
        if ahead >= self.pending() {
            return Err(EINVAL);
        }
        let i = self.shared.index(self.tail, ahead);
        // SAFETY: `i` is the consumer's, and `&mut self` excludes our own readers.
        unsafe { self.shared.descs.write_shared(i, desc) };
        Ok(())
    }

    /// How far pending index `i` lies after [`Self::tail`]; `None` unless it is
    /// pending.
    pub(crate) fn ahead_of(&self, i: u32) -> Option<u32> {
        let ahead = distance(self.tail, i, self.count());
        (i < self.count() && ahead < self.pending()).then_some(ahead)
    }

    /// The state of the slot `ahead` after [`Self::tail`], if it is pending.
    pub(crate) fn slot(&mut self, ahead: u32) -> Option<&mut T> {
        if ahead >= self.pending() {
            return None;
        }
        let p = self.shared.slot_ptr(self.shared.index(self.tail, ahead))?;
        // SAFETY: The index is the consumer's, so the producer does not access it,
        // and `self` is borrowed mutably for the reference's lifetime.
        Some(unsafe { &mut *p })
    }

    /// Gives the next `n` slots back to the producer; `Err` if fewer are pending.
    pub(crate) fn release(&mut self, n: u32) -> Result {
        if n > self.pending() {
            return Err(EINVAL);
        }
        self.tail = self.shared.index(self.tail, n);
        // INVARIANT: Only this handle stores `tail`; release orders our accesses to the
        // slots before the producer can reuse them.
        self.shared.tail.store(self.tail, Release);
        Ok(())
    }
}

#[kernel::macros::kunit_tests(re1000_split_ring)]
mod tests {
    use super::*;

    /// An empty ring leaves all but one slot to the producer, a full one none.
    #[test]
    fn empty_and_full() {
        assert_eq!(free(0, 0, 48), 47);
        assert_eq!(free(17, 17, 48), 47);
        assert_eq!(distance(17, 17, 48), 0);
        assert_eq!(free(47, 0, 48), 0);
        assert_eq!(distance(0, 47, 48), 47);
        assert_eq!(free(16, 17, 48), 0);
    }

    /// Round the end of the ring.
    #[test]
    fn wraps() {
        assert_eq!(advance(46, 3, 48), 1);
        assert_eq!(advance(0, 0, 48), 0);
        assert_eq!(distance(46, 1, 48), 3);
        assert_eq!(free(1, 46, 48), 44);
        assert_eq!(free(1, 46, 48) + distance(46, 1, 48), 47);
    }

    /// A ring of no slots has none to give and no panic path.
    #[test]
    fn zero_count() {
        assert_eq!(free(0, 0, 0), 0);
        assert_eq!(distance(0, 0, 0), 0);
        assert_eq!(advance(3, 4, 0), 0);
    }
}
