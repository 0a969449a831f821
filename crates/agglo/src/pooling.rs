//! Pooling the features of each cluster: the computation behind
//! `FeatureAgglomeration::transform` and `inverse_transform`, with NumPy's
//! results.
//!
//! Samples are independent, so rows are pooled in parallel (rayon); within a
//! row every sum runs in ascending feature order, as NumPy's, so the result
//! does not depend on the number of threads.

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use crate::choices::Pooling;
use crate::element::{Element, Precision};

/// Rows handed to one parallel task at a time: enough work to amortise the
/// task (a row is `n_features` values) without starving the other threads.
fn rows_per_task(n_features: usize) -> usize {
    (1 << 16) / n_features.max(1) + 1
}

/// Pools every row of `x` onto `n_clusters` clusters given by `labels`
/// (one per column of `x`, each in `0..n_clusters`).
///
/// - mean: `np.bincount(labels, row) / size`: a float64 sum in ascending
///   feature order, divided by the cluster size;
/// - median: `np.median` of the cluster's values (the two middle values
///   averaged in the input's precision, float32 for float32 input);
/// - max, min: `np.max`, `np.min`.
///
/// Cost: one pass over `x` (`O(n_samples · n_features)`), plus a sort of
/// each cluster's values for the median.
pub(crate) fn pool<A: Element>(
    x: ArrayView2<'_, A>,
    labels: &[usize],
    n_clusters: usize,
    pooling: Pooling,
) -> Array2<f64> {
    let (n_samples, n_features) = x.dim();
    let mut out = vec![0.0; n_samples * n_clusters];
    if n_clusters == 0 {
        return Array2::from_shape_vec((n_samples, 0), out).unwrap_or_default();
    }
    let chunk = rows_per_task(n_features);
    match pooling {
        Pooling::Mean if x.t().is_standard_layout() && n_samples > 1 => {
            let columns = x.t().to_slice().unwrap_or_default();
            pool_mean_columns(columns, n_samples, labels, n_clusters, &mut out);
        }
        Pooling::Mean => {
            // u32 labels halve the memory read per value when they fit.
            let small: Option<Vec<u32>> = u32::try_from(n_clusters)
                .is_ok()
                .then(|| labels.iter().map(|&l| l as u32).collect());
            let mut size = vec![0usize; n_clusters];
            for &l in labels {
                size[l] += 1;
            }
            let size: Vec<f64> = size.into_iter().map(|s| s as f64).collect();
            out.par_chunks_mut(n_clusters * chunk)
                .enumerate()
                .for_each(|(task, block)| {
                    for (r, pooled) in block.chunks_mut(n_clusters).enumerate() {
                        let row = x.row(task * chunk + r);
                        match &small {
                            Some(labels) => sum_row(row, labels, pooled),
                            None => sum_row(row, labels, pooled),
                        }
                        for (p, &s) in pooled.iter_mut().zip(&size) {
                            *p /= s;
                        }
                    }
                });
        }
        Pooling::Median | Pooling::Max | Pooling::Min => {
            let mut members = vec![Vec::new(); n_clusters];
            for (feature, &l) in labels.iter().enumerate() {
                members[l].push(feature);
            }
            out.par_chunks_mut(n_clusters * chunk)
                .enumerate()
                .for_each(|(task, block)| {
                    let mut values = Vec::new();
                    for (r, pooled) in block.chunks_mut(n_clusters).enumerate() {
                        let row = x.row(task * chunk + r);
                        for (p, features) in pooled.iter_mut().zip(&members) {
                            values.clear();
                            values.extend(features.iter().map(|&f| row[f].to_f64()));
                            *p = match pooling {
                                Pooling::Max => {
                                    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                                }
                                Pooling::Min => {
                                    values.iter().copied().fold(f64::INFINITY, f64::min)
                                }
                                _ => median(&mut values, A::PRECISION),
                            };
                        }
                    }
                });
        }
    }
    Array2::from_shape_vec((n_samples, n_clusters), out).unwrap_or_default()
}

