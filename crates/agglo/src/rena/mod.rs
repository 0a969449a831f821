//! ReNA, recursive nearest agglomeration (Hoyos-Idrobo et al., IEEE TPAMI
//! 2019), with the labels of nilearn 0.14.1's `nilearn.regions.ReNA`.
//!
//! Each round joins every node of a weighted graph to its nearest
//! neighbours (the smallest squared distance between their signals), takes
//! the connected components as the next level's nodes, averages their
//! signals and joins two of them where the graph joined their members; it
//! stops once at most `n_clusters` are left or after `n_iter` rounds (so it
//! can end with more clusters than asked). A round never merges more than
//! down to `n_clusters`. It is a fast, approximate alternative to Ward.
//!
//! ```
//! use agglo::{grid_to_graph, Rena};
//! use ndarray::Array2;
//!
//! // 20 samples of a 6 × 6 image whose left and right halves differ.
//! let x = Array2::from_shape_fn((20, 36), |(s, f)| {
//!     let left = (f % 6) < 3;
//!     (if left { 0.0 } else { 5.0 }) + ((s * 7 + f * 13) % 11) as f64 / 10.0
//! });
//! let graph = grid_to_graph(&[6, 6], None)?;
//! let fitted = Rena::new().n_clusters(4).fit(x.view(), &graph)?;
//! assert!(fitted.n_clusters() <= 36);
//! assert_eq!(fitted.labels()[0], 0); // numbered in order of first appearance
//! let reduced = fitted.transform(x.view())?; // 20 × n_clusters means
//! let restored = fitted.inverse_transform(reduced.view())?;
//! assert_eq!(restored.dim(), (20, 36));
//! # Ok::<(), agglo::AggloError>(())
//! ```
//!
//! # Where agglo differs from nilearn, on purpose
//! - **Ties in the final round.** When a round would merge below
//!   `n_clusters`, nilearn keeps the edges of `np.argsort(i − j)`, an
//!   unstable sort whose choice among equal gaps depends on the CPU's SIMD
//!   sort; agglo uses the stable order (what nilearn gives with
//!   `kind="stable"`). Labels are identical wherever nilearn's own result
//!   does not depend on the CPU.
//! - **Isolated voxels.** nilearn numbers its graph's nodes by rank among
//!   the voxels that have an in-mask neighbour, so a mask voxel without one
//!   shifts every later node against the columns of `X` (labels and means
//!   are then attributed to the wrong voxels). agglo's node `i` is always
//!   feature `i`; an isolated feature stays a cluster of its own. On masks
//!   without isolated voxels the two agree.
//!
//! # Exactness
//! Weights, means and comparisons are computed in nilearn's precision and
//! summation orders: the first graph's weights in `float64`, NumPy's
//! pairwise sums, SciPy's `float32` incidence weights and the order of its
//! sparse products (see `graph.rs`, `grouping.rs`, `reduce.rs`).

mod graph;
mod grouping;
mod reduce;
mod rounds;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::connectivity::Connectivity;
use crate::element::{Element, Precision};
use crate::error::{AggloError, Result};
use crate::estimator::{check_finite, check_restore, require};
use crate::pooling;
use crate::progress::MergeProgress;
use reduce::Members;
use rounds::First;

/// The parameters of a ReNA fit, nilearn's names and defaults:
/// `n_clusters = 2`, `n_iter = 10`, `threshold = 1e-7`, `scaling = false`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rena {
    n_clusters: usize,
    n_iter: usize,
    threshold: f64,
    scaling: bool,
}

impl Default for Rena {
    fn default() -> Self {
        Rena {
            n_clusters: 2,
            n_iter: 10,
            threshold: 1e-7,
            scaling: false,
        }
    }
}

impl Rena {
    /// nilearn's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of clusters to reach (at least 1).
    #[must_use]
    pub fn n_clusters(mut self, n_clusters: usize) -> Self {
        self.n_clusters = n_clusters;
        self
    }

    /// The largest number of rounds (at least 1).
    #[must_use]
    pub fn n_iter(mut self, n_iter: usize) -> Self {
        self.n_iter = n_iter;
        self
    }

    /// How far from the nearest neighbour an edge may be and still be
    /// kept, relatively (`1e-7` keeps only ties with it).
    #[must_use]
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Whether `transform` multiplies each cluster's mean by the square
    /// root of its size (preserving the data's l2 norm).
    #[must_use]
    pub fn scaling(mut self, scaling: bool) -> Self {
        self.scaling = scaling;
        self
    }

    /// The number of clusters asked for.
    pub fn get_n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// The largest number of rounds.
    pub fn get_n_iter(&self) -> usize {
        self.n_iter
    }

