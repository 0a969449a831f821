//! `agglo._native`: the thin pyo3 layer between NumPy arrays and the `agglo`
//! library. It dispatches on dtypes, reads arrays in place (no copy of X),
//! releases the GIL while the library works, lets Ctrl-C cancel a long fit,
//! and maps the library's errors to Python exceptions. Everything
//! scikit-learn-facing (validation, attributes, warnings) lives in the pure
//! Python package `python/agglo`; every algorithm lives in `agglo`.
#![forbid(unsafe_code)]

mod arrays;
mod interrupt;
mod rena;

use agglo::{AggloError, Connectivity, Pooling};
use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::with_matrix;
use crate::interrupt::run_interruptible;

/// The system's allocator, with large blocks (the points, the candidates,
/// the graph) in huge pages where Linux gives them on request.
#[global_allocator]
static ALLOCATOR: agglo_alloc::HugePages = agglo_alloc::HugePages;

/// Maps a library error to the exception scikit-learn raises for it.
pub(crate) fn to_py_err(err: AggloError) -> PyErr {
    match err {
        AggloError::TooLarge(_) => PyMemoryError::new_err(err.to_string()),
        _ => PyValueError::new_err(err.to_string()),
    }
}

/// The connectivity graph from SciPy's compressed rows.
pub(crate) fn connectivity_from_csr(
    n_nodes: usize,
    indptr: &Bound<'_, PyAny>,
    indices: &Bound<'_, PyAny>,
    data: PyReadonlyArray1<'_, f64>,
) -> PyResult<Connectivity> {
    let data = data.as_slice()?;
    let graph = if let (Ok(p), Ok(i)) = (
        indptr.extract::<PyReadonlyArray1<'_, i32>>(),
        indices.extract::<PyReadonlyArray1<'_, i32>>(),
    ) {
        Connectivity::from_csr(n_nodes, p.as_slice()?, i.as_slice()?, data)
    } else {
        let p = indptr.extract::<PyReadonlyArray1<'_, i64>>()?;
        let i = indices.extract::<PyReadonlyArray1<'_, i64>>()?;
        Connectivity::from_csr(n_nodes, p.as_slice()?, i.as_slice()?, data)
    };
    graph.map_err(to_py_err)
}

/// Fits the tree over the rows of `x` (its columns with `transpose`) and
/// cuts it, as scikit-learn's `AgglomerativeClustering._fit` on `x` (or
/// `x.T`). Returns a dict of the fitted attributes.
#[pyfunction]
#[pyo3(signature = (
    x, *, transpose, n_clusters, distance_threshold, linkage, metric,
    compute_full_tree, compute_distances, connectivity, on_disconnected = "complete"
))]
#[allow(clippy::too_many_arguments)]
fn fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    transpose: bool,
    n_clusters: Option<usize>,
    distance_threshold: Option<f64>,
    linkage: &str,
    metric: &str,
    compute_full_tree: &str,
    compute_distances: bool,
    connectivity: Option<(
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        PyReadonlyArray1<'py, f64>,
    )>,
    on_disconnected: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let mut params = agglo::Params::default();
    params.on_disconnected = on_disconnected.parse().map_err(to_py_err)?;
    params.n_clusters = n_clusters;
    params.distance_threshold = distance_threshold;
    params.linkage = linkage.parse().map_err(to_py_err)?;
    params.metric = metric.parse().map_err(to_py_err)?;
    params.compute_full_tree = compute_full_tree.parse().map_err(to_py_err)?;
    params.compute_distances = compute_distances;
    params.check().map_err(to_py_err)?;
    let progress = agglo::MergeProgress::new();
    let model = with_matrix(x, |m| {
        if let Some((indptr, indices, data)) = connectivity {
            let n_points = m.n_points(transpose);
            params.connectivity = Some(connectivity_from_csr(n_points, &indptr, &indices, data)?);
        }
        let estimator = agglo::AgglomerativeClustering::from_params(params);
        run_interruptible(py, &progress, || m.fit(&estimator, transpose, &progress))
    })?
    .map_err(to_py_err)?;

    let out = PyDict::new(py);
    out.set_item("labels", index_array(py, model.labels()))?;
    let children: Vec<isize> = model
        .children()
        .iter()
        .flat_map(|pair| pair.map(|c| c as isize))
        .collect();
    let children =
        Array2::from_shape_vec((model.children().len(), 2), children).expect("two ids a merge");
    out.set_item("children", children.into_pyarray(py))?;
    match model.distances() {
        Some(d) => out.set_item("distances", PyArray1::from_slice(py, d))?,
        None => out.set_item("distances", py.None())?,
    }
    out.set_item("n_clusters", model.n_clusters())?;
    out.set_item("n_leaves", model.n_leaves())?;
    out.set_item("n_connected_components", model.n_connected_components())?;
    let warned = model.warnings().iter().find_map(|w| match w {
        agglo::FitWarning::DisconnectedGraph { n_components } => Some(*n_components),
        _ => None,
    });
    out.set_item("disconnected_components", warned)?;
    Ok(out)
}

