//! Runs onto small and read-only file systems (a tmpfs of its own, where
//! the machine lets tests mount one; skipped with the reason printed where
//! it does not): a run that cannot write fails naming the output, and
//! changes nothing.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::common::{agglo, stderr};
use super::safety::hidden_leftovers;

/// A small file system of its own, unmounted when dropped; `None` (with
/// the reason printed) where this machine does not let tests mount one.
struct SmallFs {
    mount: PathBuf,
    /// The folder holding the mount point, removed after the unmount.
    _holder: tempfile::TempDir,
}

impl SmallFs {
    fn mount(bytes: usize) -> Option<SmallFs> {
        let dir = tempfile::tempdir().ok()?;
        let mount = dir.path().join("fs");
        fs::create_dir(&mount).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&mount)
            .stderr(Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            Some(SmallFs {
                mount,
                _holder: dir,
            })
        } else {
            eprintln!("cannot mount a small tmpfs here (needs privileges): the full disk case is not tried");
            None
        }
    }
}

impl SmallFs {
    /// Makes the file system read-only (`false` where that is not allowed).
    fn make_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.mount)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// `agglo fit` of the digits (written in `dir`) into `k` clusters in `out`.
fn fit_digits(dir: &std::path::Path, k: &str, out: &str) -> std::process::Output {
    agglo(
        dir,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            k,
            "--out",
            out,
            "-q",
        ],
    )
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        Command::new("umount").arg(&self.mount).status().ok();
    }
}

#[cfg(unix)]
#[test]
fn a_full_disk_fails_the_run_naming_the_output_and_keeps_the_old_result() {
    let Some(small) = SmallFs::mount(1536 << 10) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    super::common::write_digits(d);
    let out = small.mount.join("out");
    let out_arg = out.display().to_string();
    let fit = |k: &str| fit_digits(d, k, &out_arg);
    let run = fit("6");
    assert!(run.status.success(), "{}", stderr(&run));
    let before = super::common::snapshot(&out);
    // The second result does not fit beside the first.
    let run = fit("7");
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{out_arg}/")),
        "names the output: {err}"
    );
    assert!(!err.contains("agglo-staging"), "not a hidden path: {err}");
    assert_eq!(
        super::common::snapshot(&out),
        before,
        "the old result is kept whole"
    );
    assert_eq!(hidden_leftovers(&small.mount), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_read_only_file_system_fails_the_run_naming_the_output_and_changes_nothing() {
    let Some(small) = SmallFs::mount(4 << 20) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    super::common::write_digits(d);
    let out = small.mount.join("out");
    let out_arg = out.display().to_string();
    let fit = |k: &str| fit_digits(d, k, &out_arg);
    let run = fit("6");
    assert!(run.status.success(), "{}", stderr(&run));
    if !small.make_read_only() {
        eprintln!("cannot remount the tmpfs read-only here: the read-only case is not tried");
        return;
    }
    let before = super::common::snapshot(&out);
    let run = fit("7");
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains(&out_arg), "names the output: {err}");
    assert!(err.contains("Read-only file system"), "says why: {err}");
    assert_eq!(
        super::common::snapshot(&out),
        before,
        "the old result is kept"
    );
    // transform into the read-only folder: refused the same way, and a
    // figure there too.
    let ts = small.mount.join("ts.npy").display().to_string();
    let run = agglo(
        d,
        &["transform", "digits.npy", "--model", &out_arg, "--out", &ts],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains(&ts), "names the output: {err}");
    let figure = small.mount.join("f.png").display().to_string();
    let run = agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "7",
            "--out",
            "local",
            "--figure",
            &figure,
            "-q",
        ],
    );
    let err = stderr(&run);
    assert_ne!(run.status.code(), Some(0), "{err}");
    assert!(err.contains(&figure), "names the figure: {err}");
    assert!(!d.join("local").exists(), "no output without the figure");
    assert_eq!(super::common::snapshot(&out), before);
}

/// A float32 series of `side`³ voxels and `volumes` volumes.
fn write_series(path: &std::path::Path, side: usize, volumes: usize) {
    let data = ndarray::Array4::from_shape_fn((side, side, side, volumes), |(x, y, z, t)| {
        ((x * 7 + y * 3 + z) as f32 * 0.01 + t as f32).sin()
    });
    nifti::writer::WriterOptions::new(path)
        .write_nifti(&data)
        .unwrap();
}

#[cfg(unix)]
#[test]
fn a_nifti_fit_onto_a_full_disk_fails_naming_the_output_and_keeps_the_old_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_series(&d.join("small.nii.gz"), 6, 3);
    write_series(&d.join("large.nii.gz"), 40, 6);
    // With 2 MiB the scratch copy of the large series (3 MiB) is what does
    // not fit; with 6 MiB it fits and the tree's outputs do not.
    for (size, what) in [(2 << 20, "scratch copy"), (6 << 20, "No space left")] {
        let Some(small) = SmallFs::mount(size) else {
            return;
        };
        let out = small.mount.join("out");
        let out_arg = out.display().to_string();
        let fit = |input: &str| {
            agglo(
                d,
                &["fit", input, "--n-clusters", "5", "--out", &out_arg, "-q"],
            )
        };
        let run = fit("small.nii.gz");
        assert!(run.status.success(), "{}", stderr(&run));
        let before = super::common::snapshot(&out);
        let run = fit("large.nii.gz");
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(err.contains(&out_arg), "names the output: {err}");
        assert!(err.contains(what), "{what}: {err}");
        assert!(!err.contains("agglo-staging"), "not a hidden path: {err}");
        assert_eq!(
            super::common::snapshot(&out),
            before,
            "the old result is kept"
        );
        assert_eq!(hidden_leftovers(&small.mount), Vec::<String>::new());
    }
}
