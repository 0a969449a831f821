//! The output folder as a whole: where its staging folder lives, who may
//! write into it, and the switch from the old outputs to the new.
//!
//! - The staging folder is made beside the folder the path resolves to
//!   (through a symbolic link, on its file system), under a name of
//!   bounded length.
//! - One run at a time writes into a folder: a second is refused at once
//!   (an exclusive lock on `.{name}.agglo-lock` beside it, released by the
//!   system when the run ends, however it ends; the file is removed by the
//!   run that made it, or left empty by a killed one).
//! - The switch is atomic where the folder holds only agglo's outputs (or
//!   does not exist yet): the staging folder takes its place in one rename
//!   (Linux's `RENAME_EXCHANGE` for a folder that exists). Where it also
//!   holds files of the user's, which are never moved, the outputs are
//!   renamed one by one, `model.json` last. Either way the switch happens
//!   under a second lock, `.{name}.agglo-commit-lock`, which `transform`,
//!   `inverse-transform`, `cut` and `dendrogram` take shared while they
//!   read a model, so that agglo never reads a folder halfway switched.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::bad_input;

/// Names longer than this are shortened (with a hash of the whole name)
/// in the hidden names made from them, which must stay under 255 bytes.
const MAX_STEM: usize = 64;

/// Where an output folder really is and what its hidden companions are
/// called.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The folder the path names, its symbolic link followed.
    pub target: PathBuf,
    /// The folder that holds it (where staging and locks go).
    pub base: PathBuf,
    /// The bounded name the hidden companions are made from.
    pub stem: String,
}

/// Resolves `target` (the `--out` path as given).
///
/// # Errors
/// A path that exists and is not a folder, or a dangling symbolic link.
pub fn resolve(target: &Path) -> Result<Resolved> {
    let shown = target.display();
    let target = match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::metadata(target) {
            Ok(real) if real.is_dir() => {
                fs::canonicalize(target).with_context(|| format!("cannot resolve --out {shown}"))?
            }
            Ok(_) => {
                return Err(bad_input(format!(
                    "--out {shown}: a symbolic link to something that is not a folder"
                )))
            }
            Err(_) => {
                let to = fs::read_link(target).unwrap_or_default();
                return Err(bad_input(format!(
                    "--out {shown}: a symbolic link to {}, which does not exist; \
                     create that folder or remove the link",
                    to.display()
                )));
            }
        },
        Ok(meta) if !meta.is_dir() => {
            return Err(bad_input(format!(
                "--out {shown}: exists and is not a folder"
            )))
        }
        // `.` and `..` have no name of their own: the folder's real path.
        Ok(_) => {
            fs::canonicalize(target).with_context(|| format!("cannot resolve --out {shown}"))?
        }
        Err(_) => target.to_path_buf(),
    };
    let base = nearest_existing_ancestor(&target);
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    Ok(Resolved {
        stem: bounded(&name),
        target,
        base,
    })
}

/// `name`, or its first bytes and a hash of all of it when it is long.
pub fn bounded(name: &str) -> String {
    if name.len() <= MAX_STEM {
        return name.to_string();
    }
    let mut end = MAX_STEM - 17;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    // FNV-1a: the same short name in every run and version.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}~{hash:016x}", &name[..end])
}

impl Resolved {
    /// Takes the folder for this run, refusing it when another run holds
    /// it. The lock lasts as long as the returned value; its file is
    /// removed then.
    ///
    /// # Errors
    /// Another run is writing into the folder, or the lock file cannot be
    /// made.
    pub fn lock_run(&self, shown: &Path) -> Result<Lock> {
        let path = self.base.join(format!(".{}.agglo-lock", self.stem));
        let lock = Lock::exclusive(&path, false).with_context(|| {
            format!(
                "--out {}: cannot write into {}",
                shown.display(),
                self.base.display()
            )
        })?;
        lock.ok_or_else(|| {
            bad_input(format!(
                "--out {}: another agglo run is writing into it; wait for it to end \
                 or choose another folder",
                shown.display()
            ))
        })
    }

