//! The real `agglo` binary, run in temporary folders: outputs against
//! scikit-learn's fixtures, figures, and refusals of bad input.

use std::fs;
use std::path::Path;

use agglo::datasets::load_digits;
use ndarray::{Array1, Array2, ArrayD};
use ndarray_npy::WriteNpyExt;
use serde_json::Value;

mod constraints;
mod dendrogram;
mod file_systems;
mod fixtures;
mod images;
mod journal;
mod refusals;
mod rena;
mod runs;
mod safety;
mod scripting;

#[path = "../common/mod.rs"]
mod common;
use common::{agglo, fixtures, read_f64, read_i64, refused, stderr, stdout, write_digits};

pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn digits_writes_the_figure_into_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = agglo(dir.path(), &["digits"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("64 features → 32 clusters"), "{text}");
    assert!(text.contains("reconstruction error"), "{text}");
    let png = fs::read(dir.path().join("digits_agglomeration.png")).unwrap();
    assert_eq!(png_size(&png), (400, 350));

    let out = agglo(
        dir.path(),
        &["digits", "--n-clusters", "10", "--output", "fig.svg"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = fs::read_to_string(dir.path().join("fig.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(stdout(&out).contains("64 features → 10 clusters"));
}

#[test]
fn digits_refuses_bad_values_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (vec!["digits", "--n-clusters", "0"], "between 1 and 64"),
        (vec!["digits", "--n-clusters", "65"], "got 65"),
        (vec!["digits", "--output", "fig.jpg"], "not '.jpg'"),
        (
            vec!["digits", "--output", "missing/fig.png"],
            "does not exist",
        ),
        (vec!["digits", "--n-clusters", "-3"], "-3 is negative"),
    ] {
        let out = agglo(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// An `.npy` file with any header, for dtypes ndarray-npy does not write.
fn raw_npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}
