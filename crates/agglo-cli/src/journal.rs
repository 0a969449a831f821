//! The commit journal: how a folder whose outputs must be renamed into
//! place one by one (it also holds files of the user's, so it cannot be
//! swapped whole) still switches from one complete result to the other.
//!
//! Before the first rename, the run writes (atomically, through a
//! temporary file) a journal beside the folder naming its staging folder,
//! the files to rename (`model.json` last) and the stale outputs to remove.
//! The journal is removed once the switch is done. A run killed in between
//! leaves the journal and its staging folder, and whatever agglo command
//! next opens the folder (a fit into it, or `transform`, `inverse-transform`,
//! `cut`, `dendrogram` reading it) first finishes that switch: no agglo
//! command ever sees the folder half switched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// What a switch in progress will have done once finished.
#[derive(Debug, Serialize, Deserialize)]
struct Entries {
    /// The staging folder the files come from.
    staging: PathBuf,
    /// The output folder.
    target: PathBuf,
    /// Files to move from `staging` into `target`, in order.
    rename: Vec<String>,
    /// Files to remove from `target` after the renames.
    remove: Vec<String>,
}

/// A switch in progress, recorded on disk until [`Journal::end`].
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// Records that `rename` (in order) will move from `staging` into
    /// `target` and then `remove` will be removed from it.
    ///
    /// # Errors
    /// The journal cannot be written.
    pub fn begin(
        path: &Path,
        staging: &Path,
        target: &Path,
        rename: &[&String],
        remove: &[&String],
    ) -> Result<Journal> {
        let entries = Entries {
            staging: staging.to_path_buf(),
            target: target.to_path_buf(),
            rename: rename.iter().map(|s| (*s).clone()).collect(),
            remove: remove.iter().map(|s| (*s).clone()).collect(),
        };
        let cannot = || format!("cannot write the commit journal {}", path.display());
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut file = fs::File::create(&tmp).with_context(cannot)?;
        file.write_all(&serde_json::to_vec(&entries)?)
            .and_then(|()| file.sync_all())
            .with_context(cannot)?;
        fs::rename(&tmp, path).with_context(cannot)?;
        sync_parent(path);
        Ok(Journal {
            path: path.to_path_buf(),
        })
    }

    /// The switch is done: the journal goes.
    pub fn end(self) {
        fs::remove_file(&self.path).ok();
        sync_parent(&self.path);
    }
}

/// Finishes the switch that a killed run left recorded in the journal at
/// `path`, if any, and returns whether there was one. The caller holds the
/// folder's locks, so the run that wrote the journal is gone.
///
/// # Errors
/// A rename or removal fails (the journal is kept for the next try).
pub fn finish_interrupted(path: &Path) -> Result<bool> {
    let Ok(bytes) = fs::read(path) else {
        return Ok(false);
    };
    let Ok(entries) = serde_json::from_slice::<Entries>(&bytes) else {
        // Not a journal agglo wrote whole (they are renamed into place):
        // nothing can be done from it.
        fs::remove_file(path).ok();
        return Ok(false);
    };
    for name in &entries.rename {
        let from = entries.staging.join(name);
        if from.exists() {
            let to = entries.target.join(name);
            fs::rename(&from, &to).with_context(|| {
                format!(
                    "cannot finish the switch an interrupted run left in {}: moving {}",
                    entries.target.display(),
                    to.display()
                )
            })?;
        }
    }
    for name in &entries.remove {
        let stale = entries.target.join(name);
        if stale.is_file() {
            fs::remove_file(&stale)
                .with_context(|| format!("cannot remove the stale {}", stale.display()))?;
        }
    }
    fs::remove_dir_all(&entries.staging).ok();
    fs::remove_file(path).ok();
    sync_parent(path);
    Ok(true)
}

/// Makes a rename or removal in `path`'s folder durable (best effort).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = fs::File::open(parent) {
            dir.sync_all().ok();
        }
    }
}

/// Stops the run here, as a SIGKILL would (no destructor, no clean-up),
/// when the debug build runs with `AGGLO_CRASH_AT` set to `point`: for the
/// tests that check every step of a switch can be interrupted.
pub fn crash_point(point: &str) {
    if cfg!(debug_assertions) && std::env::var("AGGLO_CRASH_AT").is_ok_and(|p| p == point) {
        std::process::exit(137);
    }
}
