//! Replays every kept crashing input of one fuzz target, for the
//! regression tests of `crates/agglo/tests/fuzz_regressions.rs` and
//! `crates/agglo-io/tests/fuzz_regressions.rs` (which include this file).

use std::path::{Path, PathBuf};

/// Runs `target` on every file of `fuzz/regressions/<name>/` (`root` is the
/// repository), asserting that none panics.
pub fn replay(root: &Path, name: &str, target: fn(&[u8])) {
    let dir = root.join("fuzz/regressions").join(name);
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
