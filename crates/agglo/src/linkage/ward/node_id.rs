//! Node ids as stored in the merge loop's large arrays, the candidates'
//! cost keys, and the union-find over node ids.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Relaxed};

/// Node ids as stored in the large arrays: `u32` whenever the nodes fit,
/// which halves the memory traffic of the merge loop.
pub(super) trait NodeId: Copy + Ord + Send + Sync {
    /// A queue entry `(Δ, owner, other)`, ordered as that tuple.
    type Entry: Copy + Ord;
    /// The id as an atomic, for the union-find parents that both threads
    /// of the speculative loop read and shorten.
    type Atomic: Send + Sync;
    fn atomic(self) -> Self::Atomic;
    fn load(atomic: &Self::Atomic) -> Self;
    fn store(atomic: &Self::Atomic, id: Self);
    fn from_usize(i: usize) -> Self;
    fn index(self) -> usize;
    fn entry(key: u64, owner: usize, other: Self) -> Self::Entry;
    fn unpack(entry: Self::Entry) -> (u64, usize, usize);
}

impl NodeId for u32 {
    /// The three packed into one integer: one comparison per heap step.
    type Entry = u128;
    type Atomic = AtomicU32;
    #[inline(always)]
    fn atomic(self) -> AtomicU32 {
        AtomicU32::new(self)
    }
    #[inline(always)]
    fn load(atomic: &AtomicU32) -> Self {
        atomic.load(Relaxed)
    }
    #[inline(always)]
    fn store(atomic: &AtomicU32, id: Self) {
        atomic.store(id, Relaxed);
    }
    #[inline(always)]
    fn from_usize(i: usize) -> Self {
        debug_assert!(u32::try_from(i).is_ok());
        i as u32
    }
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn entry(key: u64, owner: usize, other: Self) -> u128 {
        u128::from(key) << 64 | (owner as u128) << 32 | u128::from(other)
    }
    #[inline(always)]
    fn unpack(entry: u128) -> (u64, usize, usize) {
        (
            (entry >> 64) as u64,
            (entry >> 32) as u32 as usize,
            entry as u32 as usize,
        )
    }
}

impl NodeId for usize {
    type Entry = (u64, usize, usize);
    type Atomic = AtomicUsize;
    #[inline(always)]
    fn atomic(self) -> AtomicUsize {
        AtomicUsize::new(self)
    }
    #[inline(always)]
    fn load(atomic: &AtomicUsize) -> Self {
        atomic.load(Relaxed)
    }
    #[inline(always)]
    fn store(atomic: &AtomicUsize, id: Self) {
        atomic.store(id, Relaxed);
    }
    #[inline(always)]
    fn from_usize(i: usize) -> Self {
        i
    }
    #[inline(always)]
    fn index(self) -> usize {
        self
    }
    #[inline(always)]
    fn entry(key: u64, owner: usize, other: Self) -> Self::Entry {
        (key, owner, other)
    }
    #[inline(always)]
    fn unpack(entry: Self::Entry) -> (u64, usize, usize) {
        entry
    }
}

/// A candidate merge of the owning node with `node`, at cost `key`; sorted
/// by `(Δ, node)` as scikit-learn's heap sorts `(Δ, owner, node)`.
///
/// Packed to 4-byte alignment so that a `Candidate<u32>` takes 12 bytes, not
/// 16: the arena of every node's candidates is the loop's largest structure
/// after the rows, and a quarter less of it is a quarter fewer cache lines
/// per sorted run. The derives copy the fields out, so no reference to an
/// unaligned field is ever taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C, packed(4))]
pub(super) struct Candidate<I> {
    pub(super) key: u64,
    pub(super) node: I,
}

/// The current root of `node`, halving the path on the way.
///
/// The parents are atomics so that the two threads of the speculative loop
/// can both search and shorten paths while no merge is being recorded:
/// halving only ever points a node at one of its ancestors, and roots are
/// not written then, so whatever order the threads' writes land in, every
/// parent is still an ancestor and every search ends at the true root.
/// Relaxed loads and stores are plain moves on the processors agglo runs on.
#[inline(always)]
pub(super) fn find_root<I: NodeId>(root: &[I::Atomic], mut node: I) -> I {
    loop {
        let parent = I::load(&root[node.index()]);
        if parent == node {
            return node;
        }
        let grand = I::load(&root[parent.index()]);
        I::store(&root[node.index()], grand);
        node = grand;
    }
}

const _: () = assert!(std::mem::size_of::<Candidate<u32>>() == 12);
