//! A connectivity graph from a sparse matrix in compressed-row form, as
//! SciPy holds it (`indptr`, `indices`, `data`), symmetrised as
//! scikit-learn's `_fix_connectivity` does: `C + Cᵀ`, explicit zeros gone.
//!
//! ```text
//! canonical C : each row sorted by column, duplicates summed (in order)
//! Cᵀ          : a counting sort of C by column (rows come out sorted)
//! row r       : merge row r of C with row r of Cᵀ, keep columns whose sum ≠ 0
//! ```
//! Rows already sorted without duplicates (what SciPy's canonical format
//! guarantees) are not sorted again. Cost `O(nnz + n)` then, memory two
//! copies of the structure.

use super::{out_of_range, Connectivity};
use crate::error::{AggloError, Result};

/// An integer type SciPy stores sparse indices in.
pub trait CsrIndex: Copy + Send + Sync + 'static {
    /// The value as an index, `None` when negative or too large.
    fn to_index(self) -> Option<usize>;
}

macro_rules! csr_index {
    ($($ty:ty),+) => {$(
        impl CsrIndex for $ty {
            #[inline]
            fn to_index(self) -> Option<usize> {
                usize::try_from(self).ok()
            }
        }
    )+};
}
csr_index!(i32, i64, u32, u64, usize);

/// A square sparse matrix in compressed rows with `f64` values, checked.
struct Rows {
    indptr: Vec<usize>,
    cols: Vec<usize>,
    values: Vec<f64>,
}

impl Connectivity {
    /// A graph from an `n_nodes × n_nodes` sparse matrix in compressed-row
    /// form (SciPy's `csr_array.indptr`, `.indices`, `.data`; 32- or 64-bit
    /// indices), symmetrised as scikit-learn does: `C + Cᵀ`, where entries
    /// that sum to zero disappear. Rows may be unsorted and hold duplicates
    /// (summed, as SciPy's `sum_duplicates`).
    ///
    /// ```
    /// use agglo::Connectivity;
    ///
    /// // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]: a path 0 - 1 - 2.
    /// let graph = Connectivity::from_csr(3, &[0i32, 1, 2, 2], &[1i32, 2], &[1.0, 2.0])?;
    /// assert_eq!(graph.neighbors(1), &[0, 2]);
    /// assert_eq!(graph, Connectivity::from_edges(3, &[(0, 1), (1, 2)])?);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// [`AggloError::InvalidCsr`] when `indptr` is not `n_nodes + 1`
    /// non-decreasing offsets from 0 to the number of entries, or `indices`
    /// and `data` differ in length; [`AggloError::EdgeOutOfRange`] for a
    /// column outside the matrix; [`AggloError::ConnectivityNotFinite`] for
    /// a NaN or infinite value; [`AggloError::TooLarge`] when the graph
    /// cannot be allocated.
    pub fn from_csr<I: CsrIndex>(
        n_nodes: usize,
        indptr: &[I],
        indices: &[I],
        data: &[f64],
    ) -> Result<Self> {
        let c = Rows::canonical(n_nodes, indptr, indices, data)?;
        let t = c.transposed(n_nodes);
        let mut out_indptr = Vec::with_capacity(n_nodes + 1);
        out_indptr.push(0);
        let mut out = Vec::with_capacity(c.cols.len() * 2);
        for r in 0..n_nodes {
            let (a_cols, a_vals) = c.row(r);
            let (b_cols, b_vals) = t.row(r);
            let (mut i, mut j) = (0, 0);
            while i < a_cols.len() || j < b_cols.len() {
                let (col, sum) = match (a_cols.get(i), b_cols.get(j)) {
                    (Some(&a), Some(&b)) if a == b => {
                        i += 1;
                        j += 1;
                        (a, a_vals[i - 1] + b_vals[j - 1])
                    }
                    (Some(&a), Some(&b)) if a < b => {
                        i += 1;
                        (a, a_vals[i - 1])
                    }
                    (Some(&a), None) => {
                        i += 1;
                        (a, a_vals[i - 1])
                    }
                    (_, Some(&b)) => {
                        j += 1;
                        (b, b_vals[j - 1])
                    }
                    (None, None) => unreachable!("the loop condition"),
                };
                if sum != 0.0 {
                    out.push(col);
                }
            }
            out_indptr.push(out.len());
        }
        Ok(Connectivity {
            n_nodes,
            indptr: out_indptr,
            indices: out,
        })
    }
}

