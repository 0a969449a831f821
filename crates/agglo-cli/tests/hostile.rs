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
}

impl Scene {
    fn new(files: &[(&str, Vec<u8>)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("out")).unwrap();
        fs::write(dir.path().join("out/labels.npy"), b"earlier results").unwrap();
        fs::write(dir.path().join("result.npy"), b"earlier result").unwrap();
        fs::write(
            dir.path().join("ok.npy"),
            npy("<f8", false, "(10, 64)", &small_table()),
        )
        .unwrap();
        for (name, bytes) in files {
            fs::write(dir.path().join(name), bytes).unwrap();
        }
        Scene { dir }
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
        assert_eq!(
            fs::read(self.path().join("out/labels.npy")).unwrap(),
            b"earlier results",
            "{args:?}"
        );
        assert_eq!(
            fs::read_dir(self.path().join("out")).unwrap().count(),
            1,
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

#[test]
fn broken_and_exotic_npy_files_are_refused() {
    let table = small_table();
    let structured = "[('a', '<f8'), ('b', '<i4')]";
    let scene = Scene::new(&[
        (
            "overflow.npy",
            npy(
                "<f8",
                false,
                "(4611686018427387904, 4611686018427387904)",
                &[],
            ),
        ),
        (
            "too_big.npy",
            npy("<f8", false, "(100000000, 100000)", &[0; 64]),
        ),
        ("zero_samples.npy", npy("<f8", false, "(0, 64)", &[])),
        ("zero_features.npy", npy("<f8", false, "(10, 0)", &[])),
        ("empty_1d.npy", npy("<f8", false, "(0,)", &[])),
        ("scalar.npy", npy("<f8", false, "()", &[0; 8])),
        ("complex.npy", npy("<c8", false, "(2, 2)", &[0; 32])),
        ("object.npy", npy("|O", false, "(2, 2)", &[0; 32])),
        ("unicode.npy", npy("<U5", false, "(2, 2)", &[0; 80])),
        ("bytes.npy", npy("|S4", false, "(2, 2)", &[0; 16])),
        ("structured.npy", npy(structured, false, "(2, 2)", &[0; 48])),
        ("half.npy", npy("<f2", false, "(2, 2)", &[0; 8])),
        ("datetime.npy", npy("<M8[ns]", false, "(2, 2)", &[0; 32])),
        ("longdouble.npy", npy("<f16", false, "(2, 2)", &[0; 64])),
        ("not_ascii.npy", npy("\u{112}8", false, "(2, 1)", &[0; 16])),
        ("padded.npy", npy("<f8", false, "(2, 2)", &[0; 40])),
        (
            "truncated.npy",
            npy("<f8", false, "(10, 64)", &table[..table.len() / 2]),
        ),
        (
            "header_cut.npy",
            npy("<f8", false, "(10, 64)", &table)[..40].to_vec(),
        ),
        ("version9.npy", {
            let mut b = npy("<f8", false, "(10, 64)", &table);
            b[6] = 9;
            b
        }),
        (
            "binary_header.npy",
            [&b"\x93NUMPY\x01\x00\x10\x00"[..], &[0xff; 16]].concat(),
        ),
        ("fortran_maybe.npy", {
            let mut bytes = npy("<f8", false, "(2, 2)", &[0; 32]);
            let at = bytes.windows(5).position(|w| w == b"False").unwrap();
            bytes[at..at + 5].copy_from_slice(b"Maybe");
            bytes
        }),
        (
            "nan32.npy",
            npy(
                "<f4",
                false,
                "(2, 2)",
                &[0, 0, 0, 0, 0, 0, 0xc0, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
        ),
        ("one_feature.npy", npy("<f8", false, "(5, 1)", &[0; 40])),
        ("one_d.npy", npy("<f8", false, "(3,)", &[0; 24])),
    ]);
    for (file, expected) in [
        ("overflow.npy", vec!["overflow.npy", "overflows"]),
        (
            "too_big.npy",
            vec!["too_big.npy", "[100000000, 100000]", "holds 64 bytes"],
        ),
        ("zero_samples.npy", vec!["number of samples: found 0"]),
        ("zero_features.npy", vec!["number of features: found 0"]),
        ("empty_1d.npy", vec!["empty_1d.npy", "got shape [0]"]),
        ("scalar.npy", vec!["scalar.npy", "got shape []"]),
        ("complex.npy", vec!["complex.npy", "complex dtype '<c8'"]),
        ("object.npy", vec!["object.npy", "'|O'"]),
        ("unicode.npy", vec!["unicode.npy", "'<U5'"]),
        ("bytes.npy", vec!["bytes.npy", "'|S4'"]),
        ("structured.npy", vec!["structured.npy", "structured dtype"]),
        ("half.npy", vec!["half.npy", "'<f2'"]),
        ("datetime.npy", vec!["datetime.npy", "'<M8[ns]'"]),
        ("longdouble.npy", vec!["longdouble.npy", "'<f16'"]),
        ("not_ascii.npy", vec!["not_ascii.npy", "Ē8"]),
        ("padded.npy", vec!["padded.npy", "holds 40 bytes"]),
        ("truncated.npy", vec!["truncated.npy", "truncated"]),
        ("header_cut.npy", vec!["header_cut.npy", "truncated"]),
        ("version9.npy", vec!["version9.npy", "version 9"]),
        ("binary_header.npy", vec!["binary_header.npy", "not text"]),
        ("fortran_maybe.npy", vec!["fortran_maybe.npy", "Maybe"]),
        (
            "nan32.npy",
            vec!["non-finite value (NaN) at row 0, column 1"],
        ),
        ("one_feature.npy", vec!["number of features: found 1"]),
        ("one_d.npy", vec!["one_d.npy", "got shape [3]"]),
    ] {
        scene.fit_refused(file, &expected);
    }
    // As a mask, a connectivity graph, or data for a saved model.
    scene.refused(
        &[
            "fit",
            "ok.npy",
            "--grid",
            "8,8",
            "--mask",
            "complex.npy",
            "--n-clusters",
            "2",
            "--out",
            "out",
        ],
        &["complex.npy", "complex dtype"],
    );
    scene.refused(
        &[
            "fit",
            "ok.npy",
            "--connectivity",
            "overflow.npy",
            "--n-clusters",
            "2",
            "--out",
            "out",
        ],
        &["overflow.npy", "overflows"],
    );
    scene.refused(
        &[
            "fit",
            "ok.npy",
            "--connectivity",
            "truncated.npy",
            "--n-clusters",
            "2",
            "--out",
            "out",
        ],
        &["truncated.npy", "truncated"],
    );
}

#[test]
fn broken_npz_and_sparse_files_are_refused() {
    let x = npy("<f8", false, "(10, 64)", &small_table());
    let good = zip(&[("x.npy", &x)], true);
    let mut corrupt = good.clone();
    corrupt[60..70].fill(0xff);
    let sparse = sparse_coo((64, 64), &[0, 1], &[1, 2]);
    // The uncompressed size the central directory declares for `x.npy`.
    let declaring = |size: u32| {
        let mut bytes = good.clone();
        let at = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap() + 24;
        bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
        bytes
    };
    let scene = Scene::new(&[
        ("good.npz", good.clone()),
        ("truncated.npz", good[..good.len() / 2].to_vec()),
        ("corrupt.npz", corrupt),
        ("bomb.npz", declaring(0xF000_0000)),
        ("undersized.npz", declaring(100)),
        ("two.npz", zip(&[("x.npy", &x), ("y.npy", &x)], false)),
        ("empty.npz", zip(&[], false)),
        ("text_member.npz", zip(&[("x.npy", b"hello")], false)),
        (
            "complex_member.npz",
            zip(&[("x.npy", &npy("<c16", false, "(2, 2)", &[0; 64]))], false),
        ),
        ("sparse_truncated.npz", sparse[..sparse.len() - 30].to_vec()),
        ("sparse_negative.npz", sparse_coo((64, 64), &[-1], &[2])),
        ("sparse_out_of_range.npz", sparse_coo((64, 64), &[0], &[64])),
        ("sparse_rectangular.npz", sparse_coo((64, 63), &[0], &[1])),
        ("sparse_small.npz", sparse_coo((10, 10), &[0], &[1])),
        (
            "sparse_bsr.npz",
            zip(
                &[
                    ("format.npy", &npy("|S3", false, "()", b"bsr")),
                    (
                        "shape.npy",
                        &npy(
                            "<i8",
                            false,
                            "(2,)",
                            &[64, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0],
                        ),
                    ),
                    ("data.npy", &npy("<f8", false, "(0,)", &[])),
                ],
                false,
            ),
        ),
        (
            "sparse_no_shape.npz",
            zip(&[("format.npy", &npy("|S3", false, "()", b"csr"))], false),
        ),
        (
            "sparse_huge_shape.npz",
            sparse_coo((1 << 62, 1 << 62), &[0], &[1]),
        ),
    ]);
    for (file, expected) in [
        ("truncated.npz", vec!["truncated.npz", "not a valid .npz"]),
        ("corrupt.npz", vec!["corrupt.npz", "cannot decompress 'x'"]),
        ("bomb.npz", vec!["bomb.npz", "declares 4026531840 bytes"]),
        (
            "undersized.npz",
            vec!["undersized.npz", "more than the 100 bytes"],
        ),
        ("two.npz", vec!["two.npz", "2 arrays (x, y)", "--key"]),
        ("empty.npz", vec!["empty.npz", "0 arrays"]),
        (
            "text_member.npz",
            vec!["text_member.npz:x", "not a NumPy .npy file"],
        ),
        (
            "complex_member.npz",
            vec!["complex_member.npz:x", "complex dtype"],
        ),
    ] {
        scene.fit_refused(file, &expected);
    }
    scene.refused(
        &[
            "fit",
            "good.npz",
            "--key",
            "nope",
            "--n-clusters",
            "2",
            "--out",
            "out",
        ],
        &["good.npz", "no array named 'nope'", "x"],
    );
    scene.refused(
        &[
            "fit",
            "ok.npy",
            "--key",
            "x",
            "--n-clusters",
            "2",
            "--out",
            "out",
        ],
        &["ok.npy", "--key applies to .npz"],
    );
    for (file, expected) in [
        (
            "sparse_truncated.npz",
            vec!["sparse_truncated.npz", "not a valid .npz"],
        ),
        ("sparse_negative.npz", vec!["sparse_negative.npz", "-1"]),
        (
            "sparse_out_of_range.npz",
            vec!["sparse_out_of_range.npz", "(0, 64) is out of range"],
        ),
        (
            "sparse_rectangular.npz",
            vec!["sparse_rectangular.npz", "(64, 63)"],
        ),
        (
            "sparse_small.npz",
            vec!["sparse_small.npz", "(10, 10)", "64 points"],
        ),
        (
            "sparse_bsr.npz",
            vec!["sparse_bsr.npz", "format 'bsr' is not supported"],
        ),
        (
            "sparse_no_shape.npz",
            vec!["sparse_no_shape.npz", "'shape' is missing"],
        ),
        (
            "sparse_huge_shape.npz",
            vec!["sparse_huge_shape.npz", "64 points"],
        ),
        ("good.npz", vec!["good.npz", "member 'format' is missing"]),
    ] {
        scene.refused(
            &[
                "fit",
                "ok.npy",
                "--connectivity",
                file,
                "--n-clusters",
                "2",
                "--out",
                "out",
            ],
            &expected,
        );
    }
}

/// The fixture volume (9 × 8 × 7 float64) with its header bytes patched.
fn nifti_volume(patch: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = gunzip(&fs::read(fixtures().join("realdata/volume3d.nii.gz")).unwrap());
    patch(&mut bytes);
    bytes
}

fn set_i16(bytes: &mut [u8], at: usize, values: &[i16]) {
    for (k, v) in values.iter().enumerate() {
        bytes[at + 2 * k..at + 2 * k + 2].copy_from_slice(&v.to_le_bytes());
    }
}

#[test]
fn broken_nifti_files_are_refused_before_allocating() {
    let volume = nifti_volume(|_| {});
    let huge = nifti_volume(|b| set_i16(b, 40, &[4, 32767, 32767, 32767, 32767, 1, 1, 1]));
    let scene = Scene::new(&[
        ("volume.nii", volume.clone()),
        ("truncated.nii.gz", gzip(&volume)[..2000].to_vec()),
        ("short_data.nii", volume[..volume.len() - 100].to_vec()),
        ("short_data.nii.gz", gzip(&volume[..volume.len() - 100])),
        ("header_cut.nii", volume[..200].to_vec()),
        ("huge_dims.nii", huge.clone()),
        ("huge_dims.nii.gz", gzip(&huge)),
        ("complex.nii", nifti_volume(|b| set_i16(b, 70, &[32, 64]))),
        ("rgb.nii", nifti_volume(|b| set_i16(b, 70, &[128, 24]))),
        ("bitpix.nii", nifti_volume(|b| set_i16(b, 72, &[8]))),
        ("rank9.nii", nifti_volume(|b| set_i16(b, 40, &[9]))),
        ("zero_dim.nii", nifti_volume(|b| set_i16(b, 42, &[0]))),
        (
            "pair.nii",
            nifti_volume(|b| b[344..348].copy_from_slice(b"ni1\0")),
        ),
        (
            "extension.nii",
            nifti_volume(|b| {
                b[348] = 1;
                b[108..112].copy_from_slice(&368f32.to_le_bytes());
                b[352..356].copy_from_slice(&(1i32 << 30).to_le_bytes());
            }),
        ),
        (
            "five_d.nii",
            nifti_volume(|b| set_i16(b, 40, &[5, 3, 2, 2, 7, 2, 1, 1])),
        ),
        ("noise.nii", (0..=255u8).cycle().take(1000).collect()),
        ("noise.nii.gz", [&[0x1f, 0x8b][..], &[7; 500]].concat()),
    ]);
    for (file, expected) in [
        (
            "truncated.nii.gz",
            vec!["truncated.nii.gz", "cannot decompress"],
        ),
        (
            "short_data.nii",
            vec!["short_data.nii", "[9, 8, 7]", "4032 bytes", "truncated"],
        ),
        (
            "short_data.nii.gz",
            vec!["short_data.nii.gz", "4032 bytes", "truncated"],
        ),
        (
            "header_cut.nii",
            vec!["header_cut.nii", "shorter than a header"],
        ),
        (
            "huge_dims.nii",
            vec!["huge_dims.nii", "[32767, 32767, 32767, 32767]"],
        ),
        (
            "huge_dims.nii.gz",
            vec![
                "huge_dims.nii.gz",
                "[32767, 32767, 32767, 32767]",
                "more than",
            ],
        ),
        (
            "complex.nii",
            vec!["complex.nii", "Complex64 is not supported"],
        ),
        ("rgb.nii", vec!["rgb.nii", "Rgb24 is not supported"]),
        ("bitpix.nii", vec!["bitpix.nii", "bitpix is 8"]),
        ("rank9.nii", vec!["rank9.nii", "dim[0]"]),
        (
            "zero_dim.nii",
            vec!["zero_dim.nii", "bad dimensions [3, 0, 8, 7"],
        ),
        ("pair.nii", vec!["pair.nii", ".hdr/.img"]),
        (
            "extension.nii",
            vec!["extension.nii", "extension announces 1073741824 bytes"],
        ),
        ("five_d.nii", vec!["five_d.nii", "5 dimensions"]),
        ("noise.nii", vec!["noise.nii", "not a readable NIfTI image"]),
        ("noise.nii.gz", vec!["noise.nii.gz", "cannot decompress"]),
    ] {
        scene.fit_refused(file, &expected);
    }
    let series = fixtures().join("realdata/series.nii.gz");
    let series = series.to_str().unwrap();
    for (mask, expected) in [
        ("huge_dims.nii.gz", vec!["huge_dims.nii.gz", "more than"]),
        (
            "volume.nii",
            vec!["volume.nii", "a mask must hold two values"],
        ),
        (
            "missing_mask.nii.gz",
            vec!["missing_mask.nii.gz", "no such file"],
        ),
    ] {
        scene.refused(
            &[
                "fit",
                series,
                "--mask",
                mask,
                "--n-clusters",
                "2",
                "--out",
                "out",
            ],
            &expected,
        );
    }
}

#[test]
fn broken_csv_files_are_refused() {
    let scene = Scene::new(&[
        ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n".to_vec()),
        ("text.csv", b"1,2,3\n4,x,6\n".to_vec()),
        ("empty.csv", Vec::new()),
        ("header_only.csv", b"a,b,c\n".to_vec()),
        ("nan.csv", b"1,2,3\n4,nan,6\n".to_vec()),
        ("inf.tsv", b"1\t2\t3\n4\t-inf\t6\n".to_vec()),
        ("commas.tsv", b"1,2,3\n4,5,6\n".to_vec()),
        ("binary.csv", (0..=255u8).cycle().take(1024).collect()),
    ]);
    for (file, expected) in [
        ("ragged.csv", vec!["ragged.csv", "2 fields"]),
        (
            "text.csv",
            vec!["text.csv", "line 2, column 2: 'x' is not a number"],
        ),
        ("empty.csv", vec!["empty.csv", "holds no numbers"]),
        (
            "header_only.csv",
            vec!["header_only.csv", "holds no numbers"],
        ),
        ("nan.csv", vec!["non-finite value (NaN) at row 1, column 1"]),
        (
            "inf.tsv",
            vec!["non-finite value (-inf) at row 1, column 1"],
        ),
        ("commas.tsv", vec!["commas.tsv", "'4,5,6' is not a number"]),
        ("binary.csv", vec!["binary.csv", "is not a number"]),
    ] {
        scene.fit_refused(file, &expected);
    }
}

#[test]
fn missing_files_and_bad_flags_are_refused() {
    let scene = Scene::new(&[("mask_empty.npy", npy("|b1", false, "(8, 8)", &[0; 64]))]);
    let fit = |extra: &[&str], expected: &[&str]| {
        let mut args = vec!["fit", "ok.npy", "--out", "out"];
        args.extend_from_slice(extra);
        scene.refused(&args, expected);
    };
    scene.fit_refused("missing.npy", &["cannot read missing.npy"]);
    scene.fit_refused("missing.nii.gz", &["missing.nii.gz", "no such file"]);
    scene.fit_refused("missing.csv", &["cannot read missing.csv"]);
    fit(
        &[
            "--grid",
            "8,8",
            "--mask",
            "missing.npy",
            "--n-clusters",
            "2",
        ],
        &["cannot read missing.npy"],
    );
    fit(
        &["--connectivity", "missing.npz", "--n-clusters", "2"],
        &["cannot read missing.npz"],
    );
    fit(
        &["--n-clusters", "abc"],
        &["invalid value 'abc' for '--n-clusters <K>'"],
    );
    fit(&["--n-clusters", "-2"], &["unexpected argument '-2'"]);
    fit(
        &["--n-clusters", "2", "--grid", "8,x"],
        &["invalid value 'x'"],
    );
    fit(
        &["--n-clusters", "2", "--grid", "8,8", "--knn", "3"],
        &["'--grid <H,W[,D]>...' cannot be used with '--knn <K>'"],
    );
    fit(
        &["--n-clusters", "2", "--linkage", "centroid"],
        &["invalid value 'centroid'"],
    );
    fit(
        &["--n-clusters", "2", "--metric", "hamming"],
        &["invalid value 'hamming'"],
    );
    fit(
        &["--n-clusters", "2", "--pooling", "mode"],
        &["invalid value 'mode'"],
    );
    fit(
        &["--n-clusters", "2", "--axis", "diagonal"],
        &["invalid value 'diagonal'"],
    );
    fit(
        &["--n-clusters", "2", "--compute-full-tree", "maybe"],
        &["invalid value 'maybe'"],
    );
    fit(&["--distance-threshold", "nan"], &["got NaN"]);
    fit(&["--distance-threshold", "inf"], &["got inf"]);
    fit(&["--distance-threshold", "-0.5"], &["got -0.5"]);
    fit(&["--n-clusters", "0"], &["at least 1, got 0"]);
    fit(
        &["--n-clusters", "65"],
        &["n_clusters is 65, but there are 64 points"],
    );
    // The largest number clap accepts (the memory estimate must not overflow).
    fit(
        &["--n-clusters", "18446744073709551615"],
        &["n_clusters is 18446744073709551615, but there are 64 points"],
    );
    fit(&["--n-clusters", "2", "--knn", "0"], &["--knn 0"]);
    fit(&["--n-clusters", "2", "--knn", "64"], &["--knn 64"]);
    fit(
        &["--n-clusters", "2", "--metric", "precomputed"],
        &["ward can only work with euclidean"],
    );
    fit(
        &[
            "--n-clusters",
            "2",
            "--linkage",
            "average",
            "--metric",
            "precomputed",
        ],
        &["(64, 10)"],
    );
    fit(
        &["--n-clusters", "2", "--grid", "8,8", "--figure", "fig.gif"],
        &["fig.gif", "'.gif'"],
    );
    fit(
        &[
            "--n-clusters",
            "1",
            "--grid",
            "8,8",
            "--mask",
            "mask_empty.npy",
        ],
        &["number of features: found 0"],
    );
    fit(
        &["--n-clusters", "2", "--unknown-option"],
        &["unexpected argument '--unknown-option'"],
    );
    scene.refused(&["fit"], &["required arguments were not provided"]);
    scene.refused(&["fits", "ok.npy"], &["unrecognized subcommand 'fits'"]);
    scene.refused(
        &["--n-clusters", "2"],
        &["unexpected argument '--n-clusters'"],
    );
}

#[test]
fn saved_models_refuse_broken_folders_and_data() {
    let scene = Scene::new(&[
        ("zero_samples.npy", npy("<f8", false, "(0, 64)", &[])),
        ("zero_reduced.npy", npy("<f8", false, "(0, 4)", &[])),
        ("wide.npy", npy("<f8", false, "(1, 65)", &[0; 520])),
        ("nan.csv", b"1,2,3,4\n5,nan,7,8\n".to_vec()),
        ("reduced_3d.npy", npy("<f8", false, "(1, 2, 2)", &[0; 32])),
        ("reduced.npy", npy("<f8", false, "(2, 4)", &[0; 64])),
    ]);
    let d = scene.path();
    let fit = agglo(
        d,
        &["fit", "ok.npy", "--n-clusters", "4", "--out", "model", "-q"],
    );
    assert!(
        fit.status.success(),
        "{}",
        String::from_utf8_lossy(&fit.stderr)
    );
    let broken = |name: &str, edit: &dyn Fn(&Path)| {
        let dir = d.join(name);
        fs::create_dir(&dir).unwrap();
        for entry in fs::read_dir(d.join("model")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
        edit(&dir);
    };
    broken("bad_json", &|dir| {
        fs::write(dir.join("model.json"), b"{\"oops").unwrap();
    });
    broken("bad_labels", &|dir| {
        let bytes = fs::read(dir.join("labels.npy")).unwrap();
        fs::write(dir.join("labels.npy"), &bytes[..50]).unwrap();
    });
    broken("no_labels", &|dir| {
        fs::remove_file(dir.join("labels.npy")).unwrap();
    });
    broken("float_labels", &|dir| {
        let labels: Vec<u8> = (0..64)
            .flat_map(|i| (f64::from(i % 4) + 0.5).to_le_bytes())
            .collect();
        fs::write(dir.join("labels.npy"), npy("<f8", false, "(64,)", &labels)).unwrap();
    });
    let apply = |command: &str, input: &str, model: &str, expected: &[&str]| {
        scene.refused(
            &[command, input, "--model", model, "--out", "result.npy"],
            expected,
        );
    };
    apply(
        "transform",
        "ok.npy",
        "missing_model",
        &["--model missing_model", "no model.json"],
    );
    apply(
        "transform",
        "ok.npy",
        "bad_json",
        &["model.json", "not a valid agglo model"],
    );
    apply(
        "transform",
        "ok.npy",
        "bad_labels",
        &["labels.npy", "truncated"],
    );
    apply("transform", "ok.npy", "no_labels", &["labels.npy"]);
    apply(
        "transform",
        "ok.npy",
        "float_labels",
        &["labels.npy", "0.5 is not a label"],
    );
    apply(
        "transform",
        "missing.npy",
        "model",
        &["cannot read missing.npy"],
    );
    apply(
        "transform",
        "zero_samples.npy",
        "model",
        &["zero_samples.npy", "number of samples: found 0"],
    );
    apply(
        "transform",
        "wide.npy",
        "model",
        &["wide.npy", "65 features", "expecting 64"],
    );
    apply("transform", "nan.csv", "model", &["nan.csv"]);
    apply(
        "inverse-transform",
        "zero_reduced.npy",
        "model",
        &["zero_reduced.npy", "no samples"],
    );
    apply(
        "inverse-transform",
        "ok.npy",
        "model",
        &["ok.npy", "64 columns", "4 clusters"],
    );
    apply(
        "inverse-transform",
        "nan.csv",
        "model",
        &["nan.csv", "non-finite value (NaN) at row 1, column 1"],
    );
    apply(
        "inverse-transform",
        "reduced_3d.npy",
        "model",
        &["reduced_3d.npy", "[1, 2, 2]"],
    );
    scene.refused(
        &[
            "transform",
            "ok.npy",
            "--model",
            "model",
            "--out",
            "result.bogus",
        ],
        &["result.bogus", "'.bogus'"],
    );
    scene.refused(
        &[
            "inverse-transform",
            "reduced.npy",
            "--model",
            "model",
            "--out",
            "missing_dir/result.npy",
        ],
        &["missing_dir"],
    );
}

/// The digits in another encoding: `descr`, Fortran order or not, and the
/// bytes of one value.
fn digits_as(descr: &str, fortran: bool, shape: &str, value: impl Fn(f64) -> Vec<u8>) -> Vec<u8> {
    let data = load_digits().data;
    let ordered: Vec<f64> = if fortran {
        data.t().iter().copied().collect()
    } else {
        data.iter().copied().collect()
    };
    let bytes: Vec<u8> = ordered.into_iter().flat_map(value).collect();
    npy(descr, fortran, shape, &bytes)
}

#[test]
fn unusual_valid_encodings_give_scikit_learns_labels() {
    let seed = fixtures().join("cases/seed_digits_ward_32");
    let expected =
        ArrayD::<i64>::read_npy(fs::File::open(seed.join("labels.npy")).unwrap()).unwrap();
    let table = "(1797, 64)";
    let images = "(1797, 8, 8)";
    let data = load_digits().data;
    let csv: String = data
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    let f64_le = |v: f64| v.to_le_bytes().to_vec();
    let scene = Scene::new(&[
        ("f64_fortran.npy", digits_as("<f8", true, table, f64_le)),
        (
            "f64_big_endian.npy",
            digits_as(">f8", false, table, |v| v.to_be_bytes().to_vec()),
        ),
        (
            "f64_big_fortran.npy",
            digits_as(">f8", true, table, |v| v.to_be_bytes().to_vec()),
        ),
        (
            "f32.npy",
            digits_as("<f4", false, table, |v| (v as f32).to_le_bytes().to_vec()),
        ),
        (
            "f32_big_fortran.npy",
            digits_as(">f4", true, table, |v| (v as f32).to_be_bytes().to_vec()),
        ),
        (
            "i64.npy",
            digits_as("<i8", false, table, |v| (v as i64).to_le_bytes().to_vec()),
        ),
        (
            "i16_big.npy",
            digits_as(">i2", true, table, |v| (v as i16).to_be_bytes().to_vec()),
        ),
        ("u8.npy", digits_as("|u1", false, table, |v| vec![v as u8])),
        (
            "images_f32_big.npy",
            digits_as(">f4", false, images, |v| (v as f32).to_be_bytes().to_vec()),
        ),
        (
            "images_u8.npy",
            digits_as("|u1", false, images, |v| vec![v as u8]),
        ),
        ("digits.csv", csv.clone().into_bytes()),
        (
            "digits_header.csv",
            (format!(
                "{}\n",
                (0..64)
                    .map(|i| format!("pixel_{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ) + &csv)
                .into_bytes(),
        ),
        (
            "digits.npz",
            zip(
                &[("digits.npy", &digits_as("<f8", false, table, f64_le))],
                true,
            ),
        ),
    ]);
    for (file, grid) in [
        ("f64_fortran.npy", true),
        ("f64_big_endian.npy", true),
        ("f64_big_fortran.npy", true),
        ("f32.npy", true),
        ("f32_big_fortran.npy", true),
        ("i64.npy", true),
        ("i16_big.npy", true),
        ("u8.npy", true),
        ("images_f32_big.npy", false),
        ("images_u8.npy", false),
        ("digits.csv", true),
        ("digits_header.csv", true),
        ("digits.npz", true),
    ] {
        let out = format!("out_{file}");
        let mut args = vec!["fit", file, "--n-clusters", "32", "--out", &out, "-q"];
        if grid {
            args.extend(["--grid", "8,8"]);
        }
        let run = agglo(scene.path(), &args);
        assert!(
            run.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let labels = ArrayD::<i64>::read_npy(
            fs::File::open(scene.path().join(&out).join("labels.npy")).unwrap(),
        )
        .unwrap();
        assert_eq!(labels, expected, "{file}");
    }
}
