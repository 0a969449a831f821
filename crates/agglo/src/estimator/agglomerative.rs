//! Clustering the rows (samples) of a data matrix.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use super::{lent_points, owned_points, points_of, require, Agglomeration, Params};
use crate::choices::{ComputeFullTree, Linkage, Metric};
use crate::connectivity::Connectivity;
use crate::element::{Element, Precision};
use crate::error::Result;
use crate::linkage::Points;
use crate::progress::MergeProgress;

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
        /// The parameters.
        pub fn params(&self) -> &Params {
            &self.params
        }

        /// Stop at `n_clusters` clusters (the default, with 2), instead of
        /// at a distance threshold.
        pub fn n_clusters(mut self, n_clusters: usize) -> Self {
            self.params.n_clusters = Some(n_clusters);
            self.params.distance_threshold = None;
            self
        }

        /// Stop merging at this linkage distance instead of at a number of
        /// clusters; the full tree is built.
        pub fn distance_threshold(mut self, threshold: f64) -> Self {
            self.params.distance_threshold = Some(threshold);
            self.params.n_clusters = None;
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

        /// What to do with a graph in several pieces (default: complete
        /// it, as scikit-learn does; see [`OnDisconnected`](crate::OnDisconnected)).
        pub fn on_disconnected(mut self, on_disconnected: crate::OnDisconnected) -> Self {
            self.params.on_disconnected = on_disconnected;
            self
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

    /// An estimator with these parameters (checked when it is fitted).
    pub fn from_params(params: Params) -> Self {
        Self { params }
    }

    shared_builder!();

    /// Clusters the rows of `x` (n_samples × n_features).
    ///
    /// # Errors
    /// Invalid parameters, fewer than 2 samples, no features, non-finite
    /// values, a connectivity graph of the wrong size, or more clusters
    /// than samples.
    pub fn fit<A: Element>(&self, x: ArrayView2<'_, A>) -> Result<Agglomeration> {
        self.fit_view(x, None)
    }

    /// [`fit`](Self::fit), counting merges into `progress` as they are
    /// made (for a display on another thread) and stopping with
    /// [`AggloError::Cancelled`](crate::AggloError::Cancelled) when it is
    /// cancelled.
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and `Cancelled`.
    pub fn fit_with<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        progress: &MergeProgress,
    ) -> Result<Agglomeration> {
        self.fit_view(x, Some(progress))
    }

    fn fit_view<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        progress: Option<&MergeProgress>,
    ) -> Result<Agglomeration> {
        self.check(x.dim())?;
        let points = points_of(x, false, self.params.reads_by_edges())?;
        self.params.fit_points(points, A::PRECISION, progress)
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
        self.fit_owned_with_progress(x, None)
    }

    /// [`fit_owned`](Self::fit_owned) with a progress count and cancel
    /// flag, as [`fit_with`](Self::fit_with).
    ///
    /// # Errors
    /// As [`fit_with`](Self::fit_with).
    pub fn fit_owned_with<A: Element>(
        &self,
        x: Array2<A>,
        progress: &MergeProgress,
    ) -> Result<Agglomeration> {
        self.fit_owned_with_progress(x, Some(progress))
    }

    fn fit_owned_with_progress<A: Element>(
        &self,
        x: Array2<A>,
        progress: Option<&MergeProgress>,
    ) -> Result<Agglomeration> {
        self.check(x.dim())?;
        let points = owned_points(x, false)?;
        self.params
            .fit_points(Points::Owned(points), A::PRECISION, progress)
    }

    /// [`fit_owned`](Self::fit_owned) on data lent rather than handed
    /// over, for a buffer the caller keeps (a NumPy array, a memory map):
    /// row-major data is used up in place, its values overwritten by the
    /// fit; data in another layout is copied and left as it was.
    ///
    /// ```
    /// use agglo::{AgglomerativeClustering, Connectivity};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]];
    /// let estimator = AgglomerativeClustering::new()
    ///     .connectivity(Connectivity::from_edges(4, &[(0, 1), (1, 2), (2, 3)])?);
    /// let mut scratch = x.clone();
    /// assert_eq!(estimator.fit_in_place(scratch.view_mut())?, estimator.fit(x.view())?);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_in_place(&self, x: ArrayViewMut2<'_, f64>) -> Result<Agglomeration> {
        self.fit_in_place_with_progress(x, None)
    }

    /// [`fit_in_place`](Self::fit_in_place) with a progress count and
    /// cancel flag, as [`fit_with`](Self::fit_with).
    ///
    /// # Errors
    /// As [`fit_with`](Self::fit_with).
    pub fn fit_in_place_with(
        &self,
        x: ArrayViewMut2<'_, f64>,
        progress: &MergeProgress,
    ) -> Result<Agglomeration> {
        self.fit_in_place_with_progress(x, Some(progress))
    }

    fn fit_in_place_with_progress(
        &self,
        x: ArrayViewMut2<'_, f64>,
        progress: Option<&MergeProgress>,
    ) -> Result<Agglomeration> {
        self.check(x.dim())?;
        let points = lent_points(x, false)?;
        self.params.fit_points(points, Precision::F64, progress)
    }

    /// The checks before any data is read: parameters, then the shape.
    fn check(&self, (n_samples, n_features): (usize, usize)) -> Result<()> {
        self.params.check()?;
        require("number of samples", n_samples, 2)?;
        require("number of features", n_features, 1)
    }
}