impl Rows {
    /// Checks the arrays and sorts (and sums duplicates in) rows that need
    /// it.
    fn canonical<I: CsrIndex>(n: usize, indptr: &[I], indices: &[I], data: &[f64]) -> Result<Self> {
        let invalid = |reason: String| AggloError::InvalidCsr(reason);
        if indptr.len() != n.saturating_add(1) {
            return Err(invalid(format!(
                "indptr has {} entries for {n} rows (expected {})",
                indptr.len(),
                n as u128 + 1
            )));
        }
        if indices.len() != data.len() {
            return Err(invalid(format!(
                "{} indices but {} values",
                indices.len(),
                data.len()
            )));
        }
        let mut offsets = Vec::new();
        offsets
            .try_reserve_exact(n + 1)
            .map_err(|_| AggloError::TooLarge(format!("a graph of {n} nodes")))?;
        let mut last = 0;
        for (r, &p) in indptr.iter().enumerate() {
            let p = p.to_index().filter(|&p| p >= last && p <= indices.len());
            let Some(p) = p.filter(|&p| r > 0 || p == 0) else {
                return Err(invalid(format!(
                    "indptr must rise from 0 to the number of entries ({}); entry {r} does not",
                    indices.len()
                )));
            };
            offsets.push(p);
            last = p;
        }
        if last != indices.len() {
            return Err(invalid(format!(
                "indptr ends at {last}, but there are {} entries",
                indices.len()
            )));
        }
        let mut rows = Rows {
            indptr: Vec::with_capacity(n + 1),
            cols: Vec::with_capacity(indices.len()),
            values: Vec::with_capacity(indices.len()),
        };
        rows.indptr.push(0);
        let mut entries: Vec<(usize, f64)> = Vec::new();
        for r in 0..n {
            entries.clear();
            for k in offsets[r]..offsets[r + 1] {
                let col = indices[k].to_index().filter(|&c| c < n);
                let Some(col) = col else {
                    let shown = indices[k].to_index().unwrap_or(usize::MAX);
                    return Err(out_of_range(r, shown, n, n));
                };
                if !data[k].is_finite() {
                    return Err(AggloError::ConnectivityNotFinite {
                        row: r,
                        col,
                        value: data[k],
                    });
                }
                entries.push((col, data[k]));
            }
            if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
                // Stable, so duplicates are summed in the order given.
                entries.sort_by_key(|&(c, _)| c);
            }
            let mut iter = entries.iter().copied().peekable();
            while let Some((col, mut sum)) = iter.next() {
                while let Some(&(next, v)) = iter.peek() {
                    if next != col {
                        break;
                    }
                    sum += v;
                    iter.next();
                }
                rows.cols.push(col);
                rows.values.push(sum);
            }
            rows.indptr.push(rows.cols.len());
        }
        Ok(rows)
    }

    /// `Cᵀ` by a counting sort on the columns; its rows come out sorted.
    fn transposed(&self, n: usize) -> Rows {
        let mut indptr = vec![0usize; n + 1];
        for &c in &self.cols {
            indptr[c + 1] += 1;
        }
        for i in 0..n {
            indptr[i + 1] += indptr[i];
        }
        let mut next = indptr.clone();
        let mut cols = vec![0; self.cols.len()];
        let mut values = vec![0.0; self.cols.len()];
        for r in 0..n {
            let (row_cols, row_values) = self.row(r);
            for (&c, &v) in row_cols.iter().zip(row_values) {
                cols[next[c]] = r;
                values[next[c]] = v;
                next[c] += 1;
            }
        }
        Rows {
            indptr,
            cols,
            values,
        }
    }

    fn row(&self, r: usize) -> (&[usize], &[f64]) {
        let range = self.indptr[r]..self.indptr[r + 1];
        (&self.cols[range.clone()], &self.values[range])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_triplets_on_unsorted_rows_with_duplicates() {
        // Row 0: columns 2, 1, 2 (duplicate), row 1: (1, 0) cancels (0, 1).
        let indptr = [0i64, 3, 4, 4];
        let indices = [2i64, 1, 2, 0];
        let data = [1.0, 2.0, -0.5, -2.0];
        let csr = Connectivity::from_csr(3, &indptr, &indices, &data).unwrap();
        let triplets =
            Connectivity::from_triplets((3, 3), &[0, 0, 0, 1], &[2, 1, 2, 0], &data).unwrap();
        assert_eq!(csr, triplets);
        assert_eq!(csr.neighbors(0), &[2]);
        assert_eq!(csr.neighbors(1), &[] as &[usize]);
    }

    #[test]
    fn bad_arrays_are_refused() {
        let e = Connectivity::from_csr(2, &[0i32, 1], &[0], &[1.0]).unwrap_err();
        assert!(
            e.to_string().contains("indptr has 2 entries for 2 rows"),
            "{e}"
        );
        let e = Connectivity::from_csr(2, &[0i32, 2, 1], &[0, 1], &[1.0, 1.0]).unwrap_err();
        assert!(e.to_string().contains("entry 2 does not"), "{e}");
        let e = Connectivity::from_csr(2, &[0i32, 1, 1], &[5], &[1.0]).unwrap_err();
        assert!(
            matches!(e, AggloError::EdgeOutOfRange { col: 5, .. }),
            "{e}"
        );
        let e = Connectivity::from_csr(2, &[0i32, 1, 1], &[-1], &[1.0]).unwrap_err();
        assert!(matches!(e, AggloError::EdgeOutOfRange { .. }), "{e}");
        let e = Connectivity::from_csr(2, &[0i32, 1, 1], &[1], &[f64::NAN]).unwrap_err();
        assert!(matches!(e, AggloError::ConnectivityNotFinite { .. }), "{e}");
        let e = Connectivity::from_csr(2, &[0i32, 1, 1], &[1], &[]).unwrap_err();
        assert!(e.to_string().contains("1 indices but 0 values"), "{e}");
    }
}
