//! The metrics beyond euclidean, cityblock and cosine, in the two
//! implementations scikit-learn 1.9 reaches without connectivity:
//!
//! - **scipy 1.17's `pdist`** for complete and average linkage (and single
//!   linkage with the metrics scikit-learn's `DistanceMetric` does not
//!   have): the C++ kernels of `distance_metrics.h` sum each pair strictly
//!   in coordinate order (their unrolling interleaves *pairs*, never the
//!   terms of one); booleans are the points' non-zero coordinates, as
//!   `pdist` converts data for its boolean metrics; `correlation` is the
//!   cosine kernel on the points less their NumPy means, `seuclidean`
//!   divides by NumPy's `var(X, axis=0, ddof=1)`, `mahalanobis` uses the
//!   inverse of NumPy's `cov(X.T)` (LAPACK's inverse is not reproduced bit
//!   for bit: its distances agree to about 1e-15);
//! - **scikit-learn's `DistanceMetric`** for single linkage
//!   ([`SingleKernel`]): its own formulas, which differ from scipy's for
//!   `braycurtis` (`Σ|u| + |v|` below the line) and `matching` (booleans).

use crate::choices::Metric;
use crate::exact::summation::numpy_sum;

use super::pdist::{dot_two_lanes, Condensed, Rows};
use crate::error::Result;

/// Whether a coordinate counts as true for the boolean metrics.
#[inline(always)]
fn truth(v: f64) -> f64 {
    f64::from(u8::from(v != 0.0))
}

