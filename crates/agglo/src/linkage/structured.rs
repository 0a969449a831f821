//! Complete, average and single linkage under a connectivity constraint,
//! as scikit-learn's `linkage_tree`.

use ndarray::ArrayView2;

use crate::connectivity::Connectivity;
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::params::{Linkage, Metric};
use crate::tree::Tree;

/// The tree of `points` under the connected `graph`, stopping after
/// `n_merges` merges (single linkage always makes all of them).
pub(crate) fn linkage_tree(
    _points: ArrayView2<'_, f64>,
    _graph: &Connectivity,
    linkage: Linkage,
    _metric: Metric,
    _precision: Precision,
    _n_merges: usize,
    _n_connected_components: usize,
) -> Result<Tree> {
    Err(AggloError::NotSupported(format!(
        "linkage '{linkage}' with connectivity"
    )))
}
