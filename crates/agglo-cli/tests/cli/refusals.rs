//! Bad input refused clearly, with the output folder kept as it was.

use super::*;

fn write_f64(path: &Path, a: &ArrayD<f64>) {
    a.write_npy(fs::File::create(path).unwrap()).unwrap();
}

#[test]
fn bad_input_is_refused_clearly_and_the_output_folder_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    // Earlier results that a failed run must leave alone.
    let out = d.join("out");
    let earlier = agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "3",
            "--out",
            "out",
        ],
    );
    assert!(earlier.status.success(), "{}", stderr(&earlier));
    let snapshot = common::snapshot(&out);
    fs::write(d.join("notes.txt"), b"not an array").unwrap();
    fs::write(d.join("notes.bin"), b"not an array").unwrap();
    fs::write(d.join("file_out"), b"a file").unwrap();
    let digits_bytes = fs::read(d.join("digits.npy")).unwrap();
    fs::write(
        d.join("truncated.npy"),
        &digits_bytes[..digits_bytes.len() / 2],
    )
    .unwrap();
    write_f64(
        &d.join("one_d.npy"),
        &Array1::from(vec![1.0, 2.0, 3.0]).into_dyn(),
    );
    let mut nan = load_digits().data;
    nan[[3, 5]] = f64::NAN;
    write_f64(&d.join("nan.npy"), &nan.into_dyn());
    write_f64(
        &d.join("one_feature.npy"),
        &Array2::from_elem((5, 1), 1.0).into_dyn(),
    );
    write_f64(
        &d.join("mask_2x2.npy"),
        &Array2::from_elem((2, 2), 1.0).into_dyn(),
    );
    write_f64(
        &d.join("mask_bad.npy"),
        &Array2::from_elem((8, 8), 2.0).into_dyn(),
    );
    let edges = Array2::from_shape_vec((2, 2), vec![0i64, 1, 1, 99]).unwrap();
    edges
        .write_npy(fs::File::create(d.join("edges_far.npy")).unwrap())
        .unwrap();
    fs::write(d.join("complex.npy"), raw_npy("<c16", "(2, 2)", &[0; 64])).unwrap();

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["fit", "missing.npy", "--n-clusters", "2", "--out", "out"],
            "cannot read missing.npy",
        ),
        (
            vec!["fit", "notes.bin", "--n-clusters", "2", "--out", "out"],
            "not a NumPy .npy file, an .npz archive, a CSV table or a NIfTI image",
        ),
        (
            vec!["fit", "notes.txt", "--n-clusters", "2", "--out", "out"],
            "the table holds no numbers",
        ),
        (
            vec!["fit", "truncated.npy", "--n-clusters", "2", "--out", "out"],
            "truncated",
        ),
        (
            vec!["fit", "one_d.npy", "--n-clusters", "2", "--out", "out"],
            "got shape [3]",
        ),
        (
            vec!["fit", "complex.npy", "--n-clusters", "2", "--out", "out"],
            "complex dtype",
        ),
        (
            vec![
                "fit",
                "nan.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "2",
                "--out",
                "out",
            ],
            "non-finite value (NaN) at row 3, column 5",
        ),
        (
            vec![
                "fit",
                "one_feature.npy",
                "--n-clusters",
                "1",
                "--out",
                "out",
            ],
            "number of features: found 1",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "0",
                "--out",
                "out",
            ],
            "at least 1, got 0",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "65",
                "--out",
                "out",
            ],
            "n_clusters is 65, but there are 64 points",
        ),
        (
            vec!["fit", "digits.npy", "--grid", "8,8", "--out", "out"],
            "--n-clusters, --distance-threshold: Exactly one of n_clusters and distance_threshold has to be set",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "3",
                "--distance-threshold",
                "2",
                "--out",
                "out",
            ],
            "Exactly one of n_clusters and distance_threshold",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--distance-threshold",
                "-1",
                "--out",
                "out",
            ],
            "got -1",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--distance-threshold",
                "5",
                "--compute-full-tree",
                "false",
                "--out",
                "out",
            ],
            "compute_full_tree must be true or auto",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "7,7",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "the input has 64 features, but the grid [7, 7] has 49 points",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,0",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "at least 1",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--mask",
                "mask_2x2.npy",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "does not match the grid [8, 8]",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--mask",
                "mask_bad.npy",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "found the value 2",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--connectivity",
                "edges_far.npy",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "(1, 99) is out of range",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--connectivity",
                "notes.txt",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "not a NumPy .npy file",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--metric",
                "cosine",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "ward can only work with euclidean",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--linkage",
                "median",
                "--n-clusters",
                "3",
                "--out",
                "out",
            ],
            "invalid value 'median'",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "3",
                "--out",
                "file_out",
            ],
            "exists and is not a folder",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "3",
                "--bogus",
                "--out",
                "out",
            ],
            "unexpected argument '--bogus'",
        ),
    ];
    for (args, expected) in cases {
        let run = agglo(d, &args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected '{expected}' in: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            common::snapshot(&out),
            snapshot,
            "{args:?}: output folder changed"
        );
        let leftovers: Vec<_> = fs::read_dir(d)
            .unwrap()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("agglo-"))
            .collect();
        assert!(leftovers.is_empty(), "{args:?}: staging left behind");
    }
    // The tool's version and help exit 0.
    assert!(agglo(d, &["--version"]).status.success());
    assert!(stdout(&agglo(d, &["fit", "--help"])).contains("Examples:"));
}

