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
use ndarray_npy::npy::header::{Header, Layout as NpyLayout};
use ndarray_npy::{WritableElement, WriteNpyExt};

use agglo_io::direct_write::DirectFile;

use crate::bad_input;
use crate::folder::{self, Resolved};
use crate::guard::{earlier_outputs, remove_abandoned};

/// Result files `agglo fit` may write; those a new run does not produce are
/// removed from the folder when it succeeds, so the folder never mixes two
/// runs.
pub const FIT_OUTPUTS: &[&str] = &[
    "labels.npy",
    "children.npy",
    "distances.npy",
    "linkage.npy",
    "reduced.npy",
    "restored.npy",
    "restored.nii.gz",
    "mask.npy",
    "labels.nii.gz",
    "model.json",
];

/// Files being prepared for an output folder.
#[derive(Debug)]
pub struct Staging {
    /// `--out` as given, for messages.
    target: PathBuf,
    resolved: Resolved,
    /// Held for the whole run: one run at a time writes into a folder.
    _run_lock: folder::Lock,
    staging: PathBuf,
    written: Vec<String>,
    /// The files an earlier run of agglo wrote into `target` (its
    /// `model.json` and the outputs it lists): the only ones this run may
    /// replace or remove.
    ours: Vec<String>,
    committed: bool,
}

impl Staging {
    /// Checks that `target` can be an output folder for files named
    /// `outputs` and creates an empty staging folder beside it.
    ///
    /// A file already in `target` under one of those names must have been
    /// written there by agglo (listed in the folder's `model.json`): files
    /// of the user's are never replaced or removed.
    ///
    /// # Errors
    /// `target` exists and is not a folder, holds a file of one of the
    /// names that agglo did not write, or the staging folder cannot be
    /// created.
    pub fn new(target: &Path, outputs: &[&str]) -> Result<Self> {
        let resolved = folder::resolve(target)?;
        let run_lock = resolved.lock_run(target)?;
        // A run killed while switching the folder: its switch is finished
        // first, so that what follows sees one complete result.
        resolved.finish_interrupted()?;
        let known = |name: &String| outputs.iter().any(|o| o == name);
        let ours: Vec<String> = earlier_outputs(&resolved.target)
            .into_iter()
            .filter(known)
            .collect();
        let foreign: Vec<&str> = outputs
            .iter()
            .copied()
            .filter(|name| {
                let path = resolved.target.join(name);
                (path.exists() || path.is_symlink()) && !ours.iter().any(|o| o == name)
            })
            .collect();
        if !foreign.is_empty() {
            return Err(bad_input(format!(
                "--out {}: {} there {} not written by agglo (the folder's model.json does \
                 not list {}); agglo never replaces files it did not write: move {} or \
                 choose another folder",
                target.display(),
                foreign.join(", "),
                if foreign.len() == 1 { "was" } else { "were" },
                if foreign.len() == 1 { "it" } else { "them" },
                if foreign.len() == 1 { "it" } else { "them" },
            )));
        }
        let base = &resolved.base;
        remove_abandoned(base, &format!(".{}.agglo-staging-", resolved.stem));
        let staging = base.join(format!(
            ".{}.agglo-staging-{}",
            resolved.stem,
            std::process::id()
        ));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        crate::cleanup::remember(&staging);
        crate::cleanup::creating(|| fs::create_dir(&staging))
            .with_context(|| format!("cannot create a staging folder in {}", base.display()))?;
        Ok(Staging {
            target: target.to_path_buf(),
            resolved,
            _run_lock: run_lock,
            staging,
            written: Vec::new(),
            ours,
            committed: false,
        })
    }

