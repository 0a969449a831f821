//! Writing results without ever leaving a half-written file or a
//! half-updated output folder.
//!
//! Every file is first written in full into a staging folder next to the
//! output folder (on the same file system); only when all of them are
//! written are they renamed into place. A failed run removes its staging
//! folder and leaves the output folder exactly as it was.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ndarray::{ArrayBase, ArrayView2, Data, Dimension};
use ndarray_npy::{WritableElement, WriteNpyExt};

use crate::bad_input;

/// Result files `agglo fit` may write; those a new run does not produce are
/// removed from the folder when it succeeds, so the folder never mixes two
/// runs.
pub const FIT_OUTPUTS: &[&str] = &[
    "labels.npy",
    "children.npy",
    "distances.npy",
    "reduced.npy",
    "restored.npy",
    "mask.npy",
    "labels.nii.gz",
    "model.json",
];

/// Files being prepared for an output folder.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    written: Vec<String>,
    committed: bool,
}

impl Staging {
    /// Checks that `target` can be an output folder and creates an empty
    /// staging folder beside it.
    ///
    /// # Errors
    /// `target` exists and is not a folder, or the staging folder cannot be
    /// created.
    pub fn new(target: &Path) -> Result<Self> {
        if target.exists() && !target.is_dir() {
            return Err(bad_input(format!(
                "--out {}: exists and is not a folder",
                target.display()
            )));
        }
        let base = nearest_existing_ancestor(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let staging = base.join(format!(".{name}.agglo-staging-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create a staging folder in {}", base.display()))?;
        Ok(Staging {
            target: target.to_path_buf(),
            staging,
            written: Vec::new(),
            committed: false,
        })
    }

    /// Stages `name` with `bytes`.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.staging.join(name);
        let mut file =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.written.push(name.to_string());
        Ok(())
    }

    /// Reserves `name` in the staging folder for a writer that needs a
    /// path (the NIfTI writer), and returns that path.
    pub fn reserve(&mut self, name: &str) -> PathBuf {
        self.written.push(name.to_string());
        self.staging.join(name)
    }

    /// Stages an array as an `.npy` file.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_npy<A, S, D>(&mut self, name: &str, array: &ArrayBase<S, D>) -> Result<()>
    where
        A: WritableElement,
        S: Data<Elem = A>,
        D: Dimension,
    {
        let path = self.reserve(name);
        write_npy_file(&path, array)
    }

    /// Stages an `.npy` file of `shape` float64 values to be written a
    /// block of rows at a time, so that the whole array is never held.
    ///
    /// # Errors
    /// The file cannot be created.
    pub fn npy_rows(&mut self, name: &str, shape: (usize, usize)) -> Result<NpyRows> {
        let path = self.reserve(name);
        let file =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        // The header, then the data's length (a sparse file until written).
        ndarray_npy::write_zeroed_npy::<f64, _>(&file, shape)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(NpyRows {
            writer: std::io::BufWriter::with_capacity(1 << 20, file),
            path,
            rows_left: shape.0,
            n_columns: shape.1,
        })
    }

    /// Moves every staged file into the output folder (created if missing)
    /// and removes the files listed in `known` that this run did not write.
    ///
    /// # Errors
    /// The output folder cannot be created or a rename fails.
    pub fn commit(mut self, known: &[&str]) -> Result<PathBuf> {
        fs::create_dir_all(&self.target).with_context(|| {
            format!("cannot create the output folder {}", self.target.display())
        })?;
        for name in &self.written {
            let to = self.target.join(name);
            fs::rename(self.staging.join(name), &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
        }
        for stale in known
            .iter()
            .filter(|k| !self.written.iter().any(|w| w == *k))
        {
            let path = self.target.join(stale);
            if path.is_file() {
                fs::remove_file(&path)
                    .with_context(|| format!("cannot remove the stale {}", path.display()))?;
            }
        }
        self.committed = true;
        fs::remove_dir_all(&self.staging).ok();
        Ok(self.target.clone())
    }

    /// The names of the files staged so far.
    pub fn written(&self) -> &[String] {
        &self.written
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.staging).ok();
        }
    }
}

/// Writes an array as an `.npy` file at `path`, synced to disk.
///
/// # Errors
/// The file cannot be written.
pub fn write_npy_file<A, S, D>(path: &Path, array: &ArrayBase<S, D>) -> Result<()>
where
    A: WritableElement,
    S: Data<Elem = A>,
    D: Dimension,
{
    let file =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    array
        .write_npy(&mut writer)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let file = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A staged `.npy` file of a row-major float64 matrix, written a block of
/// rows at a time (see [`Staging::npy_rows`]).
#[derive(Debug)]
pub struct NpyRows {
    writer: std::io::BufWriter<fs::File>,
    path: PathBuf,
    rows_left: usize,
    n_columns: usize,
}

impl NpyRows {
    /// Appends `rows`, which must have the file's number of columns.
    ///
    /// # Errors
    /// The file cannot be written, or more rows than announced.
    pub fn write_rows(&mut self, rows: ArrayView2<'_, f64>) -> Result<()> {
        if rows.ncols() != self.n_columns || rows.nrows() > self.rows_left {
            anyhow::bail!(
                "{}: {} rows of {} values do not fit the {} rows of {} left",
                self.path.display(),
                rows.nrows(),
                rows.ncols(),
                self.rows_left,
                self.n_columns
            );
        }
        let rows = rows.as_standard_layout();
        f64::write_slice(rows.as_slice().unwrap_or_default(), &mut self.writer)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.rows_left -= rows.nrows();
        Ok(())
    }

    /// Checks that every row was written and syncs the file to disk.
    ///
    /// # Errors
    /// Rows missing, or the file cannot be written.
    pub fn finish(self) -> Result<()> {
        if self.rows_left != 0 {
            anyhow::bail!(
                "{}: {} rows were never written",
                self.path.display(),
                self.rows_left
            );
        }
        let file = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {}", self.path.display(), e.error()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// Writes one file atomically: a temporary file beside it, then a rename.
///
/// # Errors
/// The folder does not exist or cannot be written.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.agglo-tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file =
            fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
            .with_context(|| format!("cannot move {} into place", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        fs::remove_file(&tmp).ok();
    }
    result
}

fn nearest_existing_ancestor(path: &Path) -> PathBuf {
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
