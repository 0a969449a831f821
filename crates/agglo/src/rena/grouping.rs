//! One round of ReNA's nearest-neighbour grouping (nilearn's
//! `_nearest_neighbor_grouping`): every node keeps the edges to its nearest
//! neighbours, and the connected components of what is kept become the
//! next level's nodes.

use std::cmp::Reverse;

use rayon::prelude::*;

use super::graph::Graph;
use crate::exact::summation::Real;
use crate::linkage::union_find::DisjointSets;

/// The components of one round: their number and each node's component,
/// numbered in order of their smallest node.
pub(super) struct Grouping {
    pub n_components: usize,
    pub labels: Vec<u32>,
}

/// Groups the nodes of `graph` by nearest neighbours, as nilearn 0.14.1
/// does:
///
/// - edge `i → j` is kept when `(1 / maxₖ 1/wᵢₖ) · (1/wᵢⱼ) > 1 − threshold`
///   (nilearn's `_nn_connectivity`, in the weights' precision; nilearn takes
///   the maximum over columns, the same as over rows in a graph whose
///   weights are exactly symmetric, as every level's are);
/// - if the kept edges, taken undirected, leave fewer than `n_clusters`
///   components by nilearn's estimate (`n − edges < n_clusters`), only `n − n_clusters` of
///   them are kept: the edges `(i, j)`, `i < j`, with the largest `j − i`,
///   ties in row order. nilearn takes them from `np.argsort(i − j)`, whose
///   default sort is not stable, so that among ties its choice depends on
///   the CPU; this is the order it gives with `kind="stable"`;
/// - components numbered as `scipy.sparse.csgraph.connected_components`
///   numbers them, by their smallest node.
pub(super) fn group<W: Real>(graph: &Graph<W>, n_clusters: usize, threshold: f64) -> Grouping {
    let n = graph.n_nodes();
    let one_minus = W::from_f64(1.0 - threshold);
    // `1 / max_k (1 / w_ik)` for every node; 0 for a node without edges
    // (SciPy's maximum counts the implicit zeros), which keeps nothing.
    let scale: Vec<W> = (0..n)
        .into_par_iter()
        .with_min_len(1 << 12)
        .map(|i| {
            let max = graph.row(i).fold(W::ZERO, |max, (_, w)| {
                let inverse = W::ONE / w;
                if inverse > max {
                    inverse
                } else {
                    max
                }
            });
            W::ONE / max
        })
        .collect();
    let kept = |i: usize, inverse: W| scale[i] * inverse > one_minus;
    let mut edges: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .with_min_len(1 << 12)
        .flat_map_iter(|i| {
            let kept = &kept;
            graph
                .row(i)
                .filter(move |&(j, w)| {
                    j > i && {
                        let inverse = W::ONE / w;
                        kept(i, inverse) || kept(j, inverse)
                    }
                })
                .map(move |(j, _)| (i as u32, j as u32))
        })
        .collect();
    // nilearn's estimate `n − edges` of the components (negative when the
    // kept edges close cycles) below `n_clusters`.
    if edges.len() + n_clusters > n {
        // Stable: ties stay in row order.
        edges.sort_by_key(|&(i, j)| Reverse(j - i));
        edges.truncate(n.saturating_sub(n_clusters));
    }
    components(n, &edges)
}

/// The connected components of `n` nodes joined by `edges`, numbered by
/// their smallest node.
fn components(n: usize, edges: &[(u32, u32)]) -> Grouping {
    let mut sets = DisjointSets::new(n);
    for &(a, b) in edges {
        sets.union(a as usize, b as usize);
    }
    let mut label_of_root = vec![u32::MAX; n];
    let mut labels = vec![0u32; n];
    let mut n_components = 0u32;
    for (node, label) in labels.iter_mut().enumerate() {
        let root = sets.find(node);
        if label_of_root[root] == u32::MAX {
            label_of_root[root] = n_components;
            n_components += 1;
        }
        *label = label_of_root[root];
    }
    Grouping {
        n_components: n_components as usize,
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_numbered_by_their_smallest_node() {
        let grouping = components(6, &[(3, 5), (1, 4), (0, 3)]);
        assert_eq!(grouping.n_components, 3);
        assert_eq!(grouping.labels, [0, 1, 2, 0, 1, 0]);
    }
}
