//! The summation orders of the NumPy kernels behind scikit-learn's
//! distances, reproduced bit for bit in `f64` and `f32`.
//!
//! Floating-point addition is not associative, so a distance summed in a
//! different order can differ in the last bit, and with tied edge weights
//! one bit decides which merge comes first. The orders below were read from
//! NumPy 2.4's sources and confirmed by experiment on random vectors of
//! lengths 1 to 20 000 (NumPy built with the x86-64-v2 baseline, whose
//! einsum kernels use 128-bit SSE vectors):
//!
//! - `np.einsum("ij,ij->i", x, x)` (scikit-learn's `row_norms`):
//!   [`einsum_squared_norm`].
//! - `np.sum(a, axis=-1)` on a contiguous row: `0 + pairwise_sum(a)`,
//!   [`numpy_sum`].

use std::ops::{Add, Div, Mul, Sub};

/// `f64` or `f32`, with the width of the SSE vectors NumPy's einsum kernel
/// works on.
pub(crate) trait Real:
    Copy
    + Send
    + Sync
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    /// Positive zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// One half.
    const HALF: Self;
    /// Values per 128-bit vector (2 for `f64`, 4 for `f32`).
    const LANES: usize;
    /// Rounds an `f64` to this type (exact for values that came from it).
    fn from_f64(x: f64) -> Self;
    /// Widens to `f64` (always exact).
    fn to_f64(self) -> f64;
    /// The correctly rounded square root.
    fn sqrt(self) -> Self;
    /// `values` as this type without a conversion, when it is `f64`.
    fn in_place(values: &[f64]) -> Option<&[Self]>;
    /// The absolute value.
    fn abs(self) -> Self;
    /// The horizontal sum of one vector of accumulators, as NumPy's
    /// `npyv_sum` computes it.
    fn sum_lanes(lanes: &[Self; 4]) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const HALF: Self = 0.5;
    const LANES: usize = 2;
    #[inline]
    fn in_place(values: &[f64]) -> Option<&[Self]> {
        Some(values)
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline]
    fn sum_lanes(lanes: &[Self; 4]) -> Self {
        lanes[0] + lanes[1]
    }
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const HALF: Self = 0.5;
    const LANES: usize = 4;
    #[inline]
    fn in_place(_: &[f64]) -> Option<&[Self]> {
        None
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline]
    fn abs(self) -> Self {
        f32::abs(self)
    }
    /// `_mm_hadd_ps` twice: `(a0 + a1) + (a2 + a3)`.
    #[inline]
    fn sum_lanes(lanes: &[Self; 4]) -> Self {
        (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    }
}

/// `Σ xᵢ²` in the order of NumPy's einsum kernel
/// `sum_of_products_contig_contig_outstride0_two`: one accumulator per SIMD
/// lane; blocks of four vectors are added last vector first
/// (`acc += x₃² ; acc += x₂² ; acc += x₁² ; acc += x₀²` per lane); the tail is
/// added one zero-padded vector at a time; finally the lanes are summed.
/// Multiplies and adds are separate roundings (no fused multiply-add).
/// Cost: `O(len)`.
pub(crate) fn einsum_squared_norm<T: Real>(x: &[T]) -> T {
    let lanes = T::LANES;
    let mut acc = [T::ZERO; 4];
    let mut chunks = x.chunks_exact(4 * lanes);
    for block in &mut chunks {
        for vector in block.chunks_exact(lanes).rev() {
            for (a, &v) in acc.iter_mut().zip(vector) {
                *a = v * v + *a;
            }
        }
    }
    // The tail, one vector at a time; the missing lanes are zero and add
    // nothing.
    for vector in chunks.remainder().chunks(lanes) {
        for (a, &v) in acc.iter_mut().zip(vector) {
            *a = v * v + *a;
        }
    }
    T::sum_lanes(&acc)
}

/// `np.sum(a)` of a contiguous row: NumPy adds the pairwise sum of the row
/// to the reduction's initial value 0.
/// Cost: `O(len)`.
pub(crate) fn numpy_sum<T: Real>(a: &[T]) -> T {
    T::ZERO + pairwise_sum(a)
}

