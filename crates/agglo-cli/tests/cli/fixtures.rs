//! `agglo fit` against every scikit-learn fixture, scipy.sparse graph files and k-NN graphs.

use super::*;

/// The flags that reproduce a fixture case.
fn case_args(case: &Value, case_dir: &Path, x: &Path, out: &Path) -> Vec<String> {
    let p = &case["params"];
    let mut args = vec![
        "fit".to_string(),
        x.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    if case["estimator"] == "AgglomerativeClustering" {
        args.extend(["--axis".into(), "samples".into()]);
    }
    if let Some(k) = p["n_clusters"].as_u64() {
        args.extend(["--n-clusters".into(), k.to_string()]);
    }
    if let Some(t) = p["distance_threshold"].as_f64() {
        args.extend(["--distance-threshold".into(), format!("{t:?}")]);
    }
    args.extend(["--linkage".into(), p["linkage"].as_str().unwrap().into()]);
    args.extend(["--metric".into(), p["metric"].as_str().unwrap().into()]);
    if let Some(pooling) = p["pooling"].as_str() {
        args.extend(["--pooling".into(), pooling.into()]);
    }
    let full = match &p["compute_full_tree"] {
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        _ => "auto",
    };
    args.extend(["--compute-full-tree".into(), full.into()]);
    if p["compute_distances"] == true {
        args.push("--compute-distances".into());
    }
    let conn = &case["connectivity"];
    match conn["kind"].as_str().unwrap() {
        "grid" => {
            let shape: Vec<String> = conn["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(std::string::ToString::to_string)
                .collect();
            args.extend(["--grid".into(), shape.join(",")]);
            if let Some(mask) = conn["mask"].as_str() {
                args.extend(["--mask".into(), case_dir.join(mask).display().to_string()]);
            }
        }
        "edges" => {
            args.extend([
                "--connectivity".into(),
                case_dir
                    .join(conn["file"].as_str().unwrap())
                    .display()
                    .to_string(),
            ]);
        }
        _ => {}
    }
    args
}

fn assert_outputs_match(name: &str, case_dir: &Path, out: &Path) {
    assert_eq!(
        read_i64(out.join("labels.npy")),
        read_i64(case_dir.join("labels.npy")),
        "{name}: labels"
    );
    assert_eq!(
        read_i64(out.join("children.npy")),
        read_i64(case_dir.join("children.npy")),
        "{name}: children"
    );
    if case_dir.join("distances.npy").exists() {
        let got = read_f64(out.join("distances.npy"));
        let want = read_f64(case_dir.join("distances.npy"));
        assert_eq!(got.len(), want.len(), "{name}: distances");
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(f64::MIN_POSITIVE),
                "{name}: distance {g} vs {w}"
            );
        }
    } else {
        assert!(
            !out.join("distances.npy").exists(),
            "{name}: no distances expected"
        );
    }
    if case_dir.join("transform.npy").exists() {
        assert_eq!(
            read_f64(out.join("reduced.npy")),
            read_f64(case_dir.join("transform.npy")),
            "{name}: reduced"
        );
        assert_eq!(
            read_f64(out.join("restored.npy")),
            read_f64(case_dir.join("inverse.npy")),
            "{name}: restored"
        );
    }
}

#[test]
fn fit_reproduces_every_scikit_learn_fixture() {
    let matched = fit_every_case("cases");
    assert!(matched >= 60, "only {matched} fixtures found");
}

#[test]
fn fit_reproduces_every_metric_fixture() {
    // Every metric scikit-learn takes without connectivity (issue 14).
    let matched = fit_every_case("metrics");
    assert!(matched >= 140, "only {matched} fixtures found");
}

/// Fits every case of `fixtures/<folder>` through the binary; returns how
/// many matched.
fn fit_every_case(folder: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let digits = write_digits(dir.path());
    let index: Vec<String> = serde_json::from_str(
        &fs::read_to_string(fixtures().join(folder).join("INDEX.json")).unwrap(),
    )
    .unwrap();
    let mut matched = 0;
    for name in &index {
        let case_dir = fixtures().join(folder).join(name);
        let case: Value =
            serde_json::from_str(&fs::read_to_string(case_dir.join("case.json")).unwrap()).unwrap();
        let x = if case["data"] == "digits" {
            digits.clone()
        } else {
            case_dir.join("X.npy")
        };
        let out = dir.path().join(name);
        let args = case_args(&case, &case_dir, &x, &out);
        let run = agglo(
            dir.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert!(run.status.success(), "{name}: {}", stderr(&run));
        assert_outputs_match(name, &case_dir, &out);
        let warned = stderr(&run).contains("warning: the number of connected components");
        assert_eq!(
            warned,
            case["expected"]["warning"].is_string(),
            "{name}: warning on stderr"
        );
        matched += 1;
    }
    matched
}

#[test]
fn scipy_sparse_connectivity_files_are_read_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let case_dir = fixtures().join("cases/ac_ward_knn5_k4_dist");
    for format in ["csr", "csc", "coo"] {
        let out = dir.path().join(format);
        let graph = fixtures().join(format!("sparse/knn5_{format}.npz"));
        let run = agglo(
            dir.path(),
            &[
                "fit",
                case_dir.join("X.npy").to_str().unwrap(),
                "--axis",
                "samples",
                "--connectivity",
                graph.to_str().unwrap(),
                "--n-clusters",
                "4",
                "--compute-distances",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(run.status.success(), "{format}: {}", stderr(&run));
        assert_outputs_match(format, &case_dir, &out);
    }
    // The seed example through a saved grid graph.
    let digits = write_digits(dir.path());
    let out = dir.path().join("seed");
    let graph = fixtures().join("sparse/grid_8x8_csr.npz");
    let run = agglo(
        dir.path(),
        &[
            "fit",
            digits.to_str().unwrap(),
            "--connectivity",
            graph.to_str().unwrap(),
            "--n-clusters",
            "32",
            "--compute-distances",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_outputs_match(
        "seed via npz",
        &fixtures().join("cases/seed_digits_ward_32"),
        &out,
    );
}

#[test]
fn knn_connectivity_is_scikit_learns_kneighbors_graph() {
    let dir = tempfile::tempdir().unwrap();
    for (case, extra) in [
        (
            "ac_ward_knn5_k4_dist",
            vec!["--n-clusters", "4", "--compute-distances"],
        ),
        (
            "ac_complete_knn_manhattan_k5_dist",
            vec![
                "--n-clusters",
                "5",
                "--linkage",
                "complete",
                "--metric",
                "manhattan",
                "--compute-distances",
            ],
        ),
    ] {
        let case_dir = fixtures().join("cases").join(case);
        let out = dir.path().join(case);
        let x = case_dir.join("X.npy");
        let mut args = vec![
            "fit",
            x.to_str().unwrap(),
            "--axis",
            "samples",
            "--knn",
            "5",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let run = agglo(dir.path(), &args);
        assert!(run.status.success(), "{case}: {}", stderr(&run));
        assert_outputs_match(case, &case_dir, &out);
    }
    let x = fixtures().join("cases/ac_ward_knn5_k4_dist/X.npy");
    let run = agglo(
        dir.path(),
        &[
            "fit",
            x.to_str().unwrap(),
            "--axis",
            "samples",
            "--knn",
            "60",
            "--n-clusters",
            "2",
            "--out",
            "bad",
        ],
    );
    refused(
        &run,
        "--knn 60: n_neighbors must be between 1 and n_points - 1 = 59",
    );
}
