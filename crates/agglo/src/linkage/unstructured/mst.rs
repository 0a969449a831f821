//! Single linkage through a minimum spanning tree: Prim's algorithm from
//! point 0 in the form of Müllner's MST-LINKAGE-CORE, as both scipy's
//! `mst_single_linkage` and scikit-learn's `mst_linkage_core` run it.
//!
//! `O(n²)` distance evaluations and `O(n)` memory besides the distances
//! themselves, which come from a closure: scipy reads its condensed matrix,
//! scikit-learn computes each distance when needed.

use super::dendrogram::Merge;

/// A distance that is NaN or infinite, between points `i` and `j`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct NonFiniteDistance {
    pub(super) i: usize,
    pub(super) j: usize,
    pub(super) value: f64,
}

/// Grows the tree from point 0. Each step evaluates the distance from the
/// point added last (`current`) to every point outside the tree, lowers that
/// point's distance to the tree when the new one is strictly smaller, and
/// adds the first point (in index order) with the strictly smallest
/// distance. The merge recorded is `(current, new point, distance)`: not
/// necessarily an edge of the tree, but the right pair of clusters for the
/// single-linkage dendrogram once sorted.
///
/// Every pair's distance is evaluated exactly once.
///
/// # Errors
/// The first distance that is NaN or infinite (scipy refuses them; with
/// them scikit-learn would build a malformed tree).
pub(super) fn prim(
    n: usize,
    mut distance: impl FnMut(usize, usize) -> f64,
) -> Result<Vec<Merge>, NonFiniteDistance> {
    let mut in_tree = vec![false; n];
    let mut to_tree = vec![f64::INFINITY; n];
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0;
    for _ in 1..n {
        in_tree[current] = true;
        let mut nearest = 0;
        let mut nearest_distance = f64::INFINITY;
        for j in 0..n {
            if in_tree[j] {
                continue;
            }
            let d = distance(current, j);
            if !d.is_finite() {
                return Err(NonFiniteDistance {
                    i: current.min(j),
                    j: current.max(j),
                    value: d,
                });
            }
            if d < to_tree[j] {
                to_tree[j] = d;
            }
            if to_tree[j] < nearest_distance {
                nearest_distance = to_tree[j];
                nearest = j;
            }
        }
        merges.push(Merge {
            a: current,
            b: nearest,
            distance: nearest_distance,
        });
        current = nearest;
    }
    Ok(merges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[f64]) -> impl Fn(usize, usize) -> f64 + '_ {
        move |i, j| (points[i] - points[j]).abs()
    }

    #[test]
    fn records_current_point_and_new_point() {
        let points = [0.0, 10.0, 1.0, 12.0];
        let got = prim(4, line(&points)).unwrap();
        let pairs: Vec<_> = got.iter().map(|m| (m.a, m.b, m.distance)).collect();
        // From 0: 2 is nearest (1). From 2: 1 is at 9. From 1: 3 at 2.
        assert_eq!(pairs, vec![(0, 2, 1.0), (2, 1, 9.0), (1, 3, 2.0)]);
    }

    #[test]
    fn ties_pick_the_first_index() {
        let points = [0.0, 1.0, -1.0];
        let got = prim(3, line(&points)).unwrap();
        assert_eq!((got[0].a, got[0].b), (0, 1));
        // 2 is at 1 from 0 (kept) and at 2 from 1: the recorded pair is
        // (1, 2) at distance 1.
        assert_eq!((got[1].a, got[1].b, got[1].distance), (1, 2, 1.0));
    }

    #[test]
    fn non_finite_distances_are_refused() {
        let points = [0.0, f64::INFINITY];
        assert_eq!(
            prim(2, line(&points)),
            Err(NonFiniteDistance {
                i: 0,
                j: 1,
                value: f64::INFINITY
            })
        );
    }

    #[test]
    fn tiny_inputs() {
        assert!(prim(0, |_, _| 0.0).unwrap().is_empty());
        assert!(prim(1, |_, _| 0.0).unwrap().is_empty());
    }
}
