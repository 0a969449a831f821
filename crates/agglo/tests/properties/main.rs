//! Property tests (proptest) on random small inputs *with ties*: integer
//! data in a narrow range (duplicate points, equal distances) over random
//! graphs that often have several components.
//!
//! - Ward and single linkage with connectivity against naive `O(n³)`
//!   references that break ties exactly as scikit-learn does (Ward: the
//!   smallest `(Δ, larger id, smaller id)`; single: scipy's Kruskal, the
//!   smallest `(weight, CSR position)`): same children, same distance bits.
//! - Complete and average linkage with connectivity (ties fall by the
//!   layout of CPython's `heapq` array, impractical to emulate naively),
//!   and every linkage without connectivity (scipy's nearest-neighbour
//!   chain and spanning tree): replayed merge by merge, each merge joins
//!   two live clusters at the linkage's distance for them, and no pair of
//!   live clusters is closer.
//! - Labels: exactly scikit-learn's `_hc_cut` (heap positions) or forest
//!   ranks of the tree, `n_clusters` groups, each connected in the
//!   completed graph; with a distance threshold at one of the tree's own
//!   (tied) distances, the number of clusters counts the merges at or above
//!   it.
//! - `transform ∘ inverse_transform`: restored data is constant on each
//!   cluster, and `transform(inverse_transform(R)) == R` for every pooling.
//! - One and two rayon threads give the same bits.
//!
//! Case counts are kept small for `cargo test`; set `PROPTEST_CASES` for a
//! longer run.

use std::collections::HashMap;

use agglo::connectivity::complete_components;
use agglo::element::Precision;
use agglo::{
    Agglomeration, AgglomerativeClustering, ComputeFullTree, Connectivity, FeatureAgglomeration,
    Linkage, Metric, Pooling,
};
use ndarray::Array2;
use proptest::prelude::*;

// ---------------------------------------------------------------- inputs

mod checks;
mod reference;

use checks::*;
use reference::*;

/// Points with small integer coordinates (ties everywhere) and a random
/// graph: `edges` may contain self-loops and leave several components.
#[derive(Debug, Clone)]
struct Case {
    points: Array2<f64>,
    edges: Vec<(usize, usize)>,
}

/// `n` points in `1..=max_dim` dimensions with coordinates in `values`,
/// and up to `n` random edges.
fn cases(
    n: std::ops::RangeInclusive<usize>,
    max_dim: usize,
    values: std::ops::RangeInclusive<i32>,
) -> impl Strategy<Value = Case> {
    (n, 1..=max_dim).prop_flat_map(move |(n, dim)| {
        (
            proptest::collection::vec(values.clone(), n * dim),
            proptest::collection::vec((0..n, 0..n), 0..=n),
        )
            .prop_map(move |(v, edges)| Case {
                points: Array2::from_shape_fn((n, dim), |(i, j)| f64::from(v[i * dim + j])),
                edges,
            })
    })
}

/// A symmetric matrix of small non-negative integers with a zero
/// diagonal, to be used as precomputed distances.
fn precomputed(case: &Case) -> Array2<f64> {
    let n = case.points.nrows();
    let x = &case.points;
    Array2::from_shape_fn((n, n), |(i, j)| {
        if i == j {
            0.0
        } else {
            (x[[i.min(j), 0]] + x[[i.max(j), 0]]).abs()
        }
    })
}

fn graph(case: &Case) -> Connectivity {
    Connectivity::from_edges(case.points.nrows(), &case.edges).unwrap()
}

// ------------------------------------------------------------ distances

