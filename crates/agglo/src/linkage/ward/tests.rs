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
