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

mod queue;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::connectivity::{complete_components, Connectivity};
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::params::Metric;
use crate::progress::MergeProgress;
use crate::tree::Tree;
use queue::MinQueue;

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
    Ok(build(
        points,
        &completed.connectivity,
        n_merges,
        completed.n_components,
        None,
    ))
}

/// The merge loop on a connected graph; stops after `n_merges` merges (or
/// earlier if the graph runs out of edges, which a completed graph never
/// does).
///
/// The points are read in place (when contiguous) and left untouched; the
/// merged nodes' sums and centroids take rows of their own, reused as
/// nodes are merged away.
pub(crate) fn build(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    n_merges: usize,
    n_connected_components: usize,
    progress: Option<&MergeProgress>,
) -> Tree {
    let dim = points.ncols();
    let rows = match points.to_slice() {
        Some(data) => Rows::borrowed(data, dim),
        _ => Rows::owned(points.iter().copied().collect(), dim),
    };
    merge_all(rows, graph, n_merges, n_connected_components, progress)
}

/// [`build`] on points handed over: the merged nodes' sums and centroids
/// are then kept in the rows of their merged-away leaves, so no memory
/// beyond the points is needed for them.
pub(crate) fn build_owned(
    points: Array2<f64>,
    graph: &Connectivity,
    n_merges: usize,
    n_connected_components: usize,
    progress: Option<&MergeProgress>,
) -> Tree {
    let dim = points.ncols();
    let data = if points.is_standard_layout() {
        match points.into_raw_vec_and_offset() {
            (data, Some(0) | None) => data,
            (data, Some(offset)) => data[offset..].to_vec(),
        }
    } else {
        points.iter().copied().collect()
    };
    merge_all(
        Rows::owned(data, dim),
        graph,
        n_merges,
        n_connected_components,
        progress,
    )
}

fn merge_all(
    rows: Rows<'_>,
    graph: &Connectivity,
    n_merges: usize,
    n_connected_components: usize,
    progress: Option<&MergeProgress>,
) -> Tree {
    let n = graph.n_nodes();
    let (children, distances) = if n + n_merges <= u32::MAX as usize {
        Merger::<u32>::new(rows, graph, n_merges).run(progress)
    } else {
        Merger::<usize>::new(rows, graph, n_merges).run(progress)
    };
    Tree::new(n, children, distances, n_connected_components)
}

/// Node ids as stored in the large arrays: `u32` whenever the nodes fit,
/// which halves the memory traffic of the merge loop.
trait NodeId: Copy + Ord + Send + Sync {
    /// A queue entry `(Δ, owner, other)`, ordered as that tuple.
    type Entry: Copy + Ord;
    fn from_usize(i: usize) -> Self;
    fn index(self) -> usize;
    fn entry(key: u64, owner: usize, other: Self) -> Self::Entry;
    fn unpack(entry: Self::Entry) -> (u64, usize, usize);
}

impl NodeId for u32 {
    /// The three packed into one integer: one comparison per heap step.
    type Entry = u128;
    #[inline(always)]
    fn from_usize(i: usize) -> Self {
        debug_assert!(i <= u32::MAX as usize);
        i as u32
    }
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn entry(key: u64, owner: usize, other: Self) -> u128 {
        u128::from(key) << 64 | (owner as u128) << 32 | u128::from(other)
    }
    #[inline(always)]
    fn unpack(entry: u128) -> (u64, usize, usize) {
        (
            (entry >> 64) as u64,
            (entry >> 32) as u32 as usize,
            entry as u32 as usize,
        )
    }
}

impl NodeId for usize {
    type Entry = (u64, usize, usize);
    #[inline(always)]
    fn from_usize(i: usize) -> Self {
        i
    }
    #[inline(always)]
    fn index(self) -> usize {
        self
    }
    #[inline(always)]
    fn entry(key: u64, owner: usize, other: Self) -> Self::Entry {
        (key, owner, other)
    }
    #[inline(always)]
    fn unpack(entry: Self::Entry) -> (u64, usize, usize) {
        entry
    }
}

