//! Pooling the features of each cluster: the computation behind
//! `FeatureAgglomeration::transform`, with NumPy's results.

use ndarray::{Array2, ArrayView2};

use crate::element::{Element, Precision};
use crate::params::Pooling;

/// Pools every row of `x` onto `n_clusters` clusters given by `labels`
/// (one per column of `x`, each in `0..n_clusters`).
///
/// - mean: `np.bincount(labels, row) / size`: a float64 sum in ascending
///   feature order, divided by the cluster size;
/// - median: `np.median` of the cluster's values (the two middle values
///   averaged in the input's precision, float32 for float32 input);
/// - max: `np.max`.
pub(crate) fn pool<A: Element>(
    x: ArrayView2<'_, A>,
    labels: &[usize],
    n_clusters: usize,
    pooling: Pooling,
) -> Array2<f64> {
    let mut out = Array2::zeros((x.nrows(), n_clusters));
    match pooling {
        Pooling::Mean => {
            let mut size = vec![0usize; n_clusters];
            for &l in labels {
                size[l] += 1;
            }
            for (row, mut pooled) in x.rows().into_iter().zip(out.rows_mut()) {
                for (&value, &l) in row.iter().zip(labels) {
                    pooled[l] += value.to_f64();
                }
                for (p, &s) in pooled.iter_mut().zip(&size) {
                    *p /= s as f64;
                }
            }
        }
        Pooling::Median | Pooling::Max => {
            let mut members = vec![Vec::new(); n_clusters];
            for (feature, &l) in labels.iter().enumerate() {
                members[l].push(feature);
            }
            let mut values = Vec::new();
            for (row, mut pooled) in x.rows().into_iter().zip(out.rows_mut()) {
                for (p, features) in pooled.iter_mut().zip(&members) {
                    values.clear();
                    values.extend(features.iter().map(|&f| row[f].to_f64()));
                    *p = match pooling {
                        Pooling::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        _ => median(&mut values, A::PRECISION),
                    };
                }
            }
        }
    }
    out
}

/// `np.median`: the middle value, or the mean of the two middle values
/// computed as `(a + b) / 2` in the input's precision.
fn median(values: &mut [f64], precision: Precision) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        return values[n / 2];
    }
    let (a, b) = (values[n / 2 - 1], values[n / 2]);
    match precision {
        Precision::F64 => (a + b) / 2.0,
        Precision::F32 => f64::from((a as f32 + b as f32) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn mean_median_max() {
        let x = array![[1.0, 2.0, 4.0, 10.0], [0.0, 3.0, 3.0, -1.0]];
        let labels = [1, 0, 1, 1];
        let mean = pool(x.view(), &labels, 2, Pooling::Mean);
        assert_eq!(mean, array![[2.0, 5.0], [3.0, 2.0 / 3.0]]);
        let median = pool(x.view(), &labels, 2, Pooling::Median);
        assert_eq!(median, array![[2.0, 4.0], [3.0, 0.0]]);
        let max = pool(x.view(), &labels, 2, Pooling::Max);
        assert_eq!(max, array![[2.0, 10.0], [3.0, 3.0]]);
    }

    #[test]
    fn float32_median_averages_in_f32() {
        let (a, b) = (16_777_216.0f32, 16_777_217.0f64 as f32 + 2.0);
        let x = array![[a, b]];
        let got = pool(x.view(), &[0, 0], 1, Pooling::Median);
        assert_eq!(got[[0, 0]], f64::from((a + b) / 2.0));
    }
}
