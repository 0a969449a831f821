//! The weighted graph of one ReNA level: symmetric compressed rows without
//! self-loops, each edge weighted by the squared distance of its ends.
//!
//! nilearn builds it as a SciPy CSR matrix; only its sparsity pattern and
//! the values matter (the storage order never reaches the labels), so it is
//! kept here with sorted rows and weights computed once per undirected edge.

use rayon::prelude::*;

use crate::connectivity::Connectivity;
use crate::error::{AggloError, Result};
use crate::exact::summation::{numpy_sum, Real};

/// Rows of a level's data: node `i` is `values[i * width..(i + 1) * width]`,
/// one value per sample.
pub(super) struct Rows<'a, T> {
    pub values: &'a [T],
    pub width: usize,
}

impl<T: Copy> Rows<'_, T> {
    #[inline]
    pub fn row(&self, i: usize) -> &[T] {
        &self.values[i * self.width..(i + 1) * self.width]
    }
}

/// A symmetric weighted graph in compressed rows (ascending columns, no
/// self-loops). `W` is the precision of the weights: `f64` on the first
/// level (nilearn computes them from a `float64` copy of the data), the
/// data's own type after.
#[derive(Debug, Clone)]
pub(super) struct Graph<W> {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub weights: Vec<W>,
}

impl<W: Real> Graph<W> {
    pub fn n_nodes(&self) -> usize {
        self.indptr.len() - 1
    }

    /// The entries `(j, w)` of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, W)> + '_ {
        let span = self.indptr[i]..self.indptr[i + 1];
        self.indices[span.clone()]
            .iter()
            .map(|&j| j as usize)
            .zip(self.weights[span].iter().copied())
    }

    /// The graph of the sorted undirected edges `upper` (`a < b`), weighted
    /// by `weight(a, b)`, computed in parallel once per edge and mirrored.
    /// `weight` gets a scratch buffer of its thread.
    fn from_upper<F>(n_nodes: usize, upper: &[(u32, u32)], weight: F) -> Self
    where
        F: Fn(&mut Vec<W>, usize, usize) -> W + Sync,
    {
        let upper_weights: Vec<W> = upper
            .par_iter()
            .with_min_len(1 << 10)
            .map_init(Vec::new, |buffer, &(a, b)| {
                weight(buffer, a as usize, b as usize)
            })
            .collect();
        Self::mirror(n_nodes, upper, &upper_weights)
    }

    /// Both directions of the sorted undirected edges `upper` with their
    /// weights, as sorted compressed rows.
    fn mirror(n_nodes: usize, upper: &[(u32, u32)], upper_weights: &[W]) -> Self {
        let mut degree = vec![0usize; n_nodes + 1];
        for &(a, b) in upper {
            degree[a as usize + 1] += 1;
            degree[b as usize + 1] += 1;
        }
        for i in 0..n_nodes {
            degree[i + 1] += degree[i];
        }
        let indptr = degree;
        let mut cursor = indptr[..n_nodes].to_vec();
        let mut indices = vec![0u32; indptr[n_nodes]];
        let mut weights = vec![W::ZERO; indptr[n_nodes]];
        // Row `b`'s entries below the diagonal come first and in ascending
        // `a`, the order in which `upper` lists them; row `a`'s entries above
        // the diagonal follow in ascending `b`.
        for (&(a, b), &w) in upper.iter().zip(upper_weights) {
            let at = cursor[b as usize];
            indices[at] = a;
            weights[at] = w;
            cursor[b as usize] += 1;
        }
        for (&(a, b), &w) in upper.iter().zip(upper_weights) {
            let at = cursor[a as usize];
            indices[at] = b;
            weights[at] = w;
            cursor[a as usize] += 1;
        }
        Graph {
            indptr,
            indices,
            weights,
        }
    }

    /// The sorted undirected edges `(a, b)`, `a < b`.
    pub fn upper(&self) -> Vec<(u32, u32)> {
        (0..self.n_nodes())
            .into_par_iter()
            .with_min_len(1 << 12)
            .flat_map_iter(|a| {
                let span = self.indptr[a]..self.indptr[a + 1];
                self.indices[span]
                    .iter()
                    .filter(move |&&b| b as usize > a)
                    .map(move |&b| (a as u32, b))
            })
            .collect()
    }
}