/// A cost as a `u64` that sorts like [`f64::total_cmp`] (costs are
/// non-negative, but the mapping is total anyway).
#[inline(always)]
fn cost_key(delta: f64) -> u64 {
    let bits = delta.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The inverse of [`cost_key`].
#[inline(always)]
fn cost_of(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// A candidate merge of the owning node with `node`, at cost `key`; sorted
/// by `(Δ, node)` as scikit-learn's heap sorts `(Δ, owner, node)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate<I> {
    key: u64,
    node: I,
}

/// The `d`-vectors of the algorithm, one row each: the points (a leaf's
/// sum `m2`, which is also its centroid), and the sum and centroid of every
/// live merged node.
struct Rows<'a> {
    dim: usize,
    /// The points when borrowed; `None` when `store` begins with them.
    points: Option<&'a [f64]>,
    /// Rows of the merged nodes (after the points when those are owned).
    store: Vec<f64>,
    /// Rows of `store` given back by merged-away nodes (borrowed points
    /// only: owned points always leave a merge two leaf rows to use).
    free: Vec<usize>,
}

impl<'a> Rows<'a> {
    fn borrowed(points: &'a [f64], dim: usize) -> Self {
        Rows {
            dim,
            points: Some(points),
            store: Vec::new(),
            free: Vec::new(),
        }
    }

    fn owned(points: Vec<f64>, dim: usize) -> Self {
        Rows {
            dim,
            points: None,
            store: points,
            free: Vec::new(),
        }
    }

    /// The point of `leaf`.
    #[inline(always)]
    fn leaf(&self, leaf: usize) -> &[f64] {
        let range = leaf * self.dim..(leaf + 1) * self.dim;
        match self.points {
            Some(points) => &points[range],
            None => &self.store[range],
        }
    }

    /// Row `r` of the store.
    #[inline(always)]
    fn row(&self, r: usize) -> &[f64] {
        &self.store[r * self.dim..(r + 1) * self.dim]
    }

    /// Row `r` of the store, writable.
    #[inline(always)]
    fn row_mut(&mut self, r: usize) -> &mut [f64] {
        &mut self.store[r * self.dim..(r + 1) * self.dim]
    }

    /// Rows `a` and `b` (distinct) of the store, the first writable.
    #[inline(always)]
    fn row_pair(&mut self, a: usize, b: usize) -> (&mut [f64], &[f64]) {
        let dim = self.dim;
        if a < b {
            let (low, high) = self.store.split_at_mut(b * dim);
            (&mut low[a * dim..(a + 1) * dim], &high[..dim])
        } else {
            let (low, high) = self.store.split_at_mut(a * dim);
            (&mut high[..dim], &low[b * dim..(b + 1) * dim])
        }
    }

    /// Reserves the most rows borrowed points can need, two per live merged
    /// node, of which there are at most `n/2` and at most `n_merges`, so
    /// that the store is never copied as it grows. This is address space:
    /// pages are only touched as rows are used. When the system refuses
    /// it, the store grows as needed instead.
    fn reserve_for(&mut self, n: usize, n_merges: usize) {
        if self.points.is_some() {
            let rows = 2 * n_merges.min(n / 2);
            let _ = self
                .store
                .try_reserve_exact(rows.saturating_mul(self.dim.max(1)));
        }
    }

    /// A row for a new merged node (borrowed points only).
    fn allocate(&mut self) -> usize {
        self.free.pop().unwrap_or_else(|| {
            let r = self.store.len() / self.dim.max(1);
            self.store.resize(self.store.len() + self.dim.max(1), 0.0);
            r
        })
    }
}

/// How many leaves one parallel task handles when computing the initial
/// costs (large enough to amortise the task, small enough to balance).
const LEAF_BLOCK: usize = 4096;

/// Merges between two updates of a [`MergeProgress`].
const PROGRESS_STEP: usize = 1 << 12;

