//! The Lance–Williams updates of scipy's `_hierarchy_distance_update.pxi`:
//! the distance from cluster `i` to the union of clusters `x` and `y`, from
//! `d(x, i)`, `d(y, i)`, `d(x, y)` and the cluster sizes.
//!
//! Each formula keeps scipy's exact order of operations (left to right, no
//! fused multiply-add, sizes added as integers before conversion), so every
//! updated distance is bit-identical to scipy's.

/// The reducible linkages the nearest-neighbour chain handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    /// ```text
    /// d(xy, i) = max(d(x, i), d(y, i))
    /// ```
    Complete,
    /// ```text
    /// d(xy, i) = (|x|·d(x, i) + |y|·d(y, i)) / (|x| + |y|)
    /// ```
    Average,
    /// ```text
    /// t = 1 / (|x| + |y| + |i|)
    /// d(xy, i) = sqrt((|i|+|x|)·t·d(x,i)² + (|i|+|y|)·t·d(y,i)² − |i|·t·d(x,y)²)
    /// ```
    Ward,
}

impl Method {
    /// The distance from cluster `i` to the merge of `x` and `y`.
    #[inline]
    pub(super) fn update(
        self,
        d_xi: f64,
        d_yi: f64,
        d_xy: f64,
        size_x: usize,
        size_y: usize,
        size_i: usize,
    ) -> f64 {
        match self {
            Method::Complete => complete(d_xi, d_yi),
            Method::Average => average(d_xi, d_yi, size_x, size_y),
            Method::Ward => ward(d_xi, d_yi, d_xy, size_x, size_y, size_i),
        }
    }
}

/// Cython's `max(d_xi, d_yi)`: the second argument only when it is strictly
/// greater.
#[inline]
fn complete(d_xi: f64, d_yi: f64) -> f64 {
    if d_yi > d_xi {
        d_yi
    } else {
        d_xi
    }
}

#[inline]
fn average(d_xi: f64, d_yi: f64, size_x: usize, size_y: usize) -> f64 {
    (size_x as f64 * d_xi + size_y as f64 * d_yi) / (size_x + size_y) as f64
}

#[inline]
fn ward(d_xi: f64, d_yi: f64, d_xy: f64, size_x: usize, size_y: usize, size_i: usize) -> f64 {
    let t = 1.0 / (size_x + size_y + size_i) as f64;
    ((size_i + size_x) as f64 * t * d_xi * d_xi + (size_i + size_y) as f64 * t * d_yi * d_yi
        - size_i as f64 * t * d_xy * d_xy)
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_prefers_the_first_argument_on_ties() {
        assert_eq!(complete(1.0, 2.0), 2.0);
        assert_eq!(complete(2.0, 1.0), 2.0);
        assert!(complete(-0.0, 0.0).is_sign_negative());
    }

    #[test]
    fn average_weights_by_size() {
        assert_eq!(Method::Average.update(1.0, 4.0, 9.0, 2, 1, 7), 2.0);
    }

    #[test]
    fn ward_of_singletons_matches_centroid_formula() {
        // Points 0, 2 merged, third point at 5: Ward distance between {0, 2}
        // and {5} is sqrt(2·|a||b|/(|a|+|b|))·|centroid gap| = sqrt(4/3)·4.
        let d = Method::Ward.update(5.0, 3.0, 2.0, 1, 1, 1);
        assert!((d - (4.0f64 / 3.0).sqrt() * 4.0).abs() < 1e-12);
    }
}
