use ndarray::Array2;

use super::*;
use crate::grid_to_graph;

fn smooth(n_samples: usize, side: usize) -> Array2<f64> {
    Array2::from_shape_fn((n_samples, side * side), |(s, f)| {
        let (r, c) = ((f / side) as f64, (f % side) as f64);
        (r * 0.3 + s as f64).sin()
            + (c * 0.2 * (s + 1) as f64).cos()
            + ((f * 31 + s * 17) % 7) as f64 * 1e-3
    })
}

#[test]
fn parameters_are_checked_before_the_data() {
    assert_eq!(
        Rena::new().n_clusters(0).check(),
        Err(AggloError::ZeroClusters)
    );
    assert!(matches!(
        Rena::new().n_iter(0).check(),
        Err(AggloError::InvalidParameter { name: "n_iter", .. })
    ));
    let err = Rena::new().threshold(f64::NAN).check().unwrap_err();
    assert!(err.to_string().contains("threshold"), "{err}");
}

#[test]
fn bad_shapes_are_refused_with_their_sizes() {
    let x = smooth(4, 5);
    let graph = grid_to_graph(&[5, 5], None).unwrap();
    let small = grid_to_graph(&[4, 5], None).unwrap();
    assert!(matches!(
        Rena::new().fit(x.view(), &small),
        Err(AggloError::ConnectivityShape { n_points: 25, .. })
    ));
    assert!(matches!(
        Rena::new().n_clusters(26).fit(x.view(), &graph),
        Err(AggloError::TooManyClusters {
            n_clusters: 26,
            n_points: 25
        })
    ));
    let one = x.slice_axis(ndarray::Axis(0), ndarray::Slice::from(..1));
    assert!(matches!(
        Rena::new().fit(one, &graph),
        Err(AggloError::TooFew { got: 1, .. })
    ));
    let mut bad = x.clone();
    bad[[2, 3]] = f64::INFINITY;
    assert!(matches!(
        Rena::new().fit(bad.view(), &graph),
        Err(AggloError::NonFinite {
            row: 2,
            column: 3,
            ..
        })
    ));
}

#[test]
fn reaches_n_clusters_with_labels_in_order_of_first_appearance() {
    let x = smooth(6, 12);
    let graph = grid_to_graph(&[12, 12], None).unwrap();
    for k in [1, 2, 7, 40, 144] {
        let fitted = Rena::new()
            .n_clusters(k)
            .n_iter(50)
            .fit(x.view(), &graph)
            .unwrap();
        assert_eq!(fitted.n_clusters(), k, "k = {k}");
        let mut next = 0;
        for &l in fitted.labels() {
            assert!(l <= next, "label {l} before {next}");
            if l == next {
                next += 1;
            }
        }
        assert_eq!(fitted.sizes().iter().sum::<usize>(), 144);
    }
}

/// Every cluster is connected in the graph: ReNA merges only along edges.
#[test]
fn clusters_are_connected_in_the_graph() {
    let x = smooth(5, 10);
    let mut mask = ndarray::ArrayD::from_elem(vec![10, 10], true);
    for r in 0..10 {
        mask[[r, 4]] = false; // two halves
    }
    let graph = grid_to_graph(&[10, 10], Some(mask.view())).unwrap();
    let x = x.select(
        ndarray::Axis(1),
        &(0..100).filter(|f| f % 10 != 4).collect::<Vec<_>>(),
    );
    let fitted = Rena::new()
        .n_clusters(6)
        .n_iter(30)
        .fit(x.view(), &graph)
        .unwrap();
    for c in 0..fitted.n_clusters() {
        let members: Vec<usize> = (0..90).filter(|&f| fitted.labels()[f] == c).collect();
        let mut seen = vec![members[0]];
        let mut stack = vec![members[0]];
        while let Some(node) = stack.pop() {
            for &next in graph.neighbors(node) {
                if fitted.labels()[next] == c && !seen.contains(&next) {
                    seen.push(next);
                    stack.push(next);
                }
            }
        }
        assert_eq!(seen.len(), members.len(), "cluster {c} is in pieces");
    }
}

