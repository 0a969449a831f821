//! Completing a disconnected graph, as scikit-learn's `_fix_connectivity`
//! does before building a tree.

use std::borrow::Cow;

use ndarray::ArrayView2;

use super::{connected_components, Connectivity};
use crate::choices::Metric;
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::exact::summation::normalize;
use crate::exact::summation::{einsum_squared_norm, Real};

/// A graph made connected, with what was done to it.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The connected graph (the input itself when it was connected).
    pub connectivity: Connectivity,
    /// The number of components before completion.
    pub n_components: usize,
    /// The undirected edges that were added, in the order scikit-learn adds
    /// them.
    pub added_edges: Vec<(usize, usize)>,
}

/// Joins the components of `graph` as scikit-learn's
/// `_fix_connected_components` does: for every pair of components `(i, j)`
/// with `j < i` (numbered by smallest node), one edge between their closest
/// points — the first minimum, in row-major order, of the distances from
/// component `i`'s points (ascending) to component `j`'s points
/// (ascending). Cost: `O(n² · d)` in the worst case (every pair of points in
/// different components is measured once).
///
/// `points` holds one point per row, or the square distance matrix for
/// [`Metric::Precomputed`], whose entries are then used as they are.
/// Otherwise distances are computed as `pairwise_distances(Xi, Xj, metric)`
/// computes them, `precision` saying whether the user's data was `float32`:
///
/// ```text
/// euclidean  sqrt(max(0, (−2·⟨a, b⟩ + ‖a‖²) + ‖b‖²))   in f64; for float32 data the
///            squared value is rounded to f32 before the max and the (f32) square root
/// manhattan  Σ |aₖ − bₖ| in f64, left to right            (scipy's cdist "cityblock")
/// cosine     clip(1 − ⟨a/‖a‖, b/‖b‖⟩, 0, 2)               in the data's precision
/// ```
///
/// Norms are summed in NumPy's einsum order, bit for bit. The dot products
/// come from BLAS in scikit-learn, whose blocked, vectorised summation order
/// depends on the CPU; here they are summed left to right, so a near-tie
/// for the closest pair (within an ulp or so) may be resolved differently.
/// Exact ties, such as those of small integer data, are resolved the same.
///
/// ```
/// use agglo::connectivity::complete_components;
/// use agglo::{element::Precision, Connectivity, Metric};
/// use ndarray::array;
///
/// let points = array![[0.0], [1.0], [5.0], [2.0]];
/// let graph = Connectivity::from_edges(4, &[(0, 1), (2, 3)])?;
/// let done = complete_components(points.view(), &graph, Metric::Euclidean, Precision::F64)?;
/// assert_eq!(done.n_components, 2);
/// assert_eq!(done.added_edges, vec![(3, 1)]);
/// assert_eq!(done.connectivity.n_connected_components(), 1);
///
/// let by_cityblock = complete_components(points.view(), &graph, Metric::Cityblock, Precision::F64)?;
/// assert_eq!(by_cityblock.added_edges, vec![(3, 1)]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// [`AggloError::ConnectivityShape`] when `points` does not have one row
/// per node of `graph`; [`AggloError::PrecomputedNotSquare`] when a
/// precomputed matrix is not square.
pub fn complete_components(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    metric: Metric,
    precision: Precision,
) -> Result<Completion> {
    let done = complete(points, graph, metric, precision)?;
    Ok(Completion {
        connectivity: done.graph.into_owned(),
        n_components: done.n_components,
        added_edges: done.added_edges,
    })
}

/// [`Completion`] with the graph borrowed when it was connected already.
pub(crate) struct Completed<'g> {
    pub(crate) graph: Cow<'g, Connectivity>,
    pub(crate) n_components: usize,
    pub(crate) added_edges: Vec<(usize, usize)>,
}

