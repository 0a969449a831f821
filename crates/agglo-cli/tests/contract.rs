//! The output contract written down in `CONTRACT.md`, checked against the
//! binary: every file a run writes is in the file table with its dtype and
//! its "written" condition, every key of `model.json` is in the schema with
//! its type (and every key of the schema is written), and the exit codes are
//! the documented ones.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{agglo, stderr, write_digits};
use serde_json::Value;

/// The rows of the first Markdown table after the heading `heading`, each
/// cell with its backticks removed.
fn table(heading: &str) -> Vec<Vec<String>> {
    let text = include_str!("../CONTRACT.md");
    let start = text
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("CONTRACT.md has no section '{heading}'"));
    text[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2) // the header and the rule
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().replace('`', "").replace("\\|", "|"))
                .collect()
        })
        .collect()
}

/// The dtype of an `.npy` file, from its header.
fn npy_dtype(path: &Path) -> String {
    let bytes = fs::read(path).unwrap();
    let header = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).into_owned();
    let start = header.find("'descr': '").expect("a descr") + "'descr': '".len();
    header[start..].split('\'').next().unwrap().to_string()
}

/// Every key of `value`, objects flattened with dots, with its JSON type.
fn keys(prefix: &str, value: &Value, out: &mut BTreeMap<String, BTreeSet<&'static str>>) {
    let Value::Object(map) = value else { return };
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        out.entry(name.clone()).or_default().insert(kind);
        keys(&name, value, out);
    }
}

/// The runs the contract is checked on: every output condition of the file
/// table, both axes, every kind of connectivity, a NIfTI input.
fn runs(dir: &Path) -> Vec<(&'static str, Vec<String>)> {
    let digits = write_digits(dir).display().to_string();
    let realdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/realdata");
    let data = |name: &str| realdata.join(name).display().to_string();
    let mask = dir.join("mask.npy");
    let inside = ndarray::Array2::from_shape_fn((8, 8), |(i, _)| i < 6);
    ndarray_npy::WriteNpyExt::write_npy(&inside, fs::File::create(&mask).unwrap()).unwrap();
    let args = |list: &[&str]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    vec![
        (
            "grid",
            args(&["fit", &digits, "--grid", "8,8", "--n-clusters", "8"]),
        ),
        (
            "partial",
            args(&[
                "fit",
                &digits,
                "--grid",
                "8,8",
                "--n-clusters",
                "8",
                "--compute-full-tree",
                "false",
            ]),
        ),
        (
            "threshold",
            args(&[
                "fit",
                &digits,
                "--grid",
                "8,8",
                "--distance-threshold",
                "40",
            ]),
        ),
        (
            "mask",
            args(&[
                "fit",
                &digits,
                "--grid",
                "8,8",
                "--mask",
                &mask.display().to_string(),
                "--n-clusters",
                "5",
                "--compute-distances",
            ]),
        ),
        (
            "samples",
            args(&[
                "fit",
                &digits,
                "--axis",
                "samples",
                "--knn",
                "10",
                "--n-clusters",
                "10",
                "--linkage",
                "average",
            ]),
        ),
        (
            "none",
            args(&[
                "fit",
                &digits,
                "--n-clusters",
                "3",
                "--linkage",
                "single",
                "--metric",
                "manhattan",
            ]),
        ),
        (
            "rena",
            args(&[
                "fit",
                &digits,
                "--grid",
                "8,8",
                "--method",
                "rena",
                "--n-clusters",
                "12",
                "--scaling",
            ]),
        ),
        (
            "nifti",
            args(&[
                "fit",
                &data("series.nii.gz"),
                "--mask",
                &data("mask.nii.gz"),
                "--n-clusters",
                "20",
            ]),
        ),
    ]
}

