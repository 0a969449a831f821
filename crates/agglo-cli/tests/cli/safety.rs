//! The promise that a run never loses or mixes a user's files, tried the
//! hard way: runs killed at many points of their work, two runs into one
//! folder, outputs behind symbolic links (on another file system where
//! there is one), long and dangling names, inputs replaced or removed
//! mid-run, pipes given as input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ndarray::Array2;
use ndarray_npy::WriteNpyExt;
use serde_json::Value;

use super::common::{agglo, read_f64, read_i64, refused, stderr};

/// Smooth-ish data on a `side × side` grid, a second or more of work.
pub(super) fn write_input(path: &Path, side: usize, seed: u64) {
    let mut state = seed;
    let x = Array2::from_shape_fn((24, side * side), |(s, f)| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((f % side) as f64 * 0.05 + s as f64).sin() + (state >> 40) as f64 * 1e-7
    });
    x.write_npy(fs::File::create(path).unwrap()).unwrap();
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_agglo"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The folder holds one complete result: `model.json` parses, every file
/// it lists is there, and the labels, the reduced data and the counts agree.
pub(super) fn assert_whole(out: &Path) -> usize {
    let model: Value =
        serde_json::from_str(&fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    for file in model["outputs"].as_array().unwrap() {
        assert!(out.join(file.as_str().unwrap()).is_file(), "{file} missing");
    }
    let k = model["fitted"]["n_clusters"].as_u64().unwrap() as usize;
    let labels = read_i64(out.join("labels.npy"));
    assert_eq!(
        labels.iter().max().map(|&l| l as usize + 1),
        Some(k),
        "labels of another run"
    );
    assert_eq!(
        read_f64(out.join("reduced.npy")).shape()[1],
        k,
        "reduced of another run"
    );
    k
}

pub(super) fn hidden_leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("agglo-"))
        .collect()
}

fn wait_for(path: &Path, child: &mut Child) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if path.exists() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

fn fit_args(k: &str) -> [&str; 9] {
    [
        "fit",
        "x.npy",
        "--grid",
        "120,120",
        "--n-clusters",
        k,
        "--out",
        "out",
        "-q",
    ]
}

#[cfg(unix)]
#[test]
fn a_killed_fit_leaves_the_old_result_or_the_new_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 120, 1);
    let run = agglo(d, &fit_args("40"));
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(assert_whole(&d.join("out")), 40);
    // Time a whole run, then kill runs at points spread over it.
    let start = Instant::now();
    let run = agglo(d, &fit_args("41"));
    assert!(run.status.success());
    let whole = start.elapsed();
    let mut seen = std::collections::BTreeSet::new();
    for step in 0..24u32 {
        let k = if step % 2 == 0 { "42" } else { "43" };
        let mut child = spawn(d, &fit_args(k));
        std::thread::sleep(whole.mul_f64(f64::from(step) / 20.0));
        child.kill().ok(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        seen.insert(assert_whole(&d.join("out")));
    }
    eprintln!("after 24 killed runs the folder held the results of k in {seen:?}");
    // The next run removes what the killed ones left, and leaves nothing.
    let run = agglo(d, &fit_args("44"));
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(assert_whole(&d.join("out")), 44);
    assert_eq!(hidden_leftovers(d), Vec::<String>::new());
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_while_the_first_works() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 120, 2);
    let fit = fit_args("30");
    let mut first = spawn(d, &fit);
    assert!(
        wait_for(&d.join(".out.agglo-lock"), &mut first),
        "the first run took its folder"
    );
    refused(&agglo(d, &fit), "another agglo run is writing into it");
    assert!(first.wait().unwrap().success());
    assert_eq!(assert_whole(&d.join("out")), 30);
    assert_eq!(hidden_leftovers(d), Vec::<String>::new());
}