/// The state of the merge loop.
struct Merger<'a, I> {
    n: usize,
    rows: Rows<'a>,
    graph: &'a Connectivity,
    n_merges: usize,
    /// `m1` of every node.
    size: Vec<f64>,
    /// Union-find parents; a node is live (a current cluster) iff it is
    /// its own root.
    root: Vec<I>,
    /// The rows holding `m2` and `m2/m1` of each merged node (index
    /// `node − n`).
    sum_row: Vec<I>,
    centroid_row: Vec<I>,
    /// Candidates of every node, one sorted run per node; for merged nodes
    /// the whole run is also the node's adjacency list.
    arena: Vec<Candidate<I>>,
    /// Start of each merged node's run (index `node − n`).
    run_start: Vec<usize>,
    /// Where each node's run stands, read together on every pop.
    runs: Vec<Run>,
}

/// A node's run of candidates in the arena.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    /// The next candidate not known to be stale.
    cursor: usize,
    /// The end of the run.
    end: usize,
}

impl<'a, I: NodeId> Merger<'a, I> {
    fn new(mut rows: Rows<'a>, graph: &'a Connectivity, n_merges: usize) -> Self {
        let n = graph.n_nodes();
        rows.reserve_for(n, n_merges);
        let n_nodes = n + n_merges;
        let mut size = vec![0.0; n_nodes];
        size[..n].fill(1.0);
        Merger {
            n,
            rows,
            graph,
            n_merges,
            size,
            root: (0..n_nodes).map(I::from_usize).collect(),
            sum_row: Vec::with_capacity(n_merges),
            centroid_row: Vec::with_capacity(n_merges),
            arena: Vec::new(),
            run_start: Vec::with_capacity(n_merges),
            runs: vec![Run::default(); n_nodes],
        }
    }

    /// `m2/m1` of a live node.
    #[inline(always)]
    fn centroid(&self, node: usize) -> &[f64] {
        if node < self.n {
            self.rows.leaf(node)
        } else {
            self.rows.row(self.centroid_row[node - self.n].index())
        }
    }

    /// `m2` of a live node.
    #[inline(always)]
    fn sum(&self, node: usize) -> &[f64] {
        if node < self.n {
            self.rows.leaf(node)
        } else {
            self.rows.row(self.sum_row[node - self.n].index())
        }
    }

    /// The leaves' candidates (their edges to lower-numbered neighbours),
    /// computed in parallel and sorted per leaf; returns the initial queue.
    fn initial_candidates(&mut self) -> Vec<I::Entry> {
        let (n, graph) = (self.n, self.graph);
        let rows = &self.rows;
        let mut offset = 0;
        for leaf in 0..n {
            let neighbours = graph.neighbors(leaf);
            self.runs[leaf].cursor = offset;
            offset += neighbours.partition_point(|&r| r < leaf);
            self.runs[leaf].end = offset;
        }
        self.arena = vec![
            Candidate {
                key: 0,
                node: I::from_usize(0)
            };
            offset
        ];
        // One task per block of leaves, each writing its own part of the arena.
        let mut tasks = Vec::with_capacity(n.div_ceil(LEAF_BLOCK));
        let mut rest = self.arena.as_mut_slice();
        for first in (0..n).step_by(LEAF_BLOCK) {
            let last = (first + LEAF_BLOCK).min(n);
            let len = self.runs[last - 1].end - self.runs[first].cursor;
            let (part, tail) = rest.split_at_mut(len);
            rest = tail;
            tasks.push((first..last, part));
        }
        tasks.into_par_iter().for_each(|(block, part)| {
            let mut at = 0;
            let mut costs = Vec::new();
            for leaf in block {
                let neighbours = graph.neighbors(leaf);
                let lower = &neighbours[..neighbours.partition_point(|&r| r < leaf)];
                costs.clear();
                squared_distances(
                    rows.leaf(leaf),
                    lower.len(),
                    |l| rows.leaf(lower[l]),
                    &mut costs,
                );
                let run = &mut part[at..at + costs.len()];
                for ((c, &s), &r) in run.iter_mut().zip(&costs).zip(neighbours) {
                    // w = (1·1)/(1+1) for two leaves.
                    *c = Candidate {
                        key: cost_key(s * 0.5),
                        node: I::from_usize(r),
                    };
                }
                run.sort_unstable();
                at += costs.len();
            }
        });
        (0..n)
            .filter(|&leaf| self.runs[leaf].cursor < self.runs[leaf].end)
            .map(|leaf| {
                let c = self.arena[self.runs[leaf].cursor];
                I::entry(c.key, leaf, c.node)
            })
            .collect()
    }