proptest! {
    #![proptest_config(config(64))]

    /// Ward with connectivity: the naive tree, bit for bit, and its labels.
    #[test]
    fn ward_with_connectivity_is_the_naive_tree(
        case in cases(2..=14, 3, 0..=3),
        k in 1usize..=14,
        full_tree in any::<bool>(),
        pick in any::<usize>(),
    ) {
        let x = &case.points;
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage: Linkage::Ward, metric: Metric::Euclidean, n_clusters: k, full_tree };
        let model = fit(x, Some(&graph(&case)), s);
        let graph = completed(&case, x, Metric::Euclidean);
        let n_merges = if full_tree { n - 1 } else { n - k };
        let (children, distances) = naive_ward(x, &graph, n_merges);
        prop_assert_eq!(model.children(), &children[..]);
        let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(model.distances().unwrap()), bits(&distances));
        prop_assert_eq!(model.labels(), &naive_labels(&children, n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
        let (children, distances) = naive_ward(x, &graph, n - 1);
        check_threshold(x, &graph, Linkage::Ward, Metric::Euclidean, &children, &distances, pick)?;
    }

    /// Single linkage with connectivity: scipy's Kruskal, bit for bit.
    #[test]
    fn single_with_connectivity_is_kruskal(
        case in cases(2..=14, 3, -2..=2),
        (metric, k, full_tree) in (
            proptest::sample::select(&[Metric::Euclidean, Metric::Manhattan, Metric::Precomputed][..]),
            1usize..=14,
            any::<bool>(),
        ),
        pick in any::<usize>(),
    ) {
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage: Linkage::Single, metric, n_clusters: k, full_tree };
        let model = fit(&x, Some(&graph(&case)), s);
        let graph = completed(&case, &x, metric);
        let (children, distances) = naive_single(&x, &graph, metric);
        prop_assert_eq!(model.children(), &children[..]);
        let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(model.distances().unwrap()), bits(&distances));
        prop_assert_eq!(model.labels(), &naive_labels(&children, n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
        check_threshold(&x, &graph, Linkage::Single, metric, &children, &distances, pick)?;
    }

    /// Complete and average linkage with connectivity, every metric: each
    /// merge is a closest joined pair at its linkage distance.
    #[test]
    fn complete_and_average_with_connectivity_merge_a_closest_pair(
        case in cases(2..=14, 3, 0..=3),
        (linkage, metric, k, full_tree) in settings(&[Linkage::Complete, Linkage::Average], CONNECTIVITY_METRICS),
    ) {
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage, metric, n_clusters: k, full_tree };
        let model = fit(&x, Some(&graph(&case)), s);
        let graph = completed(&case, &x, metric);
        prop_assert_eq!(model.children().len(), if full_tree { n - 1 } else { n - k });
        // Exact for integer data, except cosine's rounding.
        let slack = if metric == Metric::Cosine { 1e-12 } else { 0.0 };
        check_greedy(&model, &x, Some(&graph), linkage, metric, slack)?;
        prop_assert_eq!(model.labels(), &naive_labels(model.children(), n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
    }

    /// Every linkage without connectivity: each merge is a closest pair at
    /// its linkage distance, and the labels cut that tree.
    #[test]
    fn unstructured_linkages_merge_a_closest_pair(
        case in cases(2..=14, 3, 0..=3),
        (linkage, metric, k, _) in settings(
            &[Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single],
            CONNECTIVITY_METRICS,
        ),
    ) {
        let metric = if linkage == Linkage::Ward { Metric::Euclidean } else { metric };
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage, metric, n_clusters: k, full_tree: true };
        let model = fit(&x, None, s);
        prop_assert_eq!(model.children().len(), n - 1);
        // Lance-Williams updates and pairwise sums round differently from
        // the from-scratch definitions.
        let slack = if linkage == Linkage::Single || linkage == Linkage::Complete {
            if metric == Metric::Cosine { 1e-12 } else { 0.0 }
        } else {
            1e-9
        };
        check_greedy(&model, &x, None, linkage, metric, slack)?;
        prop_assert_eq!(model.labels(), &naive_labels(model.children(), n, k, true)[..]);
        check_groups(model.labels(), k, None)?;
    }

    /// `inverse_transform(transform(X))` is constant on every cluster, and
    /// `transform(inverse_transform(R)) == R` for every pooling (exactly
    /// for integer-valued `R`; within rounding for the mean of others).
    #[test]
    fn transform_and_inverse_transform_agree(
        case in cases(2..=14, 6, -3..=3),
        pooling in proptest::sample::select(&[Pooling::Mean, Pooling::Median, Pooling::Max][..]),
        k in 1usize..=14,
        reduced_values in proptest::collection::vec(-1e6f64..1e6, 1..=40),
        integer in any::<bool>(),
    ) {
        // Features are the columns: cluster the transposed points.
        let x = case.points.t().to_owned();
        let n_features = x.ncols();
        if n_features < 2 {
            return Ok(());
        }
        let k = k.min(n_features);
        let model = FeatureAgglomeration::new()
            .n_clusters(k)
            .pooling(pooling)
            .connectivity(graph(&case))
            .fit(x.view())
            .unwrap();
        let labels = model.labels();
        let reduced = model.transform(x.view()).unwrap();
        let restored = model.inverse_transform(reduced.view()).unwrap();
        for (row, back) in reduced.rows().into_iter().zip(restored.rows()) {
            for (f, &l) in labels.iter().enumerate() {
                prop_assert_eq!(back[f].to_bits(), row[l].to_bits());
            }
        }
        let r = Array2::from_shape_fn((3, k), |(i, j)| {
            let v = reduced_values[(i * k + j) % reduced_values.len()];
            if integer { v.round() } else { v }
        });
        let again = model.transform(model.inverse_transform(r.view()).unwrap().view()).unwrap();
        for (&got, &want) in again.iter().zip(r.iter()) {
            if integer || pooling != Pooling::Mean {
                prop_assert_eq!(got.to_bits(), want.to_bits(), "{} pooling", pooling);
            } else {
                prop_assert!((got - want).abs() <= 1e-15 * n_features as f64 * want.abs(), "{got} vs {want}");
            }
        }
    }
}

