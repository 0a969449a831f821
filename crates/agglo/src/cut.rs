//! Cutting a tree into flat cluster labels, numbered as scikit-learn
//! numbers them.

use crate::error::{AggloError, Result};
use crate::exact::heapq;
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
        let mut labels = self.cut_many(&[n_clusters])?;
        Ok(labels.pop().unwrap_or_default())
    }

    /// [`Tree::cut`] at every `n_clusters` of the list, in one walk down
    /// the tree: `_hc_cut`'s heap for `k + 1` clusters is its heap for `k`
    /// after one more split, so the splits are made once, in increasing
    /// `k`, and the labels read off at each `k` asked for. The result is in
    /// the order of the list.
    ///
    /// ```
    /// use agglo::{grid_to_graph, ward_tree};
    /// use ndarray::array;
    ///
    /// let points = array![[0.0], [1.0], [10.0], [11.0], [30.0]];
    /// let tree = ward_tree(points.view(), &grid_to_graph(&[5], None)?, None)?;
    /// let cuts = tree.cut_many(&[3, 2])?;
    /// assert_eq!(cuts, [tree.cut(3)?, tree.cut(2)?]);
    /// # Ok::<(), agglo::AggloError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Tree::cut`], for the first `n_clusters` of the list that is
    /// refused.
    pub fn cut_many(&self, n_clusters: &[usize]) -> Result<Vec<Vec<usize>>> {
        let n = self.n_leaves;
        for &k in n_clusters {
            if k == 0 {
                return Err(AggloError::ZeroClusters);
            }
            if k > n {
                return Err(AggloError::TooManyClusters {
                    n_clusters: k,
                    n_points: n,
                });
            }
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
        let mut order: Vec<usize> = (0..n_clusters.len()).collect();
        order.sort_by_key(|&i| n_clusters[i]);
        let mut cuts = vec![Vec::new(); n_clusters.len()];
        let mut nodes: Vec<i64> = vec![-(root as i64)];
        for i in order {
            while nodes.len() < n_clusters[i] {
                let largest = (-nodes[0]) as usize;
                let [a, b] = self.children[largest - n];
                heapq::push(&mut nodes, -(a as i64));
                heapq::push_pop(&mut nodes, -(b as i64));
            }
            cuts[i] = self.heap_labels(&nodes);
        }
        Ok(cuts)
    }

    /// Labels every leaf by the heap position of the kept node above it:
    /// parents have larger ids than their children, so one pass from the
    /// top down reaches every leaf.
    fn heap_labels(&self, nodes: &[i64]) -> Vec<usize> {
        const NONE: usize = usize::MAX;
        let n = self.n_leaves;
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
        label
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
