//! A run stopped at every step of putting its outputs in place (the debug
//! build's `AGGLO_CRASH_AT`, which exits there as a SIGKILL would): the next
//! agglo command that opens the folder, reader or writer, finds it holding
//! one complete result, and the user's own files in it untouched.

use std::fs;
use std::path::Path;
use std::process::Output;

use super::common::{agglo, stderr};
use super::safety::{assert_whole, hidden_leftovers, write_input};

fn fit(dir: &Path, k: &str, distances: bool, crash_at: Option<&str>) -> Output {
    let mut args = vec![
        "fit",
        "x.npy",
        "--grid",
        "30,30",
        "--n-clusters",
        k,
        "--out",
        "out",
        "-q",
    ];
    if distances {
        args.push("--compute-distances");
    }
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agglo"));
    command.current_dir(dir).args(&args);
    if let Some(point) = crash_at {
        command.env("AGGLO_CRASH_AT", point);
    }
    command.output().unwrap()
}

/// Every step of the one-by-one switch of a folder that also holds a file
/// of the user's: the staged files renamed (model.json last) and the stale
/// output removed.
const STEPS: &[&str] = &[
    "journal",
    "renamed labels.npy",
    "renamed children.npy",
    "renamed reduced.npy",
    "renamed restored.npy",
    "renamed model.json",
    "removed distances.npy",
];

#[test]
fn a_switch_stopped_at_any_step_is_finished_by_the_next_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 30, 3);
    for (i, step) in STEPS.iter().enumerate() {
        // An earlier result with distances, and a note of the user's.
        fs::remove_dir_all(d.join("out")).ok();
        let run = fit(d, "40", true, None);
        assert!(run.status.success(), "{}", stderr(&run));
        fs::write(d.join("out/notes.txt"), "mine").unwrap();
        let run = fit(d, "41", false, Some(step));
        assert_eq!(
            run.status.code(),
            Some(137),
            "stopped at {step}: {}",
            stderr(&run)
        );
        assert!(
            d.join(".out.agglo-journal").exists(),
            "{step}: the journal stays"
        );
        // Half the time a reader comes next, half the time a writer.
        if i % 2 == 0 {
            let run = agglo(
                d,
                &[
                    "transform",
                    "x.npy",
                    "--model",
                    "out",
                    "--out",
                    "t.npy",
                    "-q",
                ],
            );
            assert!(run.status.success(), "{step}: {}", stderr(&run));
            assert_eq!(assert_whole(&d.join("out")), 41, "after {step}");
            assert!(
                !d.join("out/distances.npy").exists(),
                "{step}: stale output removed"
            );
        } else {
            let run = fit(d, "42", false, None);
            assert!(run.status.success(), "{step}: {}", stderr(&run));
            assert_eq!(assert_whole(&d.join("out")), 42, "after {step}");
        }
        assert_eq!(fs::read_to_string(d.join("out/notes.txt")).unwrap(), "mine");
        assert_eq!(hidden_leftovers(d), Vec::<String>::new(), "after {step}");
    }
}

#[test]
fn a_run_stopped_right_after_swapping_a_folder_leaves_the_new_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_input(&d.join("x.npy"), 30, 4);
    let run = fit(d, "40", false, None);
    assert!(run.status.success(), "{}", stderr(&run));
    let run = fit(d, "41", false, Some("exchanged"));
    assert_eq!(run.status.code(), Some(137), "{}", stderr(&run));
    assert_eq!(assert_whole(&d.join("out")), 41);
    // What it left (the old outputs in its staging folder, its lock) goes
    // with the next run.
    let run = fit(d, "42", false, None);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(assert_whole(&d.join("out")), 42);
    assert_eq!(hidden_leftovers(d), Vec::<String>::new());
}
