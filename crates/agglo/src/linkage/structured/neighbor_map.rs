//! The per-cluster neighbour maps of complete and average linkage, and how
//! two of them combine when their clusters merge (scikit-learn's
//! `IntFloatDict`, `max_merge` and `average_merge`).

use std::cmp::Ordering;

/// The live neighbours of one cluster with the linkage distance to each,
/// sorted by neighbour id — the iteration order of the C++ `std::map`
/// inside scikit-learn's `IntFloatDict`.
pub(crate) type NeighborMap = Vec<(usize, f64)>;

/// How the distance to a neighbour shared by both merging clusters is
/// combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MergeRule {
    /// `fmax(a, b)` (complete linkage, `max_merge`).
    Max,
    /// `(n_a·a + n_b·b) / (n_a + n_b)` (average linkage, `average_merge`).
    Average,
}

/// `fmax(a, b)`.
#[inline]
fn max_rule(a: f64, b: f64) -> f64 {
    a.max(b)
}

/// The size-weighted mean, in `average_merge`'s order of operations:
/// `(n_a·a + n_b·b) / (n_a + n_b)`, sizes converted to `f64` exactly.
#[inline]
fn average_rule(a: f64, b: f64, n_a: usize, n_b: usize) -> f64 {
    (n_a as f64 * a + n_b as f64 * b) / (n_a + n_b) as f64
}

/// The neighbour map of the union of clusters `a` (size `n_a`) and `b`
/// (size `n_b`): every neighbour id for which `alive` holds, from either
/// map; a neighbour of only one keeps its distance, a neighbour of both
/// gets `rule` applied to (distance from `a`, distance from `b`).
/// Cost: `O(len(a) + len(b))` (a merge of two sorted lists).
pub(crate) fn merge_maps(
    a: &[(usize, f64)],
    b: &[(usize, f64)],
    alive: impl Fn(usize) -> bool,
    rule: MergeRule,
    n_a: usize,
    n_b: usize,
) -> NeighborMap {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.iter().copied().filter(|&(key, _)| alive(key)).peekable();
    let mut b = b.iter().copied().filter(|&(key, _)| alive(key)).peekable();
    loop {
        let entry = match (a.peek().copied(), b.peek().copied()) {
            (None, None) => break,
            (Some(x), None) => {
                a.next();
                x
            }
            (None, Some(y)) => {
                b.next();
                y
            }
            (Some((ka, va)), Some((kb, vb))) => match ka.cmp(&kb) {
                Ordering::Less => {
                    a.next();
                    (ka, va)
                }
                Ordering::Greater => {
                    b.next();
                    (kb, vb)
                }
                Ordering::Equal => {
                    a.next();
                    b.next();
                    let v = match rule {
                        MergeRule::Max => max_rule(va, vb),
                        MergeRule::Average => average_rule(va, vb, n_a, n_b),
                    };
                    (ka, v)
                }
            },
        };
        out.push(entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_neighbours_combine_and_dead_ones_vanish() {
        let a = vec![(0, 1.0), (2, 4.0), (5, 2.0)];
        let b = vec![(1, 3.0), (2, 1.0), (6, 7.0)];
        let alive = |k: usize| k != 6;
        assert_eq!(
            merge_maps(&a, &b, alive, MergeRule::Max, 1, 3),
            vec![(0, 1.0), (1, 3.0), (2, 4.0), (5, 2.0)]
        );
        assert_eq!(
            merge_maps(&a, &b, alive, MergeRule::Average, 1, 3),
            vec![(0, 1.0), (1, 3.0), (2, (4.0 + 3.0) / 4.0), (5, 2.0)]
        );
        assert!(merge_maps(&[], &b, |_| false, MergeRule::Max, 1, 1).is_empty());
    }
}
