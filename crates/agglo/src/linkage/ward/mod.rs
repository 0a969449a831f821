//! Ward linkage under a connectivity constraint, bit for bit as
//! scikit-learn's `ward_tree`.
//!
//! Each node keeps its size `m1` and the sum of its points `m2`. The cost of
//! merging `r` and `c` is evaluated in exactly scikit-learn's order of
//! operations (no fused multiply-add, no reciprocal):
//!
//! ```text
//! w = (m1[r]·m1[c]) / (m1[r] + m1[c])
//! Δ = w · Σ_j (m2[r,j]/m1[r] − m2[c,j]/m1[c])²      (summed in j order)
//! ```
//!
//! scikit-learn keeps every candidate merge in one `heapq` ordered by
//! `(Δ, i, j)` and skips candidates whose nodes are gone. That is a total
//! order, so the merges depend only on the *set* of valid candidates, and
//! this implementation organises them differently to do less work:
//!
//! - The valid candidates are exactly the edges of the graph between the
//!   current clusters, each created once, by its newer node `i` (the leaves
//!   own their edges to lower-numbered neighbours). A node's candidates are
//!   kept sorted in an arena, and the priority queue holds one
//!   representative per node, its best candidate not yet known to be stale;
//!   a stale representative is replaced by the node's next one. The queue
//!   thus stays at about one entry per cluster instead of one per edge ever
//!   pushed, and yields the same valid minimum at every step.
//! - The neighbours of a new node are the distinct current roots of its
//!   children's adjacency entries (a union-find with path halving), the
//!   same set scikit-learn finds. Its adjacency list is written once, into
//!   the same arena, and never appended to: an entry pointing at a merged
//!   node still leads, through the union-find, to the right cluster.
//! - `m2/m1` is computed once per node (a leaf's is its point, exactly) and
//!   cached; that is bit-identical to recomputing it for every candidate.
//!   Sums and centroids live only for internal nodes, in slots that are
//!   recycled when a node is merged away, so memory stays below the size
//!   of the points however many merges are made.
//! - Costs are evaluated four candidates at a time, each in its own
//!   sequential sum, so that the additions overlap without changing their
//!   order; the initial costs of the leaves are computed in parallel.
//! - With two threads or more, the loop runs one merge ahead on a second
//!   thread ([`speculative`]): the next merge is predicted (rightly in all
//!   but about 1 in 1,000 rounds), its work done in parallel with the
//!   current one, and kept only if it is then exactly the merge the
//!   sequential loop makes. The tree does not depend on the thread count.
//!
//! The files: [`merger`] holds the merge loop, step by step; [`speculative`]
//! the two-thread loop; [`turns`] how its threads share the loop's state
//! without a lock and [`prefetch`] the hint that loads the search's data
//! ahead (the crate's only two uses of `unsafe`); [`moments`] the
//! merge of sizes and sums and the upkeep of the arena of candidates;
//! [`rows`] where the `d`-vectors live; [`node_id`] the node ids and
//! union-find; the priority queue and cost keys are
//! [`crate::linkage::min_queue`], shared with complete and average
//! linkage; the cost kernel is
//! [`crate::exact::kernels::squared_distances`].

mod merger;
mod moments;
mod node_id;
mod prefetch;
mod rows;
mod speculative;
#[cfg(test)]
mod tests;
mod turns;

use ndarray::ArrayView2;

use crate::choices::Metric;
use crate::connectivity::{complete_components, Connectivity};
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::linkage::{Job, Points};
use crate::progress::MergeProgress;
use crate::tree::Tree;
use merger::Merger;
use rows::Rows;

