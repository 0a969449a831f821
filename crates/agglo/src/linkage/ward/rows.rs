//! [`Rows`]: where the `d`-vectors of the Ward merge loop live.

use std::ops::{Deref, DerefMut};

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// The memory of the rows: a vector of the loop's own, or the caller's
/// points lent to be used up.
pub(super) enum Store<'a> {
    Own(Vec<f64>),
    Lent(&'a mut [f64]),
}

impl Deref for Store<'_> {
    type Target = [f64];
    #[inline(always)]
    fn deref(&self) -> &[f64] {
        match self {
            Store::Own(v) => v,
            Store::Lent(s) => s,
        }
    }
}

impl DerefMut for Store<'_> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [f64] {
        match self {
            Store::Own(v) => v,
            Store::Lent(s) => s,
        }
    }
}

/// The `d`-vectors of the algorithm, one row each: the points (a leaf's
/// sum `m2`, which is also its centroid), and the sum and centroid of every
/// live merged node.
pub(super) struct Rows<'a> {
    pub(super) dim: usize,
    /// The points when borrowed; `None` when `store` begins with them.
    pub(super) points: Option<&'a [f64]>,
    /// Rows of the merged nodes (after the points when those are owned
    /// or lent). Only an [`Store::Own`] store without points grows.
    pub(super) store: Store<'a>,
    /// Rows of `store` given back by merged-away nodes (borrowed points
    /// only: owned points always leave a merge two leaf rows to use).
    pub(super) free: Vec<usize>,
}

impl<'a> Rows<'a> {
    pub(super) fn borrowed(points: &'a [f64], dim: usize) -> Self {
        Rows {
            dim,
            points: Some(points),
            store: Store::Own(Vec::new()),
            free: Vec::new(),
        }
    }

    pub(super) fn owned(points: Vec<f64>, dim: usize) -> Self {
        Rows {
            dim,
            points: None,
            store: Store::Own(points),
            free: Vec::new(),
        }
    }

    /// Points lent to be used up: like [`Rows::owned`], in the caller's
    /// memory.
    pub(super) fn lent(points: &'a mut [f64], dim: usize) -> Self {
        Rows {
            dim,
            points: None,
            store: Store::Lent(points),
            free: Vec::new(),
        }
    }

    /// The rows of `points`, read in place when contiguous.
    pub(super) fn of_view(points: ArrayView2<'a, f64>) -> Self {
        let dim = points.ncols();
        match points.to_slice() {
            Some(data) => Rows::borrowed(data, dim),
            None => Rows::owned(points.iter().copied().collect(), dim),
        }
    }

    /// The rows of `points` handed over, used up by the merges.
    pub(super) fn of_owned(points: Array2<f64>) -> Self {
        let dim = points.ncols();
        let data = if points.is_standard_layout() {
            match points.into_raw_vec_and_offset() {
                (data, Some(0) | None) => data,
                (data, Some(offset)) => data[offset..].to_vec(),
            }
        } else {
            points.iter().copied().collect()
        };
        Rows::owned(data, dim)
    }

    /// The rows of `points` lent, used up in place when contiguous.
    pub(super) fn of_lent(points: ArrayViewMut2<'a, f64>) -> Self {
        let dim = points.ncols();
        if !points.is_standard_layout() {
            return Rows::owned(points.iter().copied().collect(), dim);
        }
        match points.into_slice() {
            Some(data) => Rows::lent(data, dim),
            None => unreachable!("checked to be contiguous"),
        }
    }

    /// The point of `leaf`.
    #[inline(always)]
    pub(super) fn leaf(&self, leaf: usize) -> &[f64] {
        let range = leaf * self.dim..(leaf + 1) * self.dim;
        match self.points {
            Some(points) => &points[range],
            None => &self.store[range],
        }
    }

    /// Row `r` of the store.
    #[inline(always)]
    pub(super) fn row(&self, r: usize) -> &[f64] {
        &self.store[r * self.dim..(r + 1) * self.dim]
    }

    /// Row `r` of the store, writable.
    #[inline(always)]
    pub(super) fn row_mut(&mut self, r: usize) -> &mut [f64] {
        &mut self.store[r * self.dim..(r + 1) * self.dim]
    }

    /// Rows `a` and `b` (distinct) of the store, the first writable.
    #[inline(always)]
    pub(super) fn row_pair(&mut self, a: usize, b: usize) -> (&mut [f64], &[f64]) {
        let dim = self.dim;
        if a < b {
            let (low, high) = self.store.split_at_mut(b * dim);
            (&mut low[a * dim..(a + 1) * dim], &high[..dim])
        } else {
            let (low, high) = self.store.split_at_mut(a * dim);
            (&mut high[..dim], &low[b * dim..(b + 1) * dim])
        }
    }

    /// Reserves the most rows borrowed points can need, two per live merged
    /// node, of which there are at most `n/2` and at most `n_merges`, so
    /// that the store is never copied as it grows. This is address space:
    /// pages are only touched as rows are used. When the system refuses
    /// it, the store grows as needed instead.
    pub(super) fn reserve_for(&mut self, n: usize, n_merges: usize) {
        if let (Some(_), Store::Own(store)) = (self.points, &mut self.store) {
            let rows = 2 * n_merges.min(n / 2);
            let _ = store.try_reserve_exact(rows.saturating_mul(self.dim.max(1)));
        }
    }

    /// A row for a new merged node (borrowed points only, whose store is
    /// always the loop's own).
    pub(super) fn allocate(&mut self) -> usize {
        let dim = self.dim.max(1);
        self.free.pop().unwrap_or_else(|| match &mut self.store {
            Store::Own(store) => {
                let r = store.len() / dim;
                store.resize(store.len() + dim, 0.0);
                r
            }
            Store::Lent(_) => unreachable!("rows are allocated for borrowed points only"),
        })
    }
}