/// Everything a fit produces, floats as bits.
fn fingerprint(case: &Case, linkage: Linkage, pooling: Pooling, structured: bool) -> Vec<u64> {
    let x = &case.points;
    let mut model = FeatureAgglomeration::new()
        .n_clusters(3.min(x.ncols()))
        .linkage(linkage)
        .pooling(pooling)
        .compute_distances(true);
    if structured {
        model = model.connectivity(Connectivity::from_edges(x.ncols(), &case.edges).unwrap());
    }
    let model = model.fit(x.view()).unwrap();
    let reduced = model.transform(x.view()).unwrap();
    let restored = model.inverse_transform(reduced.view()).unwrap();
    let tree = model.model();
    let mut out: Vec<u64> = model.labels().iter().map(|&l| l as u64).collect();
    out.extend(tree.children().iter().flatten().map(|&c| c as u64));
    out.extend(tree.distances().unwrap().iter().map(|d| d.to_bits()));
    out.extend(reduced.iter().chain(restored.iter()).map(|v| v.to_bits()));
    out
}

/// Feature agglomeration data wide and tall enough that the parallel
/// conversion, initial Ward costs and pooling split into several tasks:
/// `n_samples × n_features` with a random graph over the features.
fn wide_cases(n_features: std::ops::Range<usize>) -> impl Strategy<Value = Case> {
    // Filled from a seed: proptest value trees for 10⁵ numbers are slow.
    (n_features, 20usize..80, any::<u64>()).prop_map(|(f, s, seed)| {
        let mut state = seed;
        let mut next = move |below: usize| {
            // SplitMix64.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % below as u64) as usize
        };
        let points = Array2::from_shape_fn((s, f), |_| next(4) as f64);
        let edges = (0..f + next(f)).map(|_| (next(f), next(f))).collect();
        Case { points, edges }
    })
}

proptest! {
    #![proptest_config(config(4))]

    /// One and two rayon threads give the same bits, for every linkage and
    /// pooling, with and without connectivity.
    #[test]
    fn one_and_two_threads_give_the_same_bits(
        case in wide_cases(300..5000),
        linkage in proptest::sample::select(&[Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single][..]),
        pooling in proptest::sample::select(&[Pooling::Mean, Pooling::Median, Pooling::Max][..]),
    ) {
        let run = |threads: usize, structured: bool| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fingerprint(&case, linkage, pooling, structured))
        };
        prop_assert!(run(1, true) == run(2, true), "{} with connectivity", linkage);
        // Without connectivity the tree is quadratic: keep it to 300 features.
        let narrow = Case {
            points: case.points.slice(ndarray::s![.., ..300]).to_owned(),
            edges: Vec::new(),
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fingerprint(&narrow, linkage, pooling, false))
        };
        prop_assert!(run(1) == run(2), "{} without connectivity", linkage);
    }
}