    /// The nearest-neighbour tolerance.
    pub fn get_threshold(&self) -> f64 {
        self.threshold
    }

    /// Whether `transform` scales by `√size`.
    pub fn get_scaling(&self) -> bool {
        self.scaling
    }

    /// Checks the parameters alone, before any data is read.
    ///
    /// # Errors
    /// [`AggloError::ZeroClusters`], or [`AggloError::InvalidParameter`]
    /// for `n_iter` 0 or a threshold that is not a number.
    pub fn check(&self) -> Result<()> {
        if self.n_clusters == 0 {
            return Err(AggloError::ZeroClusters);
        }
        if self.n_iter == 0 {
            return Err(AggloError::InvalidParameter {
                name: "n_iter",
                rule: "an integer greater than 0",
                value: "0".into(),
            });
        }
        if self.threshold.is_nan() {
            return Err(AggloError::InvalidParameter {
                name: "threshold",
                rule: "a number (nilearn documents the interval (0, 1))",
                value: "NaN".into(),
            });
        }
        Ok(())
    }

    /// Clusters the features (columns) of `x`, `n_samples × n_features`,
    /// over `connectivity`, a graph of the features (for an image, the
    /// 6-neighbour lattice of its mask, [`grid_to_graph`](crate::grid_to_graph);
    /// self-loops are ignored).
    ///
    /// `x` is read in place when it is `f64` stored column-major; any other
    /// layout is copied once, feature by feature. `f32` data is worked on in
    /// `f32` after the first graph, as nilearn does.
    ///
    /// # Errors
    /// Invalid parameters (see [`check`](Self::check)), fewer than 2 samples
    /// or features, non-finite values, a graph of another size, more
    /// clusters than features, more than 2³² − 1 features.
    pub fn fit<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        connectivity: &Connectivity,
    ) -> Result<FittedRena> {
        self.fit_with(x, connectivity, &MergeProgress::new())
    }

    /// [`fit`](Self::fit), reporting `n_features − nodes left` after each
    /// round to `progress` and stopping with [`AggloError::Cancelled`]
    /// when it is cancelled.
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and [`AggloError::Cancelled`].
    pub fn fit_with<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        connectivity: &Connectivity,
        progress: &MergeProgress,
    ) -> Result<FittedRena> {
        self.check_fit(x, connectivity)?;
        let (labels, n_rounds) = match A::PRECISION {
            Precision::F32 => rounds::run(
                self,
                First::<f32>::of_view(x),
                x.nrows(),
                Cow::Borrowed(connectivity),
                progress,
            )?,
            _ => rounds::run(
                self,
                First::<f64>::of_view(x),
                x.nrows(),
                Cow::Borrowed(connectivity),
                progress,
            )?,
        };
        Ok(self.fitted(labels, n_rounds))
    }

    /// [`fit_with`](Self::fit_with) on data and a graph handed over: the
    /// graph is dropped once the first level is built, and `x` once the
    /// first round's means are (float64 data stored column-major is worked
    /// on where it lies), so that the fit holds little besides `x` at any
    /// time: what a caller short of memory wants.
    ///
    /// # Errors
    /// As [`fit_with`](Self::fit_with).
    pub fn fit_owned_with<A: Element>(
        &self,
        x: Array2<A>,
        connectivity: Connectivity,
        progress: &MergeProgress,
    ) -> Result<FittedRena> {
        self.check_fit(x.view(), &connectivity)?;
        let width = x.nrows();
        let (labels, n_rounds) = match A::PRECISION {
            Precision::F32 => {
                let first = First::<f32>::of_view(x.view()).into_owned();
                drop(x);
                rounds::run(self, first, width, Cow::Owned(connectivity), progress)?
            }
            _ => rounds::run(
                self,
                First::<f64>::of_owned(x),
                width,
                Cow::Owned(connectivity),
                progress,
            )?,
        };
        Ok(self.fitted(labels, n_rounds))
    }

    /// The checks of a fit that need the data's shape and values.
    fn check_fit<A: Element>(
        &self,
        x: ArrayView2<'_, A>,
        connectivity: &Connectivity,
    ) -> Result<()> {
        self.check()?;
        let (n_samples, n_features) = x.dim();
        require("number of samples", n_samples, 2)?;
        require("number of features", n_features, 2)?;
        if connectivity.n_nodes() != n_features {
            return Err(AggloError::ConnectivityShape {
                rows: connectivity.n_nodes(),
                cols: connectivity.n_nodes(),
                n_points: n_features,
            });
        }
        if self.n_clusters > n_features {
            return Err(AggloError::TooManyClusters {
                n_clusters: self.n_clusters,
                n_points: n_features,
            });
        }
        graph::check_size(n_features)?;
        check_finite(x)
    }

    fn fitted(&self, labels: Vec<u32>, n_rounds: usize) -> FittedRena {
        let n_clusters = labels.iter().max().map_or(0, |&l| l as usize + 1);
        let members = Members::of(&labels, n_clusters);
        let sizes = (0..n_clusters).map(|c| members.size(c)).collect();
        FittedRena {
            labels: labels.into_iter().map(|l| l as usize).collect(),
            sizes,
            n_rounds,
            scaling: self.scaling,
        }
    }
}

