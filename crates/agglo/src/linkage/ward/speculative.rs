//! The Ward merge loop on two threads, speculating one merge ahead, with
//! the same merges as the sequential loop ([`Merger::run`]).
//!
//! Once a merge is chosen, the best valid candidate left in the queue is
//! the next merge unless the new node's own best candidate beats it. That
//! is rare: it happened in fewer than 1 merge in 10,000 on the benchmarks'
//! grids and brain masks. So each round takes two merges: the chosen one,
//! whose work (neighbours, moments, candidates: [`Merger::work`]) this
//! thread does, and the predicted one, whose work a second thread does at
//! the same time. Both only read the shared state. Then this thread alone
//! records the chosen merge, and the predicted one only if it is now the
//! queue's best valid candidate and its work did not meet the chosen
//! merge's new node (whose moments did not exist yet); otherwise its work
//! is dropped and the round's next merge is found as usual. The merges,
//! their order and their node ids are therefore the sequential loop's, and
//! so is every bit of every cost: the work is the same arithmetic in the
//! same order, whichever thread does it.
//!
//! The threads hand the rounds over through counters ([`Hand`]), which
//! also order their turns with the shared state ([`Turns`]): the helper
//! reads the state and writes its own work only between claiming a round
//! and marking it done; this thread writes the state only when no round
//! is open, and reads the helper's work only once its round is done.
//! When the second thread has not started a round's job by the time this
//! thread has done its own merge (it was off the processor: the machine is
//! busy), this thread cancels the job and goes on alone, so a loaded
//! machine costs the loop its speculation, not a wait. The
//! union-find parents are atomics, so that both threads may shorten paths
//! while they read ([`super::node_id::find_root`]).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::merger::{Marks, Merger};
use super::node_id::{Candidate, NodeId};
use super::turns::Turns;
use crate::exact::kernels::squared_distances;
use crate::linkage::min_queue::MinQueue;
use crate::linkage::min_queue::{cost_key, cost_of};
use crate::progress::{MergeProgress, PROGRESS_STEP};

/// The work of one merge, computed from shared state without writing it.
pub(super) struct Work<I> {
    /// The new node's neighbours.
    neighbours: Vec<I>,
    /// Its `m2` and `m2/m1`.
    sum: Vec<f64>,
    centroid: Vec<f64>,
    /// Its candidates, sorted.
    candidates: Vec<Candidate<I>>,
    costs: Vec<f64>,
    /// Whether a neighbour was the node still being made, so that this
    /// work cannot be used.
    conflict: bool,
}

impl<I> Work<I> {
    fn new(dim: usize) -> Self {
        Work {
            neighbours: Vec::new(),
            sum: vec![0.0; dim],
            centroid: vec![0.0; dim],
            candidates: Vec::new(),
            costs: Vec::new(),
            conflict: false,
        }
    }
}

