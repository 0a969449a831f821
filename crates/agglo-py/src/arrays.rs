//! Dtype dispatch: a NumPy matrix of any supported dtype, read in place.

use agglo::{
    Agglomeration, AgglomerativeClustering, Connectivity, Element, FittedFeatureAgglomeration,
    FittedRena, MergeProgress, Rena,
};
use ndarray::{Array2, ArrayView2};
use numpy::PyReadonlyArray2;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// What the module does with a matrix, whatever its element type.
pub(crate) trait Matrix: Sync {
    /// The number of points: rows, or columns with `transpose`.
    fn n_points(&self, transpose: bool) -> usize;
    /// Fits `estimator` on the rows (the columns with `transpose`),
    /// counting merges into `progress`.
    fn fit(
        &self,
        estimator: &AgglomerativeClustering,
        transpose: bool,
        progress: &MergeProgress,
    ) -> agglo::Result<Agglomeration>;
    /// Pools the rows onto the model's clusters.
    fn pool(&self, model: &FittedFeatureAgglomeration) -> agglo::Result<Array2<f64>>;
    /// Clusters the columns with ReNA over `graph`.
    fn rena(
        &self,
        rena: &Rena,
        graph: &Connectivity,
        progress: &MergeProgress,
    ) -> agglo::Result<FittedRena>;
    /// ReNA's cluster means of the rows.
    fn rena_means(&self, model: &FittedRena) -> agglo::Result<Array2<f64>>;
}

struct View<'a, A>(ArrayView2<'a, A>);

impl<A: Element> Matrix for View<'_, A> {
    fn n_points(&self, transpose: bool) -> usize {
        if transpose {
            self.0.ncols()
        } else {
            self.0.nrows()
        }
    }

    fn fit(
        &self,
        estimator: &AgglomerativeClustering,
        transpose: bool,
        progress: &MergeProgress,
    ) -> agglo::Result<Agglomeration> {
        // The library reads float64 points in place when they are
        // contiguous: C order for samples, Fortran order for features.
        let points = if transpose { self.0.t() } else { self.0.view() };
        estimator.fit_with(points, progress)
    }

    fn pool(&self, model: &FittedFeatureAgglomeration) -> agglo::Result<Array2<f64>> {
        model.transform(self.0.view())
    }

    fn rena(
        &self,
        rena: &Rena,
        graph: &Connectivity,
        progress: &MergeProgress,
    ) -> agglo::Result<FittedRena> {
        rena.fit_with(self.0.view(), graph, progress)
    }

    fn rena_means(&self, model: &FittedRena) -> agglo::Result<Array2<f64>> {
        model.transform(self.0.view())
    }
}

/// Calls `f` on `x` seen as a matrix of its own element type, without a
/// copy. Supported: float64, float32 and the signed and unsigned integers
/// (the Python layer hands booleans over as uint8, in native byte order).
pub(crate) fn with_matrix<R>(
    x: &Bound<'_, PyAny>,
    f: impl FnOnce(&dyn Matrix) -> PyResult<R>,
) -> PyResult<R> {
    macro_rules! try_dtype {
        ($($ty:ty),+) => {$(
            if let Ok(array) = x.extract::<PyReadonlyArray2<'_, $ty>>() {
                return f(&View(array.as_array()));
            }
        )+};
    }
    try_dtype!(f64, f32, i64, i32, i16, i8, u64, u32, u16, u8);
    let described = match (x.getattr("dtype"), x.getattr("ndim")) {
        (Ok(dtype), Ok(ndim)) => format!("an array of dtype {dtype} and {ndim} dimensions"),
        _ => format!("{}", x.get_type()),
    };
    Err(PyTypeError::new_err(format!(
        "agglo's native layer takes a 2-D array of float64, float32 or integers, got {described}"
    )))
}
