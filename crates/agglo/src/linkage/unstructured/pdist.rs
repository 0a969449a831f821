//! Pairwise distances in scipy's condensed layout, computed with the
//! floating-point operations scipy 1.17's `pdist` performs.
//!
//! The kernels were matched bit for bit against scipy by experiment:
//!
//! - **euclidean** (`_distance_pybind`, C++): `s += (u[k] − v[k])²` summed
//!   strictly in `k` order, then `sqrt(s)`. scipy's kernel interleaves
//!   several *pairs* for instruction-level parallelism but never reorders the
//!   sum of one pair; [`euclidean_rows`] does the same with four pairs.
//! - **cityblock** (`_distance_pybind`): `s += |u[k] − v[k]|` in `k` order.
//! - **cosine** (`_distance_wrap`, C): the dot product and both squared norms
//!   are summed with *two* interleaved accumulators (even and odd `k`, added
//!   together at the end, then the odd last term): the C source reads as a
//!   plain loop, but the shipped binary sums like a 2-lane SIMD reduction
//!   (found by testing 1..400 coordinates against scipy; a sequential sum
//!   differs from dimension 4 on). Then `c = dot / (‖u‖·‖v‖)`, clipped to
//!   `[−1, 1]`, and the distance is `1 − c`.
//!
//! Every kernel costs `O(n² d)` time; the condensed matrix takes
//! `n (n − 1) / 2` doubles.

use ndarray::ArrayView2;

use crate::error::{AggloError, Result};
use crate::exact::kernels::lane_sums;

/// A condensed distance matrix: the strict upper triangle of the square
/// matrix, row by row, as scipy's `pdist` returns it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Condensed {
    n: usize,
    values: Vec<f64>,
}

impl Condensed {
    /// A matrix over `n` points with every distance zero, refusing sizes
    /// that cannot be allocated.
    fn zeros(n: usize) -> Result<Self> {
        let len = condensed_len(n).ok_or_else(|| too_large(n))?;
        let mut values = Vec::new();
        values.try_reserve_exact(len).map_err(|_| too_large(n))?;
        values.resize(len, 0.0);
        Ok(Condensed { n, values })
    }

    /// The number of points.
    pub(super) fn n(&self) -> usize {
        self.n
    }

    /// The position of the pair `{i, j}` (`i ≠ j`) in the condensed vector,
    /// scipy's `condensed_index`.
    #[inline]
    pub(super) fn index(&self, i: usize, j: usize) -> usize {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        self.n * i - i * (i + 1) / 2 + (j - i - 1)
    }

    /// The distance between `i` and `j` (`i ≠ j`).
    #[inline]
    pub(super) fn get(&self, i: usize, j: usize) -> f64 {
        self.values[self.index(i, j)]
    }

    /// Overwrites the distance between `i` and `j` (`i ≠ j`).
    #[inline]
    pub(super) fn set(&mut self, i: usize, j: usize, value: f64) {
        let k = self.index(i, j);
        self.values[k] = value;
    }

    /// The distances from `i` to `i + 1, …, n − 1`, contiguous.
    #[inline]
    pub(super) fn row_after(&self, i: usize) -> &[f64] {
        let start = self.n * i - i * (i + 1) / 2;
        &self.values[start..start + (self.n - i - 1)]
    }

    /// The first pair `(i, j)`, `i < j`, in condensed order whose distance is
    /// NaN or infinite, with that value. scipy's `linkage` refuses such a
    /// matrix.
    pub(super) fn first_non_finite(&self) -> Option<(usize, usize, f64)> {
        let k = self.values.iter().position(|d| !d.is_finite())?;
        let (i, j) = self.pair_of(k);
        Some((i, j, self.values[k]))
    }

    /// The pair stored at position `k`.
    fn pair_of(&self, mut k: usize) -> (usize, usize) {
        let mut i = 0;
        while k >= self.n - i - 1 {
            k -= self.n - i - 1;
            i += 1;
        }
        (i, i + 1 + k)
    }

    /// The matrix of `distance(i, j)` over the pairs `i < j`.
    pub(super) fn from_pairs(n: usize, distance: impl Fn(usize, usize) -> f64) -> Result<Self> {
        Self::from_rows(n, |i, out| {
            for (o, j) in out.iter_mut().zip(i + 1..) {
                *o = distance(i, j);
            }
        })
    }

    /// Fills the matrix row by row: `row(i, out)` writes the distances from
    /// `i` to `i + 1, …` into `out`.
    fn from_rows(n: usize, mut row: impl FnMut(usize, &mut [f64])) -> Result<Self> {
        let mut m = Condensed::zeros(n)?;
        let mut start = 0;
        for i in 0..n.saturating_sub(1) {
            let len = n - i - 1;
            row(i, &mut m.values[start..start + len]);
            start += len;
        }
        Ok(m)
    }
}

