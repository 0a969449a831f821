//! scikit-learn's brute-force k-nearest-neighbours search (`ArgKmin`,
//! euclidean), used when the data has more than 15 dimensions or
//! `k ≥ n/2`.
//!
//! Candidates are ranked by `max(0, (‖x‖² − 2⟨x, y⟩) + ‖y‖²)`; the rows are
//! cut into chunks of 256, each chunk fills its own [`NeighborHeap`] in
//! index order, and the chunk heaps are then pushed, slot by slot and chunk
//! by chunk, into the final heap. That is scikit-learn's `parallel_on_Y`
//! strategy with one OpenMP thread per chunk; with fewer threads than chunks
//! its static schedule hands each thread a run of consecutive chunks (one
//! heap per thread), and from `4 · 256 · threads` points on it switches to
//! one heap per point. agglo does not depend on the machine: it always
//! assumes a thread per chunk. So this is scikit-learn's exact behaviour up
//! to 256 points (one chunk) on data whose sums are exact (such as small
//! integers), and beyond that when scikit-learn has enough threads; its
//! norms and dot products come from BLAS, so ties within rounding error may
//! also be resolved differently. (Emulating the grouping for 2 threads
//! reproduced scikit-learn run on 2 threads on 40 of 40 tie-heavy cases of
//! 257–900 points.)
//!
//! Cost: `O(n² · d)`.

use ndarray::ArrayView2;

use super::neighbor_heap::NeighborHeap;

/// The chunk size of scikit-learn's pairwise-distance reductions.
const CHUNK: usize = 256;

/// The `k` nearest rows to row `i` (itself included), as the final heap
/// before sorting.
pub(super) fn query(data: ArrayView2<'_, f64>, norms: &[f64], i: usize, k: usize) -> NeighborHeap {
    let n = data.nrows();
    let x = data.row(i);
    let mut main = NeighborHeap::new(k, f64::MAX, 0);
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let mut chunk = NeighborHeap::new(k, f64::MAX, usize::MAX);
        for j in start..end {
            let dot = x
                .iter()
                .zip(data.row(j).iter())
                .fold(0.0, |acc, (&a, &b)| acc + a * b);
            let squared = ((norms[i] + -2.0 * dot) + norms[j]).max(0.0);
            chunk.push(squared, j);
        }
        for (&value, &index) in chunk.values.iter().zip(&chunk.indices) {
            main.push(value, index);
        }
        start = end;
    }
    main
}

/// `‖x‖²` of every row, summed left to right.
pub(super) fn squared_norms(data: ArrayView2<'_, f64>) -> Vec<f64> {
    data.rows()
        .into_iter()
        .map(|row| row.iter().fold(0.0, |acc, &v| acc + v * v))
        .collect()
}
