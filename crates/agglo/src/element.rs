//! The numeric types a model can be fitted on.

use ndarray::{Array, Dimension};

/// The floating-point precision scikit-learn computes pairwise distances in
/// for a given input type: `float32` input gets distances rounded to `f32`,
/// every other type is converted to `float64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Precision {
    /// 32-bit: the input was `f32`.
    F32,
    /// 64-bit: the input was `f64` or an integer type.
    F64,
}

/// A real number type accepted as input data: `f64`, `f32` and the integer
/// types. Values are converted to `f64` exactly (integers beyond 2⁵³ are
/// rounded, as NumPy rounds them).
///
/// The trait is sealed: the list of types is scikit-learn's, and the
/// library relies on `f64` being the only type [`Element::as_f64_slice`]
/// reads in place.
pub trait Element: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The precision scikit-learn works in for this type.
    const PRECISION: Precision;
    /// The value as `f64`.
    fn to_f64(self) -> f64;

    /// `values` themselves when they already are `f64`, so that they can be
    /// read in place instead of converted; `None` for every other type.
    fn as_f64_slice(values: &[Self]) -> Option<&[f64]> {
        let _ = values;
        None
    }

    /// `x` itself when it already is `f64` (`Ok`), else `x` back (`Err`).
    ///
    /// # Errors
    /// `x` itself, for every type but `f64`.
    fn into_f64_array<D: Dimension>(x: Array<Self, D>) -> Result<Array<f64, D>, Array<Self, D>> {
        Err(x)
    }
}

impl Element for f64 {
    const PRECISION: Precision = Precision::F64;
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn as_f64_slice(values: &[f64]) -> Option<&[f64]> {
        Some(values)
    }
    fn into_f64_array<D: Dimension>(x: Array<f64, D>) -> Result<Array<f64, D>, Array<f64, D>> {
        Ok(x)
    }
}

macro_rules! element {
    ($($ty:ty => $precision:ident),+ $(,)?) => {$(
        impl Element for $ty {
            const PRECISION: Precision = Precision::$precision;
            #[inline]
            // One conversion for every type: exact for most, NumPy's
            // rounding for 64-bit integers.
            #[allow(clippy::cast_lossless)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
        impl sealed::Sealed for $ty {}
    )+};
}

mod sealed {
    /// Implemented by the [`Element`](super::Element) types only.
    pub trait Sealed {}
    impl Sealed for f64 {}
}

element!(
    f32 => F32,
    i8 => F64, i16 => F64, i32 => F64, i64 => F64,
    u8 => F64, u16 => F64, u32 => F64, u64 => F64,
);
