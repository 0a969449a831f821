//! The Ward merge loop on borrowed and owned points.

use ndarray::Array2;

use super::{build, build_owned};

#[test]
fn owned_points_give_the_same_tree() {
    let (side, dim) = (40, 5);
    let points = Array2::from_shape_fn((side * side, dim), |(p, t)| {
        ((p * 7 + t * 13) % 17) as f64 + (p as f64 * 0.37).sin()
    });
    let graph = crate::grid_to_graph(&[side, side], None).unwrap();
    let borrowed = build(points.view(), &graph, side * side - 1, 1, None);
    let owned = build_owned(points, &graph, side * side - 1, 1, None);
    assert_eq!(borrowed, owned);
}
