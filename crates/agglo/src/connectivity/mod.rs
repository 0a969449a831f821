//! Connectivity graphs: which points may be merged directly.
//!
//! A [`Connectivity`] is a symmetric sparse adjacency structure over the
//! points being clustered, stored as compressed rows with ascending column
//! indices, like the LIL matrix scikit-learn works with after
//! `_fix_connectivity`. Build one from a grid ([`grid_to_graph`]), an edge
//! list ([`Connectivity::from_edges`]), sparse triplets
//! ([`Connectivity::from_triplets`]) or SciPy's compressed rows
//! ([`Connectivity::from_csr`]).

mod complete;
mod components;
mod csr;
mod grid;
mod image;
mod knn;

pub(crate) use complete::complete;
pub use complete::{complete_components, Completion};
pub use components::connected_components;
pub use csr::CsrIndex;
pub use grid::grid_to_graph;
pub use image::{img_to_graph, WeightedGraph};
pub use knn::{kneighbors, kneighbors_graph};

use crate::error::{AggloError, Result};

/// A symmetric adjacency structure over `n_nodes` points.
///
/// Self-loops may be present (grid graphs carry them, as scikit-learn's do);
/// they never cause a merge. Values are not kept: Ward linkage uses only the
/// structure.
///
/// ```
/// use agglo::Connectivity;
///
/// // A path 0 - 1 - 2 and an isolated node 3, given in one direction only.
/// let graph = Connectivity::from_edges(4, &[(1, 0), (1, 2)])?;
/// assert_eq!(graph.neighbors(1), &[0, 2]);
/// assert_eq!(graph.n_connected_components(), 2);
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connectivity {
    n_nodes: usize,
    indptr: Vec<usize>,
    indices: Vec<usize>,
}

impl Connectivity {
    /// A graph from undirected edges `(a, b)`; each edge is added in both
    /// directions, duplicates collapse, `(a, a)` is a self-loop.
    ///
    /// # Errors
    /// [`AggloError::EdgeOutOfRange`] when a node id is `>= n_nodes`;
    /// [`AggloError::TooLarge`] when `n_nodes` nodes cannot be allocated.
    pub fn from_edges(n_nodes: usize, edges: &[(usize, usize)]) -> Result<Self> {
        let mut pairs = Vec::with_capacity(edges.len() * 2);
        for &(a, b) in edges {
            if a >= n_nodes || b >= n_nodes {
                return Err(out_of_range(a, b, n_nodes, n_nodes));
            }
            pairs.push((a, b));
            pairs.push((b, a));
        }
        pairs.sort_unstable();
        pairs.dedup();
        Self::from_sorted_pairs(n_nodes, &pairs)
    }

    /// A graph from a sparse matrix given as `(row, col, value)` triplets
    /// (COO format, duplicates summed), symmetrised as scikit-learn does:
    /// `C + Cᵀ`, where entries that sum to zero disappear.
    ///
    /// ```
    /// use agglo::Connectivity;
    ///
    /// let graph = Connectivity::from_triplets((3, 3), &[0, 1], &[1, 2], &[1.0, 0.0])?;
    /// assert_eq!(graph.neighbors(1), &[0]); // the explicit zero at (1, 2) vanished
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// A non-square shape, triplet arrays of different lengths, an index
    /// out of range or a non-finite value; [`AggloError::TooLarge`] for a
    /// shape whose nodes cannot be allocated.
    pub fn from_triplets(
        shape: (usize, usize),
        rows: &[usize],
        cols: &[usize],
        values: &[f64],
    ) -> Result<Self> {
        let (n_rows, n_cols) = shape;
        if n_rows != n_cols {
            return Err(AggloError::ConnectivityNotSquare {
                rows: n_rows,
                cols: n_cols,
            });
        }
        if rows.len() != cols.len() || rows.len() != values.len() {
            return Err(AggloError::TripletLengths {
                rows: rows.len(),
                cols: cols.len(),
                values: values.len(),
            });
        }
        let mut entries = Vec::with_capacity(rows.len() * 2);
        for ((&r, &c), &v) in rows.iter().zip(cols).zip(values) {
            if r >= n_rows || c >= n_cols {
                return Err(out_of_range(r, c, n_rows, n_cols));
            }
            if !v.is_finite() {
                return Err(AggloError::ConnectivityNotFinite {
                    row: r,
                    col: c,
                    value: v,
                });
            }
            entries.push((r, c, v));
            entries.push((c, r, v));
        }
        // Stable sort, so duplicates are summed in input order.
        entries.sort_by_key(|&(r, c, _)| (r, c));
        let mut pairs = Vec::with_capacity(entries.len());
        let mut iter = entries.into_iter().peekable();
        while let Some((r, c, mut sum)) = iter.next() {
            while let Some(&(r2, c2, v)) = iter.peek() {
                if (r2, c2) != (r, c) {
                    break;
                }
                sum += v;
                iter.next();
            }
            if sum != 0.0 {
                pairs.push((r, c));
            }
        }
        Self::from_sorted_pairs(n_rows, &pairs)
    }

