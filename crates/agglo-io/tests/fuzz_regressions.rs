//! Every input the reader fuzzers (`fuzz/`) ever crashed on, kept in
//! `fuzz/regressions/<target>/` and replayed through the same code the
//! fuzz targets run: each must now be refused or read, never panic.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/harness/readers.rs"]
mod readers;

/// Runs `target` on every file of `fuzz/regressions/<name>/`, collecting
/// the files that panic.
fn replay(name: &str, target: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        // `.keep` holds the folder in git.
        .filter(|path| {
            path.is_file() && !path.file_name().unwrap().to_string_lossy().starts_with('.')
        })
        .collect();
    files.sort();
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap();
            std::panic::catch_unwind(|| target(&bytes)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{name}: panicked on {failed:#?}");
}

#[test]
fn npy_regressions() {
    replay("npy", readers::npy);
}

#[test]
fn npz_regressions() {
    replay("npz", readers::npz);
}

#[test]
fn nifti_regressions() {
    replay("nifti", readers::nifti);
}

#[test]
fn csv_regressions() {
    replay("csv", readers::csv);
}
