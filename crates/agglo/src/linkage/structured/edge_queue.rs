//! The two queues the merge loop of complete and average linkage can run
//! on: CPython's `heapq`, replayed sift for sift, and a faster queue that
//! gives the same pops as long as no two live edges tie.
//!
//! scikit-learn's edges compare by weight only, so among edges of equal
//! weight `heapq` yields whichever its array layout puts on top, and only a
//! replay of every sift knows which one that is ([`Heapq`]). When the
//! smallest weight belongs to one live edge, though, every priority queue
//! yields that edge: stale edges (an end already merged) are skipped
//! whatever their order, since no edge is pushed between two pops of one
//! search. [`Sorted`] is such a queue, the cache-friendly [`MinQueue`] of
//! Ward, and it checks, at every pop, that no other live edge has the
//! popped weight; if one has, it gives up with [`Tie`] and the loop is run
//! again on [`Heapq`].

use super::weighted_edge::WeightedEdge;
use crate::exact::heapq;
use crate::linkage::min_queue::{cost_key, cost_of, MinQueue};

/// Two live edges of the smallest weight: which one `heapq` pops first
/// depends on its layout, which [`Sorted`] does not keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tie;

/// What the merge loop needs of its queue of candidate merges.
pub(crate) trait EdgeQueue {
    /// Adds `edge`.
    fn push(&mut self, edge: WeightedEdge);

    /// Removes and returns the edge `heapq` would pop next among those
    /// whose ends both satisfy `alive`, dropping the stale ones before it;
    /// `None` once no live edge is left.
    ///
    /// # Errors
    /// [`Tie`] when the queue cannot tell which edge that is.
    fn pop_live(&mut self, alive: impl Fn(u32) -> bool) -> Result<Option<WeightedEdge>, Tie>;

    /// Counts `count` edges of the queue as just gone stale (those of two
    /// clusters that merged), a hint for when to drop them.
    fn staled(&mut self, count: usize) {
        let _ = count;
    }

    /// The edge at the front of the queue, if the queue knows it without
    /// work (it may be stale): a hint of the next merge, to load its data
    /// ahead.
    fn front(&self) -> Option<WeightedEdge> {
        None
    }
}

/// scikit-learn's heap: a `Vec` kept by [`crate::exact::heapq`].
pub(crate) struct Heapq(Vec<WeightedEdge>);

impl Heapq {
    /// `heapq.heapify(edges)`.
    pub(crate) fn new(mut edges: Vec<WeightedEdge>) -> Self {
        heapq::heapify(&mut edges);
        Heapq(edges)
    }
}

impl EdgeQueue for Heapq {
    fn push(&mut self, edge: WeightedEdge) {
        heapq::push(&mut self.0, edge);
    }

    fn front(&self) -> Option<WeightedEdge> {
        self.0.first().copied()
    }

    fn pop_live(&mut self, alive: impl Fn(u32) -> bool) -> Result<Option<WeightedEdge>, Tie> {
        while let Some(edge) = heapq::pop(&mut self.0) {
            if alive(edge.a) && alive(edge.b) {
                return Ok(Some(edge));
            }
        }
        Ok(None)
    }
}

/// The edges in a [`MinQueue`], sorted by weight (then ends, which only
/// orders the stale edges of a tied weight among themselves).
pub(crate) struct Sorted {
    queue: MinQueue<u128>,
    /// Edges gone stale since the heap was last pruned (about: some were
    /// in the reserve, some popped already).
    stale: usize,
}

/// Heaps smaller than this are not worth pruning.
const PRUNE_FROM: usize = 1024;

/// `edge` as an integer that sorts by weight ([`f64::total_cmp`]), then
/// `a`, then `b`.
#[inline(always)]
fn pack(edge: WeightedEdge) -> u128 {
    u128::from(cost_key(edge.weight)) << 64 | u128::from(edge.a) << 32 | u128::from(edge.b)
}

/// The inverse of [`pack`].
#[inline(always)]
fn unpack(item: u128) -> WeightedEdge {
    WeightedEdge {
        weight: cost_of((item >> 64) as u64),
        a: (item >> 32) as u32,
        b: item as u32,
    }
}

impl Sorted {
    /// A queue of `edges`, whose weights must not be NaN (NaN compares as
    /// neither smaller nor larger than anything in `heapq`, which no total
    /// order reproduces).
    pub(crate) fn new(edges: Vec<WeightedEdge>) -> Self {
        debug_assert!(edges.iter().all(|e| !e.weight.is_nan()));
        Sorted {
            queue: MinQueue::from_vec(edges.into_iter().map(pack).collect()),
            stale: 0,
        }
    }

    /// [`Sorted::new`], selecting `take` edges at a time into the heap.
    #[cfg(test)]
    fn selecting(edges: Vec<WeightedEdge>, take: usize) -> Self {
        Sorted {
            queue: MinQueue::selecting(edges.into_iter().map(pack).collect(), take),
            stale: 0,
        }
    }
}

impl EdgeQueue for Sorted {
    fn push(&mut self, edge: WeightedEdge) {
        debug_assert!(!edge.weight.is_nan());
        self.queue.push(pack(edge));
    }

    fn staled(&mut self, count: usize) {
        self.stale += count;
    }

    fn front(&self) -> Option<WeightedEdge> {
        self.queue.peek_hot().map(unpack)
    }