    fn run(mut self, progress: Option<&MergeProgress>) -> (Vec<[usize; 2]>, Vec<f64>) {
        let n = self.n;
        let mut heap = MinQueue::from_vec(self.initial_candidates());
        let mut children = Vec::with_capacity(self.n_merges);
        let mut distances = Vec::with_capacity(self.n_merges);
        let mut seen = vec![I::from_usize(0); n + self.n_merges];
        let mut neighbours: Vec<I> = Vec::new();
        let mut costs: Vec<f64> = Vec::new();

        for k in n..n + self.n_merges {
            if let Some(progress) = progress.filter(|_| (k - n) % PROGRESS_STEP == 0) {
                if !progress.set(k - n) {
                    break;
                }
            }
            // The best valid candidate: pop representatives of merged
            // owners, advance those whose candidate has gone stale.
            let (key, i, j) = loop {
                let Some(top) = heap.peek() else {
                    break (0, usize::MAX, usize::MAX);
                };
                let (key, owner, other) = I::unpack(top);
                if self.root[owner].index() != owner {
                    heap.pop();
                    continue;
                }
                if self.root[other].index() == other {
                    // Left at the top: the new node's entry replaces it.
                    break (key, owner, other);
                }
                let mut at = self.runs[owner].cursor + 1;
                let end = self.runs[owner].end;
                while at < end {
                    let node = self.arena[at].node.index();
                    if self.root[node].index() == node {
                        break;
                    }
                    at += 1;
                }
                self.runs[owner].cursor = at;
                if at < end {
                    let c = self.arena[at];
                    heap.replace_top(I::entry(c.key, owner, c.node));
                } else {
                    heap.pop();
                }
            };
            if i == usize::MAX {
                break; // no edge left: only for graphs that were not completed
            }
            let delta = cost_of(key);
            let kk = I::from_usize(k);
            self.root[i] = kk;
            self.root[j] = kk;
            children.push([j, i]);
            distances.push((2.0 * delta).sqrt());
            // The sums about to be added: their loads start now and overlap
            // with the search for the neighbours.
            let mut touched = 0u64;
            for child in [i, j] {
                for v in self.sum(child).iter().step_by(8) {
                    touched ^= v.to_bits();
                }
            }
            std::hint::black_box(touched);

            // The distinct current roots adjacent to i or j.
            neighbours.clear();
            seen[k] = kk;
            for child in [i, j] {
                if child < n {
                    for &e in self.graph.neighbors(child) {
                        let r = find_root(&mut self.root, I::from_usize(e));
                        if seen[r.index()] != kk {
                            seen[r.index()] = kk;
                            neighbours.push(r);
                        }
                    }
                } else {
                    for at in self.run_start[child - n]..self.runs[child].end {
                        let r = find_root(&mut self.root, self.arena[at].node);
                        if seen[r.index()] != kk {
                            seen[r.index()] = kk;
                            neighbours.push(r);
                        }
                    }
                }
            }
            // Start loading the neighbours' centroids (independent loads,
            // one per cache line) so that their misses overlap with the
            // merge of the moments instead of stalling the distances.
            let mut touched = 0u64;
            for &c in &neighbours {
                for v in self.centroid(c.index()).iter().step_by(8) {
                    touched ^= v.to_bits();
                }
            }
            std::hint::black_box(touched);
            self.merge_moments(i, j, k);

            // The new node's candidates, sorted, as its run of the arena.
            let size_k = self.size[k];
            costs.clear();
            squared_distances(
                self.centroid(k),
                neighbours.len(),
                |l| self.centroid(neighbours[l].index()),
                &mut costs,
            );
            self.reserve_arena(neighbours.len());
            let start = self.arena.len();
            for (&c, &s) in neighbours.iter().zip(&costs) {
                let size_c = self.size[c.index()];
                let weight = (size_k * size_c) / (size_k + size_c);
                self.arena.push(Candidate {
                    key: cost_key(s * weight),
                    node: c,
                });
            }
            self.arena[start..].sort_unstable();
            self.run_start.push(start);
            self.runs[k].cursor = start;
            self.runs[k].end = self.arena.len();
            // The merged pair's entry is still at the top of the queue: one
            // sift replaces it by the new node's, instead of a pop and a push.
            match self.arena.get(start) {
                Some(c) => heap.replace_top(I::entry(c.key, k, c.node)),
                None => heap.pop(),
            }
        }
        (children, distances)
    }

