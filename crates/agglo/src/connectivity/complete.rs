//! Completing a disconnected graph, as scikit-learn's `_fix_connectivity`
//! does before building a tree.

use ndarray::{ArrayView1, ArrayView2};

use super::{connected_components, Connectivity};
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::params::Metric;

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

/// Joins the components of `graph` as scikit-learn does: for every pair of
/// components `(i, j)` with `j < i`, one edge between their closest points
/// (the first minimum in row-major order over component `i`'s points ×
/// component `j`'s points), by euclidean distance computed the way
/// `sklearn.metrics.euclidean_distances` computes it.
///
/// `points` holds one point per row; `precision` says whether the user's data
/// was `float32`, in which case distances are rounded to `f32` as scikit-learn's
/// upcasting path rounds them.
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
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// A metric this version cannot complete with.
///
/// # Panics
/// When `points` does not have one row per node of `graph`.
pub fn complete_components(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    metric: Metric,
    precision: Precision,
) -> Result<Completion> {
    if !metric.is_euclidean() {
        return Err(AggloError::NotSupported(format!(
            "completing a disconnected graph with metric '{metric}'"
        )));
    }
    assert_eq!(points.nrows(), graph.n_nodes(), "one point per node");
    let (n_components, labels) = connected_components(graph);
    if n_components <= 1 {
        return Ok(Completion {
            connectivity: graph.clone(),
            n_components,
            added_edges: Vec::new(),
        });
    }
    let mut members = vec![Vec::new(); n_components];
    for (node, &label) in labels.iter().enumerate() {
        members[label].push(node);
    }
    let norms: Vec<f64> = points.rows().into_iter().map(squared_norm).collect();
    let mut added_edges = Vec::new();
    for i in 0..n_components {
        for j in 0..i {
            let mut best = (f64::INFINITY, members[i][0], members[j][0]);
            for &a in &members[i] {
                for &b in &members[j] {
                    let d = sklearn_euclidean(points, &norms, a, b, precision);
                    if d < best.0 {
                        best = (d, a, b);
                    }
                }
            }
            added_edges.push((best.1, best.2));
        }
    }
    Ok(Completion {
        connectivity: graph.with_edges(&added_edges),
        n_components,
        added_edges,
    })
}

/// Σ x², summed in index order.
fn squared_norm(row: ArrayView1<'_, f64>) -> f64 {
    row.iter().fold(0.0, |acc, &x| acc + x * x)
}

/// `sqrt(max(0, (-2·⟨a, b⟩ + ‖a‖²) + ‖b‖²))`, in the precision the user's
/// data had.
fn sklearn_euclidean(
    points: ArrayView2<'_, f64>,
    norms: &[f64],
    a: usize,
    b: usize,
    precision: Precision,
) -> f64 {
    let dot = points
        .row(a)
        .iter()
        .zip(points.row(b).iter())
        .fold(0.0, |acc, (&x, &y)| acc + x * y);
    let squared = (-2.0 * dot + norms[a]) + norms[b];
    match precision {
        Precision::F64 => squared.max(0.0).sqrt(),
        Precision::F32 => f64::from((squared as f32).max(0.0).sqrt()),
    }
}
