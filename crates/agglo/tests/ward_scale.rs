//! The Ward tree on larger problems (thousands of points, ties included)
//! against a straightforward transcription of scikit-learn's `ward_tree`:
//! one heap of every candidate ever pushed, skipped when stale, moments for
//! every node, adjacency lists that are appended to. Children and distances
//! must agree bit for bit; this exercises what the naive O(n³) reference is
//! too slow for: queue compaction, slot reuse, long runs of stale
//! candidates, exact ties between costs.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use agglo::{grid_to_graph, ward_tree, Connectivity};
use ndarray::{Array2, ArrayView2};

mod common;
use common::Rng;

#[derive(Clone, Copy)]
struct Entry(f64, usize, usize);

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            .then(self.1.cmp(&other.1))
            .then(self.2.cmp(&other.2))
    }
}

/// scikit-learn's `ward_tree` loop, transcribed (connected graphs only).
fn sklearn_ward(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    n_merges: usize,
) -> (Vec<[usize; 2]>, Vec<f64>) {
    let (n, dim) = points.dim();
    let n_nodes = n + n_merges;
    let mut m1 = vec![0.0; n_nodes];
    let mut m2 = vec![0.0; n_nodes * dim];
    for p in 0..n {
        m1[p] = 1.0;
        for t in 0..dim {
            m2[p * dim + t] = points[[p, t]];
        }
    }
    let delta = |m1: &[f64], m2: &[f64], r: usize, c: usize| {
        let w = (m1[r] * m1[c]) / (m1[r] + m1[c]);
        let mut s = 0.0;
        for t in 0..dim {
            let d = m2[r * dim + t] / m1[r] - m2[c * dim + t] / m1[c];
            s += d * d;
        }
        s * w
    };
    let mut adjacency: Vec<Vec<usize>> = Vec::new();
    let mut heap = BinaryHeap::new();
    for ind in 0..n {
        let row = graph.neighbors(ind);
        for &r in row.iter().filter(|&&r| r < ind) {
            heap.push(Reverse(Entry(delta(&m1, &m2, ind, r), ind, r)));
        }
        adjacency.push(row.to_vec());
    }
    let mut parent: Vec<usize> = (0..n_nodes).collect();
    let mut used = vec![true; n_nodes];
    let (mut children, mut distances) = (Vec::new(), Vec::new());
    for k in n..n_nodes {
        let Entry(inert, i, j) = loop {
            let Reverse(e) = heap.pop().expect("connected graph");
            if used[e.1] && used[e.2] {
                break e;
            }
        };
        parent[i] = k;
        parent[j] = k;
        used[i] = false;
        used[j] = false;
        children.push([j, i]);
        distances.push((2.0 * inert).sqrt());
        m1[k] = m1[i] + m1[j];
        for t in 0..dim {
            m2[k * dim + t] = m2[i * dim + t] + m2[j * dim + t];
        }
        let mut visited = vec![false; n_nodes];
        visited[k] = true;
        let mut cols = Vec::new();
        for &start in adjacency[i].iter().chain(&adjacency[j]) {
            let mut node = start;
            while parent[node] != node {
                node = parent[node];
            }
            if !visited[node] {
                visited[node] = true;
                cols.push(node);
            }
        }
        for &col in &cols {
            adjacency[col].push(k);
            heap.push(Reverse(Entry(delta(&m1, &m2, k, col), k, col)));
        }
        adjacency.push(cols);
    }
    (children, distances)
}

fn check(points: &Array2<f64>, graph: &Connectivity, n_clusters: usize, what: &str) {
    let n = points.nrows();
    let tree = ward_tree(points.view(), graph, Some(n_clusters)).unwrap();
    let (children, distances) = sklearn_ward(points.view(), graph, n - n_clusters);
    assert_eq!(tree.children().len(), children.len(), "{what}");
    for (step, (got, want)) in tree.children().iter().zip(&children).enumerate() {
        assert_eq!(got, want, "{what}: merge {step}");
    }
    for (step, (got, want)) in tree.distances().iter().zip(&distances).enumerate() {
        assert_eq!(got.to_bits(), want.to_bits(), "{what}: distance {step}");
    }
}

#[test]
fn smooth_grid_to_the_root() {
    let mut rng = Rng(11);
    let (h, w, dim) = (60, 50, 9);
    let points = Array2::from_shape_fn((h * w, dim), |(p, t)| {
        let (y, x) = ((p / w) as f64, (p % w) as f64);
        (0.13 * y + t as f64).sin() + (0.07 * x * (t + 1) as f64).cos() + 0.05 * rng.uniform()
    });
    check(
        &points,
        &grid_to_graph(&[h, w], None).unwrap(),
        1,
        "60×50 grid",
    );
}

#[test]
fn three_d_grid_with_an_early_stop() {
    let mut rng = Rng(5);
    let (side, dim) = (14, 4);
    let n = side * side * side;
    let points = Array2::from_shape_fn((n, dim), |_| rng.uniform());
    let graph = grid_to_graph(&[side, side, side], None).unwrap();
    check(&points, &graph, 40, "14³ grid, 40 clusters");
}

#[test]
fn integer_data_full_of_ties() {
    let mut rng = Rng(3);
    let (h, w) = (45, 40);
    let points = Array2::from_shape_fn((h * w, 2), |_| (rng.next() % 3) as f64);
    check(&points, &grid_to_graph(&[h, w], None).unwrap(), 1, "ties");
    let constant = Array2::from_elem((h * w, 3), 7.0);
    check(
        &constant,
        &grid_to_graph(&[h, w], None).unwrap(),
        10,
        "constant",
    );
}

#[test]
fn transposed_and_one_dimensional_points() {
    let mut rng = Rng(9);
    let raw = Array2::from_shape_fn((5, 900), |_| rng.uniform());
    let points = raw.t().to_owned();
    let graph = grid_to_graph(&[30, 30], None).unwrap();
    // A non-contiguous view takes the copying path.
    let tree = ward_tree(raw.t(), &graph, Some(3)).unwrap();
    let (children, _) = sklearn_ward(points.view(), &graph, 897);
    assert_eq!(tree.children(), children.as_slice());
    let line = Array2::from_shape_fn((2000, 1), |_| rng.uniform());
    check(&line, &grid_to_graph(&[2000], None).unwrap(), 1, "a line");
}
