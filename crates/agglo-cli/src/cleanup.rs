//! What an interrupted run removes before it exits: on Ctrl-C (SIGINT),
//! SIGTERM or SIGHUP, the staging folders, temporary files and lock files
//! of this run are removed and the process exits with 130, so that an
//! interrupted run leaves nothing behind. (A run killed outright, SIGKILL,
//! cannot; the next run into the same place removes what it left.) An
//! interruption while the outputs are being put in place waits for that to
//! finish (see [`uninterrupted`]).
//!
//! The cleanup runs on the handler's thread while the run's own thread
//! goes on, so every path it covers, and every file in a staging folder it
//! covers, is created inside [`creating`]: the cleanup waits for a
//! creation under way to end and holds the lock until the process exits,
//! so nothing is created beside or after it. Paths are [`remember`]ed
//! before they are created.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

/// What the running command would leave behind if it stopped now.
static LEFTOVERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();
/// Whether the outputs are being put in place.
static COMMITTING: AtomicBool = AtomicBool::new(false);
/// Whether an interruption came meanwhile.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Held while a file or folder that the cleanup would remove is created.
static CREATING: Mutex<()> = Mutex::new(());

/// Removes `path` (a file or a folder) if the run is interrupted, until
/// [`forget`] is called for it.
pub fn remember(path: &Path) {
    HANDLER.call_once(|| {
        // Without a handler (another one installed), interruption is the
        // system's default: the next run cleans up.
        let _ = ctrlc::set_handler(|| {
            if COMMITTING.load(Ordering::SeqCst) {
                INTERRUPTED.store(true, Ordering::SeqCst);
                return;
            }
            stop();
        });
    });
    leftovers().push(path.to_path_buf());
}

/// Runs `commit` (the renames that put a run's outputs in place) to its
/// end even if the run is interrupted meanwhile; an interruption then
/// stops the run right after it, with the outputs in place.
pub fn uninterrupted<T>(commit: impl FnOnce() -> T) -> T {
    COMMITTING.store(true, Ordering::SeqCst);
    let result = commit();
    COMMITTING.store(false, Ordering::SeqCst);
    if INTERRUPTED.load(Ordering::SeqCst) {
        stop();
    }
    result
}

/// Runs `create`, the creation of a path [`remember`]ed (or of a file in a
/// staging folder remembered), so that an interruption's cleanup never runs
/// beside it.
pub fn creating<T>(create: impl FnOnce() -> T) -> T {
    let _creating = CREATING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    create()
}

/// `path` is in place or removed already: nothing to clean up for it.
pub fn forget(path: &Path) {
    leftovers().retain(|p| p != path);
}

fn leftovers() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LEFTOVERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes what the run would leave behind and exits with 130, holding
/// [`CREATING`] so that nothing is created meanwhile or afterwards.
fn stop() -> ! {
    let _no_more = CREATING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    remove_all();
    std::process::exit(130);
}

fn remove_all() {
    for path in leftovers().drain(..) {
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path).ok();
        } else {
            std::fs::remove_file(&path).ok();
        }
    }
}