    /// Stages `name` with `bytes`.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.staging.join(name);
        let shown = self.shown(name);
        let mut file = crate::cleanup::creating(|| fs::File::create(&path))
            .with_context(|| format!("cannot write {shown}"))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {shown}"))?;
        self.written.push(name.to_string());
        Ok(())
    }

    /// The staging folder, on the output's file system.
    pub fn dir(&self) -> &Path {
        &self.staging
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
        let shown = self.shown(name);
        write_npy_file(&path, array)
            .map_err(|e| anyhow::anyhow!("cannot write {shown}: {}", e.root_cause()))
    }

    /// The path a staged file will have once committed, for messages.
    /// Where the staged file `name` will be, for messages.
    pub fn shown(&self, name: &str) -> String {
        self.target.join(name).display().to_string()
    }

    /// Stages an `.npy` file of `shape` float64 values to be written a
    /// block of rows at a time, so that the whole array is never held (and,
    /// on Linux, past the page cache: see [`crate::direct_write`]).
    ///
    /// # Errors
    /// The file cannot be created.
    pub fn npy_rows(&mut self, name: &str, shape: (usize, usize)) -> Result<NpyRows> {
        let path = self.reserve(name);
        let shown = self.shown(name);
        let header = Header {
            type_descriptor: f64::type_descriptor(),
            layout: NpyLayout::Standard,
            shape: vec![shape.0, shape.1],
        }
        .to_bytes()
        .with_context(|| format!("cannot write {shown}"))?;
        let mut file = crate::cleanup::creating(|| DirectFile::create(&path))
            .with_context(|| format!("cannot write {shown}"))?;
        file.write_all(&header)
            .with_context(|| format!("cannot write {shown}"))?;
        Ok(NpyRows {
            file,
            shown,
            rows_left: shape.0,
            n_columns: shape.1,
        })
    }

    /// Replaces the output folder's earlier outputs with the staged files,
    /// all at once where the folder holds nothing else (see
    /// [`crate::folder`]); outputs of an earlier run that this one did not
    /// write are gone afterwards.
    ///
    /// # Errors
    /// The output folder cannot be created or a rename fails.
    pub fn commit(mut self) -> Result<PathBuf> {
        let _readers_out = self.resolved.lock_commit()?;
        self.resolved
            .switch(&self.staging, &self.written, &self.ours)?;
        self.committed = true;
        crate::cleanup::forget(&self.staging);
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
            crate::cleanup::forget(&self.staging);
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
    let file = crate::cleanup::creating(|| fs::File::create(path))
        .with_context(|| format!("cannot write {}", path.display()))?;
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
    file: DirectFile,
    /// The file's path once committed, for messages.
    shown: String,
    rows_left: usize,
    n_columns: usize,
}

impl NpyRows {
    /// Appends `rows`, which must have the file's number of columns.
    ///
    /// # Errors
    /// The file cannot be written, or more rows than announced.
    pub fn write_rows(&mut self, rows: ArrayView2<'_, f64>) -> Result<()> {
        let path = &self.shown;
        if rows.ncols() != self.n_columns || rows.nrows() > self.rows_left {
            anyhow::bail!(
                "{path}: {} rows of {} values do not fit the {} rows of {} left",
                rows.nrows(),
                rows.ncols(),
                self.rows_left,
                self.n_columns
            );
        }
        let rows = rows.as_standard_layout();
        f64::write_slice(
            rows.as_slice().unwrap_or_default(),
            &mut Appender(&mut self.file),
        )
        .with_context(|| format!("cannot write {path}"))?;
        self.rows_left -= rows.nrows();
        Ok(())
    }

    /// Checks that every row was written and syncs the file to disk.
    ///
    /// # Errors
    /// Rows missing, or the file cannot be written.
    pub fn finish(self) -> Result<()> {
        let path = self.shown;
        if self.rows_left != 0 {
            anyhow::bail!("{path}: {} rows were never written", self.rows_left);
        }
        self.file
            .finish()
            .with_context(|| format!("cannot write {path}"))
    }
}

/// [`DirectFile`] as an [`std::io::Write`], for ndarray-npy's encoders.
struct Appender<'a>(&'a mut DirectFile);

impl Write for Appender<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn rows_written_in_blocks_make_the_file_write_npy_makes() {
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::new(&dir.path().join("out"), FIT_OUTPUTS).unwrap();
        for (n, m, block) in [
            (0, 3, 1),
            (1, 1, 1),
            (7, 5, 3),
            (300, 1000, 64),
            (9, 100_000, 4),
        ] {
            let x = Array2::from_shape_fn((n, m), |(i, j)| (i * m + j) as f64 / 3.0);
            let name = format!("{n}x{m}.npy");
            let mut rows = staging.npy_rows(&name, (n, m)).unwrap();
            for chunk in x.axis_chunks_iter(ndarray::Axis(0), block) {
                rows.write_rows(chunk).unwrap();
            }
            rows.finish().unwrap();
            let mut expected = Vec::new();
            x.write_npy(&mut expected).unwrap();
            let got = fs::read(staging.staging.join(&name)).unwrap();
            assert!(
                got == expected,
                "{name}: {} bytes, expected {}",
                got.len(),
                expected.len()
            );
        }
        // Too many rows, too few, or the wrong width are refused.
        let mut rows = staging.npy_rows("short.npy", (2, 3)).unwrap();
        assert!(rows.write_rows(Array2::zeros((1, 4)).view()).is_err());
        assert!(rows.write_rows(Array2::zeros((3, 3)).view()).is_err());
        rows.write_rows(Array2::zeros((1, 3)).view()).unwrap();
        assert!(rows
            .finish()
            .unwrap_err()
            .to_string()
            .contains("1 rows were never written"));
    }
}
