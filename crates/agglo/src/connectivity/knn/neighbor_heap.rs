//! The fixed-size max-heap scikit-learn's neighbour searches keep the `k`
//! best candidates in (`sklearn.utils._heap.heap_push`), and the sort that
//! orders them at the end (`sklearn.utils._sorting.simultaneous_sort`,
//! two-way introsort). Both are emulated step for step because, among
//! equidistant candidates, which ones survive and in which order they come
//! out depends on the exact array layout.

/// The `k` nearest candidates so far: reduced distances and point ids in
/// one array-backed max-heap (largest at position 0).
#[derive(Debug, Clone)]
pub(super) struct NeighborHeap {
    pub(super) values: Vec<f64>,
    pub(super) indices: Vec<usize>,
}

impl NeighborHeap {
    /// A heap of `size` slots filled with `(fill, index)`.
    pub(super) fn new(size: usize, fill: f64, index: usize) -> Self {
        NeighborHeap {
            values: vec![fill; size],
            indices: vec![index; size],
        }
    }

    /// The largest distance kept (`heap.largest`).
    pub(super) fn largest(&self) -> f64 {
        self.values.first().copied().unwrap_or(f64::INFINITY)
    }

    /// `heap_push`: ignores `val` unless it is strictly below the largest
    /// kept; otherwise it replaces the root and sinks (ties between the two
    /// children go to the left one). Cost: `O(log size)`.
    pub(super) fn push(&mut self, val: f64, val_idx: usize) {
        let size = self.values.len();
        if size == 0 || val >= self.values[0] {
            return;
        }
        let mut current = 0;
        loop {
            let left = 2 * current + 1;
            let right = left + 1;
            let swap = if left >= size {
                break;
            } else if right >= size || self.values[left] >= self.values[right] {
                // Only a left child, or the left one is not smaller.
                if val < self.values[left] {
                    left
                } else {
                    break;
                }
            } else if val < self.values[right] {
                right
            } else {
                break;
            };
            self.values[current] = self.values[swap];
            self.indices[current] = self.indices[swap];
            current = swap;
        }
        self.values[current] = val;
        self.indices[current] = val_idx;
    }

    /// Sorts by distance with `simultaneous_sort` and returns the ids,
    /// nearest first.
    pub(super) fn into_sorted_indices(mut self) -> Vec<usize> {
        simultaneous_sort(&mut self.values, &mut self.indices);
        self.indices
    }
}

/// `simultaneous_sort(values, indices, n)` with two-way partitioning:
/// median-of-three quicksort on runs longer than 15, insertion sort below,
/// heapsort after `2·⌊log₂ n⌋` levels. Not stable. Cost: `O(n log n)`.
pub(super) fn simultaneous_sort(values: &mut [f64], indices: &mut [usize]) {
    let n = values.len();
    if n == 0 {
        return;
    }
    let max_depth = 2 * super::introselect::floor_log2(n) as isize;
    introsort(values, indices, max_depth);
}

fn introsort(mut values: &mut [f64], mut indices: &mut [usize], mut max_depth: isize) {
    while values.len() > 15 {
        let n = values.len();
        if max_depth <= 0 {
            heapsort(values, indices);
            return;
        }
        max_depth -= 1;
        let pivot = median_of_three(values, indices);
        let (mut i, mut j) = (1usize, n - 2);
        loop {
            while i <= j && values[i] < pivot {
                i += 1;
            }
            while i <= j && j > 0 && values[j] > pivot {
                j -= 1;
            }
            if i >= j {
                break;
            }
            swap(values, indices, i, j);
            i += 1;
            j -= 1;
        }
        let pivot_idx = i;
        swap(values, indices, pivot_idx, n - 1);
        let (left_v, right_v) = std::mem::take(&mut values).split_at_mut(pivot_idx);
        let (left_i, right_i) = std::mem::take(&mut indices).split_at_mut(pivot_idx);
        introsort(left_v, left_i, max_depth);
        values = &mut right_v[1..];
        indices = &mut right_i[1..];
    }
    insertion_sort(values, indices);
}

/// Smallest of `v[0]`, `v[n/2]`, `v[n−1]` to the front, the median to the
/// back (returned as the pivot), the largest to the middle.
fn median_of_three(values: &mut [f64], indices: &mut [usize]) -> f64 {
    let n = values.len();
    let mid = n / 2;
    if values[0] > values[n - 1] {
        swap(values, indices, 0, n - 1);
    }
    if values[n - 1] > values[mid] {
        swap(values, indices, n - 1, mid);
        if values[0] > values[n - 1] {
            swap(values, indices, 0, n - 1);
        }
    }
    values[n - 1]
}

fn insertion_sort(values: &mut [f64], indices: &mut [usize]) {
    for i in 1..values.len() {
        let (val, idx) = (values[i], indices[i]);
        let mut j = i;
        while j > 0 && values[j - 1] > val {
            values[j] = values[j - 1];
            indices[j] = indices[j - 1];
            j -= 1;
        }
        values[j] = val;
        indices[j] = idx;
    }
}

fn heapsort(values: &mut [f64], indices: &mut [usize]) {
    let n = values.len();
    if n < 2 {
        return;
    }
    let mut start = (n - 2) / 2;
    loop {
        sift_down(values, indices, start, n);
        if start == 0 {
            break;
        }
        start -= 1;
    }
    for end in (1..n).rev() {
        swap(values, indices, 0, end);
        sift_down(values, indices, 0, end);
    }
}

fn sift_down(values: &mut [f64], indices: &mut [usize], start: usize, end: usize) {
    let mut root = start;
    loop {
        let child = 2 * root + 1;
        let mut max = root;
        if child < end && values[max] < values[child] {
            max = child;
        }
        if child + 1 < end && values[max] < values[child + 1] {
            max = child + 1;
        }
        if max == root {
            return;
        }
        swap(values, indices, root, max);
        root = max;
    }
}

#[inline]
fn swap(values: &mut [f64], indices: &mut [usize], i: usize, j: usize) {
    values.swap(i, j);
    indices.swap(i, j);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_k_smallest_and_rejects_ties_with_the_largest() {
        let mut heap = NeighborHeap::new(3, f64::INFINITY, 0);
        for (i, d) in [5.0, 1.0, 4.0, 2.0, 4.0, 3.0].into_iter().enumerate() {
            heap.push(d, i);
        }
        assert_eq!(heap.largest(), 3.0);
        assert_eq!(heap.into_sorted_indices(), vec![1, 3, 5]);
        // A value equal to the largest is not taken.
        let mut heap = NeighborHeap::new(2, f64::INFINITY, 0);
        for (i, d) in [1.0, 2.0, 2.0].into_iter().enumerate() {
            heap.push(d, i);
        }
        assert_eq!(heap.indices.iter().copied().max(), Some(1));
    }

    #[test]
    fn sorts_long_runs() {
        let mut values: Vec<f64> = (0..100).map(|i| f64::from((i * 37) % 101)).collect();
        let mut indices: Vec<usize> = (0..100).collect();
        simultaneous_sort(&mut values, &mut indices);
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        assert!(indices
            .iter()
            .all(|&i| ((i * 37) % 101) as f64
                == values[indices.iter().position(|&x| x == i).unwrap()]));
    }
}
