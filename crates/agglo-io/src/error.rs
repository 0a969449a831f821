//! [`Error`]: what can go wrong reading or writing a file.

use std::path::PathBuf;

use crate::limits::human;

/// What went wrong reading or writing a file. Every message names the file.
///
/// [`Error::is_bad_input`] tells a problem with what the user gave (a
/// malformed or missing file) from one of the system (memory, a folder
/// that cannot be written): a command-line tool exits 2 for the first and
/// 1 for the second.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a valid file of the format, or hold something
    /// agglo cannot use (a complex dtype, a 5-D image, a ragged table). The
    /// message names the file and says what is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The file could not be opened or read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (not a source: the message already says it).
        error: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Reading would need more memory than the [`crate::MemoryLimit`]
    /// allows.
    #[error(
        "{what} needs about {} of memory, but only {} is available; \
         reduce the problem (fewer points, a connectivity graph, a mask) or free memory",
        human(*needed),
        human(*available)
    )]
    OutOfMemory {
        /// What the memory is for ("reading x.nii.gz").
        what: String,
        /// Bytes needed (an estimate).
        needed: u64,
        /// Bytes available.
        available: u64,
    },
}

impl Error {
    /// Whether the error comes from what the user gave (a file's content
    /// or its absence) rather than from the system.
    #[must_use]
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Invalid(_) | Error::Read { .. })
    }
}

/// A [`Error::Invalid`] with this message.
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid(message.into())
}

/// The result of the readers and writers.
pub type Result<T, E = Error> = std::result::Result<T, E>;
