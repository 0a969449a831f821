//! Running the real `agglo` binary in a folder and reading what it wrote;
//! shared by the CLI test files.

#![allow(dead_code)] // each test file uses its own part

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use agglo::datasets::load_digits;
use ndarray::ArrayD;
use ndarray_npy::{ReadNpyExt, WriteNpyExt};

/// Runs `agglo` with `args` in `dir`.
pub fn agglo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agglo"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the agglo binary runs")
}

/// `tests/fixtures` at the repository root.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// What the run printed on stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What the run printed on stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An `int64` `.npy` file.
pub fn read_i64(path: impl AsRef<Path>) -> ArrayD<i64> {
    let path = path.as_ref();
    ArrayD::<i64>::read_npy(fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `float64` `.npy` file.
pub fn read_f64(path: impl AsRef<Path>) -> ArrayD<f64> {
    let path = path.as_ref();
    ArrayD::<f64>::read_npy(fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Writes the digits (1797 × 64 float64) as `digits.npy` in `dir`.
pub fn write_digits(dir: &Path) -> PathBuf {
    let path = dir.join("digits.npy");
    load_digits()
        .data
        .write_npy(fs::File::create(&path).unwrap())
        .unwrap();
    path
}

/// Asserts the run was refused as bad input (exit 2) with `needle` in its
/// error and no panic.
pub fn refused(run: &Output, needle: &str) {
    let err = stderr(run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Every file of `dir` with its bytes, by name: a folder's state, to assert
/// that a failed run left it as it was.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