    /// `m1`, `m2` and `m2/m1` of `k = i ∪ j`; `m2` is summed element by
    /// element as NumPy's `m2[i] + m2[j]` (addition commutes exactly). `k`
    /// takes over the rows of a merged child, or, when both are leaves, the
    /// two leaf rows (owned points) or two free rows.
    fn merge_moments(&mut self, i: usize, j: usize, k: usize) {
        let n = self.n;
        let size_k = self.size[i] + self.size[j];
        self.size[k] = size_k;
        let rows = &mut self.rows;
        let (sum, centroid) = match (i >= n, j >= n) {
            (false, false) => {
                if rows.points.is_none() {
                    let (sum, other) = rows.row_pair(i, j);
                    add_to(sum, other);
                    (i, j)
                } else {
                    let (sum, centroid) = (rows.allocate(), rows.allocate());
                    let points = rows.points.unwrap_or_default();
                    let dim = rows.dim;
                    let (pi, pj) = (
                        &points[i * dim..(i + 1) * dim],
                        &points[j * dim..(j + 1) * dim],
                    );
                    for ((s, &a), &b) in rows.row_mut(sum).iter_mut().zip(pi).zip(pj) {
                        *s = a + b;
                    }
                    (sum, centroid)
                }
            }
            _ => {
                let (keep, other) = if i >= n { (i, j) } else { (j, i) };
                let sum = self.sum_row[keep - n].index();
                let centroid = self.centroid_row[keep - n].index();
                if other >= n {
                    let other_sum = self.sum_row[other - n].index();
                    let (acc, add) = rows.row_pair(sum, other_sum);
                    add_to(acc, add);
                    if rows.points.is_some() {
                        rows.free.push(other_sum);
                        rows.free.push(self.centroid_row[other - n].index());
                    }
                } else if let Some(points) = rows.points {
                    let dim = rows.dim;
                    add_to(rows.row_mut(sum), &points[other * dim..(other + 1) * dim]);
                } else {
                    let (acc, add) = rows.row_pair(sum, other);
                    add_to(acc, add);
                }
                (sum, centroid)
            }
        };
        let (out, m2) = rows.row_pair(centroid, sum);
        for (c, &m) in out.iter_mut().zip(m2) {
            *c = m / size_k;
        }
        self.sum_row.push(I::from_usize(sum));
        self.centroid_row.push(I::from_usize(centroid));
    }

    /// Makes room for `extra` candidates; when the arena is full and at
    /// least half of it belongs to merged-away nodes, compacts it instead of
    /// growing it.
    fn reserve_arena(&mut self, extra: usize) {
        if self.arena.len() + extra <= self.arena.capacity() {
            return;
        }
        let n = self.n;
        let live_len = |m: &Self, node: usize| -> usize {
            if m.root[node].index() != node {
                0
            } else if node < n {
                m.runs[node].end - m.runs[node].cursor
            } else {
                m.runs[node].end - m.run_start[node - n]
            }
        };
        let created = n + self.run_start.len();
        let live: usize = (0..created).map(|node| live_len(self, node)).sum();
        if 2 * (live + extra) > self.arena.len() {
            self.arena.reserve(extra.max(self.arena.len() / 2));
            return;
        }
        // Runs lie in the arena in node order, so shifting them left in
        // that order never overwrites a run not yet moved.
        let mut to = 0;
        for node in 0..created {
            let len = live_len(self, node);
            let from = if node < n {
                self.runs[node].cursor
            } else {
                self.run_start[node - n]
            };
            let consumed = self.runs[node].cursor - from;
            self.arena.copy_within(from..from + len, to);
            if node >= n {
                self.run_start[node - n] = to;
            }
            self.runs[node].cursor = to + if len > 0 { consumed } else { 0 };
            self.runs[node].end = to + len;
            to += len;
        }
        self.arena.truncate(to);
        debug_assert!(self.arena.len() + extra <= self.arena.capacity());
    }
}