impl<I: NodeId> Merger<'_, I> {
    /// The work of merging `a` and `b` into `k`; with `pending`, stops
    /// (marking a conflict) when that node turns out to be a neighbour.
    pub(super) fn work(
        &self,
        [a, b, k]: [usize; 3],
        pending: Option<usize>,
        marks: &mut Marks,
        work: &mut Work<I>,
    ) {
        self.neighbours_of([a, b, k], marks, &mut work.neighbours);
        work.conflict = pending.is_some_and(|p| work.neighbours.iter().any(|c| c.index() == p));
        if work.conflict {
            return;
        }
        let size_k = self.size(a) + self.size(b);
        for ((s, &x), &y) in work.sum.iter_mut().zip(self.sum(a)).zip(self.sum(b)) {
            *s = x + y;
        }
        for (c, &m) in work.centroid.iter_mut().zip(&work.sum) {
            *c = m / size_k;
        }
        work.costs.clear();
        let neighbours = &work.neighbours;
        squared_distances(
            &work.centroid,
            neighbours.len(),
            |l| self.centroid(neighbours[l].index()),
            &mut work.costs,
        );
        work.candidates.clear();
        work.candidates
            .extend(neighbours.iter().zip(&work.costs).map(|(&c, &s)| {
                let size_c = self.size(c.index());
                let weight = (size_k * size_c) / (size_k + size_c);
                Candidate {
                    key: cost_key(s * weight),
                    node: c,
                }
            }));
        work.candidates.sort_unstable();
    }

    /// Records the merge of `a` and `b` into `k` with its `work`: the
    /// moments, the candidates as `k`'s run of the arena, `k`'s best
    /// candidate into the queue.
    fn commit(&mut self, [a, b, k]: [usize; 3], work: &Work<I>, heap: &mut MinQueue<I::Entry>) {
        self.place_moments(a, b, k, &work.sum, &work.centroid);
        self.reserve_arena(work.candidates.len());
        let start = self.arena.len();
        self.arena.extend_from_slice(&work.candidates);
        self.run_start.push(start);
        self.runs[k].cursor = start;
        self.runs[k].end = self.arena.len();
        if let Some(c) = work.candidates.first() {
            heap.push(I::entry(c.key, k, c.node));
        }
    }

    /// [`Merger::run`] on this thread and one more; the same result.
    #[allow(unsafe_code)] // the turns with the shared state (`Turns`)
    pub(super) fn run_speculative(
        self,
        progress: Option<&MergeProgress>,
    ) -> (Vec<[usize; 2]>, Vec<f64>) {
        let mut merger = self;
        let (n, n_merges, dim) = (merger.n, merger.n_merges, merger.rows.dim);
        let mut heap = MinQueue::from_vec(merger.initial_candidates());
        let mut children = Vec::with_capacity(n_merges);
        let mut distances = Vec::with_capacity(n_merges);
        let mut record = |key: u64, i: usize, j: usize| {
            children.push([j, i]);
            distances.push((2.0 * cost_of(key)).sqrt());
        };
        let shared = Turns::new(merger);
        let hand = Hand::default();
        let helper_work = Turns::new(Work::new(dim));
        let mut own = Work::new(dim);
        let mut marks = Marks::new(n + n_merges);
        let end = n + n_merges;
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _alive = Alive(&hand);
                let mut marks = Marks::new(n + n_merges);
                let mut round = 0;
                while let Some([a, b, k, pending]) = hand.wait_for_job(&mut round) {
                    if !hand.claim(round) {
                        continue; // the first thread went on without it
                    }
                    // SAFETY: this thread claimed the round, so until it
                    // marks the round done the first thread neither
                    // writes the state (it does so only once a round it
                    // gave is done or cancelled) nor looks at this
                    // thread's work (only once the round is done).
                    let (merger, work) = unsafe { (shared.get(), helper_work.get_mut()) };
                    merger.work([a, b, k], Some(pending), &mut marks, work);
                    hand.done.store(round, Ordering::Release);
                }
            });
            let _stop = Stop(&hand);
            let mut k = n;
            let mut next_report = n;
            let mut round = 0;
            while k < end {
                if let Some(progress) = progress.filter(|_| k >= next_report) {
                    next_report = k + PROGRESS_STEP;
                    if !progress.set(k - n) {
                        break;
                    }
                }
                let (chosen, predicted) = {
                    // SAFETY: no round is open: every round given so far
                    // was finished (done, or cancelled before the helper
                    // claimed it), so the helper holds no reference.
                    let merger = unsafe { shared.get_mut() };
                    let Some((key, i, j)) = merger.best_candidate(&mut heap) else {
                        break; // no edge left: only for graphs that were not completed
                    };
                    heap.pop();
                    record(key, i, j);
                    merger.absorb(i, j, I::from_usize(k));
                    let predicted = if k + 1 < end {
                        merger.best_candidate(&mut heap)
                    } else {
                        None
                    };
                    ([i, j, k], predicted)
                };
                if let Some((_, a, b)) = predicted {
                    round += 1;
                    hand.give([a, b, k + 1, k], round);
                }
                {
                    // SAFETY: the helper only reads the state while the
                    // round is open; this reference ends before it closes.
                    let merger = unsafe { shared.get() };
                    merger.prefetch_next(&heap);
                    merger.work(chosen, None, &mut marks, &mut own);
                }
                let helped = predicted.is_some() && hand.finish(round);
                // SAFETY: the round is finished (done, or cancelled before
                // the helper claimed it): the helper holds no reference.
                let merger = unsafe { shared.get_mut() };
                merger.commit(chosen, &own, &mut heap);
                k += 1;
                let Some(predicted) = predicted.filter(|_| helped) else {
                    continue;
                };
                // SAFETY: the round is done, so the helper wrote its work
                // before marking it and will not write it again until the
                // next round is given, after this reference's last use.
                let work = unsafe { helper_work.get() };
                if work.conflict || merger.best_candidate(&mut heap) != Some(predicted) {
                    continue;
                }
                let (key, a, b) = predicted;
                heap.pop();
                record(key, a, b);
                merger.absorb(a, b, I::from_usize(k));
                merger.commit([a, b, k], work, &mut heap);
                k += 1;
            }
        });
        (children, distances)
    }
}

/// The hand-over of rounds between the two threads.
#[derive(Default)]
struct Hand {
    /// The merge to work on: `[a, b, k, pending]`.
    job: [AtomicUsize; 4],
    /// The round of the last job given, and of the last job done (on a
    /// line of its own: the helper writes it).
    given: AtomicU64,
    done: OwnLine<AtomicU64>,
    /// Who takes the job of round `r`: `2r` while open, `2r + 1` once the
    /// helper claimed it, [`CANCELLED`] once the first thread went on
    /// without it (because the helper had not started it, being off the
    /// processor, by the time the first thread had done its own merge).
    claim: AtomicU64,
    stop: AtomicBool,
    /// Set when the helper thread ends, however it ends.
    ended: AtomicBool,
}