/// `usize` ids as NumPy's `intp`.
pub(crate) fn index_array<'py>(py: Python<'py>, ids: &[usize]) -> Bound<'py, PyArray1<isize>> {
    PyArray1::from_vec(py, ids.iter().map(|&i| i as isize).collect())
}

/// Pools every row of `x` onto the clusters of `labels` (one per column,
/// covering `0..n_clusters`): float64 out, as `FeatureAgglomeration.transform`.
#[pyfunction]
#[pyo3(signature = (x, labels, pooling))]
fn pool<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    labels: PyReadonlyArray1<'py, isize>,
    pooling: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let pooling: Pooling = pooling.parse().map_err(to_py_err)?;
    let labels = labels_of(&labels)?;
    let model =
        agglo::FittedFeatureAgglomeration::from_labels(labels, pooling).map_err(to_py_err)?;
    let progress = agglo::MergeProgress::new();
    let pooled = with_matrix(x, |m| run_interruptible(py, &progress, || m.pool(&model)))?
        .map_err(to_py_err)?;
    Ok(pooled.into_pyarray(py).into_any())
}

/// Maps reduced data back to the features: `reduced[:, labels]`.
#[pyfunction]
fn restore<'py>(
    py: Python<'py>,
    reduced: PyReadonlyArray2<'py, f64>,
    labels: PyReadonlyArray1<'py, isize>,
) -> PyResult<Bound<'py, PyAny>> {
    let labels = labels_of(&labels)?;
    let model =
        agglo::FittedFeatureAgglomeration::from_labels(labels, Pooling::Mean).map_err(to_py_err)?;
    let reduced: ArrayView2<'_, f64> = reduced.as_array();
    let progress = agglo::MergeProgress::new();
    let restored = run_interruptible(py, &progress, || model.inverse_transform(reduced))?
        .map_err(to_py_err)?;
    Ok(restored.into_pyarray(py).into_any())
}

/// The tree of scikit-learn's `children_` (and `distances_`, zeros when
/// not given) over `n_leaves` leaves, checked to be a tree.
fn tree_of(
    children: &PyReadonlyArray2<'_, isize>,
    distances: Option<&PyReadonlyArray1<'_, f64>>,
    n_leaves: usize,
) -> PyResult<agglo::Tree> {
    let children = children.as_array();
    if children.ncols() != 2 {
        return Err(PyValueError::new_err(format!(
            "children must have two columns, got shape {:?}",
            children.shape()
        )));
    }
    let pairs = children
        .rows()
        .into_iter()
        .map(
            |row| match (usize::try_from(row[0]), usize::try_from(row[1])) {
                (Ok(a), Ok(b)) => Ok([a, b]),
                _ => Err(PyValueError::new_err(format!(
                    "negative node id in children: {row}"
                ))),
            },
        )
        .collect::<PyResult<Vec<[usize; 2]>>>()?;
    let distances = match distances {
        Some(d) => d.as_array().to_vec(),
        None => vec![0.0; pairs.len()],
    };
    agglo::Tree::from_parts(n_leaves, pairs, distances, 1).map_err(to_py_err)
}

/// Labels of the full tree `children` cut at each of `n_clusters`, as
/// scikit-learn's `_hc_cut` numbers them: one row per k.
#[pyfunction]
fn cut<'py>(
    py: Python<'py>,
    children: PyReadonlyArray2<'py, isize>,
    n_leaves: usize,
    n_clusters: Vec<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let tree = tree_of(&children, None, n_leaves)?;
    let cuts = py
        .detach(|| tree.cut_many(&n_clusters))
        .map_err(to_py_err)?;
    let flat: Vec<isize> = cuts.iter().flatten().map(|&l| l as isize).collect();
    let labels = Array2::from_shape_vec((cuts.len(), n_leaves), flat).expect("one label a leaf");
    Ok(labels.into_pyarray(py).into_any())
}

/// scipy's linkage matrix `Z` of a full tree.
#[pyfunction]
fn linkage_matrix<'py>(
    py: Python<'py>,
    children: PyReadonlyArray2<'py, isize>,
    distances: PyReadonlyArray1<'py, f64>,
    n_leaves: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let tree = tree_of(&children, Some(&distances), n_leaves)?;
    let z = tree.to_linkage_matrix().map_err(to_py_err)?;
    Ok(z.into_pyarray(py).into_any())
}

/// Labels as the library takes them, refusing negative ones.
pub(crate) fn labels_of(labels: &PyReadonlyArray1<'_, isize>) -> PyResult<Vec<usize>> {
    labels
        .as_array()
        .iter()
        .map(|&l| {
            usize::try_from(l).map_err(|_| PyValueError::new_err(format!("negative label {l}")))
        })
        .collect()
}

/// The number of threads the library's parallel kernels use (rayon's
/// global pool: `RAYON_NUM_THREADS`, else one per core).
#[pyfunction]
fn num_threads() -> usize {
    rayon::current_num_threads()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(pool, m)?)?;
    m.add_function(wrap_pyfunction!(restore, m)?)?;
    m.add_function(wrap_pyfunction!(num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(cut, m)?)?;
    m.add_function(wrap_pyfunction!(linkage_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(rena::rena_fit, m)?)?;
    m.add_function(wrap_pyfunction!(rena::rena_means, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