    /// Waits for the readers of the folder, and keeps new ones out until
    /// the returned lock is dropped.
    ///
    /// # Errors
    /// The lock file cannot be made or locked.
    pub fn lock_commit(&self) -> Result<Lock> {
        let path = self.base.join(format!(".{}.agglo-commit-lock", self.stem));
        Ok(Lock::exclusive(&path, true)?.expect("a waiting lock is always taken"))
    }

    /// The commit journal of the folder (see `journal`).
    pub fn journal_path(&self) -> PathBuf {
        self.base.join(format!(".{}.agglo-journal", self.stem))
    }

    /// Finishes the switch a killed run left half done, if it did, holding
    /// the commit lock meanwhile; the caller holds the run lock or reads.
    ///
    /// # Errors
    /// The switch cannot be finished.
    pub fn finish_interrupted(&self) -> Result<()> {
        let journal = self.journal_path();
        if journal.exists() {
            let _readers_out = self.lock_commit()?;
            crate::journal::finish_interrupted(&journal)?;
        }
        Ok(())
    }

    /// Replaces the folder's outputs with the files `written` of `staging`:
    /// in one rename when the folder holds only files in `ours` (those an
    /// earlier run wrote) or does not exist; else one by one, `model.json`
    /// last, after which the files of `ours` not written again are removed,
    /// all recorded first in the commit journal so that a run killed
    /// halfway is finished by the next agglo command that opens the folder.
    ///
    /// # Errors
    /// A rename or removal fails.
    pub fn switch(&self, staging: &Path, written: &[String], ours: &[String]) -> Result<()> {
        let target = &self.target;
        if !target.exists() {
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the output folder {}", target.display())
                })?;
            }
            return fs::rename(staging, target)
                .with_context(|| format!("cannot move the outputs into {}", target.display()));
        }
        let only_ours = fs::read_dir(target)
            .with_context(|| format!("cannot read {}", target.display()))?
            .all(|e| {
                e.is_ok_and(|e| {
                    let name = e.file_name();
                    ours.iter().any(|o| name.to_str() == Some(o.as_str()))
                        && e.file_type().is_ok_and(|t| t.is_file())
                })
            });
        // Not the working folder (or one holding it): the shell that ran
        // agglo would be left in the old, removed folder.
        let holds_cwd = std::env::current_dir()
            .ok()
            .and_then(|cwd| cwd.canonicalize().ok())
            .zip(target.canonicalize().ok())
            .is_some_and(|(cwd, t)| cwd.starts_with(t));
        if only_ours && !holds_cwd && exchange(staging, target).is_ok() {
            crate::journal::crash_point("exchanged");
            // The old outputs are now in the staging folder.
            fs::remove_dir_all(staging).ok();
            return Ok(());
        }
        let (last, first): (Vec<&String>, Vec<&String>) =
            written.iter().partition(|n| n.as_str() == "model.json");
        let order: Vec<&String> = first.into_iter().chain(last).collect();
        let stale: Vec<&String> = ours.iter().filter(|o| !written.contains(o)).collect();
        let journal =
            crate::journal::Journal::begin(&self.journal_path(), staging, target, &order, &stale)?;
        crate::journal::crash_point("journal");
        for name in order {
            let to = target.join(name);
            fs::rename(staging.join(name), &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
            crate::journal::crash_point(&format!("renamed {name}"));
        }
        for name in stale {
            let path = target.join(name);
            if path.is_file() {
                fs::remove_file(&path)
                    .with_context(|| format!("cannot remove the stale {}", path.display()))?;
            }
            crate::journal::crash_point(&format!("removed {name}"));
        }
        journal.end();
        fs::remove_dir_all(staging).ok();
        Ok(())
    }
}

/// Waits until no run is switching the model folder `dir`, and keeps runs
/// from switching it while the returned file is open (`None` when no run
/// is writing beside it).
pub fn read_lock(dir: &Path) -> Option<File> {
    let resolved = resolve(dir).ok()?;
    if resolved.journal_path().exists() {
        // A run was killed while switching the folder (else the next run
        // into it, holding the run lock, finishes its switch).
        if let Ok(_run) = resolved.lock_run(dir) {
            if let Err(e) = resolved.finish_interrupted() {
                eprintln!("warning: {e:#}");
            }
        }
    }
    let path = resolved
        .base
        .join(format!(".{}.agglo-commit-lock", resolved.stem));
    for _ in 0..16 {
        let file = File::open(&path).ok()?;
        file.lock_shared().ok()?;
        if same_file(&file, &path) {
            return Some(file);
        }
    }
    None
}