/// Builds the Ward tree of `points` (one point per row) constrained by
/// `connectivity`, like scikit-learn's `ward_tree(X, connectivity=...,
/// n_clusters=...)`: the graph is symmetrised and, when disconnected,
/// completed first; with `n_clusters` the merging stops once that many
/// clusters remain.
///
/// ```
/// use agglo::{grid_to_graph, ward_tree};
/// use ndarray::array;
///
/// // Four points on a line graph 0 - 1 - 2 - 3.
/// let points = array![[0.0], [1.0], [10.0], [11.0]];
/// let graph = grid_to_graph(&[4], None)?;
/// let tree = ward_tree(points.view(), &graph, None)?;
/// assert_eq!(tree.children(), &[[0, 1], [2, 3], [4, 5]]);
/// assert_eq!(tree.distances()[0], 1.0);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Cost
/// With `n` points of dimension `d`, `e` graph edges and `m` merges:
/// `O((e + Σ deg)·d)` arithmetic for the merge costs, where `Σ deg` is the
/// total degree of the merged nodes (about `3m` on a 2-D grid, `5m` in
/// 3-D), plus `O((e + Σ deg)·log n)` for the queue. Memory: the points,
/// `O(e + Σ deg)` for the graph and candidates, and at most one `d`-vector
/// sum and centroid per live merged cluster.
///
/// # Errors
/// When the graph does not have one node per point, or `n_clusters` is 0 or
/// more than the number of points.
pub fn ward_tree(
    points: ArrayView2<'_, f64>,
    connectivity: &Connectivity,
    n_clusters: Option<usize>,
) -> Result<Tree> {
    let n = points.nrows();
    if connectivity.n_nodes() != n {
        return Err(AggloError::ConnectivityShape {
            rows: connectivity.n_nodes(),
            cols: connectivity.n_nodes(),
            n_points: n,
        });
    }
    let n_merges = match n_clusters {
        None => n.saturating_sub(1),
        Some(0) => return Err(AggloError::ZeroClusters),
        Some(k) if k > n => {
            return Err(AggloError::TooManyClusters {
                n_clusters: k,
                n_points: n,
            })
        }
        Some(k) => n - k,
    };
    let completed = complete_components(points, connectivity, Metric::Euclidean, Precision::F64)?;
    Ok(merge_all(
        Rows::of_view(points),
        &completed.connectivity,
        n_merges,
        completed.n_components,
        None,
    ))
}

/// The builder of [`crate::linkage::TREE_BUILDERS`]: the points are read
/// in place and left untouched (the merged nodes' sums and centroids take
/// rows of their own, reused as nodes are merged away), or, when handed
/// over or lent, used up: the merged nodes' sums and centroids are then
/// kept in the rows of their merged-away leaves, so that no memory beyond
/// the points is needed for them.
#[allow(clippy::unnecessary_wraps)] // the table's signature
pub(crate) fn build_job(job: Job<'_, '_>) -> Result<Tree> {
    let graph = job.graph.expect("a builder with connectivity");
    let rows = match job.points {
        Points::View(points) => Rows::of_view(points),
        Points::Owned(points) => Rows::of_owned(points),
        Points::InPlace(points) => Rows::of_lent(points),
    };
    Ok(merge_all(
        rows,
        graph,
        job.n_merges,
        job.n_connected_components,
        job.progress,
    ))
}

/// The fewest merges for which the loop takes a second thread
/// ([`speculative`]); below, starting it costs more than it saves.
const SPECULATE_FROM: usize = 2048;

/// The merge loop on a connected graph; stops after `n_merges` merges (or
/// earlier if the graph runs out of edges, which a completed graph never
/// does, or when `progress` is cancelled).
fn merge_all(
    rows: Rows<'_>,
    graph: &Connectivity,
    n_merges: usize,
    n_connected_components: usize,
    progress: Option<&MergeProgress>,
) -> Tree {
    let n = graph.n_nodes();
    let two_threads = rayon::current_num_threads() >= 2 && n_merges >= SPECULATE_FROM;
    let (children, distances) = match (u32::try_from(n + n_merges).is_ok(), two_threads) {
        (true, false) => Merger::<u32>::new(rows, graph, n_merges).run(progress),
        (true, true) => Merger::<u32>::new(rows, graph, n_merges).run_speculative(progress),
        (false, false) => Merger::<usize>::new(rows, graph, n_merges).run(progress),
        (false, true) => Merger::<usize>::new(rows, graph, n_merges).run_speculative(progress),
    };
    Tree::new(n, children, distances, n_connected_components)
}
