//! Missing files, bad flags and broken model folders.

use super::*;

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
    fit(&["--n-clusters", "-2"], &["-2 is negative"]);
    fit(
        &["--n-clusters", "2", "--grid", "8,x"],
        &["invalid value 'x'"],
    );
    fit(
        &["--n-clusters", "2", "--grid", "8,8", "--knn", "3"],
        &["'--grid <H,W[,D...]>...' cannot be used with '--knn <K>'"],
    );
    fit(
        &["--n-clusters", "2", "--linkage", "centroid"],
        &["invalid value 'centroid'"],
    );
    fit(
        &["--n-clusters", "2", "--metric", "nan_euclidean"],
        &["invalid value 'nan_euclidean'"],
    );
    // A metric scikit-learn takes only without a graph, given one.
    fit(
        &[
            "--n-clusters",
            "2",
            "--linkage",
            "average",
            "--metric",
            "hamming",
            "--knn",
            "3",
        ],
        &["metric 'hamming' works only without connectivity"],
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