/// An exclusive lock on a file of its own, removed when the lock is
/// dropped. Whoever takes a lock checks that its file is still the one at
/// the path (not one removed by the holder before): the removal is safe.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// The lock of `path`, waiting for it with `wait`, else `None` when
    /// another process holds it.
    fn exclusive(path: &Path, wait: bool) -> Result<Option<Lock>> {
        // A file system whose inode numbers are not stable would never
        // confirm the file: after a few tries the lock is taken as it is.
        for attempt in 0.. {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
                .with_context(|| format!("cannot create the lock file {}", path.display()))?;
            if wait {
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            } else {
                match file.try_lock() {
                    Ok(()) => {}
                    Err(fs::TryLockError::WouldBlock) => return Ok(None),
                    Err(fs::TryLockError::Error(e)) => {
                        return Err(e).with_context(|| format!("cannot lock {}", path.display()))
                    }
                }
            }
            if attempt >= 16 || same_file(&file, path) {
                crate::cleanup::remember(path);
                return Ok(Some(Lock {
                    file,
                    path: path.to_path_buf(),
                }));
            }
        }
        unreachable!("the loop returns")
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            fs::remove_file(&self.path).ok();
        }
        crate::cleanup::forget(&self.path);
    }
}

/// Whether `file` is the file at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange of folders here"))
}

pub(crate) fn nearest_existing_ancestor(path: &Path) -> PathBuf {
    let mut current = path.parent();
    while let Some(p) = current {
        if p.as_os_str().is_empty() {
            return PathBuf::from(".");
        }
        if p.is_dir() {
            return p.to_path_buf();
        }
        current = p.parent();
    }
    PathBuf::from(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_bounded_and_stable() {
        assert_eq!(bounded("out"), "out");
        let long = "é".repeat(120);
        let short = bounded(&long);
        assert!(short.len() <= MAX_STEM, "{}", short.len());
        assert_eq!(short, bounded(&long));
        assert_ne!(short, bounded(&format!("{long}x")));
    }

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let resolved = resolve(&dir.path().join("out")).unwrap();
        let first = resolved.lock_run(Path::new("out")).unwrap();
        let err = resolved.lock_run(Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("another agglo run"), "{err}");
        drop(first);
        assert!(
            !dir.path().join(".out.agglo-lock").exists(),
            "removed with its lock"
        );
        resolved.lock_run(Path::new("out")).unwrap();
    }

    #[test]
    fn a_folder_of_agglo_outputs_is_switched_in_one_rename() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("model.json"), "old").unwrap();
        fs::write(target.join("distances.npy"), "old").unwrap();
        let staging = dir.path().join(".out.agglo-staging-1");
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("model.json"), "new").unwrap();
        let resolved = resolve(&target).unwrap();
        let ours = vec!["model.json".to_string(), "distances.npy".to_string()];
        resolved
            .switch(&staging, &["model.json".to_string()], &ours)
            .unwrap();
        assert_eq!(
            fs::read_to_string(target.join("model.json")).unwrap(),
            "new"
        );
        assert!(!target.join("distances.npy").exists());
        assert!(!staging.exists());
        // A user's file in the folder stays where it is.
        fs::write(target.join("notes.txt"), "mine").unwrap();
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("model.json"), "newer").unwrap();
        resolved
            .switch(
                &staging,
                &["model.json".to_string()],
                &["model.json".to_string()],
            )
            .unwrap();
        assert_eq!(
            fs::read_to_string(target.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            fs::read_to_string(target.join("model.json")).unwrap(),
            "newer"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_dangling_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let resolved = resolve(&dir.path().join("link")).unwrap();
        assert_eq!(resolved.target, fs::canonicalize(&real).unwrap());
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("dangling")).unwrap();
        let err = resolve(&dir.path().join("dangling")).unwrap_err();
        assert!(err.to_string().contains("which does not exist"), "{err}");
    }
}
