//! [`MemoryLimit`]: how much memory a reader may allocate, checked before
//! it allocates, so that a file too large is refused with a clear message
//! instead of the process being killed half-way.

use crate::{Error, Result};

/// The memory a reader may allocate at most.
///
/// ```
/// use agglo_io::MemoryLimit;
///
/// let small = MemoryLimit::bytes(1 << 20);
/// assert!(small.check(1 << 10, "reading x.npy").is_ok());
/// let err = small.check(1 << 30, "reading x.npy").unwrap_err();
/// assert!(err.to_string().starts_with("reading x.npy needs about 1.0 GiB"));
/// assert!(MemoryLimit::none().check(u64::MAX, "anything").is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimit(Option<u64>);

impl MemoryLimit {
    /// At most `bytes`.
    #[must_use]
    pub const fn bytes(bytes: u64) -> Self {
        MemoryLimit(Some(bytes))
    }

    /// No limit.
    #[must_use]
    pub const fn none() -> Self {
        MemoryLimit(None)
    }

    /// What the system can still give now (`MemAvailable` on Linux), or no
    /// limit where that is unknown.
    #[must_use]
    pub fn available() -> Self {
        MemoryLimit(available_memory())
    }

    /// The limit in bytes, if any.
    #[must_use]
    pub const fn get(self) -> Option<u64> {
        self.0
    }

    /// Refuses `needed` bytes beyond the limit.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] naming `what`, the estimate and the limit.
    pub fn check(self, needed: u64, what: &str) -> Result<()> {
        match self.0 {
            Some(available) if needed > available => Err(Error::OutOfMemory {
                what: what.to_string(),
                needed,
                available,
            }),
            _ => Ok(()),
        }
    }
}

/// `MemAvailable` of `/proc/meminfo`, or `None` where that is unknown.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Bytes in a readable unit: `512 B`, `1.5 GiB`.
///
/// ```
/// assert_eq!(agglo_io::human(512), "512 B");
/// assert_eq!(agglo_io::human(3 << 29), "1.5 GiB");
/// ```
#[must_use]
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_limit_is_read() {
        if cfg!(target_os = "linux") {
            let limit = MemoryLimit::available().get().expect("MemAvailable");
            assert!(limit > 0);
            assert!(MemoryLimit::available().check(u64::MAX, "this").is_err());
        }
    }
}
