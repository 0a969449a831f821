//! An emulation of CPython's `heapq` module.
//!
//! scikit-learn numbers cluster labels by the positions of tree nodes in a
//! `heapq` array, and its complete/average linkage breaks ties by the array
//! layout, so the exact sift algorithms matter, not only the heap property.
//! These functions mirror `Lib/heapq.py` (and `Modules/_heapqmodule.c`, which
//! implements the same algorithms) step for step, and, like Python, compare
//! with `<` only.

/// Pushes `item` onto `heap`, keeping the heap invariant (`heapq.heappush`).
pub(crate) fn push<T: PartialOrd + Copy>(heap: &mut Vec<T>, item: T) {
    heap.push(item);
    let last = heap.len() - 1;
    sift_down(heap, 0, last);
}

/// Pops the smallest item (`heapq.heappop`); `None` on an empty heap.
#[allow(dead_code)] // used by the linkages that keep edge heaps
pub(crate) fn pop<T: PartialOrd + Copy>(heap: &mut Vec<T>) -> Option<T> {
    let last = heap.pop()?;
    if heap.is_empty() {
        return Some(last);
    }
    let top = heap[0];
    heap[0] = last;
    sift_up(heap, 0);
    Some(top)
}

/// Pushes `item`, then pops and returns the smallest (`heapq.heappushpop`).
pub(crate) fn push_pop<T: PartialOrd + Copy>(heap: &mut [T], item: T) -> T {
    if !heap.is_empty() && heap[0] < item {
        let top = heap[0];
        heap[0] = item;
        sift_up(heap, 0);
        return top;
    }
    item
}

/// Turns `heap` into a heap in place (`heapq.heapify`).
#[allow(dead_code)] // used by the linkages that keep edge heaps
pub(crate) fn heapify<T: PartialOrd + Copy>(heap: &mut [T]) {
    for pos in (0..heap.len() / 2).rev() {
        sift_up(heap, pos);
    }
}

/// `heapq._siftdown`: moves the item at `pos` up towards `start`.
fn sift_down<T: PartialOrd + Copy>(heap: &mut [T], start: usize, mut pos: usize) {
    let item = heap[pos];
    while pos > start {
        let parent_pos = (pos - 1) >> 1;
        let parent = heap[parent_pos];
        if item < parent {
            heap[pos] = parent;
            pos = parent_pos;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

/// `heapq._siftup`: moves the smaller child up until a leaf is reached,
/// then sifts the displaced item back down (Floyd's bottom-up variant).
fn sift_up<T: PartialOrd + Copy>(heap: &mut [T], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let item = heap[pos];
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        // Python's `not heap[child] < heap[right]`: with incomparable
        // values (NaN weights) the right child is taken, as in CPython.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        let take_right = right < end && !(heap[child] < heap[right]);
        if take_right {
            child = right;
        }
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(heap, start, pos);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Layouts recorded from CPython 3.11:
    /// `h = []; [heapq.heappush(h, x) for x in [5, 3, 8, 1, 9, 2, 7]]` → h
    #[test]
    fn push_layout_matches_cpython() {
        let mut h = Vec::new();
        for x in [5, 3, 8, 1, 9, 2, 7] {
            push(&mut h, x);
        }
        assert_eq!(h, vec![1, 3, 2, 5, 9, 8, 7]);
        assert_eq!(pop(&mut h), Some(1));
        assert_eq!(h, vec![2, 3, 7, 5, 9, 8]);
        assert_eq!(push_pop(&mut h, 4), 2);
        assert_eq!(h, vec![3, 4, 7, 5, 9, 8]);
        assert_eq!(push_pop(&mut h, 1), 1);
    }

    #[test]
    fn heapify_layout_matches_cpython() {
        // heapq.heapify(x) for x = [9, 4, 7, 1, 0, 3, 8, 2, 6, 5]
        let mut h = vec![9, 4, 7, 1, 0, 3, 8, 2, 6, 5];
        heapify(&mut h);
        assert_eq!(h, vec![0, 1, 3, 2, 4, 7, 8, 9, 6, 5]);
    }

    #[test]
    fn pops_in_order() {
        let mut h = Vec::new();
        for x in [4.0, 1.5, 9.0, 1.5, 0.0, 7.25] {
            push(&mut h, x);
        }
        let mut out = Vec::new();
        while let Some(x) = pop(&mut h) {
            out.push(x);
        }
        assert_eq!(out, vec![0.0, 1.5, 1.5, 4.0, 7.25, 9.0]);
    }
}