    fn pop_live(&mut self, alive: impl Fn(u32) -> bool) -> Result<Option<WeightedEdge>, Tie> {
        let live = |e: WeightedEdge| alive(e.a) && alive(e.b);
        // As many edges gone stale as the heap holds: dropping them all at
        // once costs less than popping a good part of them.
        if self.stale >= self.queue.hot_len().max(PRUNE_FROM) {
            self.queue.prune_hot(|&item| live(unpack(item)));
            self.stale = 0;
        }
        let edge = loop {
            let Some(edge) = peek_pruned(&mut self.queue, &live) else {
                return Ok(None);
            };
            self.queue.pop();
            if live(edge) {
                break edge;
            }
        };
        // Edges of equal weight (`==`, so 0.0 and −0.0 too, which sort next
        // to each other) come next: stale ones are dropped, a live one is a
        // tie.
        while let Some(next) = peek_pruned(&mut self.queue, &live) {
            if next.weight != edge.weight {
                break;
            }
            if live(next) {
                return Err(Tie);
            }
            self.queue.pop();
        }
        Ok(Some(edge))
    }
}

/// The smallest edge of `queue`; the stale edges of its reserve (those
/// `live` refuses) are dropped first when that means selecting from it, as
/// they would only be selected again and again.
#[inline]
fn peek_pruned(
    queue: &mut MinQueue<u128>,
    live: &impl Fn(WeightedEdge) -> bool,
) -> Option<WeightedEdge> {
    if queue.selects_next() {
        queue.prune(|&item| live(unpack(item)));
    }
    queue.peek().map(unpack)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(weight: f64, a: u32, b: u32) -> WeightedEdge {
        WeightedEdge { weight, a, b }
    }

    fn drain(queue: &mut impl EdgeQueue, alive: impl Fn(u32) -> bool) -> Result<Vec<u32>, Tie> {
        let mut out = Vec::new();
        while let Some(edge) = queue.pop_live(&alive)? {
            out.push(edge.a);
        }
        Ok(out)
    }

    #[test]
    fn both_queues_pop_distinct_weights_alike() {
        let edges: Vec<_> = (0..500u32)
            .map(|i| e(f64::from((i * 7919) % 1009) - 300.0, i, i % 7))
            .collect();
        let alive = |node: u32| node % 5 != 3;
        let extras = [(1000, 2.5), (1001, -0.5), (1002, 1e9)];
        let mut heapq = Heapq::new(edges.clone());
        for (i, extra) in extras {
            heapq.push(e(extra, i, 0));
        }
        let expected = drain(&mut heapq, alive).unwrap();
        let live = edges.iter().filter(|e| alive(e.a) && alive(e.b)).count();
        assert_eq!(expected.len(), live + 3);
        // Selecting few edges at a time prunes the reserve of stale ones
        // again and again.
        for take in [1, 7, 1 << 14] {
            let mut sorted = Sorted::selecting(edges.clone(), take);
            for (i, extra) in extras {
                sorted.push(e(extra, i, 0));
            }
            assert_eq!(drain(&mut sorted, alive), Ok(expected.clone()), "{take}");
        }
    }

    #[test]
    fn the_front_is_the_edge_popped_next_when_live() {
        let edges: Vec<_> = (0..300u32)
            .map(|i| e(f64::from((i * 7919) % 1009), i + 1, i % 5))
            .collect();
        let all = |_: u32| true;
        let mut heapq = Heapq::new(edges.clone());
        // Two edges at a time into the sorted queue's heap: it runs empty
        // often, and its front is then unknown until the next pop selects.
        let mut sorted = Sorted::selecting(edges, 2);
        let (mut known, mut popped) = (0, 0);
        loop {
            let (front_h, front_s) = (heapq.front(), sorted.front());
            let (next_h, next_s) = (heapq.pop_live(all).unwrap(), sorted.pop_live(all).unwrap());
            assert_eq!(front_h, next_h);
            if let Some(front) = front_s {
                assert_eq!(Some(front), next_s);
                known += 1;
            }
            let Some(edge) = next_h else { break };
            assert_eq!(next_s, Some(edge));
            popped += 1;
            // Weights halfway between the integers: never a tie.
            if popped % 3 == 0 && edge.a < 1000 {
                heapq.push(e(edge.weight + 0.5, 1000 + popped, 0));
                sorted.push(e(edge.weight + 0.5, 1000 + popped, 0));
            }
        }
        assert!(popped > 300);
        assert!(known > popped / 2, "{known} of {popped}");
    }

    #[test]
    fn a_live_tie_is_reported_and_stale_ties_are_not() {
        let alive = |node: u32| node != 9;
        // 1.0 is tied only with a stale edge, 2.0 with a live one.
        let edges = [e(2.0, 4, 1), e(1.0, 9, 0), e(1.0, 3, 0), e(2.0, 5, 2)];
        let mut sorted = Sorted::new(edges.to_vec());
        assert_eq!(sorted.pop_live(alive).unwrap().map(|e| e.a), Some(3));
        assert_eq!(sorted.pop_live(alive), Err(Tie));
        // −0.0 == 0.0 for heapq.
        let mut sorted = Sorted::new(vec![e(0.0, 1, 0), e(-0.0, 2, 0)]);
        assert_eq!(sorted.pop_live(alive), Err(Tie));
        // Heapq never reports one.
        let mut heapq = Heapq::new(edges.to_vec());
        assert_eq!(drain(&mut heapq, alive).map(|v| v.len()), Ok(3));
    }
}