/// The mean pooling of a column-major `x`, given as `columns`: feature
/// `f`'s values of every sample at `columns[f·n_samples..]`.
///
/// Each task takes a block of samples and walks the features in ascending
/// order, adding each feature's values for those samples to its cluster's
/// sums: every sum runs in the order of [`sum_row`], so the result is the
/// same bit for bit, read along the memory instead of across it.
fn pool_mean_columns<A: Element>(
    columns: &[A],
    n_samples: usize,
    labels: &[usize],
    n_clusters: usize,
    out: &mut [f64],
) {
    let mut size = vec![0.0f64; n_clusters];
    for &l in labels {
        size[l] += 1.0;
    }
    // Enough blocks to share among the threads, each at least a cache line
    // of every feature.
    let tasks = rayon::current_num_threads().max(1);
    let width = n_samples.div_ceil(tasks).max(8);
    out.par_chunks_mut(width * n_clusters)
        .enumerate()
        .for_each(|(task, block)| {
            let first = task * width;
            let w = block.len() / n_clusters;
            // sums[c·w + s]: cluster c, sample first + s.
            let mut sums = vec![0.0f64; n_clusters * w];
            for (f, &l) in labels.iter().enumerate() {
                let values = &columns[f * n_samples + first..f * n_samples + first + w];
                for (acc, &v) in sums[l * w..(l + 1) * w].iter_mut().zip(values) {
                    *acc += v.to_f64();
                }
            }
            for (s, pooled) in block.chunks_mut(n_clusters).enumerate() {
                for (c, p) in pooled.iter_mut().enumerate() {
                    *p = sums[c * w + s] / size[c];
                }
            }
        });
}

/// Adds each value of `row` to its cluster's sum, in ascending feature
/// order.
#[inline]
fn sum_row<A: Element, L: Label>(row: ArrayView1<'_, A>, labels: &[L], pooled: &mut [f64]) {
    match row.as_slice() {
        Some(values) => {
            for (&value, &l) in values.iter().zip(labels) {
                pooled[l.index()] += value.to_f64();
            }
        }
        None => {
            for (&value, &l) in row.iter().zip(labels) {
                pooled[l.index()] += value.to_f64();
            }
        }
    }
}

/// A cluster label, stored narrow or wide.
trait Label: Copy {
    fn index(self) -> usize;
}

