//! From merges in the order an algorithm found them to the dendrogram
//! scipy returns: a stable sort by distance, then union-find relabelling
//! (scipy's `label`, scikit-learn's `_single_linkage_label`).

use std::cmp::Ordering;

use crate::linkage::union_find::UnionFind;
use crate::tree::Tree;

/// One merge as an algorithm reports it: two points (or cluster slots)
/// whose clusters join at `distance`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Merge {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) distance: f64,
}

/// How the two children of a node are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PairOrder {
    /// `[smaller id, larger id]`, as scipy's `label` writes them.
    Ascending,
    /// `[cluster of a, cluster of b]`, as scikit-learn's
    /// `_single_linkage_label` writes them.
    AsFound,
}

/// Sorts `merges` by distance, keeping the found order among equal
/// distances (NumPy's `argsort(kind="mergesort")`; `−0.0` equals `0.0`),
/// then names each merge's clusters by their current roots: the `k`-th
/// sorted merge creates node `n + k`. `O(n log n)`.
///
/// The distances must not be NaN (callers check).
pub(super) fn dendrogram(n: usize, mut merges: Vec<Merge>, order: PairOrder) -> Tree {
    merges.sort_by(|p, q| {
        p.distance
            .partial_cmp(&q.distance)
            .unwrap_or(Ordering::Equal)
    });
    let mut clusters = UnionFind::new(n);
    let mut children = Vec::with_capacity(merges.len());
    let mut distances = Vec::with_capacity(merges.len());
    for merge in merges {
        let ra = clusters.find(merge.a);
        let rb = clusters.find(merge.b);
        children.push(match order {
            PairOrder::Ascending => [ra.min(rb), ra.max(rb)],
            PairOrder::AsFound => [ra, rb],
        });
        distances.push(merge.distance);
        clusters.union(ra, rb);
    }
    Tree::new(n, children, distances, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(a: usize, b: usize, distance: f64) -> Merge {
        Merge { a, b, distance }
    }

    #[test]
    fn sorts_stably_and_relabels() {
        // Found order: {2,3} at 1, {0,1} at 0.5, {1,3} at 1 (after both).
        let merges = vec![m(3, 2, 1.0), m(1, 0, 0.5), m(1, 3, 1.0)];
        let tree = dendrogram(4, merges.clone(), PairOrder::Ascending);
        assert_eq!(tree.children, vec![[0, 1], [2, 3], [4, 5]]);
        assert_eq!(tree.distances, vec![0.5, 1.0, 1.0]);
        let tree = dendrogram(4, merges, PairOrder::AsFound);
        assert_eq!(tree.children, vec![[1, 0], [3, 2], [4, 5]]);
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        let merges = vec![m(0, 1, 0.0), m(2, 3, -0.0), m(0, 2, 0.0)];
        let tree = dendrogram(4, merges, PairOrder::Ascending);
        assert_eq!(tree.children, vec![[0, 1], [2, 3], [4, 5]]);
    }
}