#[test]
fn parameters_bound_to_fail_are_refused_before_the_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // The input does not even exist: the parameters are checked first, by
    // the library's own rules, and every library name is accepted.
    for (flags, needle) in [
        (
            &[
                "--linkage",
                "ward",
                "--metric",
                "cosine",
                "--n-clusters",
                "2",
            ][..],
            "--linkage, --metric: cosine was provided as metric; ward can only work with euclidean",
        ),
        (
            &["--n-clusters", "0"][..],
            "--n-clusters: n_clusters must be at least 1, got 0",
        ),
        (
            &["--distance-threshold", "inf"][..],
            "--distance-threshold: distance_threshold must be a finite number",
        ),
    ] {
        let mut args = vec!["fit", "missing.npy", "--out", "out"];
        args.extend_from_slice(flags);
        refused(&agglo(dir.path(), &args), needle);
    }
    let run = agglo(
        dir.path(),
        &[
            "fit",
            "missing.npy",
            "--n-clusters",
            "2",
            "--pooling",
            "min",
            "--out",
            "out",
        ],
    );
    refused(&run, "cannot read missing.npy");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn files_agglo_did_not_write_are_never_replaced_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    let fit = |extra: &[&str]| {
        let mut args = vec!["fit", "digits.npy", "--grid", "8,8", "--n-clusters", "4"];
        args.extend_from_slice(extra);
        agglo(d, &args)
    };
    // The user's own files under agglo's names, in the folder given.
    fs::write(d.join("mask.npy"), b"my mask").unwrap();
    fs::write(d.join("distances.npy"), b"my distances").unwrap();
    fs::write(d.join("notes.txt"), b"my notes").unwrap();
    let before = common::snapshot(d);
    refused(
        &fit(&["--out", "."]),
        "distances.npy, mask.npy there were not written by agglo",
    );
    assert_eq!(common::snapshot(d), before, "nothing touched");
    // Other files may share a folder with agglo's outputs.
    fs::remove_file(d.join("mask.npy")).unwrap();
    fs::remove_file(d.join("distances.npy")).unwrap();
    let run = fit(&["--out", "."]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(fs::read(d.join("notes.txt")).unwrap(), b"my notes");
    // A file the user adds to agglo's folder is not agglo's to remove.
    let run = fit(&["--out", "model", "--compute-distances"]);
    assert!(run.status.success(), "{}", stderr(&run));
    fs::write(d.join("model/mask.npy"), b"my mask").unwrap();
    refused(
        &fit(&["--out", "model"]),
        "mask.npy there was not written by agglo",
    );
    assert_eq!(fs::read(d.join("model/mask.npy")).unwrap(), b"my mask");
    fs::remove_file(d.join("model/mask.npy")).unwrap();
    // agglo's own stale outputs do go.
    let run = fit(&["--out", "model"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!d.join("model/distances.npy").exists());
    // A fit never replaces its own input, nor transform a model's files.
    let model = common::snapshot(&d.join("model"));
    refused(
        &agglo(
            d,
            &[
                "fit",
                "model/restored.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "4",
                "--out",
                "model",
            ],
        ),
        "the input would be replaced by an output of the same name",
    );
    refused(
        &agglo(
            d,
            &[
                "transform",
                "digits.npy",
                "--model",
                "model",
                "--out",
                "model/labels.npy",
            ],
        ),
        "would replace a file of the model",
    );
    refused(
        &agglo(
            d,
            &[
                "transform",
                "digits.npy",
                "--model",
                "model",
                "--out",
                "./model/../model/reduced.npy",
            ],
        ),
        "would replace a file of the model",
    );
    assert_eq!(
        common::snapshot(&d.join("model")),
        model,
        "the model is intact"
    );
}

#[test]
fn a_figure_that_cannot_be_written_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    let fit = |k: &str, figure: &str| {
        agglo(
            d,
            &[
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                k,
                "--out",
                "out",
                "--figure",
                figure,
            ],
        )
    };
    let run = fit("8", "fig.png");
    assert!(run.status.success(), "{}", stderr(&run));
    let earlier = common::snapshot(&d.join("out"));
    fs::create_dir(d.join("a_folder.png")).unwrap();
    for (figure, needle) in [
        ("missing/fig.png", "the folder missing does not exist"),
        ("a_folder.png", "it is a folder"),
    ] {
        refused(&fit("4", figure), needle);
        assert_eq!(
            common::snapshot(&d.join("out")),
            earlier,
            "{figure}: outputs changed"
        );
    }
    let leftovers: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("agglo-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
