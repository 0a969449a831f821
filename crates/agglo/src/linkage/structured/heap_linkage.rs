//! Complete and average linkage under a connectivity constraint: the
//! heap-driven merge loop of scikit-learn's `linkage_tree`, step for step.
//!
//! ```text
//! heap ← [WeightedEdge(d(ind, r), ind, r) for ind ascending, for r < ind ascending]; heapify
//! for k = n, n+1, …:
//!     pop edges until both ends are alive → (i, j), i > j
//!     children[k−n] = [j, i]; distances[k−n] = weight
//!     A[k] = merge(A[i], A[j]) over alive neighbours   (max, or size-weighted mean)
//!     for (col, d) in A[k], col ascending: A[col][k] = d; heappush(WeightedEdge(d, k, col))
//! ```
//!
//! Edges compare by weight only, so ties are resolved by the layout of the
//! heap array; [`crate::exact::heapq`] sifts exactly as CPython does, which makes
//! the pop sequence, and hence the tree, scikit-learn's.
//!
//! Cost: each merge combines two neighbour maps in `O(deg)` and pushes
//! `O(deg)` edges, `O(log E)` each; at most `E + Σ deg` edges ever enter the
//! heap, so the whole loop is `O((E + Σ deg) · log(E + Σ deg))` time and as
//! much memory, with stale edges discarded lazily on pop.

use super::neighbor_map::{merge_maps, MergeRule, NeighborMap};
use super::paired::WeightedAdjacency;
use super::weighted_edge::WeightedEdge;
use super::Extent;
use crate::exact::heapq;
use crate::progress::PROGRESS_STEP;
use crate::tree::Tree;

/// Runs `n_merges` merges (fewer only if the heap runs dry, which a
/// connected graph never lets happen) and returns the tree.
pub(crate) fn heap_linkage(
    adjacency: &WeightedAdjacency,
    rule: MergeRule,
    extent: Extent<'_>,
) -> Tree {
    let Extent {
        n_merges,
        n_connected_components,
        progress,
    } = extent;
    let n = adjacency.n_nodes();
    let n_nodes = n + n_merges;

    let mut maps: Vec<NeighborMap> = Vec::with_capacity(n_nodes);
    let mut heap = Vec::new();
    for node in 0..n {
        let (cols, weights) = adjacency.row(node);
        maps.push(cols.iter().copied().zip(weights.iter().copied()).collect());
        heap.extend(
            cols.iter()
                .zip(weights)
                .filter(|&(&col, _)| col < node)
                .map(|(&col, &weight)| WeightedEdge {
                    weight,
                    a: node as u32,
                    b: col as u32,
                }),
        );
    }
    heapq::heapify(&mut heap);

    // scikit-learn's `used_node`: the size of each live cluster, 0 once
    // merged (nodes not created yet never appear in the heap).
    let mut size = vec![1usize; n_nodes];
    let mut children = Vec::with_capacity(n_merges);
    let mut distances = Vec::with_capacity(n_merges);

    for k in n..n_nodes {
        if let Some(progress) = progress.filter(|_| (k - n).is_multiple_of(PROGRESS_STEP)) {
            if !progress.set(k - n) {
                break;
            }
        }
        let edge = loop {
            match heapq::pop(&mut heap) {
                Some(e) if size[e.a as usize] != 0 && size[e.b as usize] != 0 => break Some(e),
                Some(_) => {}
                None => break None,
            }
        };
        let Some(WeightedEdge { weight, a, b }) = edge else {
            break;
        };
        let (i, j) = (a as usize, b as usize);
        children.push([j, i]);
        distances.push(weight);
        let (n_i, n_j) = (size[i], size[j]);
        size[k] = n_i + n_j;
        size[i] = 0;
        size[j] = 0;

        let merged = merge_maps(&maps[i], &maps[j], |key| size[key] != 0, rule, n_i, n_j);
        for &(col, d) in &merged {
            // k is the largest id so far: appending keeps the map sorted.
            maps[col].push((k, d));
            heapq::push(
                &mut heap,
                WeightedEdge {
                    weight: d,
                    a: k as u32,
                    b: col as u32,
                },
            );
        }
        maps.push(merged);
        maps[i] = Vec::new();
        maps[j] = Vec::new();
    }
    Tree::new(n, children, distances, n_connected_components)
}
