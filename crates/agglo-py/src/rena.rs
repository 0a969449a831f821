//! ReNA for `agglo.ReNA`: the fit over a mask's lattice or a given graph,
//! and nilearn's cluster means.

use agglo::{FittedRena, Rena};
use ndarray::ArrayD;
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::with_matrix;
use crate::interrupt::run_interruptible;
use crate::{connectivity_from_csr, index_array, labels_of, to_py_err};

/// Fits ReNA on the columns of `x` over the 6-neighbour lattice of `mask`
/// (a boolean array as uint8, its voxels the columns in C order) or over
/// `connectivity` (SciPy's compressed rows). Returns `labels`, `sizes` and
/// `n_rounds`.
#[pyfunction]
#[pyo3(signature = (x, *, n_clusters, n_iter, threshold, mask=None, connectivity=None))]
#[allow(clippy::needless_pass_by_value)] // pyo3 hands the arrays over by value
pub(crate) fn rena_fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    n_clusters: usize,
    n_iter: usize,
    threshold: f64,
    mask: Option<PyReadonlyArrayDyn<'py, u8>>,
    connectivity: Option<(
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        PyReadonlyArray1<'py, f64>,
    )>,
) -> PyResult<Bound<'py, PyDict>> {
    let rena = Rena::new()
        .n_clusters(n_clusters)
        .n_iter(n_iter)
        .threshold(threshold);
    rena.check().map_err(to_py_err)?;
    let graph = match (mask, connectivity) {
        (Some(mask), _) => {
            let mask: ArrayD<bool> = mask.as_array().mapv(|v| v != 0);
            py.detach(|| agglo::grid_to_graph(mask.shape(), Some(mask.view())))
                .map_err(to_py_err)?
        }
        (None, Some((indptr, indices, data))) => {
            let n = indptr.len()?.saturating_sub(1);
            connectivity_from_csr(n, &indptr, &indices, data)?
        }
        (None, None) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "ReNA needs a mask or a connectivity graph",
            ))
        }
    };
    let progress = agglo::MergeProgress::new();
    let fitted: FittedRena = with_matrix(x, |m| {
        run_interruptible(py, &progress, || m.rena(&rena, &graph, &progress))
    })?
    .map_err(to_py_err)?;
    let out = PyDict::new(py);
    out.set_item("labels", index_array(py, fitted.labels()))?;
    out.set_item("sizes", index_array(py, fitted.sizes()))?;
    out.set_item("n_rounds", fitted.n_rounds())?;
    Ok(out)
}

/// nilearn's `ReNA.transform` of `x` for `labels`, before scaling: each
/// cluster's `np.mean`, as float64 (exact for float32 data, whose means
/// are computed in float32).
#[pyfunction]
pub(crate) fn rena_means<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    labels: PyReadonlyArray1<'py, isize>,
) -> PyResult<Bound<'py, PyAny>> {
    let model = FittedRena::from_labels(labels_of(&labels)?, false).map_err(to_py_err)?;
    let progress = agglo::MergeProgress::new();
    let means = with_matrix(x, |m| {
        run_interruptible(py, &progress, || m.rena_means(&model))
    })?
    .map_err(to_py_err)?;
    Ok(means.into_pyarray(py).into_any())
}