/// A fitted ReNA model: the features' clusters, and how `transform` pools.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedRena {
    labels: Vec<usize>,
    sizes: Vec<usize>,
    n_rounds: usize,
    scaling: bool,
}

impl FittedRena {
    /// A model from saved labels (`0..n_clusters`, each used, at least 2
    /// features), for `transform` and `inverse_transform` without a refit.
    ///
    /// # Errors
    /// Fewer than 2 labels, or labels that do not cover `0..n_clusters`.
    pub fn from_labels(labels: Vec<usize>, scaling: bool) -> Result<Self> {
        require("number of features", labels.len(), 2)?;
        let n_clusters = labels.iter().max().map_or(0, |&l| l + 1);
        let mut sizes = vec![0usize; n_clusters];
        for &l in &labels {
            sizes[l] += 1;
        }
        if let Some(missing) = sizes.iter().position(|&s| s == 0) {
            return Err(AggloError::InvalidLabels(format!(
                "no feature has label {missing}, below the largest label {}",
                n_clusters - 1
            )));
        }
        Ok(FittedRena {
            labels,
            sizes,
            n_rounds: 0,
            scaling,
        })
    }

    /// The cluster of each feature (`labels_`), numbered in order of first
    /// appearance.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The number of clusters found (`n_clusters_`).
    pub fn n_clusters(&self) -> usize {
        self.sizes.len()
    }

    /// The number of features in each cluster (`sizes_`).
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The rounds the fit ran (0 for a model made from labels).
    pub fn n_rounds(&self) -> usize {
        self.n_rounds
    }

    /// Whether `transform` scales by the square root of the sizes.
    pub fn scaling(&self) -> bool {
        self.scaling
    }

    /// nilearn's `ReNA.transform`: each cluster's mean (`np.mean` of its
    /// features, in `f32` for `f32` data), times `√size` with `scaling`.
    ///
    /// # Errors
    /// `x` without samples, of another width, or with non-finite values.
    pub fn transform<A: Element>(&self, x: ArrayView2<'_, A>) -> Result<Array2<f64>> {
        require("number of samples", x.nrows(), 1)?;
        if x.ncols() != self.labels.len() {
            return Err(AggloError::FeatureMismatch {
                got: x.ncols(),
                expected: self.labels.len(),
            });
        }
        let labels: Vec<u32> = self.labels.iter().map(|&l| l as u32).collect();
        let members = Members::of(&labels, self.n_clusters());
        let mut means = reduce::cluster_means(x, &members, A::PRECISION == Precision::F32);
        // A NaN or an infinity makes its cluster's mean non-finite: finite
        // means prove the data finite without a pass of its own.
        if !means.iter().all(|v| v.is_finite()) {
            check_finite(x)?;
        }
        if self.scaling {
            let roots: Vec<f64> = self.sizes.iter().map(|&s| (s as f64).sqrt()).collect();
            for mut row in means.outer_iter_mut() {
                for (v, r) in row.iter_mut().zip(&roots) {
                    *v *= r;
                }
            }
        }
        Ok(means)
    }

    /// nilearn's `ReNA.inverse_transform`: divides by `√size` with
    /// `scaling`, then gives each feature its cluster's value.
    ///
    /// # Errors
    /// `reduced` with a number of columns other than `n_clusters`.
    pub fn inverse_transform(&self, reduced: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut restored = Array2::zeros((reduced.nrows(), self.labels.len()));
        self.inverse_transform_into(reduced, restored.view_mut())?;
        Ok(restored)
    }

    /// [`inverse_transform`](Self::inverse_transform) into `restored`
    /// (one row per row of `reduced`, one column per feature).
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
            self.labels.len(),
        )?;
        if !self.scaling {
            pooling::restore_into(reduced, &self.labels, restored);
            return Ok(());
        }
        let mut scaled = reduced.to_owned();
        for mut row in scaled.outer_iter_mut() {
            for (v, &s) in row.iter_mut().zip(&self.sizes) {
                *v /= (s as f64).sqrt();
            }
        }
        pooling::restore_into(scaled.view(), &self.labels, restored);
        Ok(())
    }
}
