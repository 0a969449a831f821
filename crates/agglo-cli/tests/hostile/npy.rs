//! Hostile and unusual `.npy` files.

use super::*;

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
