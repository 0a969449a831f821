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
//! Candidate merges sit in a priority queue ordered by `(Δ, i, j)`; that is a
//! total order, so the pop sequence is the one Python's `heapq` yields.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use ndarray::ArrayView2;

use crate::connectivity::{complete_components, Connectivity};
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::params::Metric;
use crate::tree::Tree;

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
    Ok(build(
        points,
        &completed.connectivity,
        n_merges,
        completed.n_components,
    ))
}

/// A candidate merge: the cost `delta` of merging nodes `i > j`.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    delta: f64,
    i: usize,
    j: usize,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Python's tuple order on `(Δ, i, j)`; Δ is never NaN for finite input.
    fn cmp(&self, other: &Self) -> Ordering {
        self.delta
            .total_cmp(&other.delta)
            .then(self.i.cmp(&other.i))
            .then(self.j.cmp(&other.j))
    }
}

/// Cluster moments: sizes and coordinate sums, one slot per live cluster.
///
/// A merged node takes over the slot of one of its children, so the sums
/// need `n_points × dim` values however many merges are made.
struct Moments {
    dim: usize,
    size: Vec<f64>,
    sums: Vec<f64>,
    slot: Vec<usize>,
}

impl Moments {
    fn new(points: ArrayView2<'_, f64>, n_nodes: usize) -> Self {
        let (n, dim) = points.dim();
        let mut sums = Vec::with_capacity(n * dim);
        for row in points.rows() {
            sums.extend(row.iter().copied());
        }
        let mut size = vec![0.0; n_nodes];
        size[..n].fill(1.0);
        let mut slot = vec![usize::MAX; n_nodes];
        for (node, s) in slot.iter_mut().enumerate().take(n) {
            *s = node;
        }
        Moments {
            dim,
            size,
            sums,
            slot,
        }
    }

    fn row(&self, node: usize) -> &[f64] {
        let start = self.slot[node] * self.dim;
        &self.sums[start..start + self.dim]
    }

    /// The merge cost Δ of nodes `r` and `c`, in scikit-learn's exact
    /// order of operations.
    fn delta(&self, r: usize, c: usize) -> f64 {
        let (size_r, size_c) = (self.size[r], self.size[c]);
        let weight = (size_r * size_c) / (size_r + size_c);
        let mut sum = 0.0;
        for (&a, &b) in self.row(r).iter().zip(self.row(c)) {
            let d = a / size_r - b / size_c;
            sum += d * d;
        }
        sum * weight
    }

    /// Node `k` becomes the union of `i` and `j`, reusing `j`'s slot.
    fn merge(&mut self, i: usize, j: usize, k: usize) {
        self.size[k] = self.size[i] + self.size[j];
        let (si, sj) = (self.slot[i] * self.dim, self.slot[j] * self.dim);
        for t in 0..self.dim {
            self.sums[sj + t] += self.sums[si + t];
        }
        self.slot[k] = self.slot[j];
    }
}

/// The merge loop on a connected graph; stops after `n_merges` merges (or
/// earlier if the graph runs out of edges, which a completed graph never
/// does).
pub(crate) fn build(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    n_merges: usize,
    n_connected_components: usize,
) -> Tree {
    let n = points.nrows();
    let n_nodes = n + n_merges;
    let mut moments = Moments::new(points, n_nodes);

    // Adjacency lists: the graph's rows, to which merged nodes are appended.
    let mut adjacency: Vec<Vec<usize>> = Vec::with_capacity(n_nodes);
    let mut heap = BinaryHeap::with_capacity(graph.n_entries());
    for node in 0..n {
        let row = graph.neighbors(node);
        for &r in row.iter().filter(|&&r| r < node) {
            heap.push(Reverse(Candidate {
                delta: moments.delta(node, r),
                i: node,
                j: r,
            }));
        }
        adjacency.push(row.to_vec());
    }

    // Union-find over nodes; a merged node points (eventually) to its root.
    let mut root: Vec<usize> = (0..n_nodes).collect();
    let mut alive = vec![true; n_nodes];
    let mut seen_at = vec![usize::MAX; n_nodes];
    let mut children = Vec::with_capacity(n_merges);
    let mut distances = Vec::with_capacity(n_merges);
    let mut new_neighbors = Vec::new();

    for k in n..n_nodes {
        let merge = loop {
            match heap.pop() {
                Some(Reverse(c)) if alive[c.i] && alive[c.j] => break Some(c),
                Some(_) => continue,
                None => break None,
            }
        };
        let Some(Candidate { delta, i, j }) = merge else {
            break;
        };
        root[i] = k;
        root[j] = k;
        alive[i] = false;
        alive[j] = false;
        children.push([i.min(j), i.max(j)]);
        distances.push((2.0 * delta).sqrt());
        moments.merge(i, j, k);

        // The distinct current roots adjacent to i or j, in discovery order.
        new_neighbors.clear();
        seen_at[k] = k;
        for &start in adjacency[i].iter().chain(&adjacency[j]) {
            let head = find_root(&mut root, start);
            if seen_at[head] != k {
                seen_at[head] = k;
                new_neighbors.push(head);
            }
        }
        for &col in &new_neighbors {
            adjacency[col].push(k);
            heap.push(Reverse(Candidate {
                delta: moments.delta(k, col),
                i: k,
                j: col,
            }));
        }
        adjacency.push(new_neighbors.clone());
        // The children's lists are no longer read.
        adjacency[i] = Vec::new();
        adjacency[j] = Vec::new();
    }
    Tree {
        n_leaves: n,
        children,
        distances,
        n_connected_components,
    }
}

/// The current root of `node`, halving the path on the way.
fn find_root(root: &mut [usize], mut node: usize) -> usize {
    while root[node] != node {
        let up = root[root[node]];
        root[node] = up;
        node = up;
    }
    node
}