    /// Builds the compressed rows from pairs sorted by (row, col), no
    /// duplicates.
    ///
    /// # Errors
    /// [`AggloError::TooLarge`] when the row pointers of `n_nodes` nodes
    /// cannot be allocated (a corrupt shape, say).
    fn from_sorted_pairs(n_nodes: usize, pairs: &[(usize, usize)]) -> Result<Self> {
        let mut indptr = Vec::new();
        n_nodes
            .checked_add(1)
            .and_then(|len| indptr.try_reserve_exact(len).ok())
            .ok_or_else(|| AggloError::TooLarge(format!("a graph of {n_nodes} nodes")))?;
        indptr.resize(n_nodes + 1, 0usize);
        for &(r, _) in pairs {
            indptr[r + 1] += 1;
        }
        for i in 0..n_nodes {
            indptr[i + 1] += indptr[i];
        }
        let indices = pairs.iter().map(|&(_, c)| c).collect();
        Ok(Connectivity {
            n_nodes,
            indptr,
            indices,
        })
    }

    /// The number of nodes (points).
    pub fn n_nodes(&self) -> usize {
        self.n_nodes
    }

    /// The number of stored adjacency entries (both directions and
    /// self-loops counted), like `nnz` of the sparse matrix.
    pub fn n_entries(&self) -> usize {
        self.indices.len()
    }

    /// The neighbours of `node` in ascending order, itself included when it
    /// has a self-loop.
    ///
    /// # Panics
    /// When `node >= self.n_nodes()`.
    pub fn neighbors(&self, node: usize) -> &[usize] {
        &self.indices[self.indptr[node]..self.indptr[node + 1]]
    }

    /// Every stored entry as `(row, col)`, rows ascending, then columns.
    pub fn entries(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.n_nodes).flat_map(move |r| self.neighbors(r).iter().map(move |&c| (r, c)))
    }

    /// The number of connected components.
    pub fn n_connected_components(&self) -> usize {
        connected_components(self).0
    }

    /// A copy with the undirected edges `extra` added.
    pub(crate) fn with_edges(&self, extra: &[(usize, usize)]) -> Result<Self> {
        let mut pairs: Vec<(usize, usize)> = self.entries().collect();
        for &(a, b) in extra {
            pairs.push((a, b));
            pairs.push((b, a));
        }
        pairs.sort_unstable();
        pairs.dedup();
        Self::from_sorted_pairs(self.n_nodes, &pairs)
    }
}

#[cold]
fn out_of_range(row: usize, col: usize, n_rows: usize, n_cols: usize) -> AggloError {
    AggloError::EdgeOutOfRange {
        row,
        col,
        n_rows,
        n_cols,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_symmetrised_and_sorted() {
        let g = Connectivity::from_edges(3, &[(2, 0), (0, 2), (1, 1)]).unwrap();
        assert_eq!(g.neighbors(0), &[2]);
        assert_eq!(g.neighbors(1), &[1]);
        assert_eq!(g.neighbors(2), &[0]);
        assert_eq!(g.n_entries(), 3);
    }

    #[test]
    fn triplets_cancel_to_nothing() {
        let g = Connectivity::from_triplets((2, 2), &[0, 1], &[1, 0], &[1.0, -1.0]).unwrap();
        assert_eq!(g.n_entries(), 0);
        assert_eq!(g.n_connected_components(), 2);
    }

    #[test]
    fn bad_triplets_are_refused() {
        let err = Connectivity::from_triplets((2, 3), &[], &[], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "connectivity matrix must be square, got shape (2, 3)"
        );
        let err = Connectivity::from_triplets((2, 2), &[0], &[5], &[1.0]).unwrap_err();
        assert!(err.to_string().contains("(0, 5) is out of range"), "{err}");
        let err = Connectivity::from_triplets((2, 2), &[0], &[1], &[f64::NAN]).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
        let err = Connectivity::from_edges(2, &[(0, 2)]).unwrap_err();
        assert!(matches!(err, AggloError::EdgeOutOfRange { col: 2, .. }));
    }
}