/// `acc += add`, element by element.
#[inline(always)]
fn add_to(acc: &mut [f64], add: &[f64]) {
    for (a, &b) in acc.iter_mut().zip(add) {
        *a += b;
    }
}

/// The current root of `node`, halving the path on the way.
#[inline(always)]
fn find_root<I: NodeId>(root: &mut [I], mut node: I) -> I {
    loop {
        let parent = root[node.index()];
        if parent == node {
            return node;
        }
        let grand = root[parent.index()];
        root[node.index()] = grand;
        node = grand;
    }
}

/// `Σ_t (a[t] − b[t])²`, summed in `t` order, for the rows `b = row(l)`,
/// `l` in `0..count`, appended to `out`.
///
/// Each sum is a chain of dependent additions, so one sum at a time would
/// wait on the adder's latency at every step. Eight (or four) rows go
/// through the loop together instead: their chains are independent, so the
/// additions overlap (and pair up in SIMD registers) without any of them
/// changing order. A short last group is padded with copies of its first
/// row, whose results are dropped.
fn squared_distances<'r>(
    a: &[f64],
    count: usize,
    row: impl Fn(usize) -> &'r [f64],
    out: &mut Vec<f64>,
) {
    let mut l = 0;
    while l + 4 < count {
        let lanes: [&[f64]; 8] =
            std::array::from_fn(|t| if l + t < count { row(l + t) } else { row(l) });
        let sums = squared_distances_n(a, lanes);
        out.extend_from_slice(&sums[..(count - l).min(8)]);
        l += 8;
    }
    if l < count {
        let lanes: [&[f64]; 4] =
            std::array::from_fn(|t| if l + t < count { row(l + t) } else { row(l) });
        let sums = squared_distances_n(a, lanes);
        out.extend_from_slice(&sums[..count - l]);
    }
}

/// `Σ_t (a[t] − b[t])²` for `N` rows `b` at once, each summed in `t` order.
#[inline(always)]
fn squared_distances_n<const N: usize>(a: &[f64], b: [&[f64]; N]) -> [f64; N] {
    let n = a.len();
    let b: [&[f64]; N] = std::array::from_fn(|l| &b[l][..n]);
    let mut s = [0.0; N];
    for t in 0..n {
        let x = a[t];
        for l in 0..N {
            let d = x - b[l][t];
            s[l] += d * d;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_keys_sort_like_total_cmp() {
        let values = [
            0.0,
            -0.0,
            1e-300,
            5e-324,
            1.0,
            2.5,
            f64::MAX,
            f64::INFINITY,
            -1.0,
            f64::NEG_INFINITY,
        ];
        for &a in &values {
            assert_eq!(cost_of(cost_key(a)).to_bits(), a.to_bits());
            for &b in &values {
                assert_eq!(cost_key(a).cmp(&cost_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn owned_points_give_the_same_tree() {
        let (side, dim) = (40, 5);
        let points = Array2::from_shape_fn((side * side, dim), |(p, t)| {
            ((p * 7 + t * 13) % 17) as f64 + (p as f64 * 0.37).sin()
        });
        let graph = crate::grid_to_graph(&[side, side], None).unwrap();
        let borrowed = build(points.view(), &graph, side * side - 1, 1, None);
        let owned = build_owned(points, &graph, side * side - 1, 1, None);
        assert_eq!(borrowed, owned);
    }

    #[test]
    fn grouped_sums_keep_the_order() {
        let a: Vec<f64> = (0..37).map(|t| (t as f64 * 0.37).sin() * 1e3).collect();
        let rows: Vec<Vec<f64>> = (0..7)
            .map(|r| (0..37).map(|t| ((t * r) as f64 * 0.11).cos()).collect())
            .collect();
        let mut out = Vec::new();
        squared_distances(&a, rows.len(), |l| &rows[l], &mut out);
        for (b, &got) in rows.iter().zip(&out) {
            let mut s = 0.0;
            for t in 0..37 {
                let d = a[t] - b[t];
                s += d * d;
            }
            assert_eq!(got.to_bits(), s.to_bits());
        }
    }
}