impl Label for u32 {
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

impl Label for usize {
    #[inline(always)]
    fn index(self) -> usize {
        self
    }
}

/// [`restore_into`] a new array (the tests' shorthand).
#[cfg(test)]
pub(crate) fn restore(reduced: ArrayView2<'_, f64>, labels: &[usize]) -> Array2<f64> {
    let mut out = Array2::zeros((reduced.nrows(), labels.len()));
    restore_into(reduced, labels, out.view_mut());
    out
}

/// Maps reduced data back to the features, `reduced[:, labels]`, into
/// `out` (`reduced`'s rows, one column per label): feature `f` of each row
/// takes the value of cluster `labels[f]`. Rows in parallel when `out` is
/// in standard layout; each a gather from a row small enough to stay in
/// cache.
///
/// # Panics
/// When a label is not a column of `reduced`, or `out` has another number
/// of rows than `reduced`.
pub(crate) fn restore_into(
    reduced: ArrayView2<'_, f64>,
    labels: &[usize],
    mut out: ArrayViewMut2<'_, f64>,
) {
    let n_features = labels.len();
    assert_eq!(
        out.dim(),
        (reduced.nrows(), n_features),
        "restore_into's shape"
    );
    if n_features == 0 {
        return;
    }
    let gather = |values: ArrayView1<'_, f64>, row_copy: &mut Vec<f64>, restored: &mut [f64]| {
        let values: &[f64] = if let Some(values) = values.to_slice() {
            values
        } else {
            row_copy.clear();
            row_copy.extend(values.iter().copied());
            row_copy
        };
        for (v, &l) in restored.iter_mut().zip(labels) {
            *v = values[l];
        }
    };
    if let Some(out) = out.as_slice_mut() {
        let chunk = rows_per_task(n_features);
        out.par_chunks_mut(n_features * chunk)
            .enumerate()
            .for_each(|(task, block)| {
                let mut row_copy = Vec::new();
                for (r, restored) in block.chunks_mut(n_features).enumerate() {
                    gather(reduced.row(task * chunk + r), &mut row_copy, restored);
                }
            });
    } else {
        let (mut row_copy, mut restored) = (Vec::new(), vec![0.0; n_features]);
        for (values, mut row) in reduced.rows().into_iter().zip(out.rows_mut()) {
            gather(values, &mut row_copy, &mut restored);
            row.assign(&ArrayView1::from(&restored));
        }
    }
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
        Precision::F64 => f64::midpoint(a, b),
        Precision::F32 => f64::from(f32::midpoint(a as f32, b as f32)),
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
        // A Fortran-ordered input pools the same.
        let fortran = x.t().as_standard_layout().into_owned().reversed_axes();
        assert_eq!(pool(fortran.view(), &labels, 2, Pooling::Mean), mean);
    }

    #[test]
    fn many_rows_in_many_tasks() {
        let (n_samples, n_features) = (3000, 40);
        let x = Array2::from_shape_fn((n_samples, n_features), |(s, f)| {
            ((s * 31 + f * 7) % 23) as f64 * 0.1
        });
        let labels: Vec<usize> = (0..n_features).map(|f| (f * 5) % 9).collect();
        let mean = pool(x.view(), &labels, 9, Pooling::Mean);
        for s in [0, 1, 1234, n_samples - 1] {
            for c in 0..9 {
                let mut sum = 0.0;
                let mut count = 0.0;
                for f in (0..n_features).filter(|&f| labels[f] == c) {
                    sum += x[[s, f]];
                    count += 1.0;
                }
                assert_eq!(mean[[s, c]].to_bits(), (sum / count).to_bits());
            }
        }
        let restored = restore(mean.view(), &labels);
        assert_eq!(restored.dim(), (n_samples, n_features));
        for s in [0, 999, n_samples - 1] {
            for f in 0..n_features {
                assert_eq!(restored[[s, f]], mean[[s, labels[f]]]);
            }
        }
        let transposed = mean.t().as_standard_layout().into_owned();
        let restored_t = restore(transposed.t(), &labels);
        assert_eq!(restored_t, restored);
        // Into memory that held other values, in either layout.
        let mut into = Array2::from_elem((n_samples, n_features), f64::NAN);
        restore_into(mean.view(), &labels, into.view_mut());
        assert_eq!(into, restored);
        let mut into_f = Array2::from_elem((n_features, n_samples), -1.0);
        restore_into(mean.view(), &labels, into_f.view_mut().reversed_axes());
        assert_eq!(into_f.t(), restored);
    }

    #[test]
    fn column_major_input_pools_bit_for_bit_as_row_major() {
        // Values with long mantissas, so that another summation order
        // would round differently; sample counts around the block widths.
        for (n_samples, n_features, n_clusters) in [(2, 9, 3), (17, 50, 7), (301, 257, 40)] {
            let x = Array2::from_shape_fn((n_samples, n_features), |(s, f)| {
                ((s * 7919 + f * 104_729) % 1013) as f64 / 7.0 - 50.3
            });
            let labels: Vec<usize> = (0..n_features).map(|f| (f * 13) % n_clusters).collect();
            let by_rows = pool(x.view(), &labels, n_clusters, Pooling::Mean);
            let fortran = x.t().as_standard_layout().into_owned().reversed_axes();
            let by_columns = pool(fortran.view(), &labels, n_clusters, Pooling::Mean);
            let bits = |a: &Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&by_columns),
                bits(&by_rows),
                "{n_samples}×{n_features}"
            );
            let single = x.mapv(|v| v as f32);
            let single_f = single.t().as_standard_layout().into_owned().reversed_axes();
            assert_eq!(
                bits(&pool(single_f.view(), &labels, n_clusters, Pooling::Mean)),
                bits(&pool(single.view(), &labels, n_clusters, Pooling::Mean))
            );
        }
    }

    #[test]
    fn float32_median_averages_in_f32() {
        let (a, b) = (16_777_216.0f32, 16_777_217.0f64 as f32 + 2.0);
        let x = array![[a, b]];
        let got = pool(x.view(), &[0, 0], 1, Pooling::Median);
        assert_eq!(got[[0, 0]], f64::from(f32::midpoint(a, b)));
    }
}
