//! The priority queue of the Ward merge loop, and of the fast path of
//! complete and average linkage: the smallest items in a 4-ary min-heap
//! small enough to stay in the caches ([`MinQueue`]), the others in an
//! unordered reserve.
//!
//! The items are small integers (a `u128` packing a candidate's cost, as an
//! order-preserving `u64` ([`cost_key`]), above its two node ids), so that
//! comparing them is scikit-learn's `(Δ, i, j)` order for Ward. Four children per node halve the
//! depth of a binary heap, and the smallest of them is found with
//! comparisons the compiler turns into conditional moves rather than
//! unpredictable branches.

/// A cost as a `u64` that sorts like [`f64::total_cmp`] (costs are
/// non-negative, but the mapping is total anyway).
#[inline(always)]
pub(crate) fn cost_key(delta: f64) -> u64 {
    let bits = delta.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The inverse of [`cost_key`].
#[inline(always)]
pub(crate) fn cost_of(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// A 4-ary min-heap: the hot part of [`MinQueue`].
///
/// The items sit in cache-line-aligned groups of four, the root in the
/// last slot of the first group, so that the four children of every item
/// fill one group: a step down the heap reads one cache line (for 16-byte
/// items), not two.
#[derive(Debug, Default)]
pub(crate) struct Heap4<T> {
    groups: Vec<Group<T>>,
    len: usize,
}

/// Four items, aligned as a cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Group<T>([T; 4]);

/// Slots before the root, so that children groups start on a group.
const OFFSET: usize = 3;

impl<T: Copy + Ord> Heap4<T> {
    /// A heap of `items`, in any order.
    pub(crate) fn from_vec(items: Vec<T>) -> Self {
        let len = items.len();
        let Some(&filler) = items.first() else {
            return Heap4 {
                groups: Vec::new(),
                len: 0,
            };
        };
        let mut groups = vec![Group([filler; 4]); (len + OFFSET).div_ceil(4)];
        for (p, item) in items.into_iter().enumerate() {
            let q = p + OFFSET;
            groups[q / 4].0[q % 4] = item;
        }
        let mut queue = Heap4 { groups, len };
        queue.heapify();
        queue
    }

    /// Restores the heap order of all items.
    fn heapify(&mut self) {
        if self.len > 1 {
            for pos in (0..=(self.len - 2) / 4).rev() {
                self.sift_down(pos);
            }
        }
    }

    /// Drops the items for which `keep` is false, in place.
    fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let mut kept = 0;
        for p in 0..self.len {
            let item = self.get(p);
            if keep(&item) {
                self.set(kept, item);
                kept += 1;
            }
        }
        self.len = kept;
        self.heapify();
    }

    #[inline(always)]
    fn get(&self, p: usize) -> T {
        let q = p + OFFSET;
        self.groups[q / 4].0[q % 4]
    }

    #[inline(always)]
    fn set(&mut self, p: usize, item: T) {
        let q = p + OFFSET;
        self.groups[q / 4].0[q % 4] = item;
    }

    /// The number of items.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The smallest item.
    #[inline]
    pub(crate) fn peek(&self) -> Option<T> {
        (self.len > 0).then(|| self.get(0))
    }

    /// Removes the smallest item.
    #[inline]
    pub(crate) fn pop(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len -= 1;
        if self.len > 0 {
            let last = self.get(self.len);
            self.replace_top(last);
        }
    }

    /// Replaces the smallest item by `item`.
    #[inline]
    pub(crate) fn replace_top(&mut self, item: T) {
        self.set(0, item);
        self.sift_down(0);
    }

    /// Up to `count` items after the top, in the heap's order of slots: its
    /// children first (the items that come up next), then theirs.
    #[inline]
    pub(crate) fn next_items(&self, count: usize) -> impl Iterator<Item = T> + '_ {
        (1..self.len.min(count + 1)).map(|p| self.get(p))
    }

    /// Adds `item`.
    pub(crate) fn push(&mut self, item: T) {
        if (self.len + OFFSET) / 4 >= self.groups.len() {
            self.groups.push(Group([item; 4]));
        }
        let mut pos = self.len;
        self.len += 1;
        while pos > 0 {
            let parent = (pos - 1) / 4;
            let p = self.get(parent);
            if p <= item {
                break;
            }
            self.set(pos, p);
            pos = parent;
        }
        self.set(pos, item);
    }

    fn sift_down(&mut self, mut pos: usize) {
        let len = self.len;
        let item = self.get(pos);
        loop {
            let first = 4 * pos + 1;
            if first >= len {
                break;
            }
            // The children of `pos` are the group after it.
            let children = &self.groups[pos + 1].0;
            let (mut best, mut best_item) = (0, children[0]);
            if first + 4 <= len {
                // The common case: four children, compared without branches.
                for (c, &v) in children.iter().enumerate().skip(1) {
                    let smaller = v < best_item;
                    best = if smaller { c } else { best };
                    best_item = if smaller { v } else { best_item };
                }
            } else {
                for (c, &v) in children.iter().enumerate().take(len - first).skip(1) {
                    if v < best_item {
                        best = c;
                        best_item = v;
                    }
                }
            }
            if item <= best_item {
                break;
            }
            self.set(pos, best_item);
            pos = first + best;
        }
        self.set(pos, item);
    }
}

