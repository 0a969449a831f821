//! [`Merger`]: the state of the Ward merge loop, and the loop itself.

use rayon::prelude::*;

use super::node_id::{find_root, Candidate, NodeId};
use super::prefetch::prefetch_line;
use super::rows::Rows;
use crate::connectivity::Connectivity;
use crate::exact::kernels::squared_distances;
use crate::linkage::min_queue::MinQueue;
use crate::linkage::min_queue::{cost_key, cost_of};
use crate::progress::{MergeProgress, PROGRESS_STEP};

/// How many leaves one parallel task handles when computing the initial
/// costs (large enough to amortise the task, small enough to balance).
pub(super) const LEAF_BLOCK: usize = 4096;

/// How many of the queue's items after its top [`Merger::prefetch_next`]
/// loads ahead for: the top's children and grandchildren, about the items
/// the next two or three searches meet (measured: 4 gave less, 84 no
/// more).
const NEXT: usize = 20;

/// The state of the merge loop.
pub(super) struct Merger<'a, I: NodeId> {
    pub(super) n: usize,
    pub(super) rows: Rows<'a>,
    pub(super) graph: &'a Connectivity,
    pub(super) n_merges: usize,
    /// Union-find parents; a node is live (a current cluster) iff it is
    /// its own root.
    pub(super) root: Vec<I::Atomic>,
    /// `m1` of each merged node and the rows holding its `m2` and `m2/m1`
    /// (index `node − n`), side by side so that a neighbour's size and
    /// centroid are found with one miss, not two; a leaf's size is 1.
    pub(super) merged: Vec<MergedNode<I>>,
    /// Candidates of every node, one sorted run per node; for merged nodes
    /// the whole run is also the node's adjacency list.
    pub(super) arena: Vec<Candidate<I>>,
    /// Start of each merged node's run (index `node − n`).
    pub(super) run_start: Vec<usize>,
    /// Where each node's run stands, read together on every pop.
    pub(super) runs: Vec<Run>,
}

/// What the loop keeps of a merged node besides its candidates.
#[derive(Debug, Clone, Copy)]
pub(super) struct MergedNode<I> {
    /// `m1`, the number of points.
    pub(super) size: f64,
    /// The rows of `m2` and `m2/m1`.
    pub(super) sum_row: I,
    pub(super) centroid_row: I,
}

/// A node's run of candidates in the arena.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Run {
    /// The next candidate not known to be stale.
    pub(super) cursor: usize,
    /// The end of the run.
    pub(super) end: usize,
}

impl<'a, I: NodeId> Merger<'a, I> {
    pub(super) fn new(mut rows: Rows<'a>, graph: &'a Connectivity, n_merges: usize) -> Self {
        let n = graph.n_nodes();
        rows.reserve_for(n, n_merges);
        let n_nodes = n + n_merges;
        Merger {
            n,
            rows,
            graph,
            n_merges,
            root: (0..n_nodes).map(|r| I::from_usize(r).atomic()).collect(),
            merged: Vec::with_capacity(n_merges),
            arena: Vec::new(),
            run_start: Vec::with_capacity(n_merges),
            runs: vec![Run::default(); n_nodes],
        }
    }

    /// Whether `node` is a current cluster.
    #[inline(always)]
    pub(super) fn is_root(&self, node: usize) -> bool {
        I::load(&self.root[node]).index() == node
    }

    /// Records that `k` absorbed `i` and `j`.
    #[inline(always)]
    pub(super) fn absorb(&self, i: usize, j: usize, k: I) {
        I::store(&self.root[i], k);
        I::store(&self.root[j], k);
    }

    /// `m1` of a node.
    #[inline(always)]
    pub(super) fn size(&self, node: usize) -> f64 {
        if node < self.n {
            1.0
        } else {
            self.merged[node - self.n].size
        }
    }

    /// `m2/m1` of a live node.
    #[inline(always)]
    pub(super) fn centroid(&self, node: usize) -> &[f64] {
        if node < self.n {
            self.rows.leaf(node)
        } else {
            self.rows
                .row(self.merged[node - self.n].centroid_row.index())
        }
    }