/// A value on a cache line of its own (a pair of lines: Intel's adjacent
/// line prefetcher fetches them two by two). The helper's `done` counter
/// sits apart from the job, the round given and the claim, which the
/// first thread writes, so that each thread's stores no longer take the
/// other's line away from it: the fit stage was 2–3 % faster (alternated
/// A/B runs, 2 mm median ratios 0.983 / 0.971 over 15 pairs in each order
/// and 0.954 / 0.986 over 20 more; 256×256 0.975 / 0.975 over 30 and
/// 0.974 / 0.984 over 20). With the locks of the earlier loop beside it,
/// the same split had shown nothing (2026-12-03).
#[derive(Default)]
#[repr(align(128))]
struct OwnLine<T>(T);

impl<T> std::ops::Deref for OwnLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Tells the main thread that the helper ended, even by a panic, so that
/// it never waits for a round that will not come.
struct Alive<'h>(&'h Hand);

impl Drop for Alive<'_> {
    fn drop(&mut self) {
        self.0.ended.store(true, Ordering::Release);
    }
}

/// Tells the helper to stop when the first thread leaves the loop, even by
/// a panic, so that the thread scope never waits for it forever.
struct Stop<'h>(&'h Hand);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::Release);
    }
}

/// Spins before yielding the processor while waiting for the other thread
/// (which, on a machine that is not oversubscribed, answers within about
/// a microsecond): about 0.2 ms of reloading one cache line. The spins
/// carry no `pause` hint ([`std::hint::spin_loop`]): without it the
/// 2 mm fit stage was 2 % faster (median ratios 0.981 and 0.983 over 20
/// alternated pairs in each order, 0.972 and 0.977 over 15; the 256×256
/// grid unchanged), each wait ending as soon as the other thread's store
/// arrives instead of up to a `pause` later, and a hypervisor that exits
/// on long `pause` loops (KVM's pause-loop exiting) finding none.
const SPINS: u32 = 1 << 16;

/// [`Hand::claim`]'s mark of a job cancelled.
const CANCELLED: u64 = u64::MAX;

impl Hand {
    fn give(&self, job: [usize; 4], round: u64) {
        for (slot, value) in self.job.iter().zip(job) {
            slot.store(value, Ordering::Relaxed);
        }
        self.claim.store(2 * round, Ordering::Relaxed);
        self.given.store(round, Ordering::Release);
    }

    /// The helper's claim on the job of `round`; `false` if cancelled.
    fn claim(&self, round: u64) -> bool {
        self.claim
            .compare_exchange(
                2 * round,
                2 * round + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// Whether the helper did the job of `round`: waits for it if the
    /// helper has started it, cancels it otherwise.
    fn finish(&self, round: u64) -> bool {
        if self.done.load(Ordering::Acquire) == round {
            return true;
        }
        let cancelled = self
            .claim
            .compare_exchange(2 * round, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if cancelled {
            return false;
        }
        self.wait_done(round);
        true
    }

    /// The next job after `round`, or `None` once stopped.
    fn wait_for_job(&self, round: &mut u64) -> Option<[usize; 4]> {
        let mut spins = 0;
        loop {
            let given = self.given.load(Ordering::Acquire);
            if given != *round {
                *round = given;
                return Some(std::array::from_fn(|s| self.job[s].load(Ordering::Relaxed)));
            }
            if self.stop.load(Ordering::Acquire) {
                return None;
            }
            spin_or_yield(&mut spins);
        }
    }

    fn wait_done(&self, round: u64) {
        let mut spins = 0;
        while self.done.load(Ordering::Acquire) != round {
            // The helper's panic is then re-raised by the thread scope.
            assert!(
                !self.ended.load(Ordering::Acquire),
                "the merge loop's helper thread ended"
            );
            spin_or_yield(&mut spins);
        }
    }
}

/// One step of a wait: another reload of the awaited line for the first
/// [`SPINS`] steps, then the processor yielded to other threads.
#[inline(always)]
fn spin_or_yield(spins: &mut u32) {
    if *spins < SPINS {
        *spins += 1;
    } else {
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_done_by_the_helper_or_cancelled_never_both() {
        let hand = Hand::default();
        // Cancelled before the helper claims it: the claim fails.
        hand.give([1, 2, 3, 4], 1);
        assert!(!hand.finish(1));
        assert!(!hand.claim(1));
        // Claimed first: the first thread waits for it to be done.
        hand.give([5, 6, 7, 8], 2);
        let mut round = 1;
        assert_eq!(hand.wait_for_job(&mut round), Some([5, 6, 7, 8]));
        assert!(hand.claim(2));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                hand.done.store(2, Ordering::Release);
            });
            assert!(hand.finish(2));
        });
        assert!(!hand.claim(2), "a job is claimed once");
        hand.stop.store(true, Ordering::Release);
        assert_eq!(hand.wait_for_job(&mut round), None);
    }
}
