//! Edge weights: the distance between the two ends of every edge of the
//! graph, as scikit-learn's `paired_distances(X[rows], X[cols], metric)`
//! computes it inside `linkage_tree`.
//!
//! Exactness (confirmed against NumPy 2.4 bit for bit on random data of
//! lengths 1–20 000, `f64` and `f32`):
//!
//! ```text
//! euclidean   sqrt(einsum_squared_norm(x − y))                (row_norms)
//! manhattan   0 + pairwise_sum(|x − y|)                       (np.sum(np.abs(diff), axis=-1))
//! cosine      0.5 · einsum_squared_norm(x/‖x‖ − y/‖y‖),  ‖x‖ = sqrt(einsum_squared_norm(x))
//! precomputed X[row, col]
//! ```
//!
//! `float32` input stays `float32` through scikit-learn's validation, so
//! every operation above is then rounded to `f32` and only the result is
//! widened to `f64`; integer input is converted to `f64` first.

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::gathered::{Columns, Gathered};
use crate::choices::Metric;
use crate::connectivity::Connectivity;
use crate::element::Precision;
use crate::exact::summation::{einsum_squared_norm, normalize, numpy_sum, Real};

/// The graph without self-loops, each adjacency entry carrying its weight;
/// rows hold their neighbours in ascending order, like the LIL matrix
/// scikit-learn builds its `IntFloatDict`s from.
#[derive(Debug, Clone)]
pub(crate) struct WeightedAdjacency {
    indptr: Vec<usize>,
    cols: Vec<usize>,
    weights: Vec<f64>,
}

impl WeightedAdjacency {
    /// The number of nodes.
    pub(crate) fn n_nodes(&self) -> usize {
        self.indptr.len() - 1
    }

    /// The number of adjacency entries (twice the number of edges).
    pub(crate) fn n_entries(&self) -> usize {
        self.cols.len()
    }

    /// The neighbours of `node` (ascending) and the weights of the edges to
    /// them.
    pub(crate) fn row(&self, node: usize) -> (&[usize], &[f64]) {
        let range = self.indptr[node]..self.indptr[node + 1];
        (&self.cols[range.clone()], &self.weights[range])
    }

    /// Every entry `(row, col, weight)` in row-major order (the order of
    /// the CSR matrix scipy's spanning tree reads).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        (0..self.n_nodes()).flat_map(move |r| {
            let (cols, weights) = self.row(r);
            cols.iter().zip(weights).map(move |(&c, &w)| (r, c, w))
        })
    }
}

/// The weighted adjacency of `graph` (self-loops dropped) over `points`
/// (one point per row, or the square distance matrix for
/// [`Metric::Precomputed`]). Cost: `O(E · d)` for `E` undirected edges in
/// dimension `d`; each undirected edge is computed once, since all three
/// formulas are exactly symmetric in floating point.
pub(crate) fn edge_weights(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    metric: Metric,
    precision: Precision,
) -> WeightedAdjacency {
    match precision {
        Precision::F64 => weights_in::<f64>(points, graph, metric),
        Precision::F32 => weights_in::<f32>(points, graph, metric),
    }
}

/// Nodes whose edges one parallel task computes.
const NODE_BLOCK: usize = 2048;

