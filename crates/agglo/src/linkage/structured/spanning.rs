//! Single linkage under a connectivity constraint, as scikit-learn's
//! `_single_linkage_tree`: a minimum spanning tree of the weighted graph
//! (scipy's Kruskal), sorted, then labelled with a union-find.
//!
//! ```text
//! w ← edge weights; w[w == 0] ← ε (f64 machine epsilon, so zero-weight edges survive)
//! order ← stable argsort of w over the CSR entries (both directions of every edge)
//! Kruskal: keep entry (r, c) iff r and c are not yet joined; stop at n − 1 kept
//! mst ← kept entries in CSR order, w[w == ε] ← 0, then a stable sort by weight
//! for (r, c, w) in mst: children += [root(r), root(c)] (unsorted pair); distances += w
//! ```
//!
//! Which of two tied entries Kruskal keeps depends only on the stable
//! order, not on the union-find's internals, so any correct union-find
//! reproduces scipy. The tree always has `n − 1` merges, whatever the
//! number of clusters asked for.
//!
//! Cost: `O(E log E)` for the sort, near-linear for the union-finds.

use super::paired::WeightedAdjacency;
use crate::linkage::union_find::{DisjointSets, UnionFind};
use crate::tree::Tree;

/// The single-linkage tree of a connected weighted graph (`n − 1` merges;
/// fewer if the graph is not connected).
pub(crate) fn single_linkage(adjacency: &WeightedAdjacency, n_connected_components: usize) -> Tree {
    let n = adjacency.n_nodes();
    let mst = minimum_spanning_tree(adjacency);
    let (children, distances) = label(n, &mst);
    Tree::new(n, children, distances, n_connected_components)
}

/// scipy's `minimum_spanning_tree` as scikit-learn calls it, followed by
/// the stable sort by weight: the kept `(row, col, weight)` entries.
fn minimum_spanning_tree(adjacency: &WeightedAdjacency) -> Vec<(usize, usize, f64)> {
    let n = adjacency.n_nodes();
    let entries: Vec<(usize, usize, f64)> = adjacency
        .entries()
        .map(|(r, c, w)| (r, c, if w == 0.0 { f64::EPSILON } else { w }))
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    // `sort_by` is stable, like NumPy's `argsort(kind="stable")`; weights
    // are never NaN, so `total_cmp` agrees with `<` (no signed zeros remain).
    order.sort_by(|&x, &y| entries[x].2.total_cmp(&entries[y].2));

    let mut forest = DisjointSets::new(n);
    let mut kept = Vec::with_capacity(n.saturating_sub(1));
    for &e in &order {
        if kept.len() + 1 >= n {
            break;
        }
        let (r, c, _) = entries[e];
        if forest.union(r, c) {
            kept.push(e);
        }
    }
    // `mst.tocoo()` lists the kept entries in CSR order.
    kept.sort_unstable();
    let mut mst: Vec<(usize, usize, f64)> = kept
        .iter()
        .map(|&e| {
            let (r, c, w) = entries[e];
            (r, c, if w == f64::EPSILON { 0.0 } else { w })
        })
        .collect();
    mst.sort_by(|x, y| x.2.total_cmp(&y.2));
    mst
}

/// `_single_linkage_label`: node ids for the merges of a sorted spanning
/// tree; row `k` joins the current roots of its two ends into node `n + k`.
fn label(n: usize, mst: &[(usize, usize, f64)]) -> (Vec<[usize; 2]>, Vec<f64>) {
    let mut clusters = UnionFind::new(n);
    let mut children = Vec::with_capacity(mst.len());
    let mut distances = Vec::with_capacity(mst.len());
    for &(r, c, w) in mst {
        let left = clusters.find(r);
        let right = clusters.find(c);
        children.push([left, right]);
        distances.push(w);
        clusters.union(left, right);
    }
    (children, distances)
}

#[cfg(test)]
mod tests {
    use super::super::paired::edge_weights;
    use super::*;
    use crate::choices::Metric;
    use crate::connectivity::Connectivity;
    use crate::element::Precision;
    use ndarray::array;

    #[test]
    fn zero_weights_survive_and_pairs_stay_unsorted() {
        // 0 - 1 - 2 - 3 on a line; 1 and 2 coincide (weight 0).
        let points = array![[0.0], [1.0], [1.0], [3.0]];
        let graph = Connectivity::from_edges(4, &[(0, 1), (1, 2), (2, 3)]).unwrap();
        let w = edge_weights(points.view(), &graph, Metric::Euclidean, Precision::F64);
        let tree = single_linkage(&w, 1);
        assert_eq!(tree.children(), &[[1, 2], [0, 4], [5, 3]]);
        assert_eq!(tree.distances(), &[0.0, 1.0, 2.0]);
    }
}