    /// `m2` of a live node.
    #[inline(always)]
    pub(super) fn sum(&self, node: usize) -> &[f64] {
        if node < self.n {
            self.rows.leaf(node)
        } else {
            self.rows.row(self.merged[node - self.n].sum_row.index())
        }
    }

    /// The leaves' candidates (their edges to lower-numbered neighbours),
    /// computed in parallel and sorted per leaf; returns the initial queue.
    pub(super) fn initial_candidates(&mut self) -> Vec<I::Entry> {
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

    /// Makes the merges, in scikit-learn's order; returns `children` and
    /// `distances`. Each merge is five steps: the best valid candidate, the
    /// record of the merge, the new node's neighbours, its moments
    /// ([`Merger::merge_moments`]) and its candidates.
    pub(super) fn run(mut self, progress: Option<&MergeProgress>) -> (Vec<[usize; 2]>, Vec<f64>) {
        let n = self.n;
        let mut heap = MinQueue::from_vec(self.initial_candidates());
        let mut children = Vec::with_capacity(self.n_merges);
        let mut distances = Vec::with_capacity(self.n_merges);
        let mut marks = Marks::new(n + self.n_merges);
        let mut neighbours: Vec<I> = Vec::new();
        let mut costs: Vec<f64> = Vec::new();

        for k in n..n + self.n_merges {
            if let Some(progress) = progress.filter(|_| (k - n).is_multiple_of(PROGRESS_STEP)) {
                if !progress.set(k - n) {
                    break;
                }
            }
            let Some((key, i, j)) = self.best_candidate(&mut heap) else {
                break; // no edge left: only for graphs that were not completed
            };
            let kk = I::from_usize(k);
            self.absorb(i, j, kk);
            children.push([j, i]);
            distances.push((2.0 * cost_of(key)).sqrt());
            // The sums about to be added: their loads start now and overlap
            // with the search for the neighbours.
            prefetch([i, j].iter().map(|&child| self.sum(child)));
            self.neighbours_of([i, j, k], &mut marks, &mut neighbours);
            // Start loading the neighbours' centroids so that their misses
            // overlap with the merge of the moments instead of stalling the
            // distances.
            prefetch(neighbours.iter().map(|c| self.centroid(c.index())));
            self.merge_moments(i, j, k);
            self.add_candidates(k, &neighbours, &mut costs, &mut heap);
        }
        (children, distances)
    }

    /// The best valid candidate `(key, i, j)`, `i` being the node that owns
    /// it: pops representatives of merged owners, advances those whose
    /// candidate has gone stale. The winner is left at the top of the
    /// queue, for [`Merger::add_candidates`] to replace. `None` when no
    /// edge is left.
    #[inline(always)]
    pub(super) fn best_candidate(
        &mut self,
        heap: &mut MinQueue<I::Entry>,
    ) -> Option<(u64, usize, usize)> {
        loop {
            let (key, owner, other) = I::unpack(heap.peek()?);
            if !self.is_root(owner) {
                heap.pop();
                continue;
            }
            if self.is_root(other) {
                return Some((key, owner, other));
            }
            let mut at = self.runs[owner].cursor + 1;
            let end = self.runs[owner].end;
            while at < end {
                let node = self.arena[at].node.index();
                if self.is_root(node) {
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
        }
    }

    /// Starts loading what the next searches for the best valid candidate
    /// ([`Merger::best_candidate`]) read first, so that those loads overlap
    /// with a merge's work instead of stalling the serial search: for the
    /// [`NEXT`] items after the queue's top, the owner's and the other
    /// node's union-find entries and the run entry a stale candidate's
    /// replacement is looked for from ([`prefetch_line`]; the run's cursor
    /// itself is loaded, to find that entry). The speculative loop calls
    /// it before its own merge's work; in the one-thread loop, as plain
    /// loads, it gave nothing (2 mm 0.959 s against 0.936 s), the search
    /// following the work too closely there.
    #[inline(always)]
    pub(super) fn prefetch_next(&self, heap: &MinQueue<I::Entry>) {
        for entry in heap.next_items(NEXT) {
            let (_, owner, other) = I::unpack(entry);
            prefetch_line(&self.root[owner]);
            prefetch_line(&self.root[other]);
            if let Some(next) = self.arena.get(self.runs[owner].cursor + 1) {
                prefetch_line(next);
            }
        }
    }

    /// The distinct current roots adjacent to `i` or `j`, excluding `i`,
    /// `j` and `k`, into `neighbours`: the neighbours of their merge `k`
    /// once `i` and `j` are gone. Reads the graph, the arena and the
    /// union-find only (the parents it shortens are atomics), so both
    /// threads of the speculative loop can list neighbours at once.
    #[inline(always)]
    pub(super) fn neighbours_of(
        &self,
        [i, j, k]: [usize; 3],
        marks: &mut Marks,
        neighbours: &mut Vec<I>,
    ) {
        let n = self.n;
        neighbours.clear();
        for node in [i, j, k] {
            marks.insert(node);
        }
        let mut visit = |e: I| {
            let r = find_root(&self.root, e);
            if marks.insert(r.index()) {
                neighbours.push(r);
            }
        };
        for child in [i, j] {
            if child < n {
                for &e in self.graph.neighbors(child) {
                    visit(I::from_usize(e));
                }
            } else {
                for c in &self.arena[self.run_start[child - n]..self.runs[child].end] {
                    visit(c.node);
                }
            }
        }
        for node in [i, j, k] {
            marks.remove(node);
        }
        for r in neighbours.iter() {
            marks.remove(r.index());
        }
    }

    /// The new node's candidates, sorted, as its run of the arena; its best
    /// one replaces the merged pair's entry at the top of the queue (one
    /// sift instead of a pop and a push).
    #[inline(always)]
    fn add_candidates(
        &mut self,
        k: usize,
        neighbours: &[I],
        costs: &mut Vec<f64>,
        heap: &mut MinQueue<I::Entry>,
    ) {
        let size_k = self.size(k);
        costs.clear();
        squared_distances(
            self.centroid(k),
            neighbours.len(),
            |l| self.centroid(neighbours[l].index()),
            costs,
        );
        self.reserve_arena(neighbours.len());
        let start = self.arena.len();
        for (&c, &s) in neighbours.iter().zip(costs.iter()) {
            let size_c = self.size(c.index());
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
        match self.arena.get(start) {
            Some(c) => heap.replace_top(I::entry(c.key, k, c.node)),
            None => heap.pop(),
        }
    }
}

/// The nodes met while listing a merge's neighbours, one bit per node:
/// 0.5 MB a thread for the 3.8 million nodes of the 1 mm mask, where a
/// 32-bit mark per node took 15 MB (the same speed, measured). The bits
/// set by a listing are cleared again when it ends.
pub(super) struct Marks {
    bits: Vec<u64>,
}

impl Marks {
    pub(super) fn new(n_nodes: usize) -> Self {
        Marks {
            bits: vec![0; n_nodes.div_ceil(64)],
        }
    }

    /// Marks `node`; whether it was not marked yet.
    #[inline(always)]
    fn insert(&mut self, node: usize) -> bool {
        let (word, bit) = (&mut self.bits[node / 64], 1u64 << (node % 64));
        let new = *word & bit == 0;
        *word |= bit;
        new
    }

    #[inline(always)]
    fn remove(&mut self, node: usize) {
        self.bits[node / 64] &= !(1u64 << (node % 64));
    }
}

/// Touches one value per cache line of each row, so that their loads are
/// in flight together (independent loads) before the rows are used.
#[inline(always)]
fn prefetch<'r>(rows: impl Iterator<Item = &'r [f64]>) {
    let mut touched = 0u64;
    for row in rows {
        for v in row.iter().step_by(8) {
            touched ^= v.to_bits();
        }
    }
    std::hint::black_box(touched);
}

#[cfg(test)]
mod tests {
    use super::Marks;

    #[test]
    fn a_mark_is_new_once_until_removed() {
        let mut marks = Marks::new(130);
        for node in [0, 63, 64, 127, 129] {
            assert!(marks.insert(node), "{node}");
            assert!(!marks.insert(node), "{node}");
        }
        // The neighbours in the same word keep their marks.
        marks.remove(64);
        assert!(!marks.insert(63));
        assert!(marks.insert(64));
        for node in [0, 63, 64, 127, 129] {
            marks.remove(node);
        }
        assert!(marks.bits.iter().all(|&word| word == 0));
    }
}