/// `n (n − 1) / 2`, or `None` when it overflows.
fn condensed_len(n: usize) -> Option<usize> {
    let (a, b) = if n.is_multiple_of(2) {
        (n / 2, n.saturating_sub(1))
    } else {
        (n, n / 2)
    };
    a.checked_mul(b).filter(|len| len.checked_mul(8).is_some())
}

#[cold]
fn too_large(n: usize) -> AggloError {
    AggloError::TooLarge(format!("a condensed distance matrix over {n} points"))
}

/// The points as one contiguous row-major slice and its row width.
pub(super) struct Rows<'a> {
    data: std::borrow::Cow<'a, [f64]>,
    width: usize,
    n: usize,
}

impl<'a> Rows<'a> {
    /// Borrows `points` when it is already row-major, copies it otherwise.
    pub(super) fn new(points: ArrayView2<'a, f64>) -> Self {
        let (n, width) = points.dim();
        let data = match points.to_slice() {
            Some(slice) => std::borrow::Cow::Borrowed(slice),
            None => std::borrow::Cow::Owned(points.iter().copied().collect()),
        };
        Rows { data, width, n }
    }

    /// The number of points.
    pub(super) fn len(&self) -> usize {
        self.n
    }

    /// The number of coordinates of a point.
    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// Point `i`.
    #[inline]
    pub(super) fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.width..(i + 1) * self.width]
    }
}

/// Euclidean distance, summed in coordinate order (scipy's and
/// scikit-learn's `EuclideanDistance.dist`).
#[inline]
pub(super) fn euclidean(u: &[f64], v: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in u.iter().zip(v) {
        let t = a - b;
        s += t * t;
    }
    s.sqrt()
}

/// Manhattan distance, summed in coordinate order.
#[inline]
pub(super) fn cityblock(u: &[f64], v: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in u.iter().zip(v) {
        s += (a - b).abs();
    }
    s
}

/// Fills `out` with `finish(Σ_k term(u[k], v_j[k]))` for the points
/// `j = i + 1, …` of `rows`, four pairs at a time.
fn rows_after(
    rows: &Rows<'_>,
    i: usize,
    out: &mut [f64],
    term: impl Fn(f64, f64) -> f64 + Copy,
    finish: impl Fn(f64) -> f64,
) {
    let u = rows.row(i);
    let mut blocks = out.chunks_exact_mut(4);
    let mut j = i + 1;
    for block in &mut blocks {
        let sums = lane_sums(
            u,
            [
                rows.row(j),
                rows.row(j + 1),
                rows.row(j + 2),
                rows.row(j + 3),
            ],
            term,
        );
        for (o, s) in block.iter_mut().zip(sums) {
            *o = finish(s);
        }
        j += 4;
    }
    for o in blocks.into_remainder() {
        let mut s = 0.0;
        for (&a, &b) in u.iter().zip(rows.row(j)) {
            s += term(a, b);
        }
        *o = finish(s);
        j += 1;
    }
}

/// scipy's `pdist(X, 'euclidean')`.
pub(super) fn euclidean_rows(rows: &Rows<'_>) -> Result<Condensed> {
    Condensed::from_rows(rows.len(), |i, out| {
        rows_after(
            rows,
            i,
            out,
            |a, b| {
                let t = a - b;
                t * t
            },
            f64::sqrt,
        );
    })
}

/// scipy's `pdist(X, 'cityblock')`.
pub(super) fn cityblock_rows(rows: &Rows<'_>) -> Result<Condensed> {
    Condensed::from_rows(rows.len(), |i, out| {
        rows_after(rows, i, out, |a, b| (a - b).abs(), |s| s);
    })
}

/// `Σ_k u[k]·v[k]` summed as scipy's compiled `dot_product` sums it: two
/// accumulators for even and odd `k`, added together, then the last term
/// when the length is odd.
#[inline]
pub(super) fn dot_two_lanes(u: &[f64], v: &[f64]) -> f64 {
    let len = u.len().min(v.len());
    let (u, v) = (&u[..len], &v[..len]);
    let mut lanes = [0.0, 0.0];
    let pairs = len / 2;
    for k in 0..pairs {
        lanes[0] += u[2 * k] * v[2 * k];
        lanes[1] += u[2 * k + 1] * v[2 * k + 1];
    }
    let mut s = lanes[0] + lanes[1];
    if len % 2 == 1 {
        s += u[len - 1] * v[len - 1];
    }
    s
}

/// scipy's `pdist(X, 'cosine')`; no point may be all zeros (the caller
/// checks, as scikit-learn does).
pub(super) fn cosine_rows(rows: &Rows<'_>) -> Result<Condensed> {
    let norms: Vec<f64> = (0..rows.len())
        .map(|i| dot_two_lanes(rows.row(i), rows.row(i)).sqrt())
        .collect();
    Condensed::from_rows(rows.len(), |i, out| {
        let u = rows.row(i);
        for (o, j) in out.iter_mut().zip(i + 1..) {
            let mut cosine = dot_two_lanes(u, rows.row(j)) / (norms[i] * norms[j]);
            if cosine.abs() > 1.0 {
                cosine = 1f64.copysign(cosine);
            }
            *o = 1.0 - cosine;
        }
    })
}

