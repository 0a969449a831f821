//! [`Params`]: the configuration both estimators share, with scikit-learn's
//! names, and the checks scikit-learn makes on it.

use super::StoppingRule;
use crate::choices::{ComputeFullTree, Linkage, Metric, OnDisconnected};
use crate::connectivity::Connectivity;
use crate::error::{AggloError, Result};

/// The parameters of [`AgglomerativeClustering`](crate::AgglomerativeClustering)
/// and [`FeatureAgglomeration`](crate::FeatureAgglomeration), named and
/// defaulted as scikit-learn's, settable field by field (from a binding, a
/// command line, a configuration file) and checked by [`Params::check`]
/// with scikit-learn's rules and messages.
///
/// ```
/// use agglo::{AggloError, FeatureAgglomeration, Params};
///
/// let mut params = Params::default();
/// assert_eq!(params.n_clusters, Some(2));
/// params.distance_threshold = Some(1.5);
/// // scikit-learn's rule: exactly one of the two.
/// assert_eq!(params.check(), Err(AggloError::AmbiguousStop));
/// params.n_clusters = None;
/// params.check()?;
/// let estimator = FeatureAgglomeration::from_params(params);
/// assert_eq!(estimator.params().distance_threshold, Some(1.5));
/// # Ok::<(), AggloError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Params {
    /// Stop at this many clusters (`n_clusters`, default 2).
    pub n_clusters: Option<usize>,
    /// Stop merging at this linkage distance (`distance_threshold`,
    /// default none); the full tree is built.
    pub distance_threshold: Option<f64>,
    /// The linkage criterion (default Ward).
    pub linkage: Linkage,
    /// The distance between points (`metric`, default euclidean).
    pub metric: Metric,
    /// Only points joined in this graph are merged directly.
    pub connectivity: Option<Connectivity>,
    /// Whether to build the full tree (default `Auto`).
    pub compute_full_tree: ComputeFullTree,
    /// Keep the merge distances even without a distance threshold.
    pub compute_distances: bool,
    /// What to do with a graph in several pieces (default: complete it,
    /// scikit-learn's behaviour).
    pub on_disconnected: OnDisconnected,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            n_clusters: Some(2),
            distance_threshold: None,
            linkage: Linkage::Ward,
            metric: Metric::Euclidean,
            connectivity: None,
            compute_full_tree: ComputeFullTree::Auto,
            compute_distances: false,
            on_disconnected: OnDisconnected::Complete,
        }
    }
}

impl Params {
    /// The checks scikit-learn makes on the parameters alone, before it
    /// looks at the data.
    ///
    /// # Errors
    /// Neither or both of `n_clusters` and `distance_threshold`
    /// ([`AggloError::AmbiguousStop`]), `n_clusters` of 0, a threshold that
    /// is negative or not finite, a threshold with `compute_full_tree =
    /// False`, Ward with a metric other than euclidean.
    pub fn check(&self) -> Result<()> {
        let stop = self.stopping_rule()?;
        match stop {
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

    /// The stopping rule the two fields give.
    ///
    /// # Errors
    /// [`AggloError::AmbiguousStop`] when neither or both are set.
    pub fn stopping_rule(&self) -> Result<StoppingRule> {
        match (self.n_clusters, self.distance_threshold) {
            (Some(k), None) => Ok(StoppingRule::NClusters(k)),
            (None, Some(t)) => Ok(StoppingRule::DistanceThreshold(t)),
            _ => Err(AggloError::AmbiguousStop),
        }
    }

    /// Whether the tree builder reads the points only edge by edge
    /// (complete, average and single linkage with connectivity), so that
    /// it takes them in any layout.
    pub(crate) fn reads_by_edges(&self) -> bool {
        self.connectivity.is_some()
            && self.linkage != Linkage::Ward
            && self.metric != Metric::Precomputed
    }

    /// Whether a fit over `n_points` points builds the whole tree:
    /// scikit-learn's rule, always without connectivity, always with a
    /// distance threshold, otherwise as `compute_full_tree` says (`Auto`:
    /// when `n_clusters < max(100, 0.02·n_points)`).
    pub fn builds_full_tree(&self, n_points: usize) -> bool {
        match (self.compute_full_tree, self.n_clusters) {
            _ if self.connectivity.is_none() => true,
            _ if self.distance_threshold.is_some() => true,
            (ComputeFullTree::True, _) | (_, None) => true,
            (ComputeFullTree::False, _) => false,
            (ComputeFullTree::Auto, Some(k)) => {
                (k as f64) < f64::max(100.0, 0.02 * n_points as f64)
            }
        }
    }

    /// The number of merges a fit over `n_points` points makes (the bar of
    /// a progress display).
    ///
    /// ```
    /// use agglo::{grid_to_graph, Params};
    ///
    /// let mut params = Params::default();
    /// params.n_clusters = Some(2_000);
    /// params.connectivity = Some(grid_to_graph(&[300, 300], None)?);
    /// // 2,000 clusters of 90,000 points: more than 2 %, stop early.
    /// assert_eq!(params.n_merges(90_000)?, 88_000);
    /// params.n_clusters = Some(10);
    /// assert_eq!(params.n_merges(90_000)?, 89_999);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// [`AggloError::TooManyClusters`] for more clusters than points, and
    /// [`AggloError::AmbiguousStop`].
    pub fn n_merges(&self, n_points: usize) -> Result<usize> {
        match self.stopping_rule()? {
            StoppingRule::NClusters(k) if k > n_points => Err(AggloError::TooManyClusters {
                n_clusters: k,
                n_points,
            }),
            StoppingRule::NClusters(k) if !self.builds_full_tree(n_points) => Ok(n_points - k),
            _ => Ok(n_points.saturating_sub(1)),
        }
    }
}
