//! Clustering the rows (samples) of a data matrix.

use ndarray::{Array2, ArrayView2, CowArray};

use super::{owned_points, points_of, require, Agglomeration, Params, StoppingRule};
use crate::connectivity::Connectivity;
use crate::element::Element;
use crate::error::Result;
use crate::params::{ComputeFullTree, Linkage, Metric};

/// Agglomerative clustering of samples, scikit-learn's
/// `AgglomerativeClustering`: each row of `X` is a point.
///
/// ```
/// use agglo::{AgglomerativeClustering, Connectivity};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]];
/// let chain = Connectivity::from_edges(4, &[(0, 1), (1, 2), (2, 3)])?;
/// let model = AgglomerativeClustering::new()
///     .n_clusters(2)
///     .connectivity(chain)
///     .fit(x.view())?;
/// assert_eq!(model.labels(), &[1, 1, 0, 0]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgglomerativeClustering {
    params: Params,
}

/// The builder methods both estimators share.
macro_rules! shared_builder {
    () => {
        /// Stop at `n_clusters` clusters (the default, with 2).
        pub fn n_clusters(mut self, n_clusters: usize) -> Self {
            self.params.stop = StoppingRule::NClusters(n_clusters);
            self
        }

        /// Stop merging at this linkage distance instead of at a number of
        /// clusters; the full tree is built.
        pub fn distance_threshold(mut self, threshold: f64) -> Self {
            self.params.stop = StoppingRule::DistanceThreshold(threshold);
            self
        }

        /// The linkage criterion (default Ward).
        pub fn linkage(mut self, linkage: Linkage) -> Self {
            self.params.linkage = linkage;
            self
        }

        /// The distance between points (default euclidean).
        pub fn metric(mut self, metric: Metric) -> Self {
            self.params.metric = metric;
            self
        }

        /// Only points joined in this graph are merged directly.
        pub fn connectivity(mut self, connectivity: Connectivity) -> Self {
            self.params.connectivity = Some(connectivity);
            self
        }

        /// Whether to build the full tree (default `Auto`).
        pub fn compute_full_tree(mut self, compute_full_tree: ComputeFullTree) -> Self {
            self.params.compute_full_tree = compute_full_tree;
            self
        }

        /// Keep the merge distances even without a distance threshold.
        pub fn compute_distances(mut self, compute_distances: bool) -> Self {
            self.params.compute_distances = compute_distances;
            self
        }

        /// Count merges into `progress` as the fit makes them, for a
        /// progress display on another thread.
        pub fn progress(mut self, progress: crate::MergeProgress) -> Self {
            self.params.progress = Some(progress);
            self
        }

        /// The stopping rule in force.
        pub fn stopping_rule(&self) -> StoppingRule {
            self.params.stop
        }
    };
}
pub(crate) use shared_builder;

impl AgglomerativeClustering {
    /// The defaults of scikit-learn: 2 clusters, Ward, euclidean, no
    /// connectivity, `compute_full_tree = auto`.
    pub fn new() -> Self {
        Self::default()
    }

    shared_builder!();

    /// Clusters the rows of `x` (n_samples × n_features).
    ///
    /// # Errors
    /// Invalid parameters, fewer than 2 samples, no features, non-finite
    /// values, a connectivity graph of the wrong size, or more clusters
    /// than samples.
    pub fn fit<A: Element>(&self, x: ArrayView2<'_, A>) -> Result<Agglomeration> {
        self.params.check()?;
        require("number of samples", x.nrows(), 2)?;
        require("number of features", x.ncols(), 1)?;
        let points = points_of(x, false)?;
        self.params.fit_points(points, A::PRECISION)
    }

    /// [`fit`](Self::fit) on data handed over: row-major `f64` data becomes
    /// the working storage of the fit without a copy and is used up by it
    /// (Ward linkage keeps the merged clusters' sums in its rows); other
    /// data is copied into points as by `fit` and freed before the
    /// clustering starts. The result is the same as `fit`'s.
    ///
    /// ```
    /// use agglo::{AgglomerativeClustering, Connectivity};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]];
    /// let estimator = AgglomerativeClustering::new()
    ///     .n_clusters(2)
    ///     .connectivity(Connectivity::from_edges(4, &[(0, 1), (1, 2), (2, 3)])?);
    /// assert_eq!(estimator.fit_owned(x.clone())?, estimator.fit(x.view())?);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_owned<A: Element>(&self, x: Array2<A>) -> Result<Agglomeration> {
        self.params.check()?;
        require("number of samples", x.nrows(), 2)?;
        require("number of features", x.ncols(), 1)?;
        let points = owned_points(x, false)?;
        self.params.fit_points(CowArray::from(points), A::PRECISION)
    }
}
