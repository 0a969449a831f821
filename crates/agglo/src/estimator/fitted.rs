//! A fitted clustering: labels and the tree they were cut from.

use crate::error::{AggloError, Result};
use crate::tree::Tree;
use crate::warning::FitWarning;

/// The result of fitting: scikit-learn's fitted attributes `labels_`,
/// `children_`, `distances_`, `n_clusters_`, `n_leaves_` and
/// `n_connected_components_`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agglomeration {
    pub(crate) labels: Vec<usize>,
    pub(crate) n_clusters: usize,
    pub(crate) tree: Tree,
    pub(crate) has_distances: bool,
    pub(crate) warnings: Vec<FitWarning>,
}

impl Agglomeration {
    /// A clustering known only by its labels (a saved model): no merges
    /// are recorded, so `children()` is empty and `distances()` is `None`.
    pub(crate) fn from_labels(labels: Vec<usize>) -> Result<Self> {
        let largest = labels.iter().copied().max().unwrap_or(0);
        if largest >= labels.len() {
            return Err(AggloError::InvalidLabels(format!(
                "label {largest} is larger than the number of points ({})",
                labels.len()
            )));
        }
        let n_clusters = if labels.is_empty() { 0 } else { largest + 1 };
        let mut used = vec![false; n_clusters];
        for &l in &labels {
            used[l] = true;
        }
        if let Some(missing) = used.iter().position(|&u| !u) {
            return Err(AggloError::InvalidLabels(format!(
                "label {missing} is unused while labels go up to {}",
                n_clusters - 1
            )));
        }
        Ok(Agglomeration {
            tree: Tree::new(labels.len(), Vec::new(), Vec::new(), 1),
            labels,
            n_clusters,
            has_distances: false,
            warnings: Vec::new(),
        })
    }

    /// The labels and the tree, moved out without a copy.
    ///
    /// ```
    /// use agglo::{AgglomerativeClustering, Connectivity};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [5.0]];
    /// let model = AgglomerativeClustering::new()
    ///     .connectivity(Connectivity::from_edges(3, &[(0, 1), (1, 2)])?)
    ///     .fit(x.view())?;
    /// let (labels, tree) = model.into_parts();
    /// assert_eq!(labels, [0, 0, 1]);
    /// assert_eq!(tree.children(), &[[0, 1], [2, 3]]);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    pub fn into_parts(self) -> (Vec<usize>, Tree) {
        (self.labels, self.tree)
    }

    /// The cluster of each point (`labels_`).
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The number of clusters found (`n_clusters_`).
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// The merges made (`children_`): row `k` created node `n_leaves + k`.
    pub fn children(&self) -> &[[usize; 2]] {
        self.tree.children()
    }

    /// The distance of each merge (`distances_`), present when
    /// `compute_distances` or a distance threshold was set.
    pub fn distances(&self) -> Option<&[f64]> {
        self.has_distances.then(|| self.tree.distances())
    }

    /// The number of points clustered (`n_leaves_`).
    pub fn n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// Components of the connectivity graph before completion
    /// (`n_connected_components_`).
    pub fn n_connected_components(&self) -> usize {
        self.tree.n_connected_components()
    }

    /// The merge tree itself, distances always included.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Warnings raised while fitting (for example a disconnected graph that
    /// had to be completed).
    pub fn warnings(&self) -> &[FitWarning] {
        &self.warnings
    }
}
