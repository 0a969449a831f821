//! Turning the files a user names into data, masks and graphs.

use std::path::Path;

use agglo::Connectivity;
use anyhow::Result;
use ndarray::ArrayD;

use crate::bad_input;
use crate::npy::{read_file, read_numeric};
use crate::npz::read_sparse_connectivity;

/// Reads a mask: a boolean array, or numbers that are all 0 or 1.
///
/// # Errors
/// An unreadable file, or a value other than 0 and 1.
pub fn read_mask(path: &Path) -> Result<ArrayD<bool>> {
    let name = path.display().to_string();
    let (array, _) = read_numeric(&read_file(path)?, &name)?;
    let values = array.to_f64();
    if let Some(bad) = values.iter().find(|&&v| v != 0.0 && v != 1.0) {
        return Err(bad_input(format!(
            "{name}: a mask must hold booleans or 0/1, found the value {bad}"
        )));
    }
    Ok(values.mapv(|v| v == 1.0))
}

/// Reads a connectivity graph over `n_points` points: a scipy.sparse
/// `save_npz` file, or an `.npy` edge list of shape (E, 2).
///
/// # Errors
/// An unreadable file, a matrix of the wrong size, edges out of range.
pub fn read_connectivity(path: &Path, n_points: usize) -> Result<Connectivity> {
    let name = path.display().to_string();
    let bytes = read_file(path)?;
    let graph = if bytes.starts_with(b"PK") {
        read_sparse_connectivity(&bytes, &name)?
    } else {
        let (array, _) = read_numeric(&bytes, &name)?;
        let edges = array.to_f64();
        if edges.ndim() != 2 || edges.shape()[1] != 2 {
            return Err(bad_input(format!(
                "{name}: an edge list must have shape (E, 2), got {:?}",
                edges.shape()
            )));
        }
        let mut pairs = Vec::with_capacity(edges.shape()[0]);
        for row in edges.rows() {
            let (a, b) = (row[0], row[1]);
            for v in [a, b] {
                if v < 0.0 || v.fract() != 0.0 {
                    return Err(bad_input(format!(
                        "{name}: edge ({a}, {b}) has a node id that is not a non-negative integer"
                    )));
                }
            }
            pairs.push((a as usize, b as usize));
        }
        Connectivity::from_edges(n_points, &pairs).map_err(|e| bad_input(format!("{name}: {e}")))?
    };
    if graph.n_nodes() != n_points {
        return Err(bad_input(format!(
            "{name}: the connectivity matrix has shape ({0}, {0}), but there are {n_points} points to cluster",
            graph.n_nodes()
        )));
    }
    Ok(graph)
}
