//! `agglo cut`: the labels of a fitted tree at other k, or at a threshold,
//! are those of a refit with that parameter; what cannot be cut is refused.

mod common;

use std::fs;

use common::{agglo, read_i64, refused, stderr, write_digits};
use ndarray::s;

#[test]
fn cuts_are_refits() {
    let dir = tempfile::tempdir().unwrap();
    let digits = write_digits(dir.path()).display().to_string();
    let d = dir.path();
    let fit = |k: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "fit",
            &digits,
            "--grid",
            "8,8",
            "--n-clusters",
            k,
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        let run = agglo(d, &args);
        assert!(run.status.success(), "{}", stderr(&run));
    };
    fit(
        "2",
        "model",
        &["--compute-full-tree", "true", "--compute-distances"],
    );
    let ks = [1usize, 2, 7, 32, 63, 64];
    let list = ks.map(|k| k.to_string()).join(",");
    let run = agglo(
        d,
        &["cut", "model", "--n-clusters", &list, "--out", "sweep.npy"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let sweep = read_i64(d.join("sweep.npy"));
    assert_eq!(sweep.shape(), [ks.len(), 64]);
    for (row, k) in ks.iter().enumerate() {
        let out = format!("refit{k}");
        fit(&k.to_string(), &out, &["--compute-full-tree", "true"]);
        let refit = read_i64(d.join(&out).join("labels.npy"));
        assert_eq!(sweep.slice(s![row, ..]).into_dyn(), refit, "k = {k}");
        // One k: a vector.
        let one = agglo(
            d,
            &[
                "cut",
                "model",
                "--n-clusters",
                &k.to_string(),
                "--out",
                "one.npy",
                "-q",
            ],
        );
        assert!(
            one.status.success() && one.stdout.is_empty(),
            "{}",
            stderr(&one)
        );
        assert_eq!(read_i64(d.join("one.npy")), refit);
    }
    // A threshold: the clusters of a refit with that threshold.
    let run = agglo(
        d,
        &[
            "cut",
            "model",
            "--distance-threshold",
            "25",
            "--out",
            "t.npy",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let run = agglo(
        d,
        &[
            "fit",
            &digits,
            "--grid",
            "8,8",
            "--distance-threshold",
            "25",
            "--out",
            "refit_t",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        read_i64(d.join("t.npy")),
        read_i64(d.join("refit_t/labels.npy"))
    );
}

#[test]
fn what_cannot_be_cut_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let digits = write_digits(dir.path()).display().to_string();
    let d = dir.path();
    for (out, extra) in [("partial", "false"), ("full", "true")] {
        let run = agglo(
            d,
            &[
                "fit",
                &digits,
                "--grid",
                "8,8",
                "--n-clusters",
                "8",
                "--compute-full-tree",
                extra,
                "--out",
                out,
            ],
        );
        assert!(run.status.success(), "{}", stderr(&run));
    }
    refused(
        &agglo(
            d,
            &["cut", "partial", "--n-clusters", "3", "--out", "x.npy"],
        ),
        "the tree stops after 56 of 63 merges",
    );
    refused(
        &agglo(
            d,
            &["cut", "full", "--distance-threshold", "3", "--out", "x.npy"],
        ),
        "no distances.npy, which the tree must have to be cut at its distances; refit with --compute-distances",
    );
    refused(
        &agglo(
            d,
            &["cut", "full", "--n-clusters", "3,65", "--out", "x.npy"],
        ),
        "--n-clusters: cannot provide more clusters than points",
    );
    refused(
        &agglo(d, &["cut", "full", "--n-clusters", "0", "--out", "x.npy"]),
        "--n-clusters: n_clusters must be at least 1",
    );
    refused(
        &agglo(d, &["cut", "full", "--out", "x.npy"]),
        "Exactly one of n_clusters and distance_threshold",
    );
    refused(
        &agglo(d, &["cut", "full", "--n-clusters", "3", "--out", "x.csv"]),
        "agglo cut writes an .npy file",
    );
    refused(
        &agglo(
            d,
            &["cut", "nowhere", "--n-clusters", "3", "--out", "x.npy"],
        ),
        "not a model folder written by agglo fit",
    );
    // A children.npy edited into something that is not a tree.
    fs::copy(d.join("full/labels.npy"), d.join("full/children.npy")).unwrap();
    refused(
        &agglo(d, &["cut", "full", "--n-clusters", "3", "--out", "x.npy"]),
        "expected 63 rows of 2 node ids",
    );
    assert!(!d.join("x.npy").exists() && !d.join("x.csv").exists());
}
