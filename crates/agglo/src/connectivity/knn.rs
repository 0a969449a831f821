//! k-nearest-neighbours graphs, as scikit-learn's
//! `kneighbors_graph(X, n_neighbors, include_self=False)` builds them.

use ndarray::ArrayView2;

use super::Connectivity;
use crate::error::{AggloError, Result};

mod brute;
mod introselect;
mod kd_tree;
mod neighbor_heap;

/// For every point (row of `points`), its `n_neighbors` nearest other
/// points by euclidean distance, nearest first: the directed graph of
/// scikit-learn's `kneighbors_graph(X, n_neighbors, include_self=False)`
/// (mode `"connectivity"`), whose row `i` has ones at these columns.
///
/// scikit-learn's own search is reproduced, so that among equidistant
/// points the same ones are chosen:
///
/// - up to 15 dimensions with `n_neighbors < n/2`, its KD-tree (leaf size
///   30, nodes split with libstdc++'s `nth_element`, depth-first query with
///   its fixed-size heap), **exactly**;
/// - otherwise its brute-force search, exactly up to 256 points when the
///   distances are computed without rounding (e.g. small integer data);
///   beyond that, or with rounding, scikit-learn's result depends on its
///   BLAS and thread count, and ties may be resolved differently.
///
/// As in scikit-learn, each point asks for `n_neighbors + 1` neighbours
/// and then drops itself — or, when `n_neighbors + 1` duplicates of it
/// crowd it out, the first one listed.
///
/// Cost: KD-tree `O(n log n)` for well-spread data (`O(n²)` at worst);
/// brute force `O(n² · d)`.
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
    let points = points.as_standard_layout();
    let k = n_neighbors + 1;
    let use_tree = points.ncols() <= 15 && n_neighbors < n / 2;
    let tree = use_tree.then(|| kd_tree::KdTree::new(points.view()));
    let norms = if use_tree {
        Vec::new()
    } else {
        brute::squared_norms(points.view())
    };
    let mut lists = Vec::with_capacity(n);
    for i in 0..n {
        let heap = match &tree {
            Some(tree) => tree.query(points.row(i).as_slice().unwrap_or(&[]), k),
            None => brute::query(points.view(), &norms, i, k),
        };
        let mut list = heap.into_sorted_indices();
        let own = list.iter().position(|&j| j == i).unwrap_or(0);
        list.remove(own);
        lists.push(list);
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

    /// `NearestNeighbors(n_neighbors=3).fit(X).kneighbors()` on the 4×4
    /// integer grid, from scikit-learn 1.9.1: ties everywhere, resolved by
    /// its KD-tree, and listed in the order of its unstable sort.
    #[test]
    fn grid_ties_match_scikit_learn() {
        let points = ndarray::Array2::from_shape_fn((16, 2), |(i, j)| [i / 4, i % 4][j] as f64);
        let lists = kneighbors(points.view(), 3).unwrap();
        let expected: Vec<Vec<usize>> = vec![
            vec![1, 4, 5],
            vec![5, 0, 2],
            vec![6, 3, 1],
            vec![7, 2, 6],
            vec![8, 5, 0],
            vec![6, 4, 1],
            vec![7, 5, 2],
            vec![11, 6, 3],
            vec![12, 9, 4],
            vec![10, 8, 5],
            vec![11, 9, 6],
            vec![15, 10, 7],
            vec![13, 8, 9],
            vec![14, 12, 9],
            vec![15, 13, 10],
            vec![14, 11, 10],
        ];
        assert_eq!(lists, expected);
    }

    #[test]
    fn duplicates_are_neighbours_at_distance_zero() {
        let points = array![[1.0, 1.0], [1.0, 1.0], [4.0, 5.0]];
        assert_eq!(
            kneighbors(points.view(), 2).unwrap(),
            vec![vec![1, 2], vec![0, 2], vec![1, 0]]
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