/// The queue of the merge loop: the smallest items in a small 4-ary heap
/// that stays in the caches, the rest in an unordered reserve.
///
/// Every item of the heap is at most `limit`, every item of the reserve at
/// least `limit`, so the heap's top is the smallest item of all, exactly;
/// when the heap runs empty, the `HOT` smallest items of the reserve are
/// selected into it and `limit` becomes the largest of them. Merge costs
/// mostly grow as the loop goes, so most new items go to the reserve with
/// one write, and most sifts run in a heap of `HOT` items instead of one
/// item per cluster.
#[derive(Debug)]
pub(crate) struct MinQueue<T> {
    hot: Heap4<T>,
    reserve: Vec<T>,
    /// `None` until the first selection: no item may go to the heap.
    limit: Option<T>,
    /// The most items one selection takes ([`HOT`] but in tests).
    take: usize,
}

/// The most items the heap takes in one selection: 256 KiB of 16-byte
/// items, well inside a level-2 cache.
const HOT: usize = 1 << 14;

impl<T: Copy + Ord> MinQueue<T> {
    /// A queue of `items`, in any order.
    pub(crate) fn from_vec(items: Vec<T>) -> Self {
        Self::selecting(items, HOT)
    }

    /// [`MinQueue::from_vec`], selecting `take` items at a time.
    pub(crate) fn selecting(items: Vec<T>, take: usize) -> Self {
        let mut queue = MinQueue {
            hot: Heap4::from_vec(Vec::new()),
            reserve: items,
            limit: None,
            take: take.max(1),
        };
        queue.refill();
        queue
    }

    /// Moves the smallest items of the reserve into the (empty) heap.
    #[cold]
    fn refill(&mut self) {
        debug_assert_eq!(self.hot.len(), 0);
        if self.reserve.is_empty() {
            return;
        }
        // At least an eighth of the reserve, so that a large reserve is not
        // selected from again and again for a few items each time.
        let len = self.reserve.len();
        let take = len.min(self.take.max(len / 8));
        // The smallest items are put at the end, where they leave the
        // reserve without moving the rest.
        let keep = len - take;
        if keep > 0 {
            self.reserve.select_nth_unstable_by(keep, |a, b| b.cmp(a));
        }
        let hot = self.reserve.split_off(keep);
        self.limit = hot.iter().copied().max();
        self.hot = Heap4::from_vec(hot);
    }

    /// Whether the next [`peek`](Self::peek) or [`pop`](Self::pop) selects
    /// from the reserve: the moment to [`prune`](Self::prune) it.
    #[inline]
    pub(crate) fn selects_next(&self) -> bool {
        self.hot.len() == 0
    }

    /// Drops the reserve's items for which `keep` is false (items the
    /// caller would discard when they come up anyway).
    pub(crate) fn prune(&mut self, keep: impl FnMut(&T) -> bool) {
        self.reserve.retain(keep);
    }

    /// The number of items in the heap (not the reserve).
    #[inline]
    pub(crate) fn hot_len(&self) -> usize {
        self.hot.len()
    }

    /// Drops the heap's items for which `keep` is false and restores its
    /// order: `O(hot_len)`, less than popping many of them one by one.
    pub(crate) fn prune_hot(&mut self, keep: impl FnMut(&T) -> bool) {
        self.hot.retain(keep);
    }

    /// The smallest item of the heap, without refilling it from the
    /// reserve: the smallest item unless the heap is empty.
    #[inline]
    pub(crate) fn peek_hot(&self) -> Option<T> {
        self.hot.peek()
    }

