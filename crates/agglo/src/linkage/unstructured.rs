//! Every linkage without connectivity, as scipy's `linkage` (and, for
//! single linkage on points, scikit-learn's own minimum spanning tree) that
//! scikit-learn calls.
//!
//! Which code scikit-learn 1.9 runs, and so which one is reproduced here:
//!
//! | linkage           | metric               | algorithm                                            | children            |
//! |-------------------|----------------------|------------------------------------------------------|---------------------|
//! | ward              | euclidean            | scipy `pdist` + `nn_chain`                           | `[smaller, larger]` |
//! | complete, average | any                  | scipy `pdist` (or the matrix) + `nn_chain`           | `[smaller, larger]` |
//! | single            | euclidean, manhattan, minkowski, and the metrics of scikit-learn's `DistanceMetric` (braycurtis, canberra, chebyshev, dice, hamming, haversine, jaccard, matching, rogerstanimoto, russellrao, sokalsneath) | scikit-learn `mst_linkage_core` (no matrix) | as found |
//! | single            | cosine, correlation, sqeuclidean, yule, precomputed | scipy `pdist` (or the matrix) + `mst_single_linkage` | `[smaller, larger]` |
//!
//! The kernels of the metrics beyond euclidean, cityblock and cosine are in
//! `metrics.rs`; scikit-learn refuses haversine for complete and average
//! linkage (scipy has none) and mahalanobis and seuclidean for single
//! linkage (it cannot pass their `VI` and `V`), and so does agglo.
//!
//! All of it runs in `f64`: scipy converts `float32` data to `float64` before
//! computing distances, and so does scikit-learn's single-linkage path, so
//! the input precision does not matter. A precomputed matrix contributes its
//! strict upper triangle only.
//!
//! Costs: `O(n² d)` for the distances, `O(n²)` for the chain or the tree,
//! `n (n − 1) / 2` doubles of memory (none for single linkage on points).
//!
//! One deliberate difference: when a distance is NaN or infinite (the data
//! overflow `f64`), scipy raises and scikit-learn's own single linkage
//! returns a malformed tree; here both are an error.

mod dendrogram;
mod lance_williams;
mod metrics;
mod mst;
mod nn_chain;
mod pdist;

use ndarray::ArrayView2;

use self::dendrogram::{dendrogram, Merge, PairOrder};
use self::lance_williams::Method;
use self::pdist::{Condensed, Rows};
use super::Job;
use crate::choices::{Linkage, Metric};
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::tree::Tree;

/// Ward's builder of [`super::TREE_BUILDERS`] without connectivity.
pub(crate) fn ward(job: Job<'_, '_>) -> Result<Tree> {
    linkage(job.points.view(), Linkage::Ward, job.metric, job.precision)
}

/// Complete linkage's builder of [`super::TREE_BUILDERS`] without
/// connectivity.
pub(crate) fn complete(job: Job<'_, '_>) -> Result<Tree> {
    linkage(
        job.points.view(),
        Linkage::Complete,
        job.metric,
        job.precision,
    )
}

/// Average linkage's builder of [`super::TREE_BUILDERS`] without
/// connectivity.
pub(crate) fn average(job: Job<'_, '_>) -> Result<Tree> {
    linkage(
        job.points.view(),
        Linkage::Average,
        job.metric,
        job.precision,
    )
}

/// Single linkage's builder of [`super::TREE_BUILDERS`] without
/// connectivity.
pub(crate) fn single_job(job: Job<'_, '_>) -> Result<Tree> {
    linkage(
        job.points.view(),
        Linkage::Single,
        job.metric,
        job.precision,
    )
}

/// The full tree of `points` (or of the square distance matrix when
/// `metric` is precomputed), bit for bit as scikit-learn 1.9.1 with scipy
/// 1.17 builds it.
///
/// # Errors
/// - [`AggloError::CosineZeroVector`] for cosine with an all-zero point;
/// - [`AggloError::PrecomputedNotSquare`] for a non-square matrix;
/// - [`AggloError::WardMetric`] for Ward with a metric other than euclidean;
/// - [`AggloError::NonFiniteDistance`] when a distance is NaN or infinite, or the
///   distance matrix is too large to allocate.
pub(crate) fn linkage(
    points: ArrayView2<'_, f64>,
    linkage: Linkage,
    metric: Metric,
    _precision: Precision,
) -> Result<Tree> {
    let n = points.nrows();
    if metric == Metric::Precomputed && points.ncols() != n {
        return Err(AggloError::PrecomputedNotSquare {
            rows: n,
            cols: points.ncols(),
        });
    }
    if metric == Metric::Cosine {
        if let Some(point) = first_zero_point(points) {
            return Err(AggloError::CosineZeroVector { point });
        }
    }
    refuse_for_linkage(metric, linkage, points.ncols())?;
    let method = match linkage {
        Linkage::Ward if !metric.is_euclidean() => return Err(AggloError::WardMetric(metric)),
        Linkage::Ward => Method::Ward,
        Linkage::Complete => Method::Complete,
        Linkage::Average => Method::Average,
        Linkage::Single => return single(points, metric),
    };
    let matrix = condensed(points, metric)?;
    let merges = nn_chain::nn_chain(matrix, method).map_err(|e| {
        non_finite(format!(
            "a linkage distance from cluster {} that is not finite",
            e.x
        ))
    })?;
    check_merges(&merges)?;
    Ok(dendrogram(n, merges, PairOrder::Ascending))
}