/// The strict upper triangle of a square distance matrix, row-major, as
/// scikit-learn's `X[np.triu_indices(n, k=1)]` (the lower triangle and the
/// diagonal are never read).
pub(super) fn upper_triangle(matrix: ArrayView2<'_, f64>) -> Result<Condensed> {
    Condensed::from_rows(matrix.nrows(), |i, out| {
        for (o, j) in out.iter_mut().zip(i + 1..) {
            *o = matrix[[i, j]];
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn index_follows_scipy_condensed_order() {
        let m = Condensed::zeros(5).unwrap();
        let mut k = 0;
        for i in 0..5 {
            for j in i + 1..5 {
                assert_eq!(m.index(i, j), k);
                assert_eq!(m.index(j, i), k);
                assert_eq!(m.pair_of(k), (i, j));
                k += 1;
            }
        }
        assert_eq!(m.values.len(), 10);
        assert_eq!(m.row_after(3).len(), 1);
    }

    #[test]
    fn degenerate_sizes() {
        assert_eq!(Condensed::zeros(0).unwrap().values.len(), 0);
        assert_eq!(Condensed::zeros(1).unwrap().values.len(), 0);
        assert!(Condensed::zeros(usize::MAX).is_err());
    }

    #[test]
    fn two_lane_sum_differs_from_sequential_as_scipy_does() {
        // (1e16 + 1) + (-1e16) + 1: sequential gives 1, the two lanes give
        // (1e16 − 1e16) + (1 + 1) = 2.
        let u = [1e16, 1.0, -1e16, 1.0];
        let ones = [1.0; 4];
        assert_eq!(dot_two_lanes(&u, &ones), 2.0);
        let sequential: f64 = u.iter().sum();
        assert_eq!(sequential, 1.0);
        // Odd length: the last term is added after the lanes are combined.
        assert_eq!(dot_two_lanes(&[1.0, 2.0, 3.0], &[1.0, 1.0, 1.0]), 6.0);
        assert_eq!(dot_two_lanes(&[], &[]), 0.0);
    }

    #[test]
    fn kernels_agree_with_one_pair_formulas() {
        let x = array![
            [0.5, -1.0, 2.0],
            [1.5, 0.25, -3.0],
            [0.0, 1.0, 1.0],
            [7.0, 2.0, 0.5],
            [-2.0, -2.0, 4.0],
            [1.0, 3.0, -1.0],
            [0.1, 0.2, 0.3]
        ];
        let rows = Rows::new(x.view());
        let e = euclidean_rows(&rows).unwrap();
        let c = cityblock_rows(&rows).unwrap();
        for i in 0..7 {
            for j in i + 1..7 {
                assert_eq!(e.get(i, j), euclidean(rows.row(i), rows.row(j)));
                assert_eq!(c.get(i, j), cityblock(rows.row(i), rows.row(j)));
            }
        }
        assert_eq!(c.get(0, 1), 1.0 + 1.25 + 5.0);
    }

    #[test]
    fn cosine_matches_scipy_rounding() {
        // scipy: pdist([[1, 2], [2, 4], [-1, -2]], 'cosine')
        let x = array![[1.0, 2.0], [2.0, 4.0], [-1.0, -2.0]];
        let m = cosine_rows(&Rows::new(x.view())).unwrap();
        assert_eq!(
            m.values,
            [
                2.220446049250313e-16,
                1.9999999999999998,
                1.9999999999999998
            ]
        );
        // Rounding above 1 is clipped: the distance never goes below 0.
        let x = array![[0.1, 0.1, 0.1], [0.3, 0.3, 0.3]];
        assert!(cosine_rows(&Rows::new(x.view())).unwrap().values[0] >= 0.0);
    }

    #[test]
    fn upper_triangle_ignores_lower_half() {
        let p = array![[9.0, 1.0, 2.0], [-5.0, 9.0, 3.0], [-5.0, -5.0, 9.0]];
        let m = upper_triangle(p.view()).unwrap();
        assert_eq!(m.values, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn non_finite_entries_are_located() {
        let p = array![[0.0, 1.0, 2.0], [1.0, 0.0, f64::INFINITY], [2.0, 0.0, 0.0]];
        let m = upper_triangle(p.view()).unwrap();
        assert_eq!(m.first_non_finite(), Some((1, 2, f64::INFINITY)));
    }

    #[test]
    fn non_contiguous_points_are_copied() {
        let x = array![[1.0, 2.0], [3.0, 5.0], [0.0, 0.0]];
        let t = x.t();
        let rows = Rows::new(t);
        assert_eq!(rows.row(1), &[2.0, 5.0, 0.0]);
    }
}
