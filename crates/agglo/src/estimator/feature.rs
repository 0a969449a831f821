//! Clustering the columns (features) of a data matrix, with pooling.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use super::agglomerative::shared_builder;
use super::{
    check_finite, check_restore, lent_points, owned_points, points_of, require, Agglomeration,
    Params,
};
use crate::choices::{ComputeFullTree, Linkage, Metric, Pooling};
use crate::connectivity::Connectivity;
use crate::element::Element;
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::linkage::Points;
use crate::pooling;
use crate::progress::MergeProgress;

/// Feature agglomeration, scikit-learn's `FeatureAgglomeration`: each
/// column of `X` is a point (a vector over the samples); similar, connected
/// features are merged, and [`FittedFeatureAgglomeration::transform`]
/// pools each sample onto the clusters.
///
/// The scikit-learn example, 64 pixels of the digits into 32 super-pixels:
///
/// ```
/// use agglo::{datasets::load_digits, grid_to_graph, FeatureAgglomeration};
///
/// let digits = load_digits();
/// let model = FeatureAgglomeration::new()
///     .n_clusters(32)
///     .connectivity(grid_to_graph(&[8, 8], None)?)
///     .fit(digits.data.view())?;
/// assert_eq!(&model.labels()[..8], &[9, 9, 31, 1, 27, 17, 0, 8]);
///
/// let reduced = model.transform(digits.data.view())?;
/// assert_eq!(reduced.dim(), (1797, 32));
/// let restored = model.inverse_transform(reduced.view())?;
/// assert_eq!(restored.dim(), (1797, 64));
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureAgglomeration {
    params: Params,
    pooling: Pooling,
}

impl FeatureAgglomeration {
    /// The defaults of scikit-learn: 2 clusters, Ward, euclidean, no
    /// connectivity, `compute_full_tree = auto`, mean pooling.
    pub fn new() -> Self {
        Self::default()
    }

    /// An estimator with these parameters (checked when it is fitted) and
    /// mean pooling.
    pub fn from_params(params: Params) -> Self {
        Self {
            params,
            pooling: Pooling::default(),
        }
    }

    shared_builder!();

    /// How `transform` pools the features of a cluster (default mean).
    pub fn pooling(mut self, pooling: Pooling) -> Self {
        self.pooling = pooling;
        self
    }

    /// Clusters the columns of `x` (n_samples × n_features).
    ///
    /// The columns are the points: `f64` data in column-major order (see
    /// [`column_major`](crate::column_major)) is read where it lies, any
    /// other is first copied into that layout as `f64` for the length of
    /// the fit. [`fit_owned`](Self::fit_owned) avoids both the copy and the
    /// memory Ward linkage needs for its merged clusters.
    ///
    /// # Errors
    /// Invalid parameters, no samples, fewer than 2 features, non-finite
    /// values, a connectivity graph of the wrong size, or more clusters
    /// than features.
    pub fn fit<A: Element>(&self, x: ArrayView2<'_, A>) -> Result<FittedFeatureAgglomeration> {
        self.fit_view(x, None)
    }