/// NumPy's `pairwise_sum`: fewer than 8 values are added in order; up to
/// 128 values go through 8 interleaved accumulators combined as
/// `((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7))`, then the leftover values in
/// order; longer runs are split in two halves (the first a multiple of 8
/// long) summed recursively. Cost: `O(len)`.
fn pairwise_sum<T: Real>(a: &[T]) -> T {
    let n = a.len();
    if n < 8 {
        a.iter().fold(T::ZERO, |res, &v| res + v)
    } else if n <= 128 {
        let mut r = [T::ZERO; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for block in a[8..whole].chunks_exact(8) {
            for (acc, &v) in r.iter_mut().zip(block) {
                *acc = *acc + v;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        a[whole..].iter().fold(res, |res, &v| res + v)
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

/// `sklearn.preprocessing.normalize(x, norm="l2")` of one row: divides by
/// `sqrt(einsum_squared_norm(x))`, leaving an all-zero row unchanged.
pub(crate) fn normalize<T: Real>(row: &mut [T]) {
    let mut norm = einsum_squared_norm(row).sqrt();
    if norm == T::ZERO {
        norm = T::ONE;
    }
    for v in row.iter_mut() {
        *v = *v / norm;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values recorded from NumPy 2.4.6 (`np.einsum`, `np.sum`) on the
    /// sequence `xᵢ = 1 / (i + 3)`, whose sums round differently in
    /// different orders.
    fn seq<T: Real>(n: usize) -> Vec<T> {
        (0..n)
            .map(|i| T::from_f64(1.0 / (i as f64 + 3.0)))
            .collect()
    }

    #[test]
    fn short_rows_are_plain_sums() {
        let x = [1.0f64, 2.0, 3.0];
        assert_eq!(einsum_squared_norm(&x), 14.0);
        assert_eq!(numpy_sum(&x), 6.0);
        assert_eq!(einsum_squared_norm::<f32>(&[]), 0.0);
        assert_eq!(numpy_sum::<f64>(&[]), 0.0);
    }

    #[test]
    fn orders_match_numpy() {
        // np.einsum("ij,ij->i", x, x) and np.sum(x, axis=-1) of one row,
        // in float64 and float32, printed with float.hex(); a plain
        // left-to-right sum differs in the last bits for 9 and 200.
        for (n, norm64, sum64, norm32, sum32) in [
            (
                9usize,
                "0x1.3b6cca9cf9df3p-2",
                "0x1.8516ae822df44p+0",
                "0x1.3b6ccc0000000p-2",
                "0x1.8516b00000000p+0",
            ),
            (
                100,
                "0x1.8a6c1d264ddd1p-2",
                "0x1.da81ad52b9b72p+1",
                "0x1.8a6c1e0000000p-2",
                "0x1.da81b00000000p+1",
            ),
            (
                200,
                "0x1.8f5b0f74ffaa8p-2",
                "0x1.18d447c879105p+2",
                "0x1.8f5b140000000p-2",
                "0x1.18d4480000000p+2",
            ),
        ] {
            let x64 = seq::<f64>(n);
            let x32 = seq::<f32>(n);
            assert_eq!(einsum_squared_norm(&x64), hex64(norm64), "norm64 {n}");
            assert_eq!(numpy_sum(&x64), hex64(sum64), "sum64 {n}");
            assert_eq!(
                einsum_squared_norm(&x32),
                hex64(norm32) as f32,
                "norm32 {n}"
            );
            assert_eq!(numpy_sum(&x32), hex64(sum32) as f32, "sum32 {n}");
        }
    }

    /// Parses Python's `float.hex()` output.
    fn hex64(s: &str) -> f64 {
        let (mantissa, exponent) = s.trim_start_matches("0x").split_once('p').unwrap();
        let (int, frac) = mantissa.split_once('.').unwrap();
        let mut value = int.parse::<u64>().unwrap() as f64;
        let mut scale = 1.0 / 16.0;
        for c in frac.chars() {
            value += f64::from(c.to_digit(16).unwrap()) * scale;
            scale /= 16.0;
        }
        value * 2f64.powi(exponent.parse().unwrap())
    }
}
