//! The estimators: configuration, validation and fitting.

mod agglomerative;
mod feature;
mod fitted;

pub use agglomerative::AgglomerativeClustering;
pub use feature::{FeatureAgglomeration, FittedFeatureAgglomeration};
pub use fitted::Agglomeration;

use ndarray::{Array2, ArrayView2, CowArray, Ix2};

use crate::connectivity::{complete, Connectivity};
use crate::element::{Element, Precision};
use crate::error::{AggloError, Result};
use crate::linkage;
use crate::linkage::ward;
use crate::params::{ComputeFullTree, Linkage, Metric};
use crate::progress::MergeProgress;
use crate::warning::FitWarning;

/// When to stop merging.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StoppingRule {
    /// Stop at this many clusters.
    NClusters(usize),
    /// Merge while the linkage distance is below this; the number of
    /// clusters is `count(distances >= threshold) + 1`.
    DistanceThreshold(f64),
}

/// The configuration shared by both estimators.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Params {
    pub(crate) stop: StoppingRule,
    pub(crate) linkage: Linkage,
    pub(crate) metric: Metric,
    pub(crate) connectivity: Option<Connectivity>,
    pub(crate) compute_full_tree: ComputeFullTree,
    pub(crate) compute_distances: bool,
    pub(crate) progress: Option<MergeProgress>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            stop: StoppingRule::NClusters(2),
            linkage: Linkage::Ward,
            metric: Metric::Euclidean,
            connectivity: None,
            compute_full_tree: ComputeFullTree::Auto,
            compute_distances: false,
            progress: None,
        }
    }
}

impl Params {
    /// The checks scikit-learn makes on parameters alone.
    fn check(&self) -> Result<()> {
        match self.stop {
            StoppingRule::NClusters(0) => return Err(AggloError::ZeroClusters),
            StoppingRule::DistanceThreshold(t) if !(t.is_finite() && t >= 0.0) => {
                return Err(AggloError::InvalidThreshold(t))
            }
            StoppingRule::DistanceThreshold(_)
                if self.compute_full_tree == ComputeFullTree::False =>
            {
                return Err(AggloError::ThresholdNeedsFullTree)
            }
            _ => {}
        }
        if self.linkage == Linkage::Ward && !self.metric.is_euclidean() {
            return Err(AggloError::WardMetric(self.metric));
        }
        Ok(())
    }