    /// The smallest item.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<T> {
        if self.hot.len() == 0 {
            self.refill();
        }
        self.hot.peek()
    }

    /// Removes the smallest item.
    #[inline]
    pub(crate) fn pop(&mut self) {
        if self.hot.len() == 0 {
            self.refill();
        }
        self.hot.pop();
    }

    /// Replaces the smallest item by `item`.
    #[inline]
    pub(crate) fn replace_top(&mut self, item: T) {
        if self.hot.len() == 0 {
            self.refill();
        }
        if self.limit.is_some_and(|limit| item <= limit) {
            self.hot.replace_top(item);
        } else {
            self.hot.pop();
            self.reserve.push(item);
        }
    }

    /// Up to `count` items of the heap that come up soon after the
    /// smallest (its children first); a hint for prefetching, not an order.
    #[inline]
    pub(crate) fn next_items(&self, count: usize) -> impl Iterator<Item = T> + '_ {
        self.hot.next_items(count)
    }

    /// Adds `item`.
    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if self.limit.is_some_and(|limit| item <= limit) {
            self.hot.push(item);
        } else {
            self.reserve.push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[test]
    fn cost_keys_sort_like_total_cmp() {
        let values = [
            0.0,
            -0.0,
            1e-300,
            5e-324,
            1.0,
            2.5,
            f64::MAX,
            f64::INFINITY,
            -1.0,
            f64::NEG_INFINITY,
        ];
        for &a in &values {
            assert_eq!(cost_of(cost_key(a)).to_bits(), a.to_bits());
            for &b in &values {
                assert_eq!(cost_key(a).cmp(&cost_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn next_items_are_the_tops_children_then_theirs() {
        let queue = MinQueue::from_vec((0..100u32).rev().collect());
        let top = queue.hot.peek().unwrap();
        let next: Vec<u32> = queue.next_items(20).collect();
        assert_eq!(next.len(), 20);
        assert!(!next.contains(&top));
        // The next smallest is one of the top's four children, and the
        // sixteen after them are the children's children.
        assert!(next[..4].contains(&1));
        for (g, &grandchild) in next[4..].iter().enumerate() {
            assert!(grandchild > next[g / 4], "{next:?}");
        }
        let small = MinQueue::from_vec(vec![5u32, 7, 6]);
        let mut rest: Vec<u32> = small.next_items(20).collect();
        rest.sort_unstable();
        assert_eq!(rest, [6, 7]);
        assert_eq!(
            MinQueue::from_vec(Vec::<u32>::new()).next_items(4).count(),
            0
        );
    }

    #[test]
    fn agrees_with_a_binary_heap() {
        for take in [1, 3, 16, 1000, HOT] {
            agrees_with_a_binary_heap_selecting(take);
        }
    }

    fn agrees_with_a_binary_heap_selecting(take: usize) {
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        };
        // Items carry a tag (their low bits); now and then every item of one
        // tag goes stale for good, as the merge loops' stale candidates do:
        // the queue may drop them (pruning) or yield them (then skipped).
        let mut dead = [false; 64];
        let item = |next: &mut dyn FnMut() -> u64| {
            u128::from(next() >> 54) << 64 | u128::from(next() % 64)
        };
        let initial: Vec<u128> = (0..300).map(|_| item(&mut next)).collect();
        let mut queue = MinQueue::selecting(initial.clone(), take);
        let mut reference: BinaryHeap<Reverse<u128>> = initial.into_iter().map(Reverse).collect();
        for _ in 0..5000 {
            while let Some(v) = queue.peek().filter(|&v| dead[(v & 63) as usize]) {
                assert!(reference.peek().is_none_or(|r| r.0 >= v));
                queue.pop();
            }
            assert_eq!(queue.peek(), reference.peek().map(|r| r.0));
            let v = item(&mut next);
            if dead[(v & 63) as usize] {
                continue;
            }
            match next() % 500 {
                0 => {
                    let tag = next() % 64;
                    dead[tag as usize] = true;
                    let live = |&item: &u128| !dead[(item & 63) as usize];
                    queue.prune_hot(live);
                    if next() % 2 == 0 {
                        queue.prune(live);
                    }
                    reference.retain(|Reverse(item)| live(item));
                }
                c if c % 3 == 0 => {
                    queue.push(v);
                    reference.push(Reverse(v));
                }
                c if c % 3 == 1 => {
                    queue.pop();
                    reference.pop();
                }
                _ if queue.peek().is_some() => {
                    queue.replace_top(v);
                    reference.pop();
                    reference.push(Reverse(v));
                }
                _ => {}
            }
        }
        while let Some(Reverse(v)) = reference.pop() {
            while queue.peek().is_some_and(|v| dead[(v & 63) as usize]) {
                queue.pop();
            }
            assert_eq!(queue.peek(), Some(v));
            queue.pop();
        }
        assert!(queue.peek().is_none_or(|v| dead[(v & 63) as usize]));
    }
}
