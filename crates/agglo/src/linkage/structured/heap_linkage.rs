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
//! the pop sequence, and hence the tree, scikit-learn's. That replay is
//! only needed when two live edges tie, though: the loop runs first on the
//! faster [`Sorted`] queue, which stops at the first such tie, and only
//! then again from the start on [`Heapq`] (see [`super::edge_queue`]).
//! Continuous data rarely ties (complete linkage never does when the
//! initial distances are distinct: each live edge carries a distance of
//! its own); data of small integers ties at once, so the first run costs
//! little there.
//!
//! Cost: each merge combines two neighbour maps in `O(deg)` and pushes
//! `O(deg)` edges, `O(log E)` each; at most `E + Σ deg` edges ever enter the
//! heap, so the whole loop is `O((E + Σ deg) · log(E + Σ deg))` time and as
//! much memory, with stale edges discarded lazily on pop (and, by the fast
//! queue, in bulk once they are many).

use super::edge_queue::{EdgeQueue, Heapq, Sorted, Tie};
use super::neighbor_map::{Entry, MergeRule, NeighborMaps};
use super::paired::WeightedAdjacency;
use super::weighted_edge::WeightedEdge;
use super::Extent;
use crate::progress::PROGRESS_STEP;
use crate::tree::Tree;

/// Runs `n_merges` merges (fewer only if the heap runs dry, which a
/// connected graph never lets happen) and returns the tree.
pub(crate) fn heap_linkage(
    adjacency: &WeightedAdjacency,
    rule: MergeRule,
    extent: Extent<'_>,
) -> Tree {
    let mut reached = 0;
    let edges = initial_edges(adjacency);
    if edges.iter().all(|e| !e.weight.is_nan()) {
        // On a tie, the run so far is thrown away.
        let queue = Sorted::new(edges);
        if let Ok(tree) = merge_loop(adjacency, queue, rule, &extent, &mut reached) {
            return tree;
        }
        let queue = Heapq::new(initial_edges(adjacency));
        return merge_loop(adjacency, queue, rule, &extent, &mut reached)
            .expect("heapq decides every tie");
    }
    merge_loop(adjacency, Heapq::new(edges), rule, &extent, &mut reached)
        .expect("heapq decides every tie")
}

