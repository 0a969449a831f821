//! The plan of a fit: the data read, laid out as the matrix to fit, and
//! the connectivity graph built from the flags (`--grid`, `--mask`,
//! `--connectivity`, `--knn`).

use agglo::{grid_to_graph, kneighbors_graph, Connectivity};
use anyhow::Result;
use ndarray::{Array2, ArrayD};

use crate::bad_input;
use crate::cli::{Axis, FitArgs};
use crate::input::{read_connectivity, Loaded, Mask};
use crate::layout::Layout;
use crate::model_file::{ConnectivityInfo, MaskInfo};
use agglo_io::npy::NumericArray;

/// Everything decided before fitting.
pub(crate) struct Plan {
    pub(crate) loaded_shape: Vec<usize>,
    pub(crate) dtype: String,
    pub(crate) nifti: Option<agglo_io::nifti_io::NiftiHeader>,
    /// The data's shape as read, samples first.
    pub(crate) shape: Vec<usize>,
    pub(crate) layout: Layout,
    pub(crate) mask: Option<Mask>,
    /// `(n_samples, n_features)` of the matrix fitted.
    pub(crate) dim: (usize, usize),
    pub(crate) connectivity: Option<Connectivity>,
    pub(crate) info: ConnectivityInfo,
    /// The data copied a sample per row as it was read, for the pooling.
    pub(crate) copy: Option<std::fs::File>,
}

pub(crate) fn into_2d<A>(x: ArrayD<A>) -> Array2<A> {
    x.into_dimensionality().expect("laid out as 2-D")
}

/// Decides the grid, mask (read by the caller from `--mask`) and
/// connectivity, and lays the data out as the matrix to fit.
pub(crate) fn plan(
    args: &FitArgs,
    mut loaded: Loaded,
    mask: Option<Mask>,
) -> Result<(Plan, NumericArray)> {
    let name = args.input.display().to_string();
    let shape = loaded.shape.clone();
    if shape.len() < 2 {
        return Err(bad_input(format!(
            "{name}: expected an array of shape (n_samples, n_features) or (n_samples, *grid), got shape {shape:?}"
        )));
    }
    let trailing = shape[1..].to_vec();
    if let (Some(series), Some(mask_header), Some(mask_path)) = (
        &loaded.nifti,
        mask.as_ref().and_then(|m| m.nifti.as_ref()),
        &args.mask,
    ) {
        crate::apply::check_aligned(&name, series, &mask_path.display().to_string(), mask_header)?;
    }
    if mask.is_some() && args.connectivity.is_some() {
        return Err(bad_input(
            "--mask goes with a grid, not with --connectivity",
        ));
    }
    let grid = match (&args.grid, args.axis) {
        (Some(g), _) => {
            if g.is_empty() || g.contains(&0) {
                return Err(bad_input(format!(
                    "--grid {g:?}: every dimension must be at least 1"
                )));
            }
            if trailing.len() >= 2 && args.axis == Axis::Features && &trailing != g {
                return Err(bad_input(format!(
                    "--grid {g:?} does not match the input's image shape {trailing:?}"
                )));
            }
            Some(g.clone())
        }
        (None, Axis::Features)
            if trailing.len() >= 2 && args.connectivity.is_none() && args.knn.is_none() =>
        {
            if loaded.nifti.is_none() && !args.quiet {
                eprintln!("note: using the grid {trailing:?} of the input's shape as connectivity");
            }
            Some(trailing.clone())
        }
        (None, _) => mask.as_ref().map(|m| m.inside.shape().to_vec()),
    };
    if let (Some(m), Some(g)) = (&mask, &grid) {
        if m.inside.shape() != g.as_slice() {
            return Err(bad_input(format!(
                "{}: mask shape {:?} does not match the grid {g:?}",
                args.mask
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                m.inside.shape()
            )));
        }
    }
    let layout = Layout {
        grid: grid.clone(),
        mask: mask.as_ref().map(|m| m.inside.clone()),
    };
    let x = layout.to_matrix(loaded.array, args.axis)?;
    let dim = (x.shape()[0], x.shape()[1]);
    let n_points = match args.axis {
        Axis::Features => x.shape()[1],
        Axis::Samples => x.shape()[0],
    };
    let (connectivity, info) = if let Some(g) = &grid {
        let graph = grid_to_graph(g, layout.mask.as_ref().map(|m| m.view()))?;
        let info = ConnectivityInfo {
            kind: "grid".into(),
            grid: Some(g.clone()),
            mask: mask.as_ref().map(|m| MaskInfo {
                file: args
                    .mask
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                shape: m.inside.shape().to_vec(),
                n_inside: m.inside.iter().filter(|&&b| b).count(),
            }),
            file: None,
        };
        (Some(graph), info)
    } else if let Some(k) = args.knn {
        let points = x.to_f64();
        let points = points
            .view()
            .into_dimensionality::<ndarray::Ix2>()
            .expect("laid out as 2-D");
        let points = match args.axis {
            Axis::Features => points.t(),
            Axis::Samples => points,
        };
        let graph =
            kneighbors_graph(points, k).map_err(|e| bad_input(format!("--knn {k}: {e}")))?;
        let info = ConnectivityInfo {
            kind: format!("knn:{k}"),
            grid: None,
            mask: None,
            file: None,
        };
        (Some(graph), info)
    } else if let Some(path) = &args.connectivity {
        let info = ConnectivityInfo {
            kind: "file".into(),
            grid: None,
            mask: None,
            file: Some(path.display().to_string()),
        };
        (Some(read_connectivity(path, n_points)?), info)
    } else {
        let info = ConnectivityInfo {
            kind: "none".into(),
            grid: None,
            mask: None,
            file: None,
        };
        (None, info)
    };
    let plan = Plan {
        loaded_shape: loaded.stored_shape,
        dtype: loaded.dtype,
        nifti: loaded.nifti,
        shape,
        layout,
        mask,
        dim,
        connectivity,
        info,
        copy: loaded.copy.take(),
    };
    Ok((plan, x))
}
