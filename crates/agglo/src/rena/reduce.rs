//! Averaging data onto clusters, in the orders nilearn's ReNA sums in.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::graph::Rows;
use crate::element::Element;
use crate::exact::summation::{numpy_sum, Real};

/// The members of each of `n_clusters` clusters, ascending: a counting sort
/// of `labels` as compressed rows (`offsets`, `members`).
pub(super) struct Members {
    pub offsets: Vec<usize>,
    pub members: Vec<u32>,
}

impl Members {
    pub fn of(labels: &[u32], n_clusters: usize) -> Self {
        let mut offsets = vec![0usize; n_clusters + 1];
        for &l in labels {
            offsets[l as usize + 1] += 1;
        }
        for c in 0..n_clusters {
            offsets[c + 1] += offsets[c];
        }
        let mut cursor = offsets[..n_clusters].to_vec();
        let mut members = vec![0u32; labels.len()];
        for (node, &l) in labels.iter().enumerate() {
            members[cursor[l as usize]] = node as u32;
            cursor[l as usize] += 1;
        }
        Members { offsets, members }
    }

    #[inline]
    pub fn of_cluster(&self, c: usize) -> &[u32] {
        &self.members[self.offsets[c]..self.offsets[c + 1]]
    }

    pub fn size(&self, c: usize) -> usize {
        self.offsets[c + 1] - self.offsets[c]
    }
}

/// The next level's data (nilearn's `_reduce_data_and_connectivity`): row
/// `c` is `Σₖ (1/|c|) · xₖ` over the members `k` of cluster `c`, with
/// `1/|c|` rounded to `f32` (SciPy's incidence matrix is `float32`) and the
/// sum taken member by member from the last one down (the order of SciPy's
/// sparse product, whose rows come out of `csr_matmat` reversed).
pub(super) fn reduce<T: Real>(rows: &Rows<'_, T>, members: &Members) -> Vec<T> {
    let width = rows.width;
    let n_clusters = members.offsets.len() - 1;
    let mut out = vec![T::ZERO; n_clusters * width];
    out.par_chunks_mut(width.max(1))
        .with_min_len(64)
        .enumerate()
        .for_each(|(c, sum)| {
            let weight = inverse_size::<T>(members.size(c));
            for &k in members.of_cluster(c).iter().rev() {
                for (s, &v) in sum.iter_mut().zip(rows.row(k as usize)) {
                    *s = *s + weight * v;
                }
            }
        });
    out
}

/// `1 / size` as SciPy's `float32` incidence weights hold it.
fn inverse_size<T: Real>(size: usize) -> T {
    #[allow(clippy::cast_precision_loss)] // sizes are below 2²⁴ where f32 is exact
    let size = size as f32;
    T::from_f64(f64::from(1.0f32 / size))
}

/// nilearn's `ReNA.transform` before scaling: for every sample and cluster,
/// `np.mean(x[:, labels == c], axis=1)`, the members' values summed in
/// ascending feature order, then divided by the size. NumPy's fancy index
/// lays `x[:, labels == c]` out column-major, so the sum runs one member
/// after the other, except for a single sample, whose row is contiguous
/// and summed in NumPy's pairwise order. In `f32` for `f32` data (as NumPy's mean of `float32`), `f64`
/// otherwise; returned as `f64` (exact).
pub(super) fn cluster_means<A: Element>(
    x: ArrayView2<'_, A>,
    members: &Members,
    single: bool,
) -> Array2<f64> {
    if single {
        means::<f32, A>(x, members)
    } else {
        means::<f64, A>(x, members)
    }
}

fn means<T: Real, A: Element>(x: ArrayView2<'_, A>, members: &Members) -> Array2<f64> {
    let n_clusters = members.offsets.len() - 1;
    let pairwise = x.nrows() == 1;
    let mut out = vec![0.0f64; x.nrows() * n_clusters];
    out.par_chunks_mut(n_clusters.max(1))
        .enumerate()
        .for_each_init(Vec::<T>::new, |buffer, (s, means)| {
            let sample = x.row(s);
            for (c, mean) in means.iter_mut().enumerate() {
                let ids = members.of_cluster(c);
                let value = |k: &u32| T::from_f64(sample[*k as usize].to_f64());
                let sum = if pairwise {
                    buffer.clear();
                    buffer.extend(ids.iter().map(value));
                    numpy_sum(buffer)
                } else {
                    ids.iter().map(value).fold(T::ZERO, |sum, v| sum + v)
                };
                #[allow(clippy::cast_precision_loss)] // exact below 2^24 members
                let size = T::from_f64(ids.len() as f64);
                *mean = (sum / size).to_f64();
            }
        });
    Array2::from_shape_vec((x.nrows(), n_clusters), out).expect("one mean a cluster")
}