/// The four counts of two boolean vectors: `(tt, tf, ft, ff)`.
#[inline(always)]
fn counts(u: &[f64], v: &[f64]) -> (f64, f64, f64, f64) {
    let (mut tt, mut tf, mut ft, mut ff) = (0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in u.iter().zip(v) {
        let (x, y) = (truth(a), truth(b));
        tt += x * y;
        tf += x * (1.0 - y);
        ft += (1.0 - x) * y;
        ff += (1.0 - x) * (1.0 - y);
    }
    (tt, tf, ft, ff)
}

/// `Σ_k term(k)` summed as scipy's compiled C loops (`_distance_wrap`) sum:
/// two accumulators for even and odd `k`, added together, then the last
/// term when `len` is odd (found by experiment, as for the cosine's dot
/// product in [`super::pdist`]).
#[inline(always)]
fn two_lanes(len: usize, term: impl Fn(usize) -> f64) -> f64 {
    let mut lanes = [0.0, 0.0];
    for k in 0..len / 2 {
        lanes[0] += term(2 * k);
        lanes[1] += term(2 * k + 1);
    }
    let mut s = lanes[0] + lanes[1];
    if len % 2 == 1 {
        s += term(len - 1);
    }
    s
}

/// One of scipy's per-pair kernels.
#[derive(Debug, Clone)]
pub(super) enum PdistKernel {
    Braycurtis,
    Canberra,
    Chebyshev,
    Sqeuclidean,
    Hamming,
    Jaccard,
    Dice,
    Rogerstanimoto,
    Russellrao,
    Sokalsneath,
    Yule,
    /// The variances `V[k]`, which scipy divides by.
    Seuclidean(Vec<f64>),
    /// The inverse covariance, row-major.
    Mahalanobis(Vec<f64>),
}

impl PdistKernel {
    /// The kernel scipy's `pdist` runs for `metric` on `rows`, with the
    /// statistics it computes from them first; `None` for the metrics of
    /// [`super::pdist`] and those scipy does not know.
    pub(super) fn of(metric: Metric, rows: &Rows<'_>) -> Option<Result<Self>> {
        Some(Ok(match metric {
            Metric::Braycurtis => PdistKernel::Braycurtis,
            Metric::Canberra => PdistKernel::Canberra,
            Metric::Chebyshev => PdistKernel::Chebyshev,
            Metric::Sqeuclidean => PdistKernel::Sqeuclidean,
            Metric::Hamming | Metric::Matching => PdistKernel::Hamming,
            Metric::Jaccard => PdistKernel::Jaccard,
            Metric::Dice => PdistKernel::Dice,
            Metric::Rogerstanimoto => PdistKernel::Rogerstanimoto,
            Metric::Russellrao => PdistKernel::Russellrao,
            Metric::Sokalsneath => PdistKernel::Sokalsneath,
            Metric::Yule => PdistKernel::Yule,
            Metric::Seuclidean => PdistKernel::Seuclidean(variances(rows)),
            Metric::Mahalanobis => {
                return Some(inverse_covariance(rows).map(PdistKernel::Mahalanobis))
            }
            _ => return None,
        }))
    }

    /// The distance between `u` and `v`.
    #[inline]
    pub(super) fn between(&self, u: &[f64], v: &[f64]) -> f64 {
        match self {
            PdistKernel::Braycurtis => {
                let (mut diff, mut sum) = (0.0, 0.0);
                for (&a, &b) in u.iter().zip(v) {
                    diff += (a - b).abs();
                    sum += (a + b).abs();
                }
                diff / sum
            }
            PdistKernel::Canberra => {
                let mut s = 0.0;
                for (&a, &b) in u.iter().zip(v) {
                    let num = (a - b).abs();
                    let denom = a.abs() + b.abs();
                    s += num / (denom + f64::from(u8::from(denom == 0.0)));
                }
                s
            }
            PdistKernel::Chebyshev => {
                let mut s: f64 = 0.0;
                for (&a, &b) in u.iter().zip(v) {
                    let t = (a - b).abs();
                    // std::max(s, t): s unless s < t.
                    if s < t {
                        s = t;
                    }
                }
                s
            }
            PdistKernel::Sqeuclidean => {
                let mut s = 0.0;
                for (&a, &b) in u.iter().zip(v) {
                    let t = a - b;
                    s += t * t;
                }
                s
            }
            PdistKernel::Hamming => {
                let (mut differ, mut total) = (0.0, 0.0);
                for (&a, &b) in u.iter().zip(v) {
                    differ += f64::from(u8::from(a != b));
                    total += 1.0;
                }
                differ / total
            }
            PdistKernel::Jaccard => {
                let (mut num, mut denom) = (0.0, 0.0);
                for (&a, &b) in u.iter().zip(v) {
                    let (x, y) = (a != 0.0, b != 0.0);
                    num += f64::from(u8::from(x ^ y));
                    denom += f64::from(u8::from(x | y));
                }
                let nonzero = f64::from(u8::from(denom != 0.0));
                nonzero * (num / (f64::from(u8::from(denom == 0.0)) + denom))
            }
            PdistKernel::Dice => {
                // On the values as they are: pdist hands float data to its
                // dice kernel unconverted.
                let (mut nonmatches, mut tt) = (0.0, 0.0);
                for (&x, &y) in u.iter().zip(v) {
                    nonmatches += x * (1.0 - y) + y * (1.0 - x);
                    tt += x * y;
                }
                nonmatches / (2.0 * tt + nonmatches)
            }
            PdistKernel::Rogerstanimoto => {
                let (tt, tf, ft, ff) = counts(u, v);
                let ndiff = tf + ft;
                let n = tt + tf + ft + ff;
                (2.0 * ndiff) / (n + ndiff)
            }
            PdistKernel::Russellrao => {
                let (tt, tf, ft, ff) = counts(u, v);
                let n = tt + tf + ft + ff;
                (n - tt) / n
            }
            PdistKernel::Sokalsneath => {
                let (tt, tf, ft, _) = counts(u, v);
                let ndiff = tf + ft;
                (2.0 * ndiff) / (2.0 * ndiff + tt)
            }
            PdistKernel::Yule => {
                let (tt, tf, ft, ff) = counts(u, v);
                let half_r = tf * ft;
                (2.0 * half_r) / (tt * ff + half_r + f64::from(u8::from(half_r == 0.0)))
            }
            PdistKernel::Seuclidean(variances) => two_lanes(u.len(), |k| {
                let d = u[k] - v[k];
                (d * d) / variances[k]
            })
            .sqrt(),
            PdistKernel::Mahalanobis(inverse) => {
                let d = u.len();
                let diff: Vec<f64> = u.iter().zip(v).map(|(&a, &b)| a - b).collect();
                let product: Vec<f64> = inverse
                    .chunks_exact(d.max(1))
                    .map(|row| dot_two_lanes(&diff, row))
                    .collect();
                dot_two_lanes(&diff, &product).sqrt()
            }
        }
    }

    /// scipy's condensed matrix of the kernel over `rows`.
    pub(super) fn condensed(&self, rows: &Rows<'_>) -> Result<Condensed> {
        Condensed::from_pairs(rows.len(), |i, j| self.between(rows.row(i), rows.row(j)))
    }
}

/// NumPy's `var(X, axis=0, ddof=1)` of C-ordered points: the column sums
/// run over the points in order (NumPy reduces a non-contiguous axis row
/// by row), the mean divided by `n`, the squares summed the same way and
/// divided by `n − 1`.
fn variances(rows: &Rows<'_>) -> Vec<f64> {
    let (n, d) = (rows.len(), rows.width());
    let mut mean = vec![0.0; d];
    for i in 0..n {
        for (m, &x) in mean.iter_mut().zip(rows.row(i)) {
            *m += x;
        }
    }
    let count = n as f64;
    for m in &mut mean {
        *m /= count;
    }
    let mut squares = vec![0.0; d];
    for i in 0..n {
        for ((s, &x), &m) in squares.iter_mut().zip(rows.row(i)).zip(&mean) {
            let t = x - m;
            *s += t * t;
        }
    }
    let dof = count - 1.0;
    squares.iter().map(|s| s / dof).collect()
}

/// The inverse of NumPy's `cov(X.T)` (row-major; it is symmetric, so
/// scipy's transpose changes nothing), by Gauss–Jordan elimination with
/// partial pivoting.
///
/// # Errors
/// Fewer points than dimensions plus one, or a singular covariance, as
/// scipy refuses them.
fn inverse_covariance(rows: &Rows<'_>) -> Result<Vec<f64>> {
    let (n, d) = (rows.len(), rows.width());
    if n <= d {
        return Err(crate::error::AggloError::Mahalanobis(format!(
            "the number of observations ({n}) is too small; the covariance matrix is singular. For observations with {d} dimensions, at least {} observations are required",
            d + 1
        )));
    }
    // np.cov: each variable less its mean, then X·Xᵀ / (n − 1).
    let mut centred: Vec<Vec<f64>> = (0..d)
        .map(|k| (0..n).map(|i| rows.row(i)[k]).collect())
        .collect();
    for column in &mut centred {
        let mean = numpy_sum(column) / n as f64;
        for x in column.iter_mut() {
            *x -= mean;
        }
    }
    let fact = 1.0 / (n as f64 - 1.0);
    let mut a = vec![0.0; d * d];
    for p in 0..d {
        for q in 0..d {
            let s: f64 = centred[p].iter().zip(&centred[q]).map(|(x, y)| x * y).sum();
            a[p * d + q] = s * fact;
        }
    }
    let mut inverse = vec![0.0; d * d];
    for k in 0..d {
        inverse[k * d + k] = 1.0;
    }
    for col in 0..d {
        let pivot = (col..d)
            .max_by(|&x, &y| a[x * d + col].abs().total_cmp(&a[y * d + col].abs()))
            .expect("a column to pivot on");
        if a[pivot * d + col] == 0.0 {
            return Err(crate::error::AggloError::Mahalanobis(
                "the covariance matrix of the points is singular".into(),
            ));
        }
        for k in 0..d {
            a.swap(col * d + k, pivot * d + k);
            inverse.swap(col * d + k, pivot * d + k);
        }
        let p = a[col * d + col];
        for k in 0..d {
            a[col * d + k] /= p;
            inverse[col * d + k] /= p;
        }
        for r in 0..d {
            if r != col {
                let f = a[r * d + col];
                if f != 0.0 {
                    for k in 0..d {
                        a[r * d + k] -= f * a[col * d + k];
                        inverse[r * d + k] -= f * inverse[col * d + k];
                    }
                }
            }
        }
    }
    Ok(inverse)
}

/// NumPy's `X - X.mean(axis=1, keepdims=True)`: every point less the
/// pairwise mean of its coordinates (scipy's `correlation`).
pub(super) fn centred_rows(rows: &Rows<'_>) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows.len() * rows.width());
    for i in 0..rows.len() {
        let row = rows.row(i);
        let mean = numpy_sum(row) / row.len() as f64;
        out.extend(row.iter().map(|&x| x - mean));
    }
    out
}

/// One of scikit-learn's `DistanceMetric` kernels, for its own single
/// linkage (`mst_linkage_core`).
#[derive(Debug, Clone, Copy)]
pub(super) enum SingleKernel {
    Braycurtis,
    Canberra,
    Chebyshev,
    Hamming,
    Jaccard,
    Matching,
    Dice,
    Rogerstanimoto,
    Russellrao,
    Sokalsneath,
    Haversine,
}

impl SingleKernel {
    /// scikit-learn's kernel for `metric`, when `DistanceMetric` has it.
    pub(super) fn of(metric: Metric) -> Option<Self> {
        Some(match metric {
            Metric::Braycurtis => SingleKernel::Braycurtis,
            Metric::Canberra => SingleKernel::Canberra,
            Metric::Chebyshev => SingleKernel::Chebyshev,
            Metric::Hamming => SingleKernel::Hamming,
            Metric::Jaccard => SingleKernel::Jaccard,
            Metric::Matching => SingleKernel::Matching,
            Metric::Dice => SingleKernel::Dice,
            Metric::Rogerstanimoto => SingleKernel::Rogerstanimoto,
            Metric::Russellrao => SingleKernel::Russellrao,
            Metric::Sokalsneath => SingleKernel::Sokalsneath,
            Metric::Haversine => SingleKernel::Haversine,
            _ => return None,
        })
    }

    /// The distance between `u` and `v`.
    #[inline]
    pub(super) fn between(self, u: &[f64], v: &[f64]) -> f64 {
        let size = u.len() as f64;
        // Boolean counts as scikit-learn's C ints, exact in f64.
        let bools = || {
            let (mut tt, mut neq) = (0.0, 0.0);
            for (&a, &b) in u.iter().zip(v) {
                let (x, y) = (a != 0.0, b != 0.0);
                tt += f64::from(u8::from(x && y));
                neq += f64::from(u8::from(x != y));
            }
            (tt, neq)
        };
        match self {
            SingleKernel::Braycurtis => {
                let (mut num, mut denom) = (0.0, 0.0);
                for (&a, &b) in u.iter().zip(v) {
                    num += (a - b).abs();
                    denom += a.abs() + b.abs();
                }
                if denom > 0.0 {
                    num / denom
                } else {
                    0.0
                }
            }
            SingleKernel::Canberra => {
                let mut d = 0.0;
                for (&a, &b) in u.iter().zip(v) {
                    let denom = a.abs() + b.abs();
                    if denom > 0.0 {
                        d += (a - b).abs() / denom;
                    }
                }
                d
            }
            SingleKernel::Chebyshev => {
                let mut d: f64 = 0.0;
                for (&a, &b) in u.iter().zip(v) {
                    d = d.max((a - b).abs());
                }
                d
            }
            SingleKernel::Hamming => {
                let unequal = u.iter().zip(v).filter(|(a, b)| a != b).count();
                unequal as f64 / size
            }
            SingleKernel::Jaccard => {
                let (tt, neq) = bools();
                let nnz = tt + neq;
                if nnz == 0.0 {
                    0.0
                } else {
                    (nnz - tt) / nnz
                }
            }
            SingleKernel::Matching => bools().1 / size,
            SingleKernel::Dice => {
                let (tt, neq) = bools();
                neq / (2.0 * tt + neq)
            }
            SingleKernel::Rogerstanimoto => (2.0 * bools().1) / (size + bools().1),
            SingleKernel::Russellrao => (size - bools().0) / size,
            SingleKernel::Sokalsneath => {
                let (tt, neq) = bools();
                neq / (0.5 * tt + neq)
            }
            SingleKernel::Haversine => {
                let sin_0 = (0.5 * (u[0] - v[0])).sin();
                let sin_1 = (0.5 * (u[1] - v[1])).sin();
                let r = sin_0 * sin_0 + u[0].cos() * v[0].cos() * sin_1 * sin_1;
                2.0 * r.sqrt().asin()
            }
        }
    }
}
