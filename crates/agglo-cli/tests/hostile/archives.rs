//! Hostile `.npz` archives, scipy.sparse files and CSV tables.

use super::*;

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
