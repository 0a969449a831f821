//! The merge tree (dendrogram) that every linkage builds.

/// A merge tree over `n_leaves` points, complete or stopped early.
///
/// Node ids follow scikit-learn: leaves are `0..n_leaves`, and the `k`-th
/// merge creates node `n_leaves + k` from `children()[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub(crate) n_leaves: usize,
    pub(crate) children: Vec<[usize; 2]>,
    pub(crate) distances: Vec<f64>,
    pub(crate) n_connected_components: usize,
}

impl Tree {
    /// The number of leaves (points clustered).
    pub fn n_leaves(&self) -> usize {
        self.n_leaves
    }

    /// The two nodes merged at each step, `[smaller id, larger id]` for the
    /// connectivity-constrained trees (scipy's single linkage keeps its own
    /// order).
    pub fn children(&self) -> &[[usize; 2]] {
        &self.children
    }

    /// The linkage distance of each merge (for Ward, `sqrt(2Δ)` with `Δ` the
    /// increase of inertia; with connectivity these need not be monotone).
    pub fn distances(&self) -> &[f64] {
        &self.distances
    }

    /// The number of connected components of the connectivity graph before
    /// it was completed (1 without connectivity).
    pub fn n_connected_components(&self) -> usize {
        self.n_connected_components
    }

    /// Whether every point has been merged into one root.
    pub fn is_full(&self) -> bool {
        self.children.len() + 1 == self.n_leaves
    }

    /// The parent of every node (`n_leaves + merges` of them); a root is
    /// its own parent.
    pub fn parents(&self) -> Vec<usize> {
        let n_nodes = self.n_leaves + self.children.len();
        let mut parents: Vec<usize> = (0..n_nodes).collect();
        for (k, pair) in self.children.iter().enumerate() {
            for &child in pair {
                parents[child] = self.n_leaves + k;
            }
        }
        parents
    }
}
