//! What the reader fuzz targets do with one input, shared with the
//! regression tests of `crates/agglo-cli/tests/fuzz_regressions.rs` (which
//! include this file). Errors are expected; panics, hangs and huge
//! allocations are bugs.

// Each reader target calls one of these.
#![allow(dead_code)]

use std::path::Path;

/// `.npy` bytes: the header parser and the numeric reader.
pub fn npy(bytes: &[u8]) {
    let _ = agglo_cli::npy::parse_header(bytes);
    if let Ok((array, header)) = agglo_cli::npy::read_numeric(bytes, "fuzz.npy") {
        assert_eq!(array.shape(), &header.shape[..]);
    }
}

/// `.npz` bytes: the zip members, and the scipy.sparse connectivity reader.
pub fn npz(bytes: &[u8]) {
    if let Ok(members) = agglo_cli::npz::read_members(bytes, "fuzz.npz") {
        for (key, member) in &members {
            let _ = agglo_cli::npy::read_numeric(member, key);
        }
    }
    if let Ok(graph) = agglo_cli::npz::read_sparse_connectivity(bytes, "fuzz.npz") {
        for (row, col) in graph.entries() {
            assert!(row < graph.n_nodes() && col < graph.n_nodes());
        }
    }
}

/// NIfTI-1 bytes (`.nii`, or `.nii.gz` when gzipped).
pub fn nifti(bytes: &[u8]) {
    if let Ok(image) = agglo_cli::nifti_io::read_nifti_bytes(bytes, "fuzz.nii") {
        let _ = image.samples_first("fuzz.nii");
        let _ = image.spatial_shape();
    }
}

/// CSV or TSV text; the first byte picks the delimiter the name implies.
pub fn csv(bytes: &[u8]) {
    let Some((&pick, text)) = bytes.split_first() else {
        return;
    };
    let path = Path::new(if pick % 2 == 0 {
        "fuzz.csv"
    } else {
        "fuzz.tsv"
    });
    if let Ok((table, _)) = agglo_cli::csv_io::read_csv(text, path) {
        assert!(table.nrows() > 0 && table.ncols() > 0);
    }
}
