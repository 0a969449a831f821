//! A battery of hostile, broken and unusual files and flags, through the
//! real binary in temporary folders, as a new user would try them.
//!
//! Every bad input must exit with status 2 and an `error:` line naming the
//! file or value at fault, never panic, leave the output folder (or file)
//! exactly as it was and no staging folder behind. Every valid but unusual
//! encoding (Fortran order, big-endian, integers, float32, images as
//! `(n, H, W)`, CSV, `.npz`) must give scikit-learn's labels.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use agglo::datasets::load_digits;
use ndarray::ArrayD;
use ndarray_npy::ReadNpyExt;

mod archives;
mod flags;
mod images;
mod npy;

#[path = "../common/mod.rs"]
mod common;
use common::{agglo, fixtures};

/// An `.npy` file with any header and data.
fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let descr = if descr.starts_with('[') {
        descr.to_string()
    } else {
        format!("'{descr}'")
    };
    let fortran = if fortran { "True" } else { "False" };
    let mut header =
        format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}");
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

/// A zip archive (`.npz`) of named members, stored or deflated.
fn zip(members: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// 10 samples × 64 features of small integers, as little-endian f64.
fn small_table() -> Vec<u8> {
    (0..640)
        .flat_map(|i| f64::from((i * 7 % 17) as u8).to_le_bytes())
        .collect()
}

/// A `save_npz` file of a sparse matrix in coo format.
fn sparse_coo(shape: (i64, i64), rows: &[i32], cols: &[i32]) -> Vec<u8> {
    let shape_bytes: Vec<u8> = [shape.0, shape.1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let ints = |v: &[i32]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let data: Vec<u8> = rows.iter().flat_map(|_| 1.0f64.to_le_bytes()).collect();
    let n = format!("({},)", rows.len());
    zip(
        &[
            ("format.npy", &npy("|S3", false, "()", b"coo")),
            ("shape.npy", &npy("<i8", false, "(2,)", &shape_bytes)),
            ("row.npy", &npy("<i4", false, &n, &ints(rows))),
            ("col.npy", &npy("<i4", false, &n, &ints(cols))),
            ("data.npy", &npy("<f8", false, &n, &data)),
        ],
        false,
    )
}

/// A folder with earlier results in `out/`, and the files of `files`.
struct Scene {
    dir: tempfile::TempDir,
    /// The files of `out/`, written by an earlier fit, with their bytes.
    earlier: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Scene {
    fn new(files: &[(&str, Vec<u8>)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("result.npy"), b"earlier result").unwrap();
        fs::write(
            dir.path().join("ok.npy"),
            npy("<f8", false, "(10, 64)", &small_table()),
        )
        .unwrap();
        // Earlier results that a failed run must leave as they are.
        let earlier = agglo(
            dir.path(),
            &["fit", "ok.npy", "--n-clusters", "2", "--out", "out", "-q"],
        );
        assert!(earlier.status.success(), "{earlier:?}");
        for (name, bytes) in files {
            fs::write(dir.path().join(name), bytes).unwrap();
        }
        let earlier = common::snapshot(&dir.path().join("out"));
        Scene { dir, earlier }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `args` and checks the refusal: status 2, an `error:` line
    /// holding every `expected` text, no panic, nothing written.
    fn refused(&self, args: &[&str], expected: &[&str]) {
        let run = agglo(self.path(), args);
        let err = String::from_utf8_lossy(&run.stderr).into_owned();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let line = err
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{args:?}: no error line in: {err}"));
        for text in expected {
            assert!(
                line.contains(text),
                "{args:?}: expected '{text}' in: {line}"
            );
        }
        assert!(
            common::snapshot(&self.path().join("out")) == self.earlier,
            "{args:?}: the output folder changed"
        );
        assert_eq!(
            fs::read(self.path().join("result.npy")).unwrap(),
            b"earlier result",
            "{args:?}: the output file changed"
        );
        let leftovers: Vec<String> = fs::read_dir(self.path())
            .unwrap()
            .filter_map(std::result::Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("agglo-") || name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{args:?}: left behind {leftovers:?}");
    }

    /// `agglo fit FILE --n-clusters 2 --out out` is refused.
    fn fit_refused(&self, file: &str, expected: &[&str]) {
        self.refused(
            &["fit", file, "--n-clusters", "2", "--out", "out"],
            expected,
        );
    }
}