/// scikit-learn's initial heap: for every node in ascending order, the
/// edges to its neighbours of smaller id, ascending.
fn initial_edges(adjacency: &WeightedAdjacency) -> Vec<WeightedEdge> {
    let mut edges = Vec::new();
    for node in 0..adjacency.n_nodes() {
        let (cols, weights) = adjacency.row(node);
        edges.extend(
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
    edges
}

/// The merge loop on `queue`, which holds the initial edges. Progress is
/// reported from `reached` merges on (a run after a tie does not move a
/// progress display back) and `reached` is left at the merges made.
///
/// # Errors
/// [`Tie`] from the queue, where the loop stops.
fn merge_loop(
    adjacency: &WeightedAdjacency,
    mut queue: impl EdgeQueue,
    rule: MergeRule,
    extent: &Extent<'_>,
    reached: &mut usize,
) -> Result<Tree, Tie> {
    let &Extent {
        n_merges,
        n_connected_components,
        progress,
    } = extent;
    let n = adjacency.n_nodes();
    let n_nodes = n + n_merges;

    let mut maps = NeighborMaps::new(adjacency, n_merges);

    // scikit-learn's `used_node`: the size of each live cluster, 0 once
    // merged (nodes not created yet never appear in the heap).
    // 32 bits, so that it stays in the caches (ids fit: see `linkage_tree`).
    let mut size = vec![1u32; n_nodes];
    let mut children = Vec::with_capacity(n_merges);
    let mut distances = Vec::with_capacity(n_merges);

    for k in n..n_nodes {
        if let Some(progress) = progress.filter(|_| (k - n).is_multiple_of(PROGRESS_STEP)) {
            if !progress.set((k - n).max(*reached)) {
                break;
            }
        }
        let Some(WeightedEdge { weight, a, b }) =
            queue.pop_live(|node| size[node as usize] != 0)?
        else {
            break;
        };
        *reached = (*reached).max(k - n + 1);
        let (i, j) = (a as usize, b as usize);
        children.push([j, i]);
        distances.push(weight);
        let (n_i, n_j) = (size[i] as usize, size[j] as usize);
        size[k] = size[i] + size[j];
        size[i] = 0;
        size[j] = 0;

        queue.staled(maps.get(i).len() + maps.get(j).len());
        if let Some(next) = queue.front() {
            maps.touch_merge([next.a as usize, next.b as usize]);
        }
        maps.merge([i, j, k], |key| size[key as usize] != 0, rule, [n_i, n_j]);
        maps.touch_appends(k);
        for t in 0..maps.get(k).len() {
            let Entry { key: col, value: d } = maps.get(k)[t];
            // k is the largest id so far: appending keeps the map sorted.
            maps.push(
                col as usize,
                Entry {
                    key: k as u32,
                    value: d,
                },
            );
            queue.push(WeightedEdge {
                weight: d,
                a: k as u32,
                b: col,
            });
        }
    }
    Ok(Tree::new(n, children, distances, n_connected_components))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectivity::{grid_to_graph, Connectivity};
    use crate::element::Precision;
    use crate::linkage::structured::paired::edge_weights;
    use crate::Metric;
    use ndarray::Array2;

    fn extent(n_merges: usize) -> Extent<'static> {
        Extent {
            n_merges,
            n_connected_components: 1,
            progress: None,
        }
    }

    /// The loop on CPython's heap alone, as it ran before the fast queue.
    fn on_heapq(adjacency: &WeightedAdjacency, rule: MergeRule, n_merges: usize) -> Tree {
        let queue = Heapq::new(initial_edges(adjacency));
        merge_loop(adjacency, queue, rule, &extent(n_merges), &mut 0).unwrap()
    }

    fn on_sorted(
        adjacency: &WeightedAdjacency,
        rule: MergeRule,
        n_merges: usize,
    ) -> (Result<Tree, Tie>, usize) {
        let mut reached = 0;
        let queue = Sorted::new(initial_edges(adjacency));
        let tree = merge_loop(adjacency, queue, rule, &extent(n_merges), &mut reached);
        (tree, reached)
    }

    #[test]
    fn the_fast_queue_builds_heapqs_tree_on_continuous_data() {
        let side = 40;
        let graph = grid_to_graph(&[side, side], None).unwrap();
        let mut state = 0x2545_F491u64;
        let points = Array2::from_shape_fn((side * side, 3), |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        });
        let adjacency = edge_weights(points.view(), &graph, Metric::Euclidean, Precision::F64);
        for rule in [MergeRule::Max, MergeRule::Average] {
            for n_merges in [side * side - 1, 700] {
                let expected = on_heapq(&adjacency, rule, n_merges);
                let (tree, reached) = on_sorted(&adjacency, rule, n_merges);
                assert_eq!(tree, Ok(expected.clone()), "{rule:?}");
                assert_eq!(reached, n_merges);
                assert_eq!(heap_linkage(&adjacency, rule, extent(n_merges)), expected);
            }
        }
    }

    #[test]
    fn a_late_tie_hands_the_loop_to_heapq() {
        // A chain whose gaps are distinct but for two of 5.0, which come
        // up after three merges: which of the two heapq takes first decides
        // the node numbers.
        let xs = [0.0, 1.0, 3.0, 8.0, 11.0, 16.0, 26.0];
        let n = xs.len();
        let edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        let graph = Connectivity::from_edges(n, &edges).unwrap();
        let points = Array2::from_shape_fn((n, 1), |(i, _)| xs[i]);
        let adjacency = edge_weights(points.view(), &graph, Metric::Euclidean, Precision::F64);
        for rule in [MergeRule::Max, MergeRule::Average] {
            let (tree, reached) = on_sorted(&adjacency, rule, n - 1);
            assert_eq!((tree, reached), (Err(Tie), 3), "{rule:?}");
            let expected = on_heapq(&adjacency, rule, n - 1);
            assert_eq!(heap_linkage(&adjacency, rule, extent(n - 1)), expected);
        }
    }
}
