//! What keeps the user's files safe around the outputs: single files
//! written whole and renamed into place ([`StagedFile`]), which files of an
//! output folder are agglo's to replace ([`earlier_outputs`]), what killed
//! runs left behind ([`remove_abandoned`]), and paths that would replace an
//! input or a model's files ([`is_among`]).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::bad_input;

/// Writes one file atomically: a temporary file beside it, then a rename.
///
/// # Errors
/// The folder does not exist or cannot be written.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    StagedFile::write(path, bytes)?.commit()
}

/// Refuses a path a file cannot be written to: a missing folder, or a
/// folder itself. Checked before a run starts, so that it fails early.
///
/// # Errors
/// As bad input naming the path.
pub fn check_file_path(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(bad_input(format!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    if path.is_dir() {
        return Err(bad_input(format!(
            "cannot write {}: it is a folder",
            path.display()
        )));
    }
    Ok(dir)
}

/// A file written whole under a temporary name beside its destination,
/// synced, waiting to be renamed into place; removed if dropped first.
#[derive(Debug)]
pub struct StagedFile {
    tmp: PathBuf,
    path: PathBuf,
    done: bool,
}

impl StagedFile {
    /// Writes `bytes` to a temporary file beside `path`.
    ///
    /// # Errors
    /// The folder does not exist or cannot be written.
    pub fn write(path: &Path, bytes: &[u8]) -> Result<Self> {
        Self::create_with(path, |tmp| {
            let mut file = crate::cleanup::creating(|| fs::File::create(tmp))
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.write_all(bytes)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))
        })
    }

    /// Lets `write` make the temporary file beside `path` (it is given the
    /// temporary path; errors should name `path`).
    ///
    /// # Errors
    /// The folder does not exist, or `write` fails.
    pub fn create_with(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<Self> {
        let dir = check_file_path(path)?;
        let name = path
            .file_name()
            .map(|n| crate::folder::bounded(&n.to_string_lossy()))
            .unwrap_or_default();
        remove_abandoned(&dir, &format!(".{name}.agglo-tmp-"));
        let staged = StagedFile {
            tmp: dir.join(format!(".{name}.agglo-tmp-{}", std::process::id())),
            path: path.to_path_buf(),
            done: false,
        };
        crate::cleanup::remember(&staged.tmp);
        write(&staged.tmp)?;
        Ok(staged)
    }

    /// Renames the file into place.
    ///
    /// # Errors
    /// The rename fails.
    pub fn commit(mut self) -> Result<()> {
        fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot move {} into place", self.path.display()))?;
        self.done = true;
        crate::cleanup::forget(&self.tmp);
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.done {
            fs::remove_file(&self.tmp).ok();
            crate::cleanup::forget(&self.tmp);
        }
    }
}

/// The files an earlier `agglo fit` wrote into `dir`: its `model.json` and
/// the outputs that lists; nothing when there is no such `model.json`.
pub(crate) fn earlier_outputs(dir: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(dir.join("model.json")) else {
        return Vec::new();
    };
    match serde_json::from_str::<crate::model_file::ModelFile>(&text) {
        Ok(model) if model.format == "agglo-model" => {
            let mut ours = model.outputs;
            ours.push("model.json".to_string());
            ours
        }
        _ => Vec::new(),
    }
}

/// Removes what runs of agglo that were killed left in `dir` under names
/// `{prefix}{pid}`: the staging folder (or temporary file) of a process
/// that no longer exists. Only where processes can be looked up (Linux's
/// `/proc`); elsewhere nothing is removed.
pub(crate) fn remove_abandoned(dir: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() {
            continue; // a run still going, or a process that took its number
        }
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(&path).ok();
        } else {
            fs::remove_file(&path).ok();
        }
    }
}

/// Whether `path` names one of `names` inside the folder `dir` (compared
/// as the file system resolves them, links and `..` included).
pub fn is_among(path: &Path, dir: &Path, names: &[&str]) -> bool {
    let Some(name) = path.file_name() else {
        return false;
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = name.to_string_lossy();
    match (parent.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) => p == d && names.iter().any(|n| *n == name),
        _ => false,
    }
}

/// Refuses an input that a run writing `outputs` into `target` would
/// replace: the input would be lost once the run succeeds.
///
/// # Errors
/// `input` is one of the outputs' paths.
pub fn refuse_replacing_input(input: &Path, target: &Path, outputs: &[&str]) -> Result<()> {
    if is_among(input, target, outputs) {
        return Err(bad_input(format!(
            "{}: the input would be replaced by an output of the same name in --out {}; \
             write the results to another folder",
            input.display(),
            target.display()
        )));
    }
    Ok(())
}
