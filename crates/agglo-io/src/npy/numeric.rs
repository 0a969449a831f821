//! [`NumericArray`]: the array as read, `f32` kept apart.

use ndarray::{ArrayD, IxDyn};

/// A numeric array as read: `f32` kept (scikit-learn treats it apart),
/// everything else converted to `f64` exactly (integers beyond 2⁵³ are
/// rounded, as NumPy rounds them).
#[derive(Debug, Clone, PartialEq)]
pub enum NumericArray {
    /// float64, integer or bool data.
    F64(ArrayD<f64>),
    /// float32 data.
    F32(ArrayD<f32>),
}

impl NumericArray {
    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        match self {
            NumericArray::F64(a) => a.shape(),
            NumericArray::F32(a) => a.shape(),
        }
    }

    /// A 2-D array stored column-major (unchanged if it already is, or is
    /// not 2-D): the layout `FeatureAgglomeration` reads in place, so the
    /// data is held once during a fit instead of twice. The row-major copy
    /// is freed before returning.
    #[must_use]
    pub fn into_column_major(self) -> Self {
        fn go<A: agglo::Element>(a: ArrayD<A>) -> ArrayD<A> {
            let m = a
                .into_dimensionality::<ndarray::Ix2>()
                .expect("checked to be 2-D");
            if m.t().is_standard_layout() {
                m.into_dyn()
            } else {
                agglo::column_major(m.view()).into_dyn()
            }
        }
        match self {
            _ if self.shape().len() != 2 => self,
            NumericArray::F64(a) => NumericArray::F64(go(a)),
            NumericArray::F32(a) => NumericArray::F32(go(a)),
        }
    }

    /// The array as the `(n, m)` matrix of its elements in row-major
    /// order, `n·m` being its size: a reshape, which copies only arrays not
    /// already in row-major order, and nothing for an `(n, m)` array in any
    /// order.
    #[must_use]
    pub fn into_matrix(self, n: usize, m: usize) -> Self {
        fn go<A: Clone>(a: ArrayD<A>, n: usize, m: usize) -> ArrayD<A> {
            if a.shape() == [n, m] {
                return a;
            }
            let flat = if a.is_standard_layout() {
                a
            } else {
                a.as_standard_layout().into_owned()
            };
            flat.into_shape_with_order(IxDyn(&[n, m]))
                .expect("sizes agree")
        }
        match self {
            NumericArray::F64(a) => NumericArray::F64(go(a, n, m)),
            NumericArray::F32(a) => NumericArray::F32(go(a, n, m)),
        }
    }

    /// The data as `f64` (a copy for `f32`).
    pub fn to_f64(&self) -> ArrayD<f64> {
        match self {
            NumericArray::F64(a) => a.clone(),
            NumericArray::F32(a) => a.mapv(f64::from),
        }
    }
}
