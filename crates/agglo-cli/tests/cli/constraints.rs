//! `--on-disconnected` through the binary: a mask in two pieces.

use std::fs;

use ndarray::{Array2, ArrayD};
use ndarray_npy::WriteNpyExt;

use super::common::{agglo, read_i64, refused, stderr};

/// An 8 × 9 grid whose column 4 is masked out: two pieces of 32 pixels.
fn two_pieces(dir: &std::path::Path) {
    let mask = ArrayD::from_shape_fn(vec![8, 9], |i| i[1] != 4);
    mask.write_npy(fs::File::create(dir.join("mask.npy")).unwrap())
        .unwrap();
    let x = Array2::from_shape_fn((5, 64), |(s, f)| {
        ((s * 31 + f * 17) % 23) as f64 + f as f64 * 0.01
    });
    x.write_npy(fs::File::create(dir.join("X.npy")).unwrap())
        .unwrap();
}

#[test]
fn separate_never_merges_across_pieces_and_raise_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    two_pieces(dir.path());
    let fit = |extra: &[&str], out: &str| {
        let mut args = vec![
            "fit", "X.npy", "--grid", "8,9", "--mask", "mask.npy", "--out", out,
        ];
        args.extend_from_slice(extra);
        agglo(dir.path(), &args)
    };
    let run = fit(
        &["--n-clusters", "2", "--on-disconnected", "separate"],
        "separate",
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        !stderr(&run).contains("connected components"),
        "no completion warning"
    );
    let labels = read_i64(dir.path().join("separate/labels.npy"));
    // Left piece: columns 0-3 (4 pixels a row), right piece: columns 5-8.
    let left: Vec<i64> = (0..8)
        .flat_map(|r| (0..4).map(move |c| r * 8 + c))
        .map(|i| labels[i])
        .collect();
    let right: Vec<i64> = (0..8)
        .flat_map(|r| (4..8).map(move |c| r * 8 + c))
        .map(|i| labels[i])
        .collect();
    assert!(left.iter().all(|&l| l == left[0]) && right.iter().all(|&l| l == right[0]));
    assert_ne!(left[0], right[0]);
    let model = fs::read_to_string(dir.path().join("separate/model.json")).unwrap();
    assert!(
        model.contains("\"on_disconnected\": \"separate\""),
        "{model}"
    );

    // scikit-learn's completion merges across the pieces and warns.
    let run = fit(&["--n-clusters", "1"], "complete");
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("2 > 1"), "{}", stderr(&run));

    refused(
        &fit(
            &["--n-clusters", "3", "--on-disconnected", "raise"],
            "raise",
        ),
        "2 connected components (sizes 32, 32)",
    );
    refused(
        &fit(
            &["--n-clusters", "1", "--on-disconnected", "separate"],
            "few",
        ),
        "ask for at least 2",
    );
    refused(
        &fit(
            &["--n-clusters", "3", "--on-disconnected", "sometimes"],
            "bad",
        ),
        "sometimes",
    );
    for out in ["raise", "few", "bad"] {
        assert!(!dir.path().join(out).exists(), "{out}");
    }
}
