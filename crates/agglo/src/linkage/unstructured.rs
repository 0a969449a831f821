//! Every linkage without connectivity, as scipy's `linkage` that
//! scikit-learn calls.

use ndarray::ArrayView2;

use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::params::{Linkage, Metric};
use crate::tree::Tree;

/// The full tree of `points` (or of the square distance matrix when
/// `metric` is precomputed).
pub(crate) fn linkage(
    _points: ArrayView2<'_, f64>,
    linkage: Linkage,
    _metric: Metric,
    _precision: Precision,
) -> Result<Tree> {
    Err(AggloError::NotSupported(format!(
        "linkage '{linkage}' without connectivity"
    )))
}