    /// [`fit`](Self::fit), counting merges into `progress` as they are
    /// made (for a display on another thread) and stopping with
    /// [`AggloError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// use agglo::{grid_to_graph, FeatureAgglomeration, MergeProgress};
    /// use ndarray::Array2;
    ///
    /// let progress = MergeProgress::new();
    /// let x = Array2::from_shape_fn((3, 64), |(i, j)| ((i * 7 + j * 13) % 11) as f64);
    /// let estimator = FeatureAgglomeration::new()
    ///     .n_clusters(4)
    ///     .connectivity(grid_to_graph(&[8, 8], None)?);
    /// estimator.fit_with(x.view(), &progress)?;
    /// assert_eq!(progress.merges(), 63); // a watcher thread reads it meanwhile
    /// progress.cancel();
    /// assert_eq!(estimator.fit_with(x.view(), &progress), Err(agglo::AggloError::Cancelled));
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and `Cancelled`.
    pub fn fit_with<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        progress: &MergeProgress,
    ) -> Result<FittedFeatureAgglomeration> {
        self.fit_view(x, Some(progress))
    }

    fn fit_view<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        progress: Option<&MergeProgress>,
    ) -> Result<FittedFeatureAgglomeration> {
        self.check(x.dim())?;
        let points = points_of(x, true, self.params.reads_by_edges())?;
        Ok(self.fitted(self.params.fit_points(points, A::PRECISION, progress)?))
    }

    /// [`fit`](Self::fit) on data handed over, for data too large to hold
    /// twice: `f64` data in column-major order (see
    /// [`column_major`](crate::column_major)) becomes the working storage
    /// of the fit without a copy, and is used up by it (Ward linkage keeps
    /// the merged clusters' sums in its columns); other data is copied into
    /// points as by `fit` and freed before the clustering starts. The
    /// result is the same as `fit`'s.
    ///
    /// To pool the data afterwards, read it again (in blocks of samples if
    /// need be: `transform` treats every sample on its own).
    ///
    /// ```
    /// use agglo::{column_major, grid_to_graph, FeatureAgglomeration};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.1, 5.0, 5.2], [1.0, 1.1, 3.0, 3.1]];
    /// let estimator = FeatureAgglomeration::new()
    ///     .n_clusters(2)
    ///     .connectivity(grid_to_graph(&[4], None)?);
    /// let borrowed = estimator.fit(x.view())?;
    /// let owned = estimator.fit_owned(column_major(x.view()))?;
    /// assert_eq!(owned, borrowed);
    /// // Lent rather than handed over: the buffer is used up in place.
    /// let mut scratch = column_major(x.view());
    /// assert_eq!(estimator.fit_in_place(scratch.view_mut())?, borrowed);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_owned<A: Element>(&self, x: Array2<A>) -> Result<FittedFeatureAgglomeration> {
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
    ) -> Result<FittedFeatureAgglomeration> {
        self.fit_owned_with_progress(x, Some(progress))
    }

    fn fit_owned_with_progress<A: Element>(
        &self,
        x: Array2<A>,
        progress: Option<&MergeProgress>,
    ) -> Result<FittedFeatureAgglomeration> {
        self.check(x.dim())?;
        let points = Points::Owned(owned_points(x, true)?);
        Ok(self.fitted(self.params.fit_points(points, A::PRECISION, progress)?))
    }

    /// [`fit_owned`](Self::fit_owned) on data lent rather than handed
    /// over, for a buffer the caller keeps: column-major data is used up
    /// in place, its values overwritten by the fit; data in another layout
    /// is copied and left as it was.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_in_place(&self, x: ArrayViewMut2<'_, f64>) -> Result<FittedFeatureAgglomeration> {
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
    ) -> Result<FittedFeatureAgglomeration> {
        self.fit_in_place_with_progress(x, Some(progress))
    }

    fn fit_in_place_with_progress(
        &self,
        x: ArrayViewMut2<'_, f64>,
        progress: Option<&MergeProgress>,
    ) -> Result<FittedFeatureAgglomeration> {
        self.check(x.dim())?;
        let points = lent_points(x, true)?;
        Ok(self.fitted(self.params.fit_points(points, Precision::F64, progress)?))
    }

    /// The checks before any data is read: parameters, then the shape.
    fn check(&self, (n_samples, n_features): (usize, usize)) -> Result<()> {
        self.params.check()?;
        require("number of samples", n_samples, 1)?;
        require("number of features", n_features, 2)
    }

    fn fitted(&self, model: Agglomeration) -> FittedFeatureAgglomeration {
        FittedFeatureAgglomeration {
            model,
            pooling: self.pooling,
        }
    }
}

/// A fitted [`FeatureAgglomeration`]: the clustering of the features and the
/// pooling to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedFeatureAgglomeration {
    model: Agglomeration,
    pooling: Pooling,
}