#[test]
fn every_file_and_key_written_is_in_the_contract() {
    let files: BTreeMap<String, (String, String)> = table("Files written by `agglo fit`")
        .into_iter()
        .map(|row| (row[0].clone(), (row[1].clone(), row[3].clone())))
        .collect();
    assert!(files.len() >= 8, "{files:?}");
    let schema: BTreeMap<String, BTreeSet<String>> = table("`model.json`")
        .into_iter()
        .map(|row| {
            let types = row[1].split(" or ").map(str::to_string).collect();
            (row[0].clone(), types)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut written = BTreeSet::new();
    let mut seen: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for (name, mut args) in runs(dir.path()) {
        let out = dir.path().join(format!("out-{name}"));
        args.extend(["--out".to_string(), out.display().to_string(), "-q".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = agglo(dir.path(), &refs);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", stderr(&run));
        let model: Value =
            serde_json::from_str(&fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
        keys("", &model, &mut seen);
        let listed: BTreeSet<String> = model["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        for entry in fs::read_dir(&out).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            let (dtype, _) = files
                .get(&file)
                .unwrap_or_else(|| panic!("{name}: {file} is not in CONTRACT.md"));
            if file.ends_with(".npy") {
                assert_eq!(&npy_dtype(&out.join(&file)), dtype, "{name}: {file}");
            }
            assert!(
                file == "model.json" || listed.contains(&file),
                "{name}: {file} is not in model.json's outputs"
            );
            written.insert(file);
        }
        // The conditions of the table, for the files that depend on one.
        let has = |file: &str| out.join(file).exists();
        assert_eq!(
            has("distances.npy"),
            matches!(name, "threshold" | "mask"),
            "{name}"
        );
        assert_eq!(has("reduced.npy"), name != "samples", "{name}");
        assert_eq!(has("restored.npy"), name != "samples", "{name}");
        assert_eq!(has("mask.npy"), matches!(name, "mask" | "nifti"), "{name}");
        assert_eq!(has("labels.nii.gz"), name == "nifti", "{name}");
        assert_eq!(
            has("linkage.npy"),
            !matches!(name, "partial" | "rena"),
            "{name}"
        );
        assert_eq!(has("children.npy"), name != "rena", "{name}");
        if has("linkage.npy") {
            // scipy's Z: the children as written, the size of the root last.
            let z = common::read_f64(out.join("linkage.npy"));
            let children = common::read_i64(out.join("children.npy"));
            let n = model["fitted"]["n_leaves"].as_u64().unwrap() as usize;
            assert_eq!(z.shape(), [n - 1, 4], "{name}");
            for (k, row) in children.outer_iter().enumerate() {
                assert_eq!([z[[k, 0]], z[[k, 1]]], [row[0] as f64, row[1] as f64]);
            }
            assert_eq!(z[[n - 2, 3]], n as f64, "{name}");
        }
    }
    let documented: BTreeSet<String> = files.keys().cloned().collect();
    assert_eq!(written, documented, "files documented but never written");
    for (key, kinds) in &seen {
        let types = schema
            .get(key)
            .unwrap_or_else(|| panic!("model.json key {key} is not in CONTRACT.md"));
        for kind in kinds {
            assert!(
                types.contains(*kind),
                "{key}: a {kind}, documented {types:?}"
            );
        }
    }
    let keys_seen: BTreeSet<&String> = seen.keys().collect();
    let keys_documented: BTreeSet<&String> = schema.keys().collect();
    assert_eq!(keys_seen, keys_documented, "documented keys never written");
}

#[test]
fn exit_codes_are_the_documented_ones() {
    let codes: BTreeMap<i32, String> = table("Exit codes")
        .into_iter()
        .map(|row| (row[0].parse().unwrap(), row[1].clone()))
        .collect();
    // 130, an interrupted run, is tried by `cli/safety.rs`.
    assert_eq!(codes.keys().copied().collect::<Vec<_>>(), [0, 1, 2, 130]);
    let dir = tempfile::tempdir().unwrap();
    let digits = write_digits(dir.path()).display().to_string();
    let code = |args: &[&str]| agglo(dir.path(), args).status.code();
    assert_eq!(code(&["--version"]), Some(0));
    assert_eq!(code(&["fit", "--help"]), Some(0));
    // Bad usage and bad input.
    assert_eq!(code(&["fit", &digits, "--bogus"]), Some(2));
    assert_eq!(
        code(&["fit", "missing.npy", "--n-clusters", "2", "--out", "o"]),
        Some(2)
    );
    // The system: an output folder inside a regular file cannot be made.
    fs::write(dir.path().join("file"), b"").unwrap();
    let run = agglo(
        dir.path(),
        &["fit", &digits, "--n-clusters", "2", "--out", "file/out"],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).starts_with("error: "), "{}", stderr(&run));
}
