//! Points that lie as the columns of a row-major matrix, gathered a few
//! hundred at a time for the edge weights instead of copied whole.
//!
//! `FeatureAgglomeration` clusters the features of samples held in C
//! order, so each point's coordinates are a column, `n` values apart. The
//! edge weights read every point's row once or a few times, in node order,
//! so a small buffer of the rows a block of nodes and its edges need,
//! filled by reading the samples along their contiguous axis, serves
//! them without the copy of X into fresh memory (which costs as much as
//! the weights themselves). The values are the same, converted the same
//! way, so the weights are bit for bit those of the copy.

use std::ops::Range;

use ndarray::ArrayView2;

use crate::exact::summation::{normalize, Real};

/// Points that are the columns of a row-major `dim × n` matrix.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns<'a> {
    /// Coordinate `s` of point `p` at `s · n + p`.
    data: &'a [f64],
    n: usize,
}

impl<'a> Columns<'a> {
    /// `points` (one point per row) if they lie that way.
    pub(crate) fn of(points: ArrayView2<'a, f64>) -> Option<Self> {
        let n = points.nrows();
        let data = points.reversed_axes().to_slice()?;
        Some(Columns { data, n })
    }
}

/// The rows of some points in `T`, one after the other: a run of
/// consecutive nodes, then others in ascending order.
#[derive(Debug)]
pub(crate) struct Gathered<T> {
    dim: usize,
    /// Rows made unit length (cosine distance), as the copy would be.
    normalise: bool,
    run: Range<usize>,
    others: Vec<usize>,
    values: Vec<T>,
}

impl<T: Real> Gathered<T> {
    /// An empty buffer for rows of `dim` coordinates.
    pub(crate) fn new(dim: usize, normalise: bool) -> Self {
        Gathered {
            dim,
            normalise,
            run: 0..0,
            others: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Nodes whose rows one fill takes at least: about 1 MiB of `f64`
    /// rows (it is written a few cache lines at a time, and read once).
    pub(crate) fn run_length(dim: usize) -> usize {
        ((1 << 17) / dim.max(1)).max(16)
    }

    /// Holds the rows of `run` and of every node of `others` outside it.
    /// Others that lie just past the run (the next rows of a grid) extend
    /// it instead, when that reads at most twice as many rows.
    pub(crate) fn fill(
        &mut self,
        columns: Columns<'_>,
        run: Range<usize>,
        others: impl Iterator<Item = usize>,
    ) {
        self.others.clear();
        self.others.extend(others.filter(|o| !run.contains(o)));
        self.others.sort_unstable();
        self.others.dedup();
        self.run = run;
        match (self.others.first(), self.others.last()) {
            (Some(&first), Some(&last))
                if first >= self.run.end && last - self.run.end < self.run.len() =>
            {
                self.run.end = last + 1;
                self.others.clear();
            }
            _ => {}
        }
        let (dim, count) = (self.dim, self.run.len() + self.others.len());
        self.values.clear();
        self.values.resize(count * dim, T::ZERO);
        // A few samples at a time, so that each row takes a cache line's
        // worth of values at once while the samples are read along their
        // contiguous axis.
        const TILE: usize = 8;
        let n = columns.n;
        for s0 in (0..dim).step_by(TILE) {
            let s1 = (s0 + TILE).min(dim);
            let points = self.run.clone().chain(self.others.iter().copied());
            for (slot, p) in points.enumerate() {
                let row = &mut self.values[slot * dim + s0..slot * dim + s1];
                for (s, v) in (s0..s1).zip(row) {
                    *v = T::from_f64(columns.data[s * n + p]);
                }
            }
        }
        if self.normalise {
            for row in self.values.chunks_exact_mut(dim.max(1)) {
                normalize(row);
            }
        }
    }

    /// The row of `node`, which the last fill took.
    pub(crate) fn row(&self, node: usize) -> &[T] {
        let slot = if self.run.contains(&node) {
            node - self.run.start
        } else {
            let at = self.others.binary_search(&node);
            self.run.len() + at.expect("a node the fill took")
        };
        &self.values[slot * self.dim..(slot + 1) * self.dim]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn rows_are_the_columns() {
        // 3 samples of 10 features, C order: points are the columns.
        let x = Array2::from_shape_fn((3, 10), |(s, p)| (10 * p + s) as f64);
        let points = x.t();
        let columns = Columns::of(points).expect("columns of a C-order matrix");
        assert!(Columns::of(x.view()).is_none());
        let mut g = Gathered::<f64>::new(3, false);
        g.fill(columns, 2..5, [9, 3, 7, 9].into_iter());
        for node in [2, 3, 4, 7, 9] {
            assert_eq!(g.row(node), points.row(node).to_vec(), "{node}");
        }
        // Just past the run: the run grows over them.
        g.fill(columns, 2..5, [5, 7].into_iter());
        assert_eq!(g.run, 2..8);
        for node in 2..8 {
            assert_eq!(g.row(node), points.row(node).to_vec(), "{node}");
        }
        let mut g = Gathered::<f32>::new(3, true);
        g.fill(columns, 0..1, std::iter::once(1));
        let mut expected: Vec<f32> = points.row(1).iter().map(|&v| v as f32).collect();
        normalize(&mut expected);
        assert_eq!(g.row(1), &expected[..]);
    }
}