/// [`complete_components`] without a copy of a graph that is already
/// connected.
pub(crate) fn complete<'g>(
    points: ArrayView2<'_, f64>,
    graph: &'g Connectivity,
    metric: Metric,
    precision: Precision,
) -> Result<Completed<'g>> {
    if points.nrows() != graph.n_nodes() {
        return Err(AggloError::ConnectivityShape {
            rows: graph.n_nodes(),
            cols: graph.n_nodes(),
            n_points: points.nrows(),
        });
    }
    if !metric.is_paired() {
        return Err(AggloError::MetricNeedsNoConnectivity(metric));
    }
    if metric == Metric::Precomputed && points.ncols() != points.nrows() {
        return Err(AggloError::PrecomputedNotSquare {
            rows: points.nrows(),
            cols: points.ncols(),
        });
    }
    let (n_components, labels) = connected_components(graph);
    if n_components <= 1 {
        return Ok(Completed {
            graph: Cow::Borrowed(graph),
            n_components,
            added_edges: Vec::new(),
        });
    }
    let mut members = vec![Vec::new(); n_components];
    for (node, &label) in labels.iter().enumerate() {
        members[label].push(node);
    }
    let distance = PairwiseDistance::new(points, metric, precision);
    let mut added_edges = Vec::new();
    for i in 0..n_components {
        for j in 0..i {
            let mut best = (f64::INFINITY, members[i][0], members[j][0]);
            let mut first = true;
            for &a in &members[i] {
                for &b in &members[j] {
                    let d = distance.between(a, b);
                    // np.argmin: the first minimum (a NaN would win, as in NumPy).
                    if first || d < best.0 || (d.is_nan() && !best.0.is_nan()) {
                        best = (d, a, b);
                        first = false;
                    }
                }
            }
            added_edges.push((best.1, best.2));
        }
    }
    Ok(Completed {
        graph: Cow::Owned(graph.with_edges(&added_edges)?),
        n_components,
        added_edges,
    })
}

/// One entry of `pairwise_distances(X, X, metric)`, with what can be
/// computed once per point computed up front.
struct PairwiseDistance<'a> {
    points: ArrayView2<'a, f64>,
    kind: Kind,
}

enum Kind {
    /// Squared norms in einsum order; `f32` says whether to round as
    /// `_euclidean_distances_upcast` does.
    Euclidean {
        norms: Vec<f64>,
        f32: bool,
    },
    Manhattan,
    /// Rows normalised in the data's precision.
    Cosine64(Vec<f64>),
    Cosine32(Vec<f32>),
    Precomputed,
}

impl<'a> PairwiseDistance<'a> {
    fn new(points: ArrayView2<'a, f64>, metric: Metric, precision: Precision) -> Self {
        let dim = points.ncols();
        let kind = match metric {
            Metric::Euclidean | Metric::L2 => Kind::Euclidean {
                // For float32 data scikit-learn upcasts chunks to float64
                // and takes their norms there: the same values.
                norms: points
                    .rows()
                    .into_iter()
                    .map(|row| einsum_squared_norm(&row.to_vec()))
                    .collect(),
                f32: precision == Precision::F32,
            },
            Metric::Manhattan | Metric::L1 | Metric::Cityblock => Kind::Manhattan,
            Metric::Cosine => match precision {
                Precision::F64 => Kind::Cosine64(normalized_rows(points, dim)),
                Precision::F32 => Kind::Cosine32(normalized_rows(points, dim)),
            },
            Metric::Precomputed => Kind::Precomputed,
            _ => unreachable!("complete_components refuses the metrics that are not paired"),
        };
        PairwiseDistance { points, kind }
    }

    fn between(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (self.points.row(a), self.points.row(b));
        match &self.kind {
            Kind::Euclidean { norms, f32 } => {
                let dot = x
                    .iter()
                    .zip(y.iter())
                    .fold(0.0, |acc, (&u, &v)| acc + u * v);
                let squared = (-2.0 * dot + norms[a]) + norms[b];
                if *f32 {
                    f64::from((squared as f32).max(0.0).sqrt())
                } else {
                    squared.max(0.0).sqrt()
                }
            }
            Kind::Manhattan => x
                .iter()
                .zip(y.iter())
                .fold(0.0, |acc, (&u, &v)| acc + (u - v).abs()),
            Kind::Cosine64(rows) => cosine(rows, self.points.ncols(), a, b).to_f64(),
            Kind::Cosine32(rows) => cosine(rows, self.points.ncols(), a, b).to_f64(),
            Kind::Precomputed => self.points[[a, b]],
        }
    }
}

