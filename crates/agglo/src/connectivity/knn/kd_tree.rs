//! scikit-learn's `KDTree` (leaf size 30, euclidean) and its depth-first
//! k-nearest-neighbours query, reproduced so that ties between equidistant
//! points are resolved as scikit-learn resolves them.
//!
//! Build: the tree has `2^L − 1` nodes with `L = ⌊log₂ max(1, (n−1)/30)⌋ + 1`;
//! a node splits its points on the dimension of largest spread (the first
//! such) at `n_points / 2`, with libstdc++'s `nth_element` on
//! `(coordinate, index)`. Query: nodes are visited nearest bound first and
//! skipped when their bound exceeds the current `k`-th distance; leaf points
//! are offered to a [`NeighborHeap`] in the tree's index order.
//!
//! Cost: `O(n log n)` to build; a query is `O(log n)` leaves for well spread
//! data, `O(n)` at worst.

use ndarray::ArrayView2;

use super::introselect::nth_element;
use super::neighbor_heap::NeighborHeap;

/// The leaf size `NearestNeighbors` gives its tree.
const LEAF_SIZE: usize = 30;

#[derive(Debug, Clone, Copy, Default)]
struct Node {
    start: usize,
    end: usize,
    is_leaf: bool,
}

/// A built tree over the rows of `data`.
pub(super) struct KdTree<'a> {
    data: ArrayView2<'a, f64>,
    idx: Vec<usize>,
    nodes: Vec<Node>,
    /// Per node, the lower then the upper corner of its bounding box.
    bounds: Vec<f64>,
}

impl<'a> KdTree<'a> {
    /// Builds the tree over the rows of `data` (at least one row).
    pub(super) fn new(data: ArrayView2<'a, f64>) -> Self {
        let n = data.nrows();
        let ratio = (n.saturating_sub(1) as f64 / LEAF_SIZE as f64).max(1.0);
        let n_levels = ratio.log2() as usize + 1;
        let n_nodes = (1usize << n_levels.min(usize::BITS as usize - 1)) - 1;
        let mut tree = KdTree {
            data,
            idx: (0..n).collect(),
            nodes: vec![Node::default(); n_nodes],
            bounds: vec![0.0; 2 * n_nodes * data.ncols()],
        };
        tree.build(0, 0, n);
        tree
    }

    fn build(&mut self, node: usize, start: usize, end: usize) {
        let dim = self.data.ncols();
        let (lower, upper) = self.bounds[2 * node * dim..2 * (node + 1) * dim].split_at_mut(dim);
        lower.fill(f64::INFINITY);
        upper.fill(f64::NEG_INFINITY);
        for &i in &self.idx[start..end] {
            for (j, &x) in self.data.row(i).iter().enumerate() {
                lower[j] = lower[j].min(x);
                upper[j] = upper[j].max(x);
            }
        }
        let is_leaf = 2 * node + 1 >= self.nodes.len() || end - start < 2;
        self.nodes[node] = Node {
            start,
            end,
            is_leaf,
        };
        if is_leaf {
            return;
        }
        let split_dim = self.split_dim(start, end);
        let data = self.data;
        let less = |a: usize, b: usize| {
            let (va, vb) = (data[[a, split_dim]], data[[b, split_dim]]);
            if va == vb {
                a < b
            } else {
                va < vb
            }
        };
        let mid = (end - start) / 2;
        nth_element(&mut self.idx[start..end], mid, &less);
        self.build(2 * node + 1, start, start + mid);
        self.build(2 * node + 2, start + mid, end);
    }

    /// `find_node_split_dim`: the first dimension of largest spread.
    fn split_dim(&self, start: usize, end: usize) -> usize {
        let mut best = (0, 0.0);
        for j in 0..self.data.ncols() {
            let first = self.data[[self.idx[start], j]];
            let (mut lo, mut hi) = (first, first);
            for &i in &self.idx[start + 1..end] {
                let x = self.data[[i, j]];
                hi = hi.max(x);
                lo = lo.min(x);
            }
            let spread = hi - lo;
            if spread > best.1 {
                best = (j, spread);
            }
        }
        best.0
    }

    /// `min_rdist`: the squared distance from `pt` to the node's box.
    fn min_rdist(&self, node: usize, pt: &[f64]) -> f64 {
        let dim = pt.len();
        let (lower, upper) = self.bounds[2 * node * dim..2 * (node + 1) * dim].split_at(dim);
        let mut rdist = 0.0;
        for j in 0..dim {
            let d_lo = lower[j] - pt[j];
            let d_hi = pt[j] - upper[j];
            let d = (d_lo + d_lo.abs()) + (d_hi + d_hi.abs());
            let half = 0.5 * d;
            rdist += half * half;
        }
        rdist
    }

    /// The `k` nearest rows to `pt` (itself included if it is a row), in
    /// scikit-learn's heap before sorting.
    pub(super) fn query(&self, pt: &[f64], k: usize) -> NeighborHeap {
        let mut heap = NeighborHeap::new(k, f64::INFINITY, 0);
        let bound = self.min_rdist(0, pt);
        self.query_node(0, pt, &mut heap, bound);
        heap
    }

    fn query_node(&self, node: usize, pt: &[f64], heap: &mut NeighborHeap, bound: f64) {
        if bound > heap.largest() {
            return;
        }
        let info = self.nodes[node];
        if info.is_leaf {
            for &i in &self.idx[info.start..info.end] {
                heap.push(squared_distance(pt, self.data, i), i);
            }
            return;
        }
        let (left, right) = (2 * node + 1, 2 * node + 2);
        let (bound_left, bound_right) = (self.min_rdist(left, pt), self.min_rdist(right, pt));
        if bound_left <= bound_right {
            self.query_node(left, pt, heap, bound_left);
            self.query_node(right, pt, heap, bound_right);
        } else {
            self.query_node(right, pt, heap, bound_right);
            self.query_node(left, pt, heap, bound_left);
        }
    }
}

/// `Σ (ptⱼ − xⱼ)²` left to right (`euclidean_rdist`).
pub(super) fn squared_distance(pt: &[f64], data: ArrayView2<'_, f64>, row: usize) -> f64 {
    pt.iter()
        .zip(data.row(row).iter())
        .fold(0.0, |acc, (&a, &b)| {
            let d = a - b;
            acc + d * d
        })
}
