//! What scripts and shells get: completions, the manual page, `--quiet`
//! everywhere the README promises it.

use super::common::{agglo, stderr, stdout};

const SUBCOMMANDS: [&str; 6] = [
    "digits",
    "fit",
    "transform",
    "inverse-transform",
    "cut",
    "dendrogram",
];

#[test]
fn completions_and_the_manual_page_cover_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = agglo(dir.path(), &["completions", shell]);
        assert!(run.status.success(), "{shell}: {}", stderr(&run));
        let script = stdout(&run);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            script.contains("--n-clusters"),
            "{shell}: flags are completed"
        );
    }
    assert_eq!(
        agglo(dir.path(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
    let run = agglo(dir.path(), &["man"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let page = stdout(&run).replace("\\-", "-"); // roff escapes hyphens
    assert!(
        page.starts_with(".ie") || page.contains(".TH agglo 1"),
        "{page}"
    );
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "the manual lacks {sub}");
    }
}

#[test]
fn every_subcommand_that_prints_takes_quiet() {
    let dir = tempfile::tempdir().unwrap();
    for sub in SUBCOMMANDS {
        let help = stdout(&agglo(dir.path(), &[sub, "--help"]));
        assert!(help.contains("--quiet"), "{sub} --help lacks --quiet");
    }
    let run = agglo(dir.path(), &["digits", "--quiet", "--output", "d.png"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "");
    assert!(dir.path().join("d.png").is_file());
}

#[test]
fn json_output_is_one_object_on_stdout_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    super::common::write_digits(d);
    let parse = |args: &[&str]| -> serde_json::Value {
        let run = agglo(d, args);
        assert!(run.status.success(), "{args:?}: {}", stderr(&run));
        let out = stdout(&run);
        assert_eq!(out.trim_end().lines().count(), 1, "one line: {out}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    };
    let fit = parse(&[
        "fit",
        "digits.npy",
        "--grid",
        "8,8",
        "--n-clusters",
        "8",
        "--compute-full-tree",
        "true",
        "--compute-distances",
        "--out",
        "m",
        "--json",
    ]);
    assert_eq!(fit["command"], "fit");
    assert_eq!(fit["n_clusters"], 8);
    assert_eq!(fit["model"]["input"]["n_samples"], 1797);
    assert_eq!(fit["model"]["params"]["linkage"], "ward");
    assert!(fit["model"]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "labels.npy"));
    let stages: Vec<&str> = fit["timings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stage"].as_str().unwrap())
        .collect();
    assert!(
        stages.contains(&"fitting") && stages.contains(&"pooling"),
        "{stages:?}"
    );
    assert!(fit["seconds"].as_f64().unwrap() > 0.0);

    let t = parse(&[
        "transform",
        "digits.npy",
        "--model",
        "m",
        "--out",
        "r.npy",
        "--json",
    ]);
    assert_eq!(
        (t["command"].as_str(), t["n_clusters"].as_u64()),
        (Some("transform"), Some(8))
    );
    let i = parse(&[
        "inverse-transform",
        "r.npy",
        "--model",
        "m",
        "--out",
        "b.npy",
        "--json",
    ]);
    assert_eq!(i["n_features"], 64);
    let c = parse(&[
        "cut",
        "m",
        "--n-clusters",
        "3,5",
        "--out",
        "c.npy",
        "--json",
    ]);
    assert_eq!(c["n_clusters"], serde_json::json!([3, 5]));
    let g = parse(&["dendrogram", "m", "--out", "g.svg", "--json"]);
    assert_eq!(g["n_leaves"], 64);
    // With --json, a warning goes to stderr and stdout stays one object.
    let mask = ndarray::Array2::from_shape_fn((8, 8), |(_, c)| c != 3);
    ndarray_npy::WriteNpyExt::write_npy(&mask, std::fs::File::create(d.join("mask.npy")).unwrap())
        .unwrap();
    let run = agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--mask",
            "mask.npy",
            "--n-clusters",
            "3",
            "--out",
            "w",
            "--json",
        ],
    );
    assert!(stderr(&run).contains("warning:"), "{}", stderr(&run));
    let value: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(value["model"]["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn help_texts_say_what_the_code_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    super::common::write_digits(d);
    let help = stdout(&agglo(d, &["fit", "--help"])).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    // Every file the contract lists for fit is named by --help.
    let contract = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("CONTRACT.md"),
    )
    .unwrap();
    let section = contract
        .split("## Files written by `agglo fit`")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let files: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        assert!(help.contains(file), "fit --help does not name {file}");
    }
    // The stages --timings prints are the ones its help lists.
    let run = agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "8",
            "--out",
            "o",
            "--timings",
        ],
    );
    let printed: Vec<String> = stderr(&run)
        .lines()
        .filter_map(|l| {
            l.trim()
                .split_once(" s  ")
                .map(|(_, stage)| stage.to_string())
        })
        .collect();
    assert!(printed.len() >= 5, "{printed:?}");
    let timings = help.split("--timings").nth(1).unwrap();
    for stage in &printed {
        let stage = stage.split(" digits").next().unwrap(); // "reading digits.npy"
        assert!(
            timings.contains(stage.trim()),
            "--timings help lacks '{stage}'"
        );
    }
    // --mask takes NIfTI; --grid any number of dimensions, which works.
    assert!(help.contains("or a NIfTI mask"));
    assert!(help.contains("any number of dimensions"));
    for grid in ["64", "2,2,4,4"] {
        let run = agglo(
            d,
            &[
                "fit",
                "digits.npy",
                "--grid",
                grid,
                "--n-clusters",
                "8",
                "--out",
                "g",
                "-q",
            ],
        );
        assert!(run.status.success(), "--grid {grid}: {}", stderr(&run));
    }
    // Negative counts are named, not taken for flags.
    for flag in ["--n-clusters", "--knn"] {
        let run = agglo(d, &["fit", "digits.npy", flag, "-3", "--out", "n"]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2));
        assert!(err.contains("-3 is negative"), "{flag}: {err}");
        assert!(!err.contains("tip"), "{flag}: {err}");
    }
}