/// Every row of `points` in `T`, normalised to unit length.
fn normalized_rows<T: Real>(points: ArrayView2<'_, f64>, dim: usize) -> Vec<T> {
    let mut rows: Vec<T> = points.iter().map(|&v| T::from_f64(v)).collect();
    for row in rows.chunks_exact_mut(dim.max(1)) {
        normalize(row);
    }
    rows
}

/// `clip(1 − ⟨a, b⟩, 0, 2)` of two normalised rows (`S *= -1; S += 1`).
fn cosine<T: Real>(rows: &[T], dim: usize, a: usize, b: usize) -> T {
    let (x, y) = (&rows[a * dim..(a + 1) * dim], &rows[b * dim..(b + 1) * dim]);
    let dot = x.iter().zip(y).fold(T::ZERO, |acc, (&u, &v)| acc + u * v);
    let s = (T::ZERO - dot) + T::ONE;
    if s < T::ZERO {
        T::ZERO
    } else if s > T::ONE + T::ONE {
        T::ONE + T::ONE
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn two_pieces() -> Connectivity {
        Connectivity::from_edges(4, &[(0, 1), (2, 3)]).unwrap()
    }

    #[test]
    fn each_metric_picks_its_own_closest_pair() {
        // Components {0, 1} and {2, 3}.
        let points = array![[10.0, 0.0], [100.0, 100.0], [13.0, 3.0], [105.0, 100.0]];
        let g = two_pieces();
        // (13,3)-(10,0): 4.24 in l2 but 6 in l1; (105,100)-(100,100): 5 in both.
        let euclid = complete_components(points.view(), &g, Metric::L2, Precision::F64).unwrap();
        assert_eq!(euclid.added_edges, vec![(2, 0)]);
        let l1 = complete_components(points.view(), &g, Metric::L1, Precision::F64).unwrap();
        assert_eq!(l1.added_edges, vec![(3, 1)]);
        // (105,100) and (100,100) point the most alike.
        let cos = complete_components(points.view(), &g, Metric::Cosine, Precision::F32).unwrap();
        assert_eq!(cos.added_edges, vec![(3, 1)]);
        let cos = complete_components(points.view(), &g, Metric::Cosine, Precision::F64).unwrap();
        assert_eq!(cos.added_edges, vec![(3, 1)]);
    }

    #[test]
    fn precomputed_reads_the_matrix() {
        let d = array![
            [0.0, 1.0, 7.0, 2.0],
            [1.0, 0.0, 5.0, 9.0],
            [7.0, 5.0, 0.0, 1.0],
            [2.0, 9.0, 1.0, 0.0]
        ];
        let g = two_pieces();
        let done = complete_components(d.view(), &g, Metric::Precomputed, Precision::F64).unwrap();
        assert_eq!(done.added_edges, vec![(3, 0)]);
    }

    #[test]
    fn first_minimum_wins_ties() {
        let points = array![[0.0], [2.0], [1.0], [3.0]];
        let g = two_pieces();
        // d(2,0) = d(2,1) = d(3,1) = 1: the first in row-major order is (2, 0).
        let done =
            complete_components(points.view(), &g, Metric::Manhattan, Precision::F64).unwrap();
        assert_eq!(done.added_edges, vec![(2, 0)]);
    }

    #[test]
    fn shapes_are_checked() {
        let points = array![[0.0], [1.0]];
        let err = complete_components(points.view(), &two_pieces(), Metric::L2, Precision::F64)
            .unwrap_err();
        assert!(matches!(err, AggloError::ConnectivityShape { .. }));
        let rect = ndarray::Array2::<f64>::zeros((4, 3));
        let err = complete_components(
            rect.view(),
            &two_pieces(),
            Metric::Precomputed,
            Precision::F64,
        )
        .unwrap_err();
        assert!(matches!(err, AggloError::PrecomputedNotSquare { .. }));
    }
}