/// [`edge_weights`] computed in the arithmetic of `T`.
fn weights_in<T: Real>(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    metric: Metric,
) -> WeightedAdjacency {
    let n = graph.n_nodes();
    let mut indptr = Vec::with_capacity(n + 1);
    indptr.push(0);
    let mut cols = Vec::with_capacity(graph.n_entries());
    for node in 0..n {
        cols.extend(graph.neighbors(node).iter().filter(|&&c| c != node));
        indptr.push(cols.len());
    }
    let mut weights = vec![0.0; cols.len()];

    if metric == Metric::Precomputed {
        for node in 0..n {
            for slot in indptr[node]..indptr[node + 1] {
                weights[slot] = points[[node, cols[slot]]];
            }
        }
        return WeightedAdjacency {
            indptr,
            cols,
            weights,
        };
    }

    let dim = points.ncols();
    // float64 points are read where they are; points that are the columns
    // of a row-major matrix are gathered a block at a time (see
    // `gathered`); float32 arithmetic and cosine's normalised rows need a
    // copy otherwise.
    let contiguous = points.to_slice();
    let in_place = contiguous
        .and_then(T::in_place)
        .filter(|_| metric != Metric::Cosine);
    let columns = match (in_place, contiguous) {
        (None, None) => Columns::of(points),
        _ => None,
    };
    let copy: Vec<T>;
    let rows: &[T] = if let Some(rows) = in_place {
        rows
    } else if columns.is_some() {
        &[]
    } else {
        let mut owned: Vec<T> = match contiguous {
            Some(values) => values.par_iter().map(|&v| T::from_f64(v)).collect(),
            None => points.iter().map(|&v| T::from_f64(v)).collect(),
        };
        if metric == Metric::Cosine {
            for row in owned.chunks_exact_mut(dim.max(1)) {
                normalize(row);
            }
        }
        copy = owned;
        &copy
    };
    let row = |node: usize| &rows[node * dim..(node + 1) * dim];
    let distance = |x: &[T], y: &[T], scratch: &mut Vec<T>| -> f64 {
        scratch.clear();
        scratch.extend(x.iter().zip(y).map(|(&a, &b)| a - b));
        let d = match metric {
            Metric::Manhattan | Metric::L1 | Metric::Cityblock => {
                for v in scratch.iter_mut() {
                    *v = v.abs();
                }
                numpy_sum(scratch)
            }
            Metric::Cosine => T::HALF * einsum_squared_norm(scratch),
            _ => einsum_squared_norm(scratch).sqrt(),
        };
        d.to_f64()
    };
    // Each undirected edge is computed once, from its lower end, in
    // parallel over blocks of nodes (each writing its own slots)...
    let mut tasks = Vec::new();
    let mut rest = weights.as_mut_slice();
    for first in (0..n).step_by(NODE_BLOCK) {
        let last = (first + NODE_BLOCK).min(n);
        let (part, tail) = rest.split_at_mut(indptr[last] - indptr[first]);
        rest = tail;
        tasks.push((first..last, part));
    }
    let (starts, ends) = (&indptr[..n], &indptr[1..]);
    let targets: &[usize] = &cols;
    let upper =
        move |node: usize| (starts[node]..ends[node]).filter(move |&slot| targets[slot] >= node);
    tasks.into_par_iter().for_each(|(block, part)| {
        let offset = starts[block.start];
        let mut scratch: Vec<T> = Vec::with_capacity(dim);
        let Some(columns) = columns else {
            for node in block {
                for slot in upper(node) {
                    part[slot - offset] = distance(row(node), row(cols[slot]), &mut scratch);
                }
            }
            return;
        };
        let mut gathered = Gathered::new(dim, metric == Metric::Cosine);
        let run_length = Gathered::<T>::run_length(dim);
        for first in block.clone().step_by(run_length) {
            let run = first..(first + run_length).min(block.end);
            let others = run
                .clone()
                .flat_map(|node| upper(node).map(|slot| cols[slot]));
            gathered.fill(columns, run.clone(), others);
            for node in run {
                for slot in upper(node) {
                    let (x, y) = (gathered.row(node), gathered.row(cols[slot]));
                    part[slot - offset] = distance(x, y, &mut scratch);
                }
            }
        }
    });
    // ... and copied to the other end (the graph is symmetric; an edge
    // stored in one direction only is computed there).
    let mut scratch: Vec<T> = Vec::with_capacity(dim);
    let mut pair = Gathered::new(dim, metric == Metric::Cosine);
    for node in 0..n {
        for slot in indptr[node]..indptr[node + 1] {
            let col = cols[slot];
            if col < node {
                let (start, end) = (indptr[col], indptr[col + 1]);
                weights[slot] = match cols[start..end].binary_search(&node) {
                    Ok(back) => weights[start + back],
                    Err(_) => match columns {
                        None => distance(row(node), row(col), &mut scratch),
                        Some(columns) => {
                            pair.fill(columns, node..node + 1, std::iter::once(col));
                            distance(pair.row(node), pair.row(col), &mut scratch)
                        }
                    },
                };
            }
        }
    }
    WeightedAdjacency {
        indptr,
        cols,
        weights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn weights_per_metric() {
        let points = array![[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]];
        let graph = Connectivity::from_edges(3, &[(0, 1), (1, 2), (0, 0)]).unwrap();
        let w = edge_weights(points.view(), &graph, Metric::Euclidean, Precision::F64);
        assert_eq!(w.row(0), (&[1][..], &[5.0][..]));
        assert_eq!(w.row(1), (&[0, 2][..], &[5.0, 4.0][..]));
        let w = edge_weights(points.view(), &graph, Metric::Cityblock, Precision::F64);
        assert_eq!(w.row(1).1, &[7.0, 4.0]);
        let w = edge_weights(points.view(), &graph, Metric::Cosine, Precision::F32);
        // cos(angle) between (3,4) and (3,0) is 0.6 → distance 0.4
        assert!((w.row(2).1[0] - 0.4).abs() < 1e-6);
        assert_eq!(w.row(2).1[0], f64::from(w.row(2).1[0] as f32));
        let entries: Vec<_> = w.entries().map(|(r, c, _)| (r, c)).collect();
        assert_eq!(entries, vec![(0, 1), (1, 0), (1, 2), (2, 1)]);
    }

    /// Points that are the columns of a row-major matrix, gathered block by
    /// block, give the weights of the same points copied into rows.
    #[test]
    fn gathered_columns_weigh_as_rows() {
        use crate::connectivity::grid_to_graph;
        let (side, dim) = (40, 300);
        let samples = Array2::from_shape_fn((dim, side * side), |(s, p)| {
            ((s * 31 + p * 17) % 97) as f64 / 7.0 - 3.0 + (p as f64 * 0.01).sin()
        });
        let columns = samples.t();
        assert!(columns.to_slice().is_none() && Columns::of(columns).is_some());
        let rows = columns.as_standard_layout().into_owned();
        // A run of 436 nodes is shorter than a block: several fills a task.
        assert!(Gathered::<f64>::run_length(dim) < side * side);
        let graph = grid_to_graph(&[side, side], None).unwrap();
        for metric in [Metric::Euclidean, Metric::Manhattan, Metric::Cosine] {
            for precision in [Precision::F64, Precision::F32] {
                let expected = edge_weights(rows.view(), &graph, metric, precision);
                let got = edge_weights(columns, &graph, metric, precision);
                let bits = |w: &WeightedAdjacency| {
                    w.weights.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                };
                assert_eq!(bits(&got), bits(&expected), "{metric:?} {precision:?}");
            }
        }
    }

    #[test]
    fn precomputed_reads_both_directions() {
        let d = array![[0.0, 1.0, 9.0], [2.0, 0.0, 3.0], [9.0, 4.0, 0.0]];
        let graph = Connectivity::from_edges(3, &[(0, 1), (1, 2)]).unwrap();
        let w = edge_weights(d.view(), &graph, Metric::Precomputed, Precision::F64);
        assert_eq!(w.row(0).1, &[1.0]);
        assert_eq!(w.row(1).1, &[2.0, 3.0]);
        assert_eq!(w.row(2).1, &[4.0]);
    }
}