    /// Fits the tree over the rows of `points` and cuts it.
    fn fit_points(
        &self,
        points: CowArray<'_, f64, Ix2>,
        precision: Precision,
    ) -> Result<Agglomeration> {
        let n = points.nrows();
        if self.metric == Metric::Precomputed && points.nrows() != points.ncols() {
            return Err(AggloError::PrecomputedNotSquare {
                rows: points.nrows(),
                cols: points.ncols(),
            });
        }
        if let Some(connectivity) = &self.connectivity {
            if connectivity.n_nodes() != n {
                return Err(AggloError::ConnectivityShape {
                    rows: connectivity.n_nodes(),
                    cols: connectivity.n_nodes(),
                    n_points: n,
                });
            }
        }
        // scikit-learn's rule: always the full tree without connectivity.
        let full_tree = match (self.compute_full_tree, self.stop) {
            _ if self.connectivity.is_none() => true,
            (ComputeFullTree::True, _) | (_, StoppingRule::DistanceThreshold(_)) => true,
            (ComputeFullTree::False, _) => false,
            (ComputeFullTree::Auto, StoppingRule::NClusters(k)) => {
                (k as f64) < f64::max(100.0, 0.02 * n as f64)
            }
        };
        let n_merges = match self.stop {
            StoppingRule::NClusters(k) if k > n => {
                return Err(AggloError::TooManyClusters {
                    n_clusters: k,
                    n_points: n,
                })
            }
            StoppingRule::NClusters(k) if !full_tree => n - k,
            _ => n - 1,
        };

        if self
            .progress
            .as_ref()
            .is_some_and(MergeProgress::is_cancelled)
        {
            return Err(AggloError::Cancelled);
        }
        let mut warnings = Vec::new();
        let tree = match &self.connectivity {
            None => {
                linkage::unstructured::linkage(points.view(), self.linkage, self.metric, precision)?
            }
            Some(connectivity) => {
                let completed = complete(
                    points.view(),
                    connectivity,
                    self.completion_metric(),
                    precision,
                )?;
                let n_components = completed.n_components;
                if n_components > 1 {
                    warnings.push(FitWarning::DisconnectedGraph { n_components });
                }
                let graph = completed.graph.as_ref();
                match self.linkage {
                    // A copy of the points is handed over: Ward keeps merged
                    // clusters in the rows of the points they absorbed.
                    Linkage::Ward if !points.is_view() => ward::build_owned(
                        points.into_owned(),
                        graph,
                        n_merges,
                        n_components,
                        self.progress.as_ref(),
                    ),
                    // The caller's own points are only read.
                    Linkage::Ward => ward::build(
                        points.view(),
                        graph,
                        n_merges,
                        n_components,
                        self.progress.as_ref(),
                    ),
                    linkage => linkage::structured::linkage_tree(
                        points.view(),
                        graph,
                        linkage,
                        self.metric,
                        precision,
                        linkage::structured::Extent {
                            n_merges,
                            n_connected_components: n_components,
                            progress: self.progress.as_ref(),
                        },
                    )?,
                }
            }
        };

        if let Some(progress) = &self.progress {
            if !progress.set(tree.children().len()) {
                return Err(AggloError::Cancelled);
            }
        }
        // Values near f64::MAX overflow the merge costs; a tree built on
        // infinities or NaN would be meaningless.
        if let Some(k) = tree.distances().iter().position(|d| !d.is_finite()) {
            return Err(AggloError::NonFiniteDistance(format!(
                "merge {k} has the linkage distance {}",
                tree.distances()[k]
            )));
        }
        let n_clusters = match self.stop {
            StoppingRule::NClusters(k) => k,
            StoppingRule::DistanceThreshold(t) => {
                tree.distances().iter().filter(|&&d| d >= t).count() + 1
            }
        };
        let labels = if full_tree {
            tree.cut(n_clusters)?
        } else if tree.children().len() > n_merges {
            // Single linkage always returns all n − 1 merges (scikit-learn's
            // `children_` too), but labels the forest of the first n − k.
            let mut partial = tree.clone();
            partial.children.truncate(n_merges);
            partial.distances.truncate(n_merges);
            partial.forest_labels()
        } else {
            tree.forest_labels()
        };
        let keep_distances =
            self.compute_distances || matches!(self.stop, StoppingRule::DistanceThreshold(_));
        Ok(Agglomeration {
            labels,
            n_clusters,
            tree,
            has_distances: keep_distances,
            warnings,
        })
    }

    /// The metric scikit-learn completes a disconnected graph with: always
    /// euclidean for Ward, the linkage's own metric otherwise.
    fn completion_metric(&self) -> Metric {
        match self.linkage {
            Linkage::Ward => Metric::Euclidean,
            _ => self.metric,
        }
    }
}

/// The points of `x` (its rows, or its columns with `transpose`) as a
/// contiguous `f64` matrix with one point per row, refusing non-finite
/// values; positions in errors refer to `x` as given.
///
/// `f64` data already laid out that way (row-major rows, or the columns of
/// a column-major `x`) is borrowed, not copied. Otherwise the copy runs in
/// parallel over blocks of points small enough to stay in cache while they
/// are transposed, reading `x` along its contiguous axis; values are only
/// converted, never combined, so the result does not depend on the number
/// of threads.
fn points_of<'a, A: Element>(
    x: ArrayView2<'a, A>,
    transpose: bool,
) -> Result<CowArray<'a, f64, Ix2>> {
    use rayon::prelude::*;

    let view = if transpose { x.reversed_axes() } else { x };
    // float64 points already one per row are read where they are.
    if let Some(data) = view.to_slice().and_then(A::as_f64_slice) {
        if !data
            .par_chunks(1 << 14)
            .all(|c| c.iter().all(|v| v.is_finite()))
        {
            check_finite(x)?;
        }
        let points = ArrayView2::from_shape(view.dim(), data).expect("the view's own shape");
        return Ok(CowArray::from(points));
    }
    Ok(CowArray::from(copy_points(x, transpose)?))
}

