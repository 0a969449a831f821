//! The fast connectivity-constrained complete, average and single linkage
//! (heap with lazy deletion, neighbour maps, Kruskal) against a naive
//! `O(n³)` agglomeration that states the definitions directly, on random
//! tie-free inputs.
//!
//! The reference keeps every live cluster as a set of points. At each step
//! it scans all pairs of live clusters joined by at least one graph edge and
//! merges the pair at the smallest linkage distance:
//!
//! ```text
//! complete  max  of the edge lengths between the two clusters
//! single    min  of the edge lengths between the two clusters
//! average   the size-weighted recurrence scikit-learn uses: when A and B
//!           merge, d(A∪B, C) = (|A|·d(A,C) + |B|·d(B,C)) / (|A|+|B|) if both
//!           touch C, else the one distance that exists
//! ```
//!
//! (With a connectivity constraint, complete linkage is the longest
//! *connecting edge*, not the farthest pair of points; average linkage is
//! not the mean over all pairs, since a cluster not touching `C` does not
//! contribute.) Merge order and distances must agree, within 1e-12 relative
//! (the reference sums distances in its own order).

use agglo::connectivity::complete_components;
use agglo::element::Precision;
use agglo::{AgglomerativeClustering, ComputeFullTree, Connectivity, Linkage, Metric};
use ndarray::Array2;

/// SplitMix64: a small deterministic generator, so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A point-to-point distance, summed plainly (not in NumPy's order).
fn distance(metric: Metric, x: &[f64], y: &[f64]) -> f64 {
    match metric {
        Metric::Manhattan => x.iter().zip(y).map(|(a, b)| (a - b).abs()).sum(),
        Metric::Cosine => {
            let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
            let (nx, ny) = (norm(x), norm(y));
            0.5 * x
                .iter()
                .zip(y)
                .map(|(a, b)| (a / nx - b / ny).powi(2))
                .sum::<f64>()
        }
        _ => x
            .iter()
            .zip(y)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt(),
    }
}

/// The naive agglomeration: `n_merges` merges as `(smaller id, larger id,
/// distance)`, node ids as scikit-learn numbers them.
fn naive(
    points: &Array2<f64>,
    graph: &Connectivity,
    linkage: Linkage,
    metric: Metric,
    n_merges: usize,
) -> Vec<(usize, usize, f64)> {
    let n = points.nrows();
    let row = |i: usize| points.row(i).to_vec();
    let edge_length = |a: usize, b: usize| distance(metric, &row(a), &row(b));
    // members[id]: the points of node id (empty once merged).
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut live: Vec<usize> = (0..n).collect();
    // Average linkage: the recurrence's current value per live pair.
    let mut average = std::collections::HashMap::new();
    for a in 0..n {
        for &b in graph.neighbors(a) {
            if a != b {
                average.insert((a.min(b), a.max(b)), edge_length(a, b));
            }
        }
    }
    let cross_edges = |p: &[usize], q: &[usize]| -> Vec<f64> {
        let mut lengths = Vec::new();
        for &a in p {
            for &b in graph.neighbors(a) {
                if q.contains(&b) {
                    lengths.push(edge_length(a, b));
                }
            }
        }
        lengths
    };
    let mut merges = Vec::new();
    for k in n..n + n_merges {
        let mut best: Option<(f64, usize, usize)> = None;
        for (x, &p) in live.iter().enumerate() {
            for &q in &live[x + 1..] {
                let lengths = cross_edges(&members[p], &members[q]);
                if lengths.is_empty() {
                    continue;
                }
                let d = match linkage {
                    Linkage::Complete => lengths.iter().copied().fold(f64::MIN, f64::max),
                    Linkage::Single => lengths.iter().copied().fold(f64::MAX, f64::min),
                    _ => average[&(p.min(q), p.max(q))],
                };
                if best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, p.min(q), p.max(q)));
                }
            }
        }
        let (d, j, i) = best.expect("a connected graph always has a merge");
        if linkage == Linkage::Average {
            let (n_i, n_j) = (members[i].len() as f64, members[j].len() as f64);
            for &c in &live {
                if c == i || c == j {
                    continue;
                }
                let (di, dj) = (
                    average.get(&(c.min(i), c.max(i))).copied(),
                    average.get(&(c.min(j), c.max(j))).copied(),
                );
                let merged = match (di, dj) {
                    (Some(a), Some(b)) => Some((n_i * a + n_j * b) / (n_i + n_j)),
                    (Some(a), None) => Some(a),
                    (None, Some(b)) => Some(b),
                    (None, None) => None,
                };
                if let Some(v) = merged {
                    average.insert((c, k), v);
                }
            }
        }
        let union = [members[i].clone(), members[j].clone()].concat();
        members[i].clear();
        members[j].clear();
        members.push(union);
        live.retain(|&c| c != i && c != j);
        live.push(k);
        merges.push((j, i, d));
    }
    merges
}

