//! [`Turns`]: a value the two threads of the speculative Ward loop use in
//! turns, ordered by the loop's hand-over of rounds instead of a lock.
//!
//! The speculative loop ([`super::speculative`]) alternates two phases
//! each round: the first thread alone writes the loop's state (the
//! search, the recording of merges), then both threads only read it (each
//! works out one merge) while the helper writes its own result. The
//! hand-over's counters already order those phases across the threads
//! (release and acquire), so a lock around the state adds nothing but its
//! own cost: a [`std::sync::RwLock`] and a [`std::sync::Mutex`] there took
//! four locked instructions a round on lines both cores write, and the
//! loop runs 4–5 % faster without them (CLI fit stage, alternated A/B
//! runs, 2 mm mask median ratios 0.957 and 0.958 over 15 pairs in each
//! order, 256×256 0.949 and 0.949 over 30, trees identical;
//! bench/issue-13.md). No safe arrangement of the same locks gained more
//! than 1 %.
//! The references a [`Turns`] hands out are therefore `unsafe` to take: the
//! caller proves from the hand-over that no other thread holds a
//! conflicting one.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;

/// A value shared by two threads that take turns with it: while one holds
/// it mutably, the other holds no reference to it.
pub(super) struct Turns<T>(UnsafeCell<T>);

// SAFETY: a `&Turns<T>` on another thread gives access to the `T` only
// through `get` and `get_mut`, whose contracts keep every `&mut T` unique
// and never alongside a `&T`, which is sound for any `T: Send + Sync` (the
// `T` may be dropped or written on either thread, and read on both).
unsafe impl<T: Send + Sync> Sync for Turns<T> {}

impl<T> Turns<T> {
    pub(super) fn new(value: T) -> Self {
        Turns(UnsafeCell::new(value))
    }

    /// The value, shared.
    ///
    /// # Safety
    ///
    /// No reference from [`Turns::get_mut`] may be used, on any thread,
    /// while the one returned is live.
    #[inline(always)]
    pub(super) unsafe fn get(&self) -> &T {
        // SAFETY: the caller's contract: no `&mut T` is in use meanwhile.
        unsafe { &*self.0.get() }
    }

    /// The value, exclusively.
    ///
    /// # Safety
    ///
    /// No other reference from this `Turns` may be used, on any thread,
    /// while the one returned is live.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // the exclusivity is the caller's contract
    pub(super) unsafe fn get_mut(&self) -> &mut T {
        // SAFETY: the caller's contract: no other reference is in use.
        unsafe { &mut *self.0.get() }
    }
}

#[cfg(test)]
mod tests {
    use super::Turns;

    #[test]
    fn turns_hand_a_value_back_and_forth() {
        let turns = Turns::new(vec![1]);
        let (mine, theirs) = (
            std::sync::Barrier::new(2),
            std::sync::atomic::AtomicBool::new(false),
        );
        std::thread::scope(|scope| {
            scope.spawn(|| {
                mine.wait(); // the first thread's write is done
                             // SAFETY: the first thread holds no reference until the
                             // second barrier.
                unsafe { turns.get_mut() }.push(2);
                theirs.store(true, std::sync::atomic::Ordering::Release);
                mine.wait();
            });
            // SAFETY: the other thread waits at the first barrier.
            unsafe { turns.get_mut() }.push(1);
            mine.wait();
            mine.wait();
            assert!(theirs.load(std::sync::atomic::Ordering::Acquire));
            // SAFETY: the other thread has finished with it.
            assert_eq!(unsafe { turns.get() }, &[1, 1, 2]);
        });
    }
}