#[test]
fn the_labels_do_not_depend_on_the_number_of_threads() {
    let x = smooth(8, 90);
    let graph = grid_to_graph(&[90, 90], None).unwrap();
    let fit = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let fitted = Rena::new().n_clusters(300).fit(x.view(), &graph).unwrap();
                let reduced = fitted.transform(x.view()).unwrap();
                (fitted, reduced)
            })
    };
    let one = fit(1);
    assert_eq!(one, fit(3));
}

#[test]
fn saved_labels_transform_and_scale_like_a_fit() {
    let x = smooth(4, 8);
    let graph = grid_to_graph(&[8, 8], None).unwrap();
    let fitted = Rena::new()
        .n_clusters(5)
        .scaling(true)
        .fit(x.view(), &graph)
        .unwrap();
    let saved = FittedRena::from_labels(fitted.labels().to_vec(), true).unwrap();
    let reduced = saved.transform(x.view()).unwrap();
    assert_eq!(reduced, fitted.transform(x.view()).unwrap());
    let restored = saved.inverse_transform(reduced.view()).unwrap();
    // Scaling and unscaling give back each cluster's mean.
    let plain = FittedRena::from_labels(fitted.labels().to_vec(), false).unwrap();
    let means = plain.transform(x.view()).unwrap();
    let expected = plain.inverse_transform(means.view()).unwrap();
    for (a, b) in restored.iter().zip(&expected) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }
    assert!(matches!(
        FittedRena::from_labels(vec![0, 2, 2], false),
        Err(AggloError::InvalidLabels(_))
    ));
    assert!(matches!(
        saved.inverse_transform(means.slice_axis(ndarray::Axis(1), ndarray::Slice::from(..2))),
        Err(AggloError::ClusterMismatch {
            got: 2,
            expected: 5
        })
    ));
    // Into an array of its own: the same values, and its shape checked.
    let mut into = ndarray::Array2::from_elem(restored.dim(), f64::NAN);
    saved
        .inverse_transform_into(means.view(), into.view_mut())
        .unwrap();
    assert_eq!(into, saved.inverse_transform(means.view()).unwrap());
    let mut short = ndarray::Array2::zeros((restored.nrows(), 3));
    assert!(matches!(
        saved.inverse_transform_into(means.view(), short.view_mut()),
        Err(AggloError::OutputShape { .. })
    ));
    // Data with a NaN or an infinity is refused, naming the first one, in
    // either precision.
    let mut bad = x.clone();
    bad[[1, 7]] = f64::NAN;
    bad[[3, 0]] = f64::NEG_INFINITY;
    let named = |e| {
        matches!(
            e,
            Err(AggloError::NonFinite {
                row: 1,
                column: 7,
                ..
            })
        )
    };
    assert!(named(saved.transform(bad.view())));
    assert!(named(saved.transform(bad.mapv(|v| v as f32).view())));
}

#[test]
fn handed_over_data_gives_the_same_model_in_every_layout_and_type() {
    let x = smooth(7, 20);
    let graph = grid_to_graph(&[20, 20], None).unwrap();
    let rena = Rena::new().n_clusters(30);
    let expected = rena.fit(x.view(), &graph).unwrap();
    let columns = crate::column_major(x.view());
    for owned in [x.clone(), columns.clone()] {
        let fitted = rena
            .fit_owned_with(owned, graph.clone(), &MergeProgress::new())
            .unwrap();
        assert_eq!(fitted, expected);
    }
    let single = x.mapv(|v| v as f32);
    let borrowed = rena.fit(single.view(), &graph).unwrap();
    let owned = rena
        .fit_owned_with(single, graph.clone(), &MergeProgress::new())
        .unwrap();
    assert_eq!(owned, borrowed);
    let ints = x.mapv(|v| (v * 10.0).round() as i32);
    let borrowed = rena.fit(ints.view(), &graph).unwrap();
    let owned = rena
        .fit_owned_with(ints, graph, &MergeProgress::new())
        .unwrap();
    assert_eq!(owned, borrowed);
}

#[test]
fn a_cancelled_fit_stops() {
    let x = smooth(3, 10);
    let graph = grid_to_graph(&[10, 10], None).unwrap();
    let progress = MergeProgress::new();
    progress.cancel();
    assert_eq!(
        Rena::new().fit_with(x.view(), &graph, &progress),
        Err(AggloError::Cancelled)
    );
}
