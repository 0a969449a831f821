//! `agglo fit --method rena` against nilearn's ReNA (the fixtures of
//! `tests/fixtures/rena`), saved ReNA models applied again, and the flags
//! that do not go with it.

use std::fs;

use super::common::{agglo, fixtures, read_f64, read_i64, refused, stdout};

fn copy_case(dir: &std::path::Path, name: &str) {
    let case = fixtures().join("rena").join(name);
    for file in ["X.npy", "mask.npy"] {
        fs::copy(case.join(file), dir.join(file)).unwrap();
    }
}

#[test]
fn rena_fits_give_nilearns_labels_reduced_and_restored_data() {
    for (name, extra) in [
        ("ball_k25", &[][..]),
        ("ball_k10_iter2", &["--n-iter", "2"][..]),
        ("ball_k30_scaling", &["--scaling"][..]),
        ("ball_k40_threshold", &["--threshold", "0.05"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy_case(dir.path(), name);
        let case: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(fixtures().join("rena").join(name).join("case.json")).unwrap(),
        )
        .unwrap();
        let k = case["n_clusters"].to_string();
        let mut args = vec![
            "fit",
            "X.npy",
            "--mask",
            "mask.npy",
            "--method",
            "rena",
            "--n-clusters",
            &k,
            "--out",
            "out",
        ];
        args.extend_from_slice(extra);
        let run = agglo(dir.path(), &args);
        assert!(
            run.status.success(),
            "{name}: {}",
            super::common::stderr(&run)
        );
        assert!(stdout(&run).contains("ReNA"), "{}", stdout(&run));
        let expected = fixtures().join("rena").join(name);
        let out = dir.path().join("out");
        assert_eq!(
            read_i64(out.join("labels.npy")),
            read_i64(expected.join("labels.npy")),
            "{name}"
        );
        assert_eq!(
            read_f64(out.join("reduced.npy")),
            read_f64(expected.join("transform.npy")),
            "{name}"
        );
        assert_eq!(
            read_f64(out.join("restored.npy")),
            read_f64(expected.join("inverse.npy")),
            "{name}"
        );
        assert!(!out.join("children.npy").exists(), "ReNA has no tree");
        let model: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
        assert_eq!(model["estimator"], "ReNA");
        assert_eq!(
            model["params"]["rena"]["scaling"],
            extra.contains(&"--scaling")
        );

        // The saved model applies nilearn's transform (scaled or not) again.
        let run = agglo(
            dir.path(),
            &["transform", "X.npy", "--model", "out", "--out", "again.npy"],
        );
        assert!(run.status.success(), "{}", super::common::stderr(&run));
        assert_eq!(
            read_f64(dir.path().join("again.npy")),
            read_f64(expected.join("transform.npy"))
        );
        let run = agglo(
            dir.path(),
            &[
                "inverse-transform",
                "again.npy",
                "--model",
                "out",
                "--out",
                "back.npy",
            ],
        );
        assert!(run.status.success(), "{}", super::common::stderr(&run));
        assert_eq!(
            read_f64(dir.path().join("back.npy")),
            read_f64(expected.join("inverse.npy"))
        );
    }
}

#[test]
fn flags_that_do_not_go_with_rena_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    copy_case(dir.path(), "ball_k25");
    let base = ["fit", "X.npy", "--out", "out", "--method", "rena"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        agglo(dir.path(), &args)
    };
    refused(
        &with(&["--n-clusters", "5"]),
        "needs a graph of the features",
    );
    refused(
        &with(&["--mask", "mask.npy"]),
        "--method rena needs --n-clusters",
    );
    for (flag, value) in [
        ("--linkage", "ward"),
        ("--distance-threshold", "3"),
        ("--pooling", "max"),
    ] {
        refused(
            &with(&["--mask", "mask.npy", "--n-clusters", "5", flag, value]),
            &format!("{flag} does not apply to --method rena"),
        );
    }
    refused(
        &with(&["--mask", "mask.npy", "--n-clusters", "5", "--n-iter", "0"]),
        "--n-iter",
    );
    refused(
        &agglo(
            dir.path(),
            &[
                "fit",
                "X.npy",
                "--mask",
                "mask.npy",
                "--n-clusters",
                "5",
                "--n-iter",
                "3",
                "--out",
                "o",
            ],
        ),
        "--n-iter applies to --method rena only",
    );
    refused(
        &with(&["--mask", "mask.npy", "--n-clusters", "100000"]),
        "cannot provide more clusters than points",
    );
    assert!(!dir.path().join("out").exists() && !dir.path().join("o").exists());
}