/// Single linkage: scikit-learn's own MST over the points for the metrics
/// its `DistanceMetric` knows (pairs kept as found), scipy's otherwise
/// (pairs sorted by `label`).
fn single(points: ArrayView2<'_, f64>, metric: Metric) -> Result<Tree> {
    let n = points.nrows();
    let (merges, order) = match metric {
        // scikit-learn's minkowski with its default p = 2 is euclidean.
        Metric::Euclidean | Metric::L2 | Metric::Minkowski => {
            let rows = Rows::new(points);
            let kernel = |i: usize, j: usize| pdist::euclidean(rows.row(i), rows.row(j));
            (mst::prim(n, kernel), PairOrder::AsFound)
        }
        Metric::Manhattan | Metric::L1 | Metric::Cityblock => {
            let rows = Rows::new(points);
            let kernel = |i: usize, j: usize| pdist::cityblock(rows.row(i), rows.row(j));
            (mst::prim(n, kernel), PairOrder::AsFound)
        }
        // scikit-learn's own DistanceMetric.
        _ if metrics::SingleKernel::of(metric).is_some() => {
            let kernel = metrics::SingleKernel::of(metric).expect("just checked");
            let rows = Rows::new(points);
            let kernel = move |i: usize, j: usize| kernel.between(rows.row(i), rows.row(j));
            (mst::prim(n, kernel), PairOrder::AsFound)
        }
        // scipy's pdist, then its minimum spanning tree.
        _ => {
            let matrix = condensed(points, metric)?;
            (mst::prim(n, |i, j| matrix.get(i, j)), PairOrder::Ascending)
        }
    };
    let merges = merges.map_err(|e| {
        non_finite(format!(
            "a distance between points {} and {} of {}",
            e.i, e.j, e.value
        ))
    })?;
    Ok(dendrogram(n, merges, order))
}

/// scipy's condensed matrix for `metric`, refused when any entry is NaN or
/// infinite (scipy's "The condensed distance matrix must contain only
/// finite values").
fn condensed(points: ArrayView2<'_, f64>, metric: Metric) -> Result<Condensed> {
    let matrix = match metric {
        // scipy's minkowski with its default p = 2 is its euclidean kernel.
        Metric::Euclidean | Metric::L2 | Metric::Minkowski => {
            pdist::euclidean_rows(&Rows::new(points))?
        }
        Metric::Manhattan | Metric::L1 | Metric::Cityblock => {
            pdist::cityblock_rows(&Rows::new(points))?
        }
        Metric::Cosine => pdist::cosine_rows(&Rows::new(points))?,
        Metric::Precomputed => pdist::upper_triangle(points)?,
        Metric::Correlation => {
            let rows = Rows::new(points);
            let centred = ndarray::Array2::from_shape_vec(
                (rows.len(), rows.width()),
                metrics::centred_rows(&rows),
            )
            .expect("one row per point");
            pdist::cosine_rows(&Rows::new(centred.view()))?
        }
        _ => {
            let rows = Rows::new(points);
            let kernel = metrics::PdistKernel::of(metric, &rows).ok_or(
                AggloError::MetricNotForLinkage {
                    metric,
                    linkage: Linkage::Complete,
                    why: "scipy's pdist does not know it",
                },
            )??;
            kernel.condensed(&rows)?
        }
    };
    if let Some((i, j, value)) = matrix.first_non_finite() {
        return Err(non_finite(format!(
            "a distance between points {i} and {j} of {value}"
        )));
    }
    Ok(matrix)
}

