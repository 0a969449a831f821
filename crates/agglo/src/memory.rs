//! What a fit will need in memory, so callers can refuse a problem that
//! does not fit before they start it rather than be killed half-way.

use crate::choices::Linkage;

/// An upper estimate of the bytes a fit allocates (beyond the input array
/// itself), for `n_points` points of dimension `dim`.
///
/// `graph_entries` is the number of stored entries of the connectivity
/// graph ([`crate::Connectivity::n_entries`]), or `None` without
/// connectivity. The model, per algorithm:
///
/// ```text
/// every fit                 the points as f64:                  8·n·d
/// Ward, connectivity        moments and centroids:        16·n·d + 64·n
///                           graph, completion, candidates:      64·E
///                           the two threads' node marks:        16·n
/// complete/average, graph   weighted graph, edge queue:          32·E
///                           neighbour maps (arena, as it grows): 96·E + 192·n
/// single, graph             edge list, sort, spanning tree:    48·E + 64·n
/// no connectivity           condensed distances:       4·n·(n − 1) + 64·n
/// ```
///
/// ```
/// use agglo::{memory::fit_memory_estimate, Linkage};
///
/// // Unstructured clustering needs the condensed distance matrix: 8 bytes
/// // per pair of points.
/// let bytes = fit_memory_estimate(100_000, 10, None, Linkage::Average);
/// assert!(bytes > 100_000 * 99_999 / 2 * 8);
/// ```
pub fn fit_memory_estimate(
    n_points: usize,
    dim: usize,
    graph_entries: Option<usize>,
    linkage: Linkage,
) -> u64 {
    estimate(n_points, dim, graph_entries, linkage, false)
}

/// [`fit_memory_estimate`] for `fit_owned` on `f64` data already laid out
/// as the points (column-major for
/// [`FeatureAgglomeration`](crate::FeatureAgglomeration), row-major for
/// [`AgglomerativeClustering`](crate::AgglomerativeClustering)): the data
/// is the working storage, so neither the copy of the points nor Ward's
/// moments (kept in the rows the merged clusters absorbed) cost anything
/// beyond it.
///
/// ```
/// use agglo::{memory::{fit_memory_estimate, fit_owned_memory_estimate}, Linkage};
///
/// let (n, d, e) = (235_375, 100, Some(1_600_000));
/// let owned = fit_owned_memory_estimate(n, d, e, Linkage::Ward);
/// let copied = fit_memory_estimate(n, d, e, Linkage::Ward);
/// assert_eq!(copied - owned, 24 * (n * d) as u64);
/// ```
pub fn fit_owned_memory_estimate(
    n_points: usize,
    dim: usize,
    graph_entries: Option<usize>,
    linkage: Linkage,
) -> u64 {
    estimate(n_points, dim, graph_entries, linkage, true)
}

fn estimate(
    n_points: usize,
    dim: usize,
    graph_entries: Option<usize>,
    linkage: Linkage,
    in_place: bool,
) -> u64 {
    let n = n_points as u128;
    let d = dim as u128;
    let nd = n.saturating_mul(d);
    let points = if in_place { 0 } else { nd.saturating_mul(8) };
    let moments = if in_place { 0 } else { nd.saturating_mul(16) };
    let per_node = n.saturating_mul(64);
    let algorithm = match (graph_entries.map(|e| e as u128), linkage) {
        (Some(e), Linkage::Ward) => moments
            .saturating_add(e.saturating_mul(64))
            .saturating_add(n.saturating_mul(16)),
        (Some(e), Linkage::Complete | Linkage::Average) => {
            e.saturating_mul(128).saturating_add(n.saturating_mul(192))
        }
        (Some(e), Linkage::Single) => e.saturating_mul(48),
        (None, _) => n.saturating_mul(n.saturating_sub(1)).saturating_mul(4),
    };
    u64::try_from(points.saturating_add(per_node).saturating_add(algorithm)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_the_problem() {
        let small = fit_memory_estimate(1000, 10, Some(7000), Linkage::Ward);
        let large = fit_memory_estimate(100_000, 10, Some(700_000), Linkage::Ward);
        assert!(large > 90 * small);
        // Without connectivity the quadratic matrix dominates.
        assert!(fit_memory_estimate(100_000, 10, None, Linkage::Ward) > 30_000_000_000);
        // Absurd sizes saturate instead of overflowing.
        assert_eq!(
            fit_memory_estimate(usize::MAX, usize::MAX, None, Linkage::Ward),
            u64::MAX
        );
    }
}
