//! Every input the `fit` fuzzer (`fuzz/`) ever crashed on, kept in
//! `fuzz/regressions/fit/` and replayed through the same code the fuzz
//! target runs (the bytes decode to data, a graph and parameters): each
//! must now fit or be refused, never panic.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/harness/fit.rs"]
mod fit;

#[test]
fn fit_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/fit");
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
            std::panic::catch_unwind(|| fit::run_bytes(&bytes)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "fit: panicked on {failed:#?}");
}