/// A folder on another file system than the temporary one, where the
/// machine has one (`/dev/shm`).
fn other_file_system() -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let shm = Path::new("/dev/shm");
    let tmp = std::env::temp_dir();
    let (a, b) = (fs::metadata(shm).ok()?, fs::metadata(&tmp).ok()?);
    (a.dev() != b.dev()).then(|| shm.to_path_buf())
}

#[cfg(unix)]
#[test]
fn outputs_behind_links_with_long_names_or_dangling_links() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    super::common::write_digits(d);
    let fit = |out: &str| {
        agglo(
            d,
            &[
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "6",
                "--out",
                out,
                "-q",
            ],
        )
    };
    let elsewhere = if let Some(fs_root) = other_file_system() {
        tempfile::tempdir_in(fs_root).unwrap()
    } else {
        eprintln!("no second file system here (/dev/shm): the link stays on one");
        tempfile::tempdir().unwrap()
    };
    std::os::unix::fs::symlink(elsewhere.path(), d.join("link")).unwrap();
    for _ in 0..2 {
        let run = fit("link");
        assert!(run.status.success(), "{}", stderr(&run));
        assert_eq!(assert_whole(&d.join("link")), 6);
    }
    assert!(d.join("link").is_symlink(), "the link is kept");
    // What agglo stages beside the link's target is named after it; the
    // shared folder may hold other programs' (or other runs') files.
    let target = elsewhere.path().file_name().unwrap().to_string_lossy();
    let left: Vec<String> = hidden_leftovers(elsewhere.path().parent().unwrap())
        .into_iter()
        .filter(|n| n.contains(target.as_ref()))
        .collect();
    assert_eq!(left, Vec::<String>::new());

    let long = "a".repeat(250);
    for _ in 0..2 {
        let run = fit(&long);
        assert!(run.status.success(), "{}", stderr(&run));
    }
    assert_eq!(assert_whole(&d.join(&long)), 6);

    std::os::unix::fs::symlink(d.join("gone"), d.join("dangling")).unwrap();
    refused(&fit("dangling"), "which does not exist");
    assert!(!d.join("gone").exists());
    assert_eq!(hidden_leftovers(d), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn an_input_replaced_or_removed_mid_run_fails_the_run_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 150, 3);
    write_input(&d.join("other.npy"), 150, 4);
    let fit = [
        "fit",
        "x.npy",
        "--grid",
        "150,150",
        "--n-clusters",
        "25",
        "--out",
        "out",
        "-q",
    ];
    for replace in [true, false] {
        let mut child = spawn(d, &fit);
        assert!(wait_for(&d.join(".out.agglo-lock"), &mut child));
        if replace {
            fs::copy(d.join("other.npy"), d.join("next.npy")).unwrap();
            fs::rename(d.join("next.npy"), d.join("x.npy")).unwrap();
        } else {
            fs::rename(d.join("x.npy"), d.join("kept.npy")).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        // Removed before agglo's first read, the file is simply missing.
        let expected: &[&str] = if replace {
            &["changed while agglo was working on it"]
        } else {
            &["was removed while agglo was working on it", "No such file"]
        };
        assert!(expected.iter().any(|e| err.contains(e)), "{err}");
        assert!(!d.join("out").exists(), "nothing was written");
        if !replace {
            fs::rename(d.join("kept.npy"), d.join("x.npy")).unwrap();
        }
    }
    assert_eq!(hidden_leftovers(d), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn pipes_and_standard_input_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let made = Command::new("mkfifo").arg(d.join("fifo.npy")).status();
    if made.is_ok_and(|s| s.success()) {
        let start = Instant::now();
        refused(
            &agglo(d, &["fit", "fifo.npy", "--n-clusters", "2", "--out", "out"]),
            "not a regular file",
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no wait for a writer"
        );
    } else {
        eprintln!("mkfifo is not available: the named pipe case is not tried");
    }
    let run = Command::new(env!("CARGO_BIN_EXE_agglo"))
        .current_dir(d)
        .args(["fit", "/dev/stdin", "--n-clusters", "2", "--out", "out"])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    refused(&run, "not a regular file");
    assert!(!d.join("out").exists());
}

/// More clusters than points is refused from the `.npy` header (and the
/// mask), before the data is read: here the data is not even valid.
#[test]
fn too_many_clusters_are_refused_before_the_data_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "{'descr': '|b1', 'fortran_order': False, 'shape': (3, 4, 4), }";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let padded = format!("{header:<117}\n");
    bytes.extend_from_slice(&u16::try_from(padded.len()).unwrap().to_le_bytes());
    bytes.extend_from_slice(padded.as_bytes());
    bytes.extend(std::iter::repeat_n(7u8, 48)); // not booleans
    fs::write(d.join("x.npy"), &bytes).unwrap();
    for (k, extra) in [
        ("17", &[][..]),
        ("20", &["--method", "rena", "--grid", "4,4"][..]),
    ] {
        let mut args = vec!["fit", "x.npy", "--n-clusters", k, "--out", "out"];
        args.extend_from_slice(extra);
        refused(
            &agglo(d, &args),
            &format!("n_clusters is {k}, but there are 16 points"),
        );
    }
    let mask = ndarray::Array2::from_shape_fn((4, 4), |(r, _)| r < 2);
    mask.write_npy(fs::File::create(d.join("mask.npy")).unwrap())
        .unwrap();
    refused(
        &agglo(
            d,
            &[
                "fit",
                "x.npy",
                "--mask",
                "mask.npy",
                "--n-clusters",
                "9",
                "--out",
                "out",
            ],
        ),
        "n_clusters is 9, but there are 8 points",
    );
    // Within the points, the reader words what is wrong with the data.
    refused(
        &agglo(d, &["fit", "x.npy", "--n-clusters", "3", "--out", "out"]),
        "x.npy",
    );
    assert!(!d.join("out").exists());
}