/// The first level's graph: the edges of `connectivity` (self-loops left
/// out) weighted as nilearn's `_weighted_connectivity_graph` weights them,
/// `Σₛ (xⱼₛ − xᵢₛ)² / 2` in `float64`, the sum in NumPy's pairwise order.
/// An edge whose weight is exactly zero (two identical signals) is left
/// out, as SciPy's sparse addition `C + Cᵀ` drops it.
pub(super) fn first_level<T: Real>(rows: &Rows<'_, T>, connectivity: &Connectivity) -> Graph<f64> {
    let n = connectivity.n_nodes();
    let upper: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .with_min_len(1 << 12)
        .flat_map_iter(|a| {
            connectivity
                .neighbors(a)
                .iter()
                .filter(move |&&b| b > a)
                .map(move |&b| (a as u32, b as u32))
        })
        .collect();
    let squared = |diff: &mut Vec<f64>, a: usize, b: usize| {
        diff.clear();
        diff.extend(rows.row(a).iter().zip(rows.row(b)).map(|(&u, &v)| {
            let delta = v.to_f64() - u.to_f64();
            delta * delta
        }));
        numpy_sum(diff)
    };
    let sums: Vec<f64> = upper
        .par_iter()
        .with_min_len(1 << 10)
        .map_init(Vec::new, |diff, &(a, b)| {
            squared(diff, a as usize, b as usize)
        })
        .collect();
    let (upper, halves): (Vec<(u32, u32)>, Vec<f64>) = upper
        .into_iter()
        .zip(sums)
        .filter(|&(_, w)| w != 0.0)
        .map(|(edge, w)| (edge, w / 2.0))
        .unzip();
    Graph::mirror(n, &upper, &halves)
}

/// The graph between the clusters of `labels` (`n_clusters` of them): an
/// edge wherever an edge of `graph` joins two clusters (nilearn's
/// `P C Pᵀ` without its diagonal), weighted `max(threshold, Σₛ (r̄ₐₛ −
/// r̄ᵦₛ)²)` over the reduced rows, in the reduced data's precision.
pub(super) fn reduced<W: Real, T: Real>(
    graph: &Graph<W>,
    labels: &[u32],
    n_clusters: usize,
    reduced_rows: &Rows<'_, T>,
    threshold: T,
) -> Graph<T> {
    let mut upper: Vec<(u32, u32)> = graph
        .upper()
        .into_iter()
        .filter_map(|(a, b)| {
            let (la, lb) = (labels[a as usize], labels[b as usize]);
            (la != lb).then(|| (la.min(lb), la.max(lb)))
        })
        .collect();
    upper.par_sort_unstable();
    upper.dedup();
    Graph::from_upper(n_clusters, &upper, |diff, a, b| {
        diff.clear();
        diff.extend(
            reduced_rows
                .row(a)
                .iter()
                .zip(reduced_rows.row(b))
                .map(|(&u, &v)| (u - v) * (u - v)),
        );
        let w = numpy_sum(diff);
        // `np.maximum(threshold, w)`.
        if threshold > w {
            threshold
        } else {
            w
        }
    })
}

/// Refuses graphs whose node ids do not fit the 32-bit ids of the levels.
pub(super) fn check_size(n_nodes: usize) -> Result<()> {
    if u32::try_from(n_nodes).is_err() {
        return Err(AggloError::TooLarge(format!(
            "ReNA over {n_nodes} features (at most {} are supported)",
            u32::MAX
        )));
    }
    Ok(())
}
