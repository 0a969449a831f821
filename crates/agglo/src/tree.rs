//! The merge tree (dendrogram) that every linkage builds, open to be built
//! from parts, inspected and exported.

use ndarray::Array2;

use crate::error::{AggloError, Result};

/// A merge tree over `n_leaves` points, complete or stopped early.
///
/// Node ids follow scikit-learn: leaves are `0..n_leaves`, and the `k`-th
/// merge creates node `n_leaves + k` from `children()[k]`.
///
/// ```
/// use agglo::Tree;
///
/// // ((0, 1), (2, 3)), then 4 joins: the tree of scipy's docs example.
/// let tree = Tree::from_parts(5, vec![[0, 1], [2, 3], [5, 6], [4, 7]], vec![1.0, 1.0, 3.0, 7.0], 1)?;
/// assert_eq!(tree.sizes(), [2, 2, 4, 5]);
/// // Labels are positions in scikit-learn's heap of kept nodes.
/// assert_eq!(tree.cut_many(&[1, 2, 3])?, [vec![0; 5], vec![0, 0, 0, 0, 1], vec![2, 2, 0, 0, 1]]);
/// let z = tree.to_linkage_matrix()?; // scipy's Z: ids, distance, size
/// assert_eq!(z.row(2).to_vec(), [5.0, 6.0, 3.0, 4.0]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub(crate) n_leaves: usize,
    pub(crate) children: Vec<[usize; 2]>,
    pub(crate) distances: Vec<f64>,
    pub(crate) n_connected_components: usize,
}

impl Tree {
    /// The tree built by every linkage: checked only by debug assertions.
    pub(crate) fn new(
        n_leaves: usize,
        children: Vec<[usize; 2]>,
        distances: Vec<f64>,
        n_connected_components: usize,
    ) -> Self {
        debug_assert!(n_leaves == 0 || check_parts(n_leaves, &children, &distances).is_ok());
        Tree {
            n_leaves,
            children,
            distances,
            n_connected_components,
        }
    }

    /// A tree from its parts, as scikit-learn stores them (`children_`,
    /// `distances_`, `n_connected_components_`), checked to be a tree: merge
    /// `k` joins two distinct nodes created before node `n_leaves + k`, none
    /// merged twice, and there is one distance per merge.
    ///
    /// # Errors
    /// [`AggloError::InvalidTree`] naming the first merge that is wrong.
    pub fn from_parts(
        n_leaves: usize,
        children: Vec<[usize; 2]>,
        distances: Vec<f64>,
        n_connected_components: usize,
    ) -> Result<Self> {
        check_parts(n_leaves, &children, &distances)?;
        Ok(Tree {
            n_leaves,
            children,
            distances,
            n_connected_components,
        })
    }

    /// The parts, moved out: `(n_leaves, children, distances,
    /// n_connected_components)`.
    pub fn into_parts(self) -> (usize, Vec<[usize; 2]>, Vec<f64>, usize) {
        (
            self.n_leaves,
            self.children,
            self.distances,
            self.n_connected_components,
        )
    }

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

    /// The number of leaves under each merge: `sizes()[k]` for node
    /// `n_leaves + k`.
    pub fn sizes(&self) -> Vec<usize> {
        let n = self.n_leaves;
        let mut sizes: Vec<usize> = Vec::with_capacity(self.children.len());
        for &[a, b] in &self.children {
            let size = |node: usize| if node < n { 1 } else { sizes[node - n] };
            let merged = size(a) + size(b);
            sizes.push(merged);
        }
        sizes
    }

