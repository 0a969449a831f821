//! The priority queue of the Ward merge loop: a 4-ary min-heap.
//!
//! The items are small integers (a `u128` packing a candidate's cost, as an
//! order-preserving `u64`, above its two node ids), so that comparing them
//! is scikit-learn's `(Δ, i, j)` order. Four children per node halve the
//! depth of a binary heap, and the smallest of them is found with
//! comparisons the compiler turns into conditional moves rather than
//! unpredictable branches.

/// A 4-ary min-heap.
#[derive(Debug, Default)]
pub(super) struct MinQueue<T> {
    items: Vec<T>,
}

impl<T: Copy + Ord> MinQueue<T> {
    /// A heap of `items`, in any order.
    pub(super) fn from_vec(items: Vec<T>) -> Self {
        let mut queue = MinQueue { items };
        let len = queue.items.len();
        if len > 1 {
            for pos in (0..=(len - 2) / 4).rev() {
                queue.sift_down(pos);
            }
        }
        queue
    }

    /// The smallest item.
    #[inline]
    pub(super) fn peek(&self) -> Option<T> {
        self.items.first().copied()
    }

    /// Removes the smallest item.
    #[inline]
    pub(super) fn pop(&mut self) {
        if let Some(last) = self.items.pop() {
            if !self.items.is_empty() {
                self.replace_top(last);
            }
        }
    }

    /// Replaces the smallest item by `item`.
    #[inline]
    pub(super) fn replace_top(&mut self, item: T) {
        self.items[0] = item;
        self.sift_down(0);
    }

    /// Adds `item` (the merge loop only replaces the top).
    #[cfg(test)]
    pub(super) fn push(&mut self, item: T) {
        let mut pos = self.items.len();
        self.items.push(item);
        while pos > 0 {
            let parent = (pos - 1) / 4;
            let p = self.items[parent];
            if p <= item {
                break;
            }
            self.items[pos] = p;
            pos = parent;
        }
        self.items[pos] = item;
    }

    fn sift_down(&mut self, mut pos: usize) {
        let items = &mut self.items[..];
        let len = items.len();
        let item = items[pos];
        loop {
            let first = 4 * pos + 1;
            if first >= len {
                break;
            }
            let (mut best, mut best_item) = (first, items[first]);
            if first + 4 <= len {
                // The common case: four children, compared without branches.
                for (c, &v) in items.iter().enumerate().take(first + 4).skip(first + 1) {
                    let smaller = v < best_item;
                    best = if smaller { c } else { best };
                    best_item = if smaller { v } else { best_item };
                }
            } else {
                for (c, &v) in items.iter().enumerate().take(len).skip(first + 1) {
                    if v < best_item {
                        best = c;
                        best_item = v;
                    }
                }
            }
            if item <= best_item {
                break;
            }
            items[pos] = best_item;
            pos = best;
        }
        items[pos] = item;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[test]
    fn agrees_with_a_binary_heap() {
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        };
        let initial: Vec<u128> = (0..300)
            .map(|_| u128::from(next() >> 54) << 64 | u128::from(next() % 5))
            .collect();
        let mut queue = MinQueue::from_vec(initial.clone());
        let mut reference: BinaryHeap<Reverse<u128>> = initial.into_iter().map(Reverse).collect();
        for _ in 0..5000 {
            assert_eq!(queue.peek(), reference.peek().map(|r| r.0));
            let v = u128::from(next() >> 54) << 64 | u128::from(next() % 5);
            match next() % 3 {
                0 => {
                    queue.push(v);
                    reference.push(Reverse(v));
                }
                1 => {
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
            assert_eq!(queue.peek(), Some(v));
            queue.pop();
        }
        assert_eq!(queue.peek(), None);
    }
}
