//! The real `agglo` binary, run in temporary folders: outputs against
//! scikit-learn's fixtures, figures, and refusals of bad input.

use std::fs;
use std::path::Path;

use agglo::datasets::load_digits;
use ndarray::{Array1, Array2, ArrayD};
use ndarray_npy::WriteNpyExt;
use serde_json::Value;

mod common;
use common::{agglo, fixtures, read_f64, read_i64, refused, stderr, stdout, write_digits};

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn digits_writes_the_figure_into_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = agglo(dir.path(), &["digits"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("64 features → 32 clusters"), "{text}");
    assert!(text.contains("reconstruction error"), "{text}");
    let png = fs::read(dir.path().join("digits_agglomeration.png")).unwrap();
    assert_eq!(png_size(&png), (400, 350));

    let out = agglo(
        dir.path(),
        &["digits", "--n-clusters", "10", "--output", "fig.svg"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = fs::read_to_string(dir.path().join("fig.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(stdout(&out).contains("64 features → 10 clusters"));
}

#[test]
fn digits_refuses_bad_values_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (vec!["digits", "--n-clusters", "0"], "between 1 and 64"),
        (vec!["digits", "--n-clusters", "65"], "got 65"),
        (vec!["digits", "--output", "fig.jpg"], "not '.jpg'"),
        (
            vec!["digits", "--output", "missing/fig.png"],
            "does not exist",
        ),
        (vec!["digits", "--n-clusters", "-3"], "unexpected argument"),
    ] {
        let out = agglo(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

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
    let dir = tempfile::tempdir().unwrap();
    let digits = write_digits(dir.path());
    let index: Vec<String> =
        serde_json::from_str(&fs::read_to_string(fixtures().join("cases/INDEX.json")).unwrap())
            .unwrap();
    let mut matched = 0;
    for name in &index {
        let case_dir = fixtures().join("cases").join(name);
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
    assert!(matched >= 60, "only {matched} fixtures found");
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
fn images_given_as_n_h_w_carry_their_grid() {
    let dir = tempfile::tempdir().unwrap();
    let images = load_digits().images.mapv(|v| v as f32);
    let x = dir.path().join("images.npy");
    images.write_npy(fs::File::create(&x).unwrap()).unwrap();
    let out = dir.path().join("out");
    let run = agglo(
        dir.path(),
        &["fit", "images.npy", "--n-clusters", "32", "--out", "out"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("using the grid [8, 8]"));
    let seed = fixtures().join("cases/seed_digits_ward_32");
    assert_eq!(
        read_i64(out.join("labels.npy")),
        read_i64(seed.join("labels.npy"))
    );
    let model: Value =
        serde_json::from_str(&fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["input"]["dtype"], "<f4");
    assert_eq!(model["input"]["shape"], serde_json::json!([1797, 8, 8]));
    assert_eq!(model["fitted"]["n_clusters"], 32);
    assert_eq!(model["connectivity"]["grid"], serde_json::json!([8, 8]));
}

#[test]
fn same_input_gives_the_same_bytes_and_stale_outputs_go() {
    let dir = tempfile::tempdir().unwrap();
    write_digits(dir.path());
    let base = [
        "fit",
        "digits.npy",
        "--grid",
        "8,8",
        "--n-clusters",
        "20",
        "--out",
    ];
    let a = agglo(
        dir.path(),
        &[&base[..], &["a", "--compute-distances"]].concat(),
    );
    let b = agglo(
        dir.path(),
        &[&base[..], &["b", "--compute-distances"]].concat(),
    );
    assert!(a.status.success() && b.status.success());
    for file in [
        "labels.npy",
        "children.npy",
        "distances.npy",
        "reduced.npy",
        "restored.npy",
    ] {
        assert_eq!(
            fs::read(dir.path().join("a").join(file)).unwrap(),
            fs::read(dir.path().join("b").join(file)).unwrap(),
            "{file}"
        );
    }
    // A second run without distances into the same folder removes the old ones.
    let c = agglo(dir.path(), &[&base[..], &["a"]].concat());
    assert!(c.status.success());
    assert!(!dir.path().join("a/distances.npy").exists());
    assert!(dir.path().join("a/labels.npy").exists());
}

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
    fs::create_dir(&out).unwrap();
    fs::write(out.join("labels.npy"), b"earlier results").unwrap();
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
            fs::read(out.join("labels.npy")).unwrap(),
            b"earlier results",
            "{args:?}"
        );
        assert_eq!(
            fs::read_dir(&out).unwrap().count(),
            1,
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

/// An `.npy` file with any header, for dtypes ndarray-npy does not write.
fn raw_npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
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

#[test]
fn a_fit_too_large_for_memory_is_refused_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    // 200 000 features without connectivity: the condensed distance matrix
    // alone would take about 149 GiB.
    let x = Array2::<f32>::zeros((1, 200_000));
    x.write_npy(fs::File::create(dir.path().join("wide.npy")).unwrap())
        .unwrap();
    let start = std::time::Instant::now();
    let run = agglo(
        dir.path(),
        &[
            "fit",
            "wide.npy",
            "--n-clusters",
            "2",
            "--linkage",
            "average",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(
            "average linkage over 200000 points of dimension 1 without connectivity needs about"
        ),
        "{err}"
    );
    assert!(err.contains("GiB of memory, but only"), "{err}");
    assert!(start.elapsed().as_secs() < 30, "refused before computing");
    assert!(!dir.path().join("out").exists());
}

/// The data is read for the fit transposed and a second time, in blocks of
/// samples, for the pooling: images on the full grid with a mask, the
/// same pixels already masked, and a Fortran-ordered copy all give the same
/// files, and more samples than one block (the pooling's blocks hold
/// 4 MiB) too.
#[test]
fn masked_images_pooled_in_blocks_match_premasked_data() {
    let dir = tempfile::tempdir().unwrap();
    let digits = agglo::datasets::load_digits().data;
    // 40 copies: 71,880 samples, 37 MiB of images and 21 MiB once masked,
    // so that both are pooled in several blocks.
    let many = ndarray::concatenate(ndarray::Axis(0), &vec![digits.view(); 40]).unwrap();
    let images = many
        .clone()
        .into_shape_with_order((many.nrows(), 8, 8))
        .unwrap();
    let mask = ndarray::Array2::from_shape_fn((8, 8), |(i, j)| (1..7).contains(&i) && j > 0);
    let inside: Vec<usize> = (0..64).filter(|&f| mask[[f / 8, f % 8]]).collect();
    let premasked = many.select(ndarray::Axis(1), &inside);
    let fortran = images.t().as_standard_layout().reversed_axes().to_owned();
    assert!(!fortran.is_standard_layout());
    let save = |name: &str, write: &dyn Fn(fs::File)| {
        write(fs::File::create(dir.path().join(name)).unwrap());
    };
    save("images.npy", &|f| images.write_npy(f).unwrap());
    save("premasked.npy", &|f| premasked.write_npy(f).unwrap());
    save("fortran.npy", &|f| fortran.write_npy(f).unwrap());
    save("mask.npy", &|f| mask.write_npy(f).unwrap());
    for input in ["images.npy", "premasked.npy", "fortran.npy"] {
        let run = agglo(
            dir.path(),
            &[
                "fit",
                input,
                "--grid",
                "8,8",
                "--mask",
                "mask.npy",
                "--n-clusters",
                "12",
                "--out",
                &format!("out_{input}"),
                "-q",
            ],
        );
        assert!(run.status.success(), "{input}: {}", stderr(&run));
    }
    let out = |input: &str, file: &str| {
        fs::read(dir.path().join(format!("out_{input}")).join(file)).unwrap()
    };
    for file in ["labels.npy", "children.npy", "reduced.npy", "restored.npy"] {
        assert_eq!(
            out("images.npy", file),
            out("premasked.npy", file),
            "{file}"
        );
        assert_eq!(
            out("fortran.npy", file),
            out("premasked.npy", file),
            "{file}"
        );
    }
    // The pooled values are the mean of each cluster's pixels.
    let labels = read_i64(dir.path().join("out_premasked.npy/labels.npy"));
    let reduced = read_f64(dir.path().join("out_premasked.npy/reduced.npy"));
    let restored = read_f64(dir.path().join("out_premasked.npy/restored.npy"));
    assert_eq!(restored.shape(), premasked.shape());
    for s in [0, 1796, 1797, many.nrows() - 1] {
        for c in 0..12 {
            let members: Vec<usize> = (0..inside.len())
                .filter(|&f| labels[[f]] == c as i64)
                .collect();
            let sum: f64 = members.iter().map(|&f| premasked[[s, f]]).sum();
            assert_eq!(reduced[[s, c]], sum / members.len() as f64);
            for &f in &members {
                assert_eq!(restored[[s, f]], reduced[[s, c]]);
            }
        }
    }
}

/// `--timings` names every stage with its time on stderr, stdout unchanged.
#[test]
fn timings_name_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    write_digits(dir.path());
    let run = agglo(
        dir.path(),
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "32",
            "--out",
            "out",
            "--timings",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    for stage in [
        "reading digits.npy",
        "building the graph",
        "fitting",
        "pooling",
        "writing",
    ] {
        let line = err
            .lines()
            .find(|l| l.ends_with(stage))
            .unwrap_or_else(|| panic!("no '{stage}' in {err}"));
        let seconds: f64 = line.split_whitespace().next().unwrap().parse().unwrap();
        assert!((0.0..60.0).contains(&seconds), "{line}");
    }
    assert!(stdout(&run).contains("64 features → 32 clusters"));
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
