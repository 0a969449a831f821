//! The Ward merge loop on borrowed, owned and lent points.

use ndarray::Array2;

use super::merge_all;
use super::rows::Rows;

#[test]
fn owned_and_lent_points_give_the_same_tree() {
    let (side, dim) = (40, 5);
    let points = Array2::from_shape_fn((side * side, dim), |(p, t)| {
        ((p * 7 + t * 13) % 17) as f64 + (p as f64 * 0.37).sin()
    });
    let graph = crate::grid_to_graph(&[side, side], None).unwrap();
    let n_merges = side * side - 1;
    let borrowed = merge_all(Rows::of_view(points.view()), &graph, n_merges, 1, None);
    let mut lent = points.clone();
    let in_place = merge_all(Rows::of_lent(lent.view_mut()), &graph, n_merges, 1, None);
    assert_eq!(borrowed, in_place);
    assert_ne!(lent, points, "the lent rows hold the merged sums");
    let owned = merge_all(Rows::of_owned(points), &graph, n_merges, 1, None);
    assert_eq!(borrowed, owned);
}

/// Points of `n` rows: smooth values, or small integers (many equal costs,
/// so ties decide most merges).
fn test_points(n: usize, dim: usize, ties: bool) -> Array2<f64> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    Array2::from_shape_fn((n, dim), |(p, t)| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if ties {
            (state >> 61) as f64
        } else {
            (p as f64 * 0.01 + t as f64).sin() + (state >> 11) as f64 / (1u64 << 53) as f64
        }
    })
}

/// Both loops' merges, children and distances bit for bit.
fn both_loops<I: super::node_id::NodeId>(
    rows: impl Fn() -> Rows<'static>,
    graph: &crate::Connectivity,
    n_merges: usize,
) {
    use super::merger::Merger;
    let (children, distances) = Merger::<I>::new(rows(), graph, n_merges).run(None);
    let (spec_children, spec_distances) =
        Merger::<I>::new(rows(), graph, n_merges).run_speculative(None);
    assert_eq!(children.len(), n_merges);
    assert_eq!(spec_children, children);
    let bits = |d: &[f64]| d.iter().map(|d| d.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&spec_distances), bits(&distances));
}

#[test]
fn the_speculative_loop_makes_the_sequential_merges() {
    for (shape, dim, ties) in [
        (vec![64, 64], 7, false),
        (vec![64, 64], 3, true),
        (vec![16, 15, 14], 11, false),
        (vec![16, 15, 14], 2, true),
    ] {
        let n: usize = shape.iter().product();
        let points: &'static Array2<f64> = Box::leak(Box::new(test_points(n, dim, ties)));
        let graph = crate::grid_to_graph(&shape, None).unwrap();
        for n_merges in [n - 1, n - n / 10] {
            both_loops::<u32>(|| Rows::of_view(points.view()), &graph, n_merges);
            both_loops::<u32>(|| Rows::of_owned(points.clone()), &graph, n_merges);
            both_loops::<usize>(|| Rows::of_view(points.view()), &graph, n_merges);
        }
    }
}

#[test]
fn the_speculative_loop_stops_when_cancelled() {
    use super::merger::Merger;
    let points = test_points(32 * 32, 4, false);
    let graph = crate::grid_to_graph(&[32, 32], None).unwrap();
    let progress = crate::MergeProgress::new();
    progress.cancel();
    let rows = || Rows::of_view(points.view());
    let (children, _) = Merger::<u32>::new(rows(), &graph, 1023).run_speculative(Some(&progress));
    assert!(children.is_empty());
    let (children, _) = Merger::<u32>::new(rows(), &graph, 1023).run(Some(&progress));
    assert!(children.is_empty());
}

#[test]
fn the_speculative_loop_makes_the_sequential_merges_on_a_busy_machine() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // Threads that keep both cores busy, so that the helper is often off
    // the processor when its round is given and the first thread cancels
    // it: both ways of finishing a round are taken, with the same tree.
    let points: &'static Array2<f64> = Box::leak(Box::new(test_points(48 * 48, 5, false)));
    let graph = crate::grid_to_graph(&[48, 48], None).unwrap();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            });
        }
        for _ in 0..4 {
            both_loops::<u32>(|| Rows::of_view(points.view()), &graph, 48 * 48 - 1);
        }
        stop.store(true, Ordering::Relaxed);
    });
}
