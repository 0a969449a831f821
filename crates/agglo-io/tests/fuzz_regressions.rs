//! Every input the reader fuzzers (`fuzz/`) ever crashed on, kept in
//! `fuzz/regressions/<target>/` and replayed through the same code the
//! fuzz targets run: each must now be refused or read, never panic.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/harness/readers.rs"]
mod readers;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn npy_regressions() {
    replay::replay(&root(), "npy", readers::npy);
}

#[test]
fn npz_regressions() {
    replay::replay(&root(), "npz", readers::npz);
}

#[test]
fn nifti_regressions() {
    replay::replay(&root(), "nifti", readers::nifti);
}

#[test]
fn csv_regressions() {
    replay::replay(&root(), "csv", readers::csv);
}

#[test]
fn image_regressions() {
    replay::replay(&root(), "image", readers::image);
}
