//! The fast no-connectivity linkages (nearest-neighbour chain, minimum
//! spanning tree) against a naive O(n³) agglomeration that recomputes every
//! cluster distance from the point distances at each step, on random data
//! without ties: same merges in the same order, distances within 1e-12
//! relative.

use agglo::{AgglomerativeClustering, Linkage, Metric};
use ndarray::Array2;

/// SplitMix64: a small deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn point_distance(metric: Metric, u: &[f64], v: &[f64]) -> f64 {
    match metric {
        Metric::Euclidean | Metric::L2 => u
            .iter()
            .zip(v)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt(),
        Metric::Manhattan | Metric::L1 | Metric::Cityblock => {
            u.iter().zip(v).map(|(a, b)| (a - b).abs()).sum()
        }
        Metric::Cosine => {
            let dot: f64 = u.iter().zip(v).map(|(a, b)| a * b).sum();
            let nu: f64 = u.iter().map(|a| a * a).sum::<f64>().sqrt();
            let nv: f64 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
            1.0 - dot / (nu * nv)
        }
        Metric::Precomputed => unreachable!("precomputed distances are given"),
        other => unreachable!("no reference for {other}"),
    }
}

/// The linkage distance between two clusters, from scratch.
fn cluster_distance(
    linkage: Linkage,
    d: &Array2<f64>,
    x: &Array2<f64>,
    a: &[usize],
    b: &[usize],
) -> f64 {
    let pairs = || a.iter().flat_map(|&i| b.iter().map(move |&j| d[[i, j]]));
    match linkage {
        Linkage::Single => pairs().fold(f64::INFINITY, f64::min),
        Linkage::Complete => pairs().fold(f64::NEG_INFINITY, f64::max),
        Linkage::Average => pairs().sum::<f64>() / (a.len() * b.len()) as f64,
        Linkage::Ward => {
            let centroid = |c: &[usize]| {
                let mut m = vec![0.0; x.ncols()];
                for &i in c {
                    for (mk, xk) in m.iter_mut().zip(x.row(i)) {
                        *mk += xk;
                    }
                }
                m.iter().map(|v| v / c.len() as f64).collect::<Vec<_>>()
            };
            let (ca, cb) = (centroid(a), centroid(b));
            let gap: f64 = ca.iter().zip(&cb).map(|(p, q)| (p - q) * (p - q)).sum();
            let (na, nb) = (a.len() as f64, b.len() as f64);
            (2.0 * na * nb / (na + nb) * gap).sqrt()
        }
        other => unreachable!("no reference for {other}"),
    }
}

/// Greedy agglomeration: merge the closest pair of clusters, recompute.
/// Returns `([id, id] sorted, distance)` per merge, ids as scikit-learn's.
fn naive(linkage: Linkage, d: &Array2<f64>, x: &Array2<f64>) -> Vec<([usize; 2], f64)> {
    let n = d.nrows();
    let mut clusters: Vec<(usize, Vec<usize>)> = (0..n).map(|i| (i, vec![i])).collect();
    let mut merges = Vec::new();
    for k in 0..n.saturating_sub(1) {
        let mut best = (0, 1, f64::INFINITY);
        for p in 0..clusters.len() {
            for q in p + 1..clusters.len() {
                let dist = cluster_distance(linkage, d, x, &clusters[p].1, &clusters[q].1);
                if dist < best.2 {
                    best = (p, q, dist);
                }
            }
        }
        let (p, q, dist) = best;
        let (id_q, members_q) = clusters.remove(q);
        let (id_p, mut members) = clusters.remove(p);
        members.extend(members_q);
        merges.push(([id_p.min(id_q), id_p.max(id_q)], dist));
        clusters.push((n + k, members));
    }
    merges
}

fn check(rng: &mut Rng, linkage: Linkage, metric: Metric, trial: usize) {
    let n = 2 + rng.below(38);
    let dim = if metric == Metric::Cosine {
        3 + rng.below(4)
    } else {
        1 + rng.below(5)
    };
    let x = Array2::from_shape_fn((n, dim), |_| rng.normal());
    let (input, d) = if metric == Metric::Precomputed {
        let d = Array2::from_shape_fn((n, n), |(i, j)| {
            point_distance(
                Metric::Euclidean,
                x.row(i).as_slice().unwrap(),
                x.row(j).as_slice().unwrap(),
            )
        });
        (d.clone(), d)
    } else {
        let d = Array2::from_shape_fn((n, n), |(i, j)| {
            point_distance(
                metric,
                x.row(i).as_slice().unwrap(),
                x.row(j).as_slice().unwrap(),
            )
        });
        (x.clone(), d)
    };
    let want = naive(linkage, &d, &x);
    let model = AgglomerativeClustering::new()
        .n_clusters(1)
        .linkage(linkage)
        .metric(metric)
        .compute_distances(true)
        .fit(input.view())
        .unwrap_or_else(|e| panic!("{linkage}/{metric} trial {trial}: {e}"));
    let got: Vec<([usize; 2], f64)> = model
        .children()
        .iter()
        .zip(model.distances().unwrap())
        .map(|(&[a, b], &dist)| ([a.min(b), a.max(b)], dist))
        .collect();
    assert_eq!(got.len(), want.len());
    for (k, ((gc, gd), (wc, wd))) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            gc, wc,
            "{linkage}/{metric} trial {trial} (n={n}): merge {k}"
        );
        // Cosine distances are 1 − cos: allow a few ulps of 1 of cancellation.
        let slack = if metric == Metric::Cosine {
            4.0 * f64::EPSILON
        } else {
            0.0
        };
        assert!(
            (gd - wd).abs() <= 1e-12 * wd.abs() + slack,
            "{linkage}/{metric} trial {trial} (n={n}): distance {k}: {gd} vs {wd}"
        );
    }
}

#[test]
fn fast_linkages_match_naive_agglomeration() {
    let mut rng = Rng(0x5eed_a991_0000_0001);
    let combos = [
        (Linkage::Ward, Metric::Euclidean),
        (Linkage::Complete, Metric::Euclidean),
        (Linkage::Complete, Metric::Manhattan),
        (Linkage::Complete, Metric::Cosine),
        (Linkage::Complete, Metric::Precomputed),
        (Linkage::Average, Metric::Euclidean),
        (Linkage::Average, Metric::Cityblock),
        (Linkage::Average, Metric::Cosine),
        (Linkage::Average, Metric::Precomputed),
        (Linkage::Single, Metric::Euclidean),
        (Linkage::Single, Metric::L1),
        (Linkage::Single, Metric::Cosine),
        (Linkage::Single, Metric::Precomputed),
    ];
    for (linkage, metric) in combos {
        for trial in 0..40 {
            check(&mut rng, linkage, metric, trial);
        }
    }
}