/// [`points_of`] for data handed over: `f64` data already laid out as the
/// points is used as it is (checked to be finite), other data is copied as
/// by `points_of` and freed on return.
fn owned_points<A: Element>(x: Array2<A>, transpose: bool) -> Result<Array2<f64>> {
    match A::into_f64_array(x) {
        Ok(x) if transpose && x.t().is_standard_layout() => {
            check_finite(x.view())?;
            Ok(x.reversed_axes())
        }
        Ok(x) if !transpose && x.is_standard_layout() => {
            check_finite(x.view())?;
            Ok(x)
        }
        Ok(x) => Ok(points_of(x.view(), transpose)?.into_owned()),
        Err(x) => Ok(points_of(x.view(), transpose)?.into_owned()),
    }
}

/// [`points_of`] when the points must be converted or gathered.
fn copy_points<A: Element>(x: ArrayView2<'_, A>, transpose: bool) -> Result<Array2<f64>> {
    use rayon::prelude::*;

    let view = if transpose { x.t() } else { x };
    let (n_points, dim) = view.dim();
    let mut data = vec![0.0; n_points * dim];
    if n_points * dim == 0 {
        return Ok(Array2::from_shape_vec((n_points, dim), data).unwrap_or_default());
    }
    // Read along rows of the view when they are the contiguous axis.
    let [point_stride, coordinate_stride] = [view.strides()[0], view.strides()[1]];
    let by_rows = coordinate_stride.unsigned_abs() <= point_stride.unsigned_abs();
    // About 32 KiB of output per block.
    let block = (4096 / dim).max(1);
    let finite = data
        .par_chunks_mut(block * dim)
        .enumerate()
        .map(|(b, out)| {
            let first = b * block;
            let points = view.slice_axis(
                ndarray::Axis(0),
                ndarray::Slice::from(first..first + out.len() / dim),
            );
            if by_rows {
                for (row, out) in points.rows().into_iter().zip(out.chunks_mut(dim)) {
                    for (o, &v) in out.iter_mut().zip(row.iter()) {
                        *o = v.to_f64();
                    }
                }
            } else {
                for (t, column) in points.columns().into_iter().enumerate() {
                    for (p, &v) in column.iter().enumerate() {
                        out[p * dim + t] = v.to_f64();
                    }
                }
            }
            out.iter().all(|v| v.is_finite())
        })
        .reduce(|| true, |a, b| a && b);
    if !finite {
        check_finite(x)?;
    }
    Ok(Array2::from_shape_vec((n_points, dim), data).unwrap_or_default())
}

/// Refuses arrays with fewer than `min` along an axis.
fn require(what: &'static str, got: usize, min: usize) -> Result<()> {
    if got < min {
        return Err(AggloError::TooFew { what, got, min });
    }
    Ok(())
}

/// Refuses NaN and infinities, naming the first one found (in row-major
/// order of `x`). All values are checked in parallel first; the ordered
/// search runs only when something was found.
fn check_finite<A: Element>(x: ArrayView2<'_, A>) -> Result<()> {
    use rayon::prelude::*;

    let all_finite = match x.as_slice_memory_order() {
        Some(values) => values
            .par_chunks(1 << 14)
            .all(|chunk| chunk.iter().all(|v| v.to_f64().is_finite())),
        None => (0..x.nrows())
            .into_par_iter()
            .all(|r| x.row(r).iter().all(|v| v.to_f64().is_finite())),
    };
    if all_finite {
        return Ok(());
    }
    for ((row, column), &value) in x.indexed_iter() {
        let value = value.to_f64();
        if !value.is_finite() {
            return Err(AggloError::NonFinite { row, column, value });
        }
    }
    Ok(())
}
