//! k-nearest-neighbours graphs, as scikit-learn's
//! `kneighbors_graph(X, n_neighbors, include_self=False)` builds them.

use ndarray::ArrayView2;

use super::Connectivity;
use crate::error::{AggloError, Result};

/// For every point (row of `points`), its `n_neighbors` nearest other
/// points by euclidean distance, nearest first: the directed graph of
/// scikit-learn's `kneighbors_graph(X, n_neighbors, include_self=False)`
/// (mode `"connectivity"`), whose row `i` has ones at these columns.
///
/// Distances are exact squared euclidean distances, summed left to right as
/// scikit-learn's KD-tree sums them (`Σ (xⱼ − yⱼ)²`), and compared in full
/// (brute force). Among points at exactly the same distance the smaller
/// index comes first. scikit-learn picks the same neighbours whenever the
/// `k`-th and `(k+1)`-th nearest distances differ; at an exact tie across
/// that boundary its KD-tree keeps whichever point its traversal met first
/// (and its brute-force path, used from 16 dimensions or when `k ≥ n/2`,
/// ranks by `‖x‖² − 2⟨x, y⟩ + ‖y‖²`, which can also reorder near-ties), so
/// the choice there may differ.
///
/// Cost: `O(n² · d)` time, `O(n)` extra memory per query.
///
/// ```
/// use agglo::connectivity::kneighbors;
/// use ndarray::array;
///
/// let points = array![[0.0], [1.0], [3.0], [7.0]];
/// let lists = kneighbors(points.view(), 2)?;
/// assert_eq!(lists, vec![vec![1, 2], vec![0, 2], vec![1, 0], vec![2, 1]]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// [`AggloError::InvalidNeighbors`] unless `1 <= n_neighbors < n_points`;
/// [`AggloError::NonFinite`] for NaN or infinite coordinates.
pub fn kneighbors(points: ArrayView2<'_, f64>, n_neighbors: usize) -> Result<Vec<Vec<usize>>> {
    let n = points.nrows();
    if n_neighbors == 0 || n_neighbors >= n {
        return Err(AggloError::InvalidNeighbors {
            n_neighbors,
            n_points: n,
        });
    }
    if let Some(((row, column), &value)) = points.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(AggloError::NonFinite { row, column, value });
    }
    let mut candidates: Vec<(f64, usize)> = Vec::with_capacity(n);
    let mut lists = Vec::with_capacity(n);
    for i in 0..n {
        let x = points.row(i);
        candidates.clear();
        candidates.extend((0..n).filter(|&j| j != i).map(|j| {
            let squared = x
                .iter()
                .zip(points.row(j).iter())
                .fold(0.0, |acc, (&a, &b)| {
                    let d = a - b;
                    acc + d * d
                });
            (squared, j)
        }));
        let by_distance_then_index =
            |p: &(f64, usize), q: &(f64, usize)| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1));
        candidates.select_nth_unstable_by(n_neighbors - 1, by_distance_then_index);
        let nearest = &mut candidates[..n_neighbors];
        nearest.sort_unstable_by(by_distance_then_index);
        lists.push(nearest.iter().map(|&(_, j)| j).collect());
    }
    Ok(lists)
}

/// The connectivity of scikit-learn's
/// `kneighbors_graph(X, n_neighbors, include_self=False)`: every point
/// joined to its [`kneighbors`]. The k-NN relation is not symmetric;
/// like scikit-learn's `connectivity + connectivity.T`, the graph keeps an
/// edge when either end chose the other. It may have several connected
/// components; the estimators complete it as scikit-learn does.
///
/// ```
/// use agglo::{kneighbors_graph, AgglomerativeClustering, Linkage};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [0.0, 2.5], [9.0, 9.0], [9.0, 10.0]];
/// let graph = kneighbors_graph(x.view(), 1)?;
/// assert_eq!(graph.neighbors(1), &[0, 2]); // 2 chose 1, 1 chose 0
/// assert_eq!(graph.n_connected_components(), 2);
///
/// let model = AgglomerativeClustering::new()
///     .n_clusters(2)
///     .linkage(Linkage::Average)
///     .connectivity(graph)
///     .fit(x.view())?;
/// assert_eq!(model.labels(), &[0, 0, 0, 1, 1]); // as scikit-learn labels them
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// As [`kneighbors`].
pub fn kneighbors_graph(points: ArrayView2<'_, f64>, n_neighbors: usize) -> Result<Connectivity> {
    let lists = kneighbors(points, n_neighbors)?;
    let edges: Vec<(usize, usize)> = lists
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |&j| (i, j)))
        .collect();
    Connectivity::from_edges(points.nrows(), &edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ties_go_to_the_smaller_index() {
        // 1 and 3 are both at distance 1 from 2.
        let points = array![[5.0], [1.0], [2.0], [3.0]];
        let lists = kneighbors(points.view(), 1).unwrap();
        assert_eq!(lists[2], vec![1]);
        assert_eq!(lists[0], vec![3]);
    }

    #[test]
    fn duplicates_are_neighbours_at_distance_zero() {
        let points = array![[1.0, 1.0], [1.0, 1.0], [4.0, 5.0]];
        assert_eq!(
            kneighbors(points.view(), 2).unwrap(),
            vec![vec![1, 2], vec![0, 2], vec![0, 1]]
        );
    }

    #[test]
    fn bad_requests_are_errors() {
        let points = array![[0.0], [1.0]];
        assert!(matches!(
            kneighbors(points.view(), 0),
            Err(AggloError::InvalidNeighbors { .. })
        ));
        let err = kneighbors(points.view(), 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "n_neighbors must be between 1 and n_points - 1 = 1, got 2 for 2 points"
        );
        let empty = ndarray::Array2::<f64>::zeros((0, 3));
        assert!(kneighbors_graph(empty.view(), 1).is_err());
        let nan = array![[0.0], [f64::NAN], [1.0]];
        assert!(matches!(
            kneighbors(nan.view(), 1),
            Err(AggloError::NonFinite { row: 1, .. })
        ));
    }
}
