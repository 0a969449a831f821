//! An input file's identity, to prove it unchanged between the two reads
//! of `agglo fit` (the fit, then the pooling), and the refusal of inputs
//! that cannot be read twice.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use anyhow::Result;

use crate::bad_input;

/// What identifies the contents of a file without reading it: the file
/// (device and inode), its size and its modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    file: (u64, u64),
    len: u64,
    modified: Option<SystemTime>,
    /// For a folder of images, the identities of its images.
    images: Vec<(std::ffi::OsString, Identity)>,
}

/// The identity of the input `path`, refusing what is not a regular file
/// (a pipe, `/dev/stdin`, a device): at once, with the reason, instead of
/// failing halfway or waiting forever on a named pipe.
///
/// # Errors
/// A missing file, or one that is not a regular file.
pub fn of(path: &Path) -> Result<Identity> {
    let meta = fs::metadata(path).map_err(|e| {
        bad_input(match e.kind() {
            std::io::ErrorKind::NotFound => format!("cannot read {}: no such file", path.display()),
            _ => format!("cannot read {}: {e}", path.display()),
        })
    })?;
    if meta.is_dir() {
        let mut images = Vec::new();
        if let Ok(entries) = fs::read_dir(path) {
            for entry in entries.flatten() {
                let file = entry.path();
                if agglo_io::images::is_image(&file) {
                    images.push((entry.file_name(), of(&file)?));
                }
            }
        }
        images.sort_by(|a, b| a.0.cmp(&b.0));
        return Ok(Identity {
            file: device_and_inode(&meta),
            len: meta.len(),
            modified: meta.modified().ok(),
            images,
        });
    }
    if !meta.is_file() {
        return Err(bad_input(format!(
            "{}: not a regular file or a folder of images (a pipe, a device or standard \
             input); agglo reads its input by path, the pooling a second time, so save the \
             data to a file and give that",
            path.display()
        )));
    }
    Ok(Identity {
        file: device_and_inode(&meta),
        len: meta.len(),
        modified: meta.modified().ok(),
        images: Vec::new(),
    })
}

/// Refuses `path` when it is no longer the file `before` described.
///
/// # Errors
/// The file was replaced, truncated, rewritten or removed.
pub fn check_unchanged(path: &Path, before: &Identity) -> Result<()> {
    match of(path) {
        Ok(now) if &now == before => Ok(()),
        Ok(_) => Err(bad_input(format!(
            "{} changed while agglo was working on it (replaced, truncated or rewritten): \
             nothing was written; fit it again",
            path.display()
        ))),
        Err(_) => Err(bad_input(format!(
            "{} was removed while agglo was working on it: nothing was written; \
             fit it again",
            path.display()
        ))),
    }
}

#[cfg(unix)]
fn device_and_inode(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn device_and_inode(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}
