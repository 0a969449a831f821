//! The fast Ward tree against an obviously correct O(n³) reference on
//! random, tie-free data over random connected graphs.

use agglo::{grid_to_graph, ward_tree, Connectivity};
use ndarray::{Array2, ArrayView2};

mod common;
use common::Rng;

/// Naive Ward: every step scans every pair of live clusters joined by at
/// least one edge between their members, recomputing sizes and centroids
/// from the members, and merges the pair of least Δ (ties by larger id,
/// then smaller id, as scikit-learn's heap does).
fn naive_ward(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    n_merges: usize,
) -> (Vec<[usize; 2]>, Vec<f64>) {
    let n = points.nrows();
    let dim = points.ncols();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut live: Vec<usize> = (0..n).collect();
    let mut children = Vec::new();
    let mut distances = Vec::new();
    let centroid = |m: &[usize]| -> Vec<f64> {
        (0..dim)
            .map(|j| m.iter().map(|&p| points[[p, j]]).sum::<f64>() / m.len() as f64)
            .collect()
    };
    for _ in 0..n_merges {
        let mut best: Option<(f64, usize, usize)> = None;
        for (a_pos, &a) in live.iter().enumerate() {
            for &b in &live[..a_pos] {
                let joined = members[a]
                    .iter()
                    .any(|&p| graph.neighbors(p).iter().any(|q| members[b].contains(q)));
                if !joined {
                    continue;
                }
                let (ca, cb) = (centroid(&members[a]), centroid(&members[b]));
                let (na, nb) = (members[a].len() as f64, members[b].len() as f64);
                let sq: f64 = ca.iter().zip(&cb).map(|(x, y)| (x - y) * (x - y)).sum();
                let delta = na * nb / (na + nb) * sq;
                let (i, j) = (a.max(b), a.min(b));
                let candidate = (delta, i, j);
                if best.is_none_or(|cur| candidate < cur) {
                    best = Some(candidate);
                }
            }
        }
        let (delta, i, j) = best.expect("the graph is connected");
        let mut merged = members[i].clone();
        merged.extend(&members[j]);
        members.push(merged);
        live.retain(|&c| c != i && c != j);
        live.push(members.len() - 1);
        children.push([j, i]);
        distances.push((2.0 * delta).sqrt());
    }
    (children, distances)
}

/// A random connected graph: a random spanning tree plus a few chords.
fn random_graph(rng: &mut Rng, n: usize) -> Connectivity {
    let mut edges = Vec::new();
    for node in 1..n {
        edges.push((node, rng.below(node)));
    }
    for _ in 0..n / 2 {
        edges.push((rng.below(n), rng.below(n)));
    }
    Connectivity::from_edges(n, &edges).unwrap()
}

fn random_points(rng: &mut Rng, n: usize, dim: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, dim), || rng.uniform() * 10.0 - 5.0)
}

fn assert_same(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    n_clusters: Option<usize>,
    what: &str,
) {
    let n = points.nrows();
    let tree = ward_tree(points, graph, n_clusters).unwrap();
    let n_merges = n - n_clusters.unwrap_or(1);
    let (children, distances) = naive_ward(points, graph, n_merges);
    assert_eq!(tree.children(), &children[..], "{what}: children");
    for (k, (&fast, &slow)) in tree.distances().iter().zip(&distances).enumerate() {
        assert!(
            (fast - slow).abs() <= 1e-9 * slow.max(1e-300),
            "{what}: distance {k}: {fast} vs {slow}"
        );
    }
}

#[test]
fn random_graphs_match_the_reference() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..40 {
        let n = 2 + rng.below(40);
        let dim = 1 + rng.below(5);
        let points = random_points(&mut rng, n, dim);
        let graph = random_graph(&mut rng, n);
        let k = 1 + rng.below(n);
        assert_same(points.view(), &graph, None, &format!("case {case} full"));
        assert_same(
            points.view(),
            &graph,
            Some(k),
            &format!("case {case} k={k}"),
        );
    }
}

#[test]
fn random_grids_match_the_reference() {
    let mut rng = Rng(42);
    for case in 0..15 {
        let shape = [2 + rng.below(6), 2 + rng.below(6)];
        let n = shape[0] * shape[1];
        let points = random_points(&mut rng, n, 3);
        let graph = grid_to_graph(&shape, None).unwrap();
        assert_same(points.view(), &graph, None, &format!("grid case {case}"));
    }
}

#[test]
fn disconnected_graphs_are_completed_before_merging() {
    // Two components: the reference sees the completed graph.
    let mut rng = Rng(7);
    let points = random_points(&mut rng, 12, 2);
    let graph = Connectivity::from_edges(
        12,
        &[
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 5),
            (6, 7),
            (7, 8),
            (8, 9),
            (9, 10),
            (10, 11),
        ],
    )
    .unwrap();
    let tree = ward_tree(points.view(), &graph, None).unwrap();
    assert_eq!(tree.n_connected_components(), 2);
    assert!(tree.is_full());
    let completed = agglo::connectivity::complete_components(
        points.view(),
        &graph,
        agglo::Metric::Euclidean,
        agglo::element::Precision::F64,
    )
    .unwrap();
    assert_eq!(completed.added_edges.len(), 1);
    let (children, _) = naive_ward(points.view(), &completed.connectivity, 11);
    assert_eq!(tree.children(), &children[..]);
}