/// Ctrl-C or SIGTERM: the run removes its staging folder and locks, exits
/// with 130, and the folder keeps its earlier result. The signals come at
/// times spread over the run (reading, fitting, writing into the staging
/// folder); a run that ends first leaves its own result whole.
#[cfg(unix)]
#[test]
fn an_interrupted_fit_removes_what_it_staged_and_keeps_the_old_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 150, 5);
    let fit = |k: &'static str| {
        [
            "fit",
            "x.npy",
            "--grid",
            "150,150",
            "--n-clusters",
            k,
            "--out",
            "out",
            "-q",
        ]
    };
    let run = agglo(d, &fit("20"));
    assert!(run.status.success(), "{}", stderr(&run));
    let mut before = super::common::snapshot(&d.join("out"));
    let (mut interrupted, mut finished) = (0, 0);
    for (attempt, delay_ms) in [0, 0, 5, 20, 60, 120, 200, 300, 450]
        .into_iter()
        .enumerate()
    {
        let signal = ["INT", "TERM"][attempt % 2];
        let mut child = spawn(d, &fit(["21", "22"][attempt % 2]));
        assert!(wait_for(&d.join(".out.agglo-lock"), &mut child));
        let staging = format!(".out.agglo-staging-{}", child.id());
        let start = Instant::now();
        while !d.join(&staging).exists() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        let why = format!("SIG{signal} {delay_ms} ms after staging began: {status:?}");
        assert_eq!(hidden_leftovers(d), Vec::<String>::new(), "{why}");
        let after = super::common::snapshot(&d.join("out"));
        match status.code() {
            Some(130) => {
                interrupted += 1;
                assert_eq!(after, before, "{why}");
            }
            Some(0) => {
                finished += 1;
                assert_ne!(after, before, "{why}");
                before = after;
            }
            _ => panic!("{why}"),
        }
    }
    // The early signals always land within the run.
    assert!(
        interrupted >= 2,
        "{interrupted} interrupted, {finished} finished"
    );
}