    /// The tree as scipy's linkage matrix `Z` (`scipy.cluster.hierarchy`):
    /// row `k` is `[children[k][0], children[k][1], distances[k], size]`, so
    /// `dendrogram`, `fcluster` and `cophenet` read agglo's trees.
    ///
    /// The rows keep the merge order. scipy expects distances that never
    /// decrease; a connectivity-constrained tree may have some that do
    /// (scikit-learn's too), which scipy's plotting tolerates and
    /// `is_valid_linkage` does not check.
    ///
    /// # Errors
    /// [`AggloError::NotSupported`] for a tree stopped early: scipy's format
    /// holds exactly `n_leaves − 1` merges.
    pub fn to_linkage_matrix(&self) -> Result<Array2<f64>> {
        if !self.is_full() {
            return Err(AggloError::NotSupported(format!(
                "a linkage matrix of a partial tree ({} merges of {} leaves)",
                self.children.len(),
                self.n_leaves
            )));
        }
        let mut z = Array2::zeros((self.children.len(), 4));
        for (k, ((pair, &distance), size)) in self
            .children
            .iter()
            .zip(&self.distances)
            .zip(self.sizes())
            .enumerate()
        {
            z[[k, 0]] = pair[0] as f64;
            z[[k, 1]] = pair[1] as f64;
            z[[k, 2]] = distance;
            z[[k, 3]] = size as f64;
        }
        Ok(z)
    }
}

/// The checks of [`Tree::from_parts`].
fn check_parts(n_leaves: usize, children: &[[usize; 2]], distances: &[f64]) -> Result<()> {
    let invalid = |message: String| Err(AggloError::InvalidTree(message));
    if distances.len() != children.len() {
        return invalid(format!(
            "{} merges but {} distances",
            children.len(),
            distances.len()
        ));
    }
    if n_leaves == 0 {
        return invalid("a tree needs at least one leaf".to_string());
    }
    if children.len() >= n_leaves {
        return invalid(format!(
            "{} merges of {n_leaves} leaves (at most {})",
            children.len(),
            n_leaves - 1
        ));
    }
    let mut merged = vec![false; n_leaves + children.len()];
    for (k, &[a, b]) in children.iter().enumerate() {
        let node = n_leaves + k;
        for child in [a, b] {
            if child >= node {
                return invalid(format!(
                    "merge {k} (node {node}) joins node {child}, which does not exist yet"
                ));
            }
            if merged[child] {
                return invalid(format!(
                    "merge {k} (node {node}) joins node {child}, which was already merged"
                ));
            }
            merged[child] = true;
        }
        if a == b {
            return invalid(format!(
                "merge {k} (node {node}) joins node {a} with itself"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_that_are_not_a_tree_are_refused() {
        let refused = |n, children: Vec<[usize; 2]>, distances: Vec<f64>| {
            Tree::from_parts(n, children, distances, 1)
                .unwrap_err()
                .to_string()
        };
        assert!(refused(3, vec![[0, 1]], vec![]).contains("1 merges but 0 distances"));
        assert!(refused(3, vec![[0, 3]], vec![1.0]).contains("does not exist yet"));
        assert!(refused(3, vec![[0, 1], [1, 2]], vec![1.0, 2.0]).contains("already merged"));
        assert!(refused(3, vec![[0, 0]], vec![1.0]).contains("already merged"));
        assert!(refused(2, vec![[0, 1], [2, 2]], vec![1.0, 1.0]).contains("at most 1"));
        assert!(refused(0, vec![], vec![]).contains("at least one leaf"));
        let tree = Tree::from_parts(3, vec![[2, 0], [1, 3]], vec![0.5, 2.0], 2).unwrap();
        assert_eq!(
            tree.clone().into_parts(),
            (3, vec![[2, 0], [1, 3]], vec![0.5, 2.0], 2)
        );
        assert_eq!(tree.sizes(), [2, 3]);
    }

    #[test]
    fn partial_trees_have_no_linkage_matrix() {
        let tree = Tree::from_parts(3, vec![[0, 1]], vec![1.0], 1).unwrap();
        assert_eq!(tree.sizes(), [2]);
        assert!(tree.to_linkage_matrix().is_err());
    }
}
