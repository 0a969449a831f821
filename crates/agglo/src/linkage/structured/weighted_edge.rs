//! The candidate merges of complete and average linkage, compared by
//! weight only, like scikit-learn's Cython `WeightedEdge`.

use std::cmp::Ordering;

/// A candidate merge of nodes `a` and `b` at linkage distance `weight`.
///
/// Comparisons look at `weight` alone: two edges of equal weight are
/// "equal" whatever their ends, so which one a heap yields first is decided
/// by the heap's array layout. Together with [`crate::exact::heapq`], which sifts
/// exactly as CPython's `heapq` does, this reproduces scikit-learn's choice
/// among tied merges.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WeightedEdge {
    /// The linkage distance.
    pub(crate) weight: f64,
    /// The node with the larger id (the row the edge was found in, or the
    /// newly merged node); ids are 32-bit so that an edge takes 16 bytes.
    pub(crate) a: u32,
    /// The other node.
    pub(crate) b: u32,
}

impl PartialEq for WeightedEdge {
    fn eq(&self, other: &Self) -> bool {
        self.weight == other.weight
    }
}

impl PartialOrd for WeightedEdge {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.weight.partial_cmp(&other.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_weight_counts() {
        let e = |weight, a, b| WeightedEdge { weight, a, b };
        assert!(e(1.0, 5, 2) == e(1.0, 9, 0));
        assert_eq!(
            e(1.0, 5, 2).partial_cmp(&e(1.0, 9, 0)),
            Some(Ordering::Equal)
        );
        assert!(e(0.5, 9, 0) < e(1.0, 1, 0));
    }
}
