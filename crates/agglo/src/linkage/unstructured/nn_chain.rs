//! The nearest-neighbour chain algorithm of scipy's `nn_chain`, for the
//! reducible linkages (complete, average, Ward).
//!
//! A chain of clusters is grown, each the nearest neighbour of the previous,
//! until its last two clusters are each other's nearest neighbours; those two
//! merge and the chain continues from what remains of it. `O(n²)` time over
//! the condensed matrix, which is updated in place (Lance–Williams).
//!
//! Ties follow scipy exactly:
//! - the chain restarts from the live cluster with the smallest slot;
//! - the search for `x`'s nearest neighbour starts from the chain's previous
//!   cluster and scans slots `0..n` in order, replacing the candidate only on
//!   a strictly smaller distance — so the previous cluster wins every tie and
//!   otherwise the smallest slot does;
//! - the merged cluster takes the larger slot `y` of the pair `x < y`.

use super::dendrogram::Merge;
use super::lance_williams::Method;
use super::pdist::Condensed;

/// Why the chain could not go on: every distance from the chain's only
/// cluster `x` is NaN or infinite (scipy would read a stale neighbour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NoNeighbour {
    pub(super) x: usize,
}

/// Runs the chain over `distances` (consumed: it becomes the inter-cluster
/// matrix) and returns the `n − 1` merges in the order they were made, each
/// as `(x, y, d)` with cluster slots `x < y`.
///
/// # Errors
/// [`NoNeighbour`] when distances have become non-finite so that no nearest
/// neighbour exists.
pub(super) fn nn_chain(
    mut distances: Condensed,
    method: Method,
) -> Result<Vec<Merge>, NoNeighbour> {
    let n = distances.n();
    let mut size = vec![1usize; n];
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    // scipy keeps `y` across iterations; it is always assigned before use
    // here because an unassigned neighbour is reported as an error.
    let mut y = 0;

    for _ in 1..n {
        if chain.is_empty() {
            let first = size.iter().position(|&s| s > 0).unwrap_or(0);
            chain.push(first);
        }
        let (x, current_min) = loop {
            let x = chain[chain.len() - 1];
            let previous = if chain.len() > 1 {
                Some(chain[chain.len() - 2])
            } else {
                None
            };
            let mut current_min = match previous {
                Some(p) => {
                    y = p;
                    distances.get(x, p)
                }
                None => f64::INFINITY,
            };
            let mut found = previous.is_some();
            if let Some((i, d)) = nearest(&distances, &size, x, current_min) {
                y = i;
                current_min = d;
                found = true;
            }
            if !found {
                return Err(NoNeighbour { x });
            }
            if previous == Some(y) {
                break (x, current_min);
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);

        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let (nx, ny) = (size[x], size[y]);
        merges.push(Merge {
            a: x,
            b: y,
            distance: current_min,
        });
        size[x] = 0;
        size[y] = nx + ny;
        for (i, &ni) in size.iter().enumerate() {
            if ni == 0 || i == y {
                continue;
            }
            let d_xi = distances.get(i, x);
            let d_yi = distances.get(i, y);
            distances.set(i, y, method.update(d_xi, d_yi, current_min, nx, ny, ni));
        }
    }
    Ok(merges)
}

/// The first live slot `i ≠ x`, in slot order, whose distance to `x` is
/// strictly below `bound` and below every earlier one: scipy's scan.
/// Returns `None` when no distance beats `bound`.
#[inline]
fn nearest(distances: &Condensed, size: &[usize], x: usize, bound: f64) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let mut current = bound;
    // Slots before x: the column above the diagonal, one pair per row.
    for (i, &s) in size.iter().enumerate().take(x) {
        if s == 0 {
            continue;
        }
        let d = distances.get(i, x);
        if d < current {
            current = d;
            best = Some((i, d));
        }
    }
    // Slots after x: x's own row, contiguous.
    let after = distances.row_after(x);
    for ((i, &s), &d) in size.iter().enumerate().skip(x + 1).zip(after) {
        if s != 0 && d < current {
            current = d;
            best = Some((i, d));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::pdist::{euclidean_rows, Rows};
    use super::*;
    use ndarray::array;

    fn merges(points: ndarray::Array2<f64>, method: Method) -> Vec<(usize, usize, f64)> {
        let d = euclidean_rows(&Rows::new(points.view())).unwrap();
        nn_chain(d, method)
            .unwrap()
            .into_iter()
            .map(|m| (m.a, m.b, m.distance))
            .collect()
    }

    #[test]
    fn line_of_points() {
        let got = merges(array![[0.0], [1.0], [5.0], [7.0]], Method::Complete);
        assert_eq!(got, vec![(0, 1, 1.0), (2, 3, 2.0), (1, 3, 7.0)]);
    }

    #[test]
    fn equidistant_points_merge_in_scipy_order() {
        // 1 is at distance 1 from both 0 and 2: its predecessor 0 wins the
        // tie, so {0, 1} merges first, into slot 1.
        let got = merges(array![[0.0], [1.0], [2.0]], Method::Average);
        assert_eq!(got[0], (0, 1, 1.0));
        assert_eq!(got[1], (1, 2, 1.5));
    }

    #[test]
    fn nan_distances_are_reported() {
        let mut d = euclidean_rows(&Rows::new(array![[0.0], [1.0], [3.0]].view())).unwrap();
        d.set(0, 1, f64::NAN);
        d.set(0, 2, f64::NAN);
        assert_eq!(nn_chain(d, Method::Ward), Err(NoNeighbour { x: 0 }));
    }
}
