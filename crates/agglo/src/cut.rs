//! Cutting a tree into flat cluster labels, numbered as scikit-learn
//! numbers them.

use crate::error::{AggloError, Result};
use crate::heapq;
use crate::tree::Tree;

impl Tree {
    /// Labels for `n_clusters` clusters cut from a full tree, exactly as
    /// scikit-learn's `_hc_cut`: starting from the root, the node with the
    /// largest id is split `n_clusters − 1` times, the nodes kept in a
    /// Python `heapq` array of negated ids; the cluster under the node at
    /// array position `p` gets label `p`. Labels are therefore heap
    /// positions, not sorted by node id.
    ///
    /// ```
    /// use agglo::{grid_to_graph, ward_tree};
    /// use ndarray::array;
    ///
    /// let points = array![[0.0], [1.0], [10.0], [11.0], [30.0]];
    /// let tree = ward_tree(points.view(), &grid_to_graph(&[5], None)?, None)?;
    /// assert_eq!(tree.cut(2)?, vec![0, 0, 0, 0, 1]);
    /// assert_eq!(tree.cut(3)?, vec![2, 2, 0, 0, 1]); // heap positions, not sorted ids
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// `n_clusters` of 0 or more than the leaves, or a tree that is not full
    /// (use [`Tree::forest_labels`] after an early stop).
    pub fn cut(&self, n_clusters: usize) -> Result<Vec<usize>> {
        let n = self.n_leaves;
        if n_clusters == 0 {
            return Err(AggloError::ZeroClusters);
        }
        if n_clusters > n {
            return Err(AggloError::TooManyClusters {
                n_clusters,
                n_points: n,
            });
        }
        if !self.is_full() {
            return Err(AggloError::NotSupported(format!(
                "cutting a partial tree ({} merges of {} leaves)",
                self.children.len(),
                n
            )));
        }
        let root = match self.children.last() {
            Some(last) => last[0].max(last[1]) + 1,
            None => 0, // a single leaf
        };
        let mut nodes: Vec<i64> = vec![-(root as i64)];
        for _ in 1..n_clusters {
            let largest = (-nodes[0]) as usize;
            let [a, b] = self.children[largest - n];
            heapq::push(&mut nodes, -(a as i64));
            heapq::push_pop(&mut nodes, -(b as i64));
        }
        // Label every node by the heap position of the kept node above it:
        // parents have larger ids than their children, so one pass from the
        // top down reaches every leaf.
        const NONE: usize = usize::MAX;
        let mut label = vec![NONE; n + self.children.len()];
        for (position, &node) in nodes.iter().enumerate() {
            label[(-node) as usize] = position;
        }
        for k in (0..self.children.len()).rev() {
            let l = label[n + k];
            if l != NONE {
                for child in self.children[k] {
                    label[child] = l;
                }
            }
        }
        label.truncate(n);
        Ok(label)
    }

    /// Labels after an early stop, as scikit-learn numbers them: each leaf
    /// takes the rank of its root's id among the distinct roots, ascending.
    /// On a full tree this is one cluster.
    ///
    /// ```
    /// use agglo::{grid_to_graph, ward_tree};
    /// use ndarray::array;
    ///
    /// let points = array![[0.0], [1.0], [10.0], [11.0], [30.0]];
    /// let tree = ward_tree(points.view(), &grid_to_graph(&[5], None)?, Some(3))?;
    /// assert_eq!(tree.forest_labels(), vec![1, 1, 2, 2, 0]);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    pub fn forest_labels(&self) -> Vec<usize> {
        let n = self.n_leaves;
        let parents = self.parents();
        // Roots from the top down: a node's head is its parent's head.
        let mut head: Vec<usize> = (0..parents.len()).collect();
        for node in (0..parents.len()).rev() {
            if parents[node] != node {
                head[node] = head[parents[node]];
            }
        }
        let mut roots: Vec<usize> = head[..n].to_vec();
        roots.sort_unstable();
        roots.dedup();
        head[..n]
            .iter()
            .map(|h| roots.binary_search(h).unwrap_or_default())
            .collect()
    }
}