/// Refuses what scikit-learn (or scipy under it) refuses for `metric`
/// with `linkage` on points of `dim` coordinates.
fn refuse_for_linkage(metric: Metric, linkage: Linkage, dim: usize) -> Result<()> {
    let why = match (metric, linkage) {
        (Metric::Haversine, Linkage::Single) if dim != 2 => {
            "haversine distance is only valid in 2 dimensions (latitude, longitude)"
        }
        (Metric::Haversine, Linkage::Complete | Linkage::Average) => {
            "scipy's pdist, which complete and average linkage use, does not know it (scikit-learn: 'Unknown Distance Metric: haversine')"
        }
        (Metric::Mahalanobis | Metric::Seuclidean, Linkage::Single) => {
            "scikit-learn's single linkage needs the metric's V or VI, which AgglomerativeClustering cannot pass"
        }
        _ => return Ok(()),
    };
    Err(AggloError::MetricNotForLinkage {
        metric,
        linkage,
        why,
    })
}

/// Refuses merge distances that became NaN or infinite (the Lance–Williams
/// updates overflowed).
fn check_merges(merges: &[Merge]) -> Result<()> {
    match merges.iter().find(|m| !m.distance.is_finite()) {
        Some(m) => Err(non_finite(format!(
            "a linkage distance of {} between clusters {} and {}",
            m.distance, m.a, m.b
        ))),
        None => Ok(()),
    }
}

#[cold]
fn non_finite(what: String) -> AggloError {
    AggloError::NonFiniteDistance(what)
}

/// The first point whose coordinates are all zero (`-0.0` included), as
/// scikit-learn's `np.any(~np.any(X, axis=1))` finds them.
fn first_zero_point(points: ArrayView2<'_, f64>) -> Option<usize> {
    points
        .rows()
        .into_iter()
        .position(|row| row.iter().all(|&v| v == 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn fit(points: ndarray::Array2<f64>, linkage: Linkage, metric: Metric) -> Result<Tree> {
        super::linkage(points.view(), linkage, metric, Precision::F64)
    }

    #[test]
    fn cosine_zero_point_is_named() {
        let x = array![[1.0, 0.0], [0.0, -0.0], [0.0, 0.0]];
        for linkage in [Linkage::Single, Linkage::Average, Linkage::Complete] {
            assert_eq!(
                fit(x.clone(), linkage, Metric::Cosine),
                Err(AggloError::CosineZeroVector { point: 1 })
            );
        }
    }

    #[test]
    fn ward_needs_euclidean() {
        let x = array![[1.0], [2.0]];
        assert_eq!(
            fit(x, Linkage::Ward, Metric::Manhattan),
            Err(AggloError::WardMetric(Metric::Manhattan))
        );
    }

    #[test]
    fn precomputed_must_be_square() {
        let x = array![[0.0, 1.0, 2.0], [1.0, 0.0, 3.0]];
        assert_eq!(
            fit(x, Linkage::Average, Metric::Precomputed),
            Err(AggloError::PrecomputedNotSquare { rows: 2, cols: 3 })
        );
    }

    #[test]
    fn single_linkage_pair_order_depends_on_the_path() {
        // Prim from 0 reaches 2 first, then 1: the second merge is found as
        // (2, 1) and kept so on points, sorted through scipy.
        let x = array![[0.0], [5.0], [1.0]];
        let tree = fit(x.clone(), Linkage::Single, Metric::Euclidean).unwrap();
        assert_eq!(tree.children, vec![[0, 2], [3, 1]]);
        let p = array![[0.0, 5.0, 1.0], [5.0, 0.0, 4.0], [1.0, 4.0, 0.0]];
        let tree = fit(p, Linkage::Single, Metric::Precomputed).unwrap();
        assert_eq!(tree.children, vec![[0, 2], [1, 3]]);
        assert_eq!(tree.distances, vec![1.0, 4.0]);
    }

    #[test]
    fn overflowing_data_is_an_error_not_a_panic() {
        let x = array![[1e200], [-1e200], [0.0]];
        for linkage in [Linkage::Ward, Linkage::Single, Linkage::Average] {
            assert!(matches!(
                fit(x.clone(), linkage, Metric::Euclidean),
                Err(AggloError::NonFiniteDistance(_))
            ));
        }
        // Distances are finite but Ward's squares overflow.
        let x = array![[1e154], [-1e154], [0.0], [3e153]];
        assert!(matches!(
            fit(x, Linkage::Ward, Metric::Euclidean),
            Err(AggloError::NonFiniteDistance(_))
        ));
    }

    #[test]
    fn tiny_inputs_give_empty_trees() {
        for n in 0..2 {
            let x = ndarray::Array2::<f64>::ones((n, 2));
            let tree = fit(x, Linkage::Average, Metric::Euclidean).unwrap();
            assert_eq!(tree.n_leaves, n);
            assert!(tree.children.is_empty());
        }
    }
}
