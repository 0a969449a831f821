//! The distance kernels shared by the linkages: sums of per-coordinate
//! terms, each in coordinate order (as scikit-learn's and scipy's loops sum
//! them), several rows at a time so that the additions overlap without any
//! of them changing order.

/// `Σ_t (a[t] − b[t])²`, summed in `t` order, for the rows `b = row(l)`,
/// `l` in `0..count`, appended to `out`.
///
/// Each sum is a chain of dependent additions, so one sum at a time would
/// wait on the adder's latency at every step. Eight (or four) rows go
/// through the loop together instead: their chains are independent, so the
/// additions overlap (and pair up in SIMD registers) without any of them
/// changing order. A short last group is padded with copies of its first
/// row, whose results are dropped.
#[inline(always)]
pub(crate) fn squared_distances<'r>(
    a: &[f64],
    count: usize,
    row: impl Fn(usize) -> &'r [f64],
    out: &mut Vec<f64>,
) {
    let mut l = 0;
    while l + 4 < count {
        let lanes: [&[f64]; 8] =
            std::array::from_fn(|t| if l + t < count { row(l + t) } else { row(l) });
        let sums = squared_distances_n(a, lanes);
        out.extend_from_slice(&sums[..(count - l).min(8)]);
        l += 8;
    }
    if l < count {
        let lanes: [&[f64]; 4] =
            std::array::from_fn(|t| if l + t < count { row(l + t) } else { row(l) });
        let sums = squared_distances_n(a, lanes);
        out.extend_from_slice(&sums[..count - l]);
    }
}

/// `Σ_t (a[t] − b[t])²` for `N` rows `b` at once, each summed in `t` order.
#[inline(always)]
fn squared_distances_n<const N: usize>(a: &[f64], b: [&[f64]; N]) -> [f64; N] {
    lane_sums(a, b, |x, y| {
        let d = x - y;
        d * d
    })
}

/// `Σ_t term(a[t], b[t])` for `N` rows `b` at once: lane `l` is exactly
/// the sequential sum, in `t` order, of its own row, so the result equals
/// `N` one-row loops, but the `N` dependency chains overlap in the
/// pipeline (scipy's `transform_reduce_2d_` does the same for its pairs).
#[inline(always)]
pub(crate) fn lane_sums<const N: usize>(
    a: &[f64],
    b: [&[f64]; N],
    term: impl Fn(f64, f64) -> f64,
) -> [f64; N] {
    let n = a.len();
    let b: [&[f64]; N] = std::array::from_fn(|l| &b[l][..n]);
    let mut s = [0.0; N];
    for t in 0..n {
        let x = a[t];
        for l in 0..N {
            s[l] += term(x, b[l][t]);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_sums_keep_the_order() {
        let a: Vec<f64> = (0..37).map(|t| (f64::from(t) * 0.37).sin() * 1e3).collect();
        let rows: Vec<Vec<f64>> = (0..7)
            .map(|r| (0..37).map(|t| (f64::from(t * r) * 0.11).cos()).collect())
            .collect();
        let mut out = Vec::new();
        squared_distances(&a, rows.len(), |l| &rows[l], &mut out);
        for (b, &got) in rows.iter().zip(&out) {
            let mut s = 0.0;
            for t in 0..37 {
                let d = a[t] - b[t];
                s += d * d;
            }
            assert_eq!(got.to_bits(), s.to_bits());
        }
    }
}
