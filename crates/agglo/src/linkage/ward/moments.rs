//! The merge of two nodes' moments (`m1`, `m2`, `m2/m1`) and the upkeep of
//! the arena of candidates.

use super::merger::{MergedNode, Merger};
use super::node_id::NodeId;

impl<I: NodeId> Merger<'_, I> {
    /// The rows `k = i ∪ j` takes for its `m2` and `m2/m1`, and the child
    /// whose `m2` the first of them already holds (`None`: a free row). `k`
    /// takes over the rows of a merged child, or, when both are leaves, the
    /// two leaf rows (owned points) or two free rows; the rows of a merged
    /// child it does not take are given back (borrowed points only), their
    /// values untouched until a later allocation.
    fn moment_rows(&mut self, i: usize, j: usize) -> (usize, usize, Option<usize>) {
        let n = self.n;
        let rows = &mut self.rows;
        if i < n && j < n {
            return if rows.points.is_none() {
                (i, j, Some(i))
            } else {
                (rows.allocate(), rows.allocate(), None)
            };
        }
        let (keep, other) = if i >= n { (i, j) } else { (j, i) };
        if other >= n && rows.points.is_some() {
            rows.free.push(self.merged[other - n].sum_row.index());
            rows.free.push(self.merged[other - n].centroid_row.index());
        }
        (
            self.merged[keep - n].sum_row.index(),
            self.merged[keep - n].centroid_row.index(),
            Some(keep),
        )
    }

    /// `m1`, `m2` and `m2/m1` of `k = i ∪ j`, in the rows of
    /// [`Merger::moment_rows`]; `m2` is summed element by element as NumPy's
    /// `m2[i] + m2[j]` (addition commutes exactly).
    pub(super) fn merge_moments(&mut self, i: usize, j: usize, k: usize) {
        let n = self.n;
        debug_assert_eq!(self.merged.len(), k - n, "nodes are made in order");
        let size_k = self.size(i) + self.size(j);
        let (sum, centroid, holding) = self.moment_rows(i, j);
        let rows = &mut self.rows;
        let dim = rows.dim;
        if let Some(held) = holding {
            let other = if held == i { j } else { i };
            if other >= n {
                let (acc, add) = rows.row_pair(sum, self.merged[other - n].sum_row.index());
                add_to(acc, add);
            } else if let Some(points) = rows.points {
                add_to(rows.row_mut(sum), &points[other * dim..(other + 1) * dim]);
            } else {
                let (acc, add) = rows.row_pair(sum, other);
                add_to(acc, add);
            }
        } else {
            // Two leaves of borrowed points, into a free row.
            let points = rows.points.unwrap_or_default();
            let (pi, pj) = (
                &points[i * dim..(i + 1) * dim],
                &points[j * dim..(j + 1) * dim],
            );
            for ((s, &a), &b) in rows.row_mut(sum).iter_mut().zip(pi).zip(pj) {
                *s = a + b;
            }
        }
        let (out, m2) = rows.row_pair(centroid, sum);
        for (c, &m) in out.iter_mut().zip(m2) {
            *c = m / size_k;
        }
        self.merged.push(MergedNode {
            size: size_k,
            sum_row: I::from_usize(sum),
            centroid_row: I::from_usize(centroid),
        });
    }

    /// Records the moments of `k = i ∪ j` computed elsewhere (by
    /// [`Merger::work`], bit for bit those [`Merger::merge_moments`] would
    /// compute), in the same rows.
    pub(super) fn place_moments(
        &mut self,
        i: usize,
        j: usize,
        k: usize,
        sum: &[f64],
        centroid: &[f64],
    ) {
        debug_assert_eq!(self.merged.len(), k - self.n, "nodes are made in order");
        let size = self.size(i) + self.size(j);
        let (sum_row, centroid_row, _) = self.moment_rows(i, j);
        self.rows.row_mut(sum_row).copy_from_slice(sum);
        self.rows.row_mut(centroid_row).copy_from_slice(centroid);
        self.merged.push(MergedNode {
            size,
            sum_row: I::from_usize(sum_row),
            centroid_row: I::from_usize(centroid_row),
        });
    }

    /// Makes room for `extra` candidates; when the arena is full and at
    /// least half of it belongs to merged-away nodes, compacts it instead of
    /// growing it.
    pub(super) fn reserve_arena(&mut self, extra: usize) {
        if self.arena.len() + extra <= self.arena.capacity() {
            return;
        }
        let n = self.n;
        let live_len = |m: &Self, node: usize| -> usize {
            if !m.is_root(node) {
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