/// Random points without ties and a random graph (a random forest plus
/// extra edges; sometimes disconnected, then completed as the estimator
/// completes it).
fn random_case(rng: &mut Rng, n: usize, dim: usize, metric: Metric) -> (Array2<f64>, Connectivity) {
    let points = Array2::from_shape_fn((n, dim), |_| rng.uniform() + 0.1);
    let mut edges = Vec::new();
    for i in 1..n {
        if rng.below(8) != 0 {
            edges.push((i, rng.below(i)));
        }
    }
    for _ in 0..n / 2 {
        edges.push((rng.below(n), rng.below(n)));
    }
    let graph = Connectivity::from_edges(n, &edges).unwrap();
    let completed = complete_components(points.view(), &graph, metric, Precision::F64).unwrap();
    (points, completed.connectivity)
}

#[test]
fn fast_linkages_agree_with_the_naive_reference() {
    let mut rng = Rng(0x5EED);
    let mut checked = 0;
    for round in 0..60 {
        let n = 3 + rng.below(28);
        let metric = [Metric::Euclidean, Metric::Manhattan, Metric::Cosine][round % 3];
        // One-dimensional positive points all point the same way: cosine
        // needs two dimensions to be tie-free.
        let dim = 1 + rng.below(4) + usize::from(metric == Metric::Cosine);
        let (points, graph) = random_case(&mut rng, n, dim, metric);
        for linkage in [Linkage::Complete, Linkage::Average, Linkage::Single] {
            let model = AgglomerativeClustering::new()
                .linkage(linkage)
                .metric(metric)
                .connectivity(graph.clone())
                .compute_full_tree(ComputeFullTree::True)
                .compute_distances(true)
                .n_clusters(1)
                .fit(points.view())
                .unwrap();
            let want = naive(&points, &graph, linkage, metric, n - 1);
            let got: Vec<(usize, usize, f64)> = model
                .children()
                .iter()
                .zip(model.distances().unwrap())
                .map(|(&[a, b], &d)| (a.min(b), a.max(b), d))
                .collect();
            assert_eq!(got.len(), want.len());
            for (step, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(
                    (g.0, g.1),
                    (w.0, w.1),
                    "{linkage} {metric} n={n} merge {step}"
                );
                assert!(
                    (g.2 - w.2).abs() <= 1e-12 * w.2.abs().max(1e-300),
                    "{linkage} {metric} n={n} merge {step}: {} vs {}",
                    g.2,
                    w.2
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 180);
}

#[test]
fn early_stop_is_a_prefix_of_the_full_tree() {
    let mut rng = Rng(42);
    for _ in 0..20 {
        let n = 10 + rng.below(30);
        let (points, graph) = random_case(&mut rng, n, 2, Metric::Euclidean);
        for linkage in [Linkage::Complete, Linkage::Average] {
            let k = 2 + rng.below(n - 2);
            let model = AgglomerativeClustering::new()
                .linkage(linkage)
                .connectivity(graph.clone())
                .compute_full_tree(ComputeFullTree::False)
                .compute_distances(true)
                .n_clusters(k)
                .fit(points.view())
                .unwrap();
            let want = naive(&points, &graph, linkage, Metric::Euclidean, n - k);
            assert_eq!(model.children().len(), n - k);
            for (&[a, b], w) in model.children().iter().zip(&want) {
                assert_eq!((a, b), (w.0, w.1));
            }
            // Each leaf's label is the rank of its root among the roots.
            let mut clusters = model.labels().to_vec();
            clusters.sort_unstable();
            clusters.dedup();
            assert_eq!(clusters.len(), k);
        }
    }
}