impl FittedFeatureAgglomeration {
    /// Rebuilds a fitted model from saved labels (one per feature, values
    /// `0..n_clusters`, each used at least once) and the pooling, so that
    /// `transform` and `inverse_transform` can be applied without refitting.
    ///
    /// # Errors
    /// Fewer than 2 labels, or labels that do not cover `0..n_clusters`.
    pub fn from_labels(labels: Vec<usize>, pooling: Pooling) -> Result<Self> {
        require("number of features", labels.len(), 2)?;
        let model = Agglomeration::from_labels(labels)?;
        Ok(Self { model, pooling })
    }

    /// The clustering of the features, moved out without a copy.
    pub fn into_model(self) -> Agglomeration {
        self.model
    }

    /// The clustering of the features: labels, tree, counts.
    pub fn model(&self) -> &Agglomeration {
        &self.model
    }

    /// The cluster of each feature (`labels_`).
    pub fn labels(&self) -> &[usize] {
        self.model.labels()
    }

    /// The number of clusters (`n_clusters_`).
    pub fn n_clusters(&self) -> usize {
        self.model.n_clusters()
    }

    /// The number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.model.labels().len()
    }

    /// The pooling applied by `transform`.
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// Pools each sample onto the clusters: column `c` of the result is the
    /// pooled value of the features labelled `c`, in `f64` (scikit-learn's
    /// mean sums in ascending feature order, then divides by the size).
    ///
    /// # Errors
    /// `x` without samples (as scikit-learn's validation refuses it), of
    /// another width than the fitted data, or with non-finite values.
    pub fn transform<A: Element>(&self, x: ArrayView2<'_, A>) -> Result<Array2<f64>> {
        require("number of samples", x.nrows(), 1)?;
        self.check_width(x.ncols())?;
        let pooled = pooling::pool(x, self.labels(), self.n_clusters(), self.pooling);
        // A NaN or an infinity makes its cluster's mean non-finite, so
        // finite means prove the data finite, and the check's own pass
        // over `x` is needed only otherwise (and for max, min and median,
        // which can leave one out).
        if self.pooling != Pooling::Mean || !pooled.iter().all(|v| v.is_finite()) {
            check_finite(x)?;
        }
        Ok(pooled)
    }

    /// Maps reduced data back to the features: each feature takes its
    /// cluster's value (`X_reduced[:, labels_]`).
    ///
    /// # Errors
    /// `reduced` with a number of columns other than `n_clusters`.
    pub fn inverse_transform(&self, reduced: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut restored = Array2::zeros((reduced.nrows(), self.n_features()));
        self.inverse_transform_into(reduced, restored.view_mut())?;
        Ok(restored)
    }

    /// [`inverse_transform`](Self::inverse_transform) into `restored`
    /// (one row per row of `reduced`, one column per feature), so that a
    /// caller restoring block after block reuses one array.
    ///
    /// ```
    /// use agglo::{FittedFeatureAgglomeration, Pooling};
    /// use ndarray::{array, Array2};
    ///
    /// let model = FittedFeatureAgglomeration::from_labels(vec![1, 0, 1], Pooling::Mean)?;
    /// let mut restored = Array2::zeros((2, 3));
    /// model.inverse_transform_into(array![[5.0, 7.0], [1.0, 2.0]].view(), restored.view_mut())?;
    /// assert_eq!(restored, array![[7.0, 5.0, 7.0], [2.0, 1.0, 2.0]]);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// `reduced` with a number of columns other than `n_clusters`, or
    /// `restored` of another shape than `(reduced.nrows(), n_features)`.
    pub fn inverse_transform_into(
        &self,
        reduced: ArrayView2<'_, f64>,
        restored: ArrayViewMut2<'_, f64>,
    ) -> Result<()> {
        check_restore(
            reduced.dim(),
            restored.dim(),
            self.n_clusters(),
            self.n_features(),
        )?;
        pooling::restore_into(reduced, self.labels(), restored);
        Ok(())
    }

    fn check_width(&self, got: usize) -> Result<()> {
        if got != self.n_features() {
            return Err(AggloError::FeatureMismatch {
                got,
                expected: self.n_features(),
            });
        }
        Ok(())
    }
}
