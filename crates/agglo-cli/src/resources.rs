//! Checking that a run fits in memory before it starts, so it is refused
//! with a clear message instead of being killed half-way.

use anyhow::{anyhow, Result};

/// The memory the system can still give (`MemAvailable` on Linux), or
/// `None` where that is unknown.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Refuses to go on when `needed` bytes exceed the available memory.
///
/// # Errors
/// The estimate and what is available, and what the estimate is for.
pub fn ensure_memory(needed: u64, what: &str) -> Result<()> {
    match available_memory() {
        Some(available) if needed > available => Err(anyhow!(
            "{what} needs about {} of memory, but only {} is available; \
             reduce the problem (fewer points, a connectivity graph, a mask) or free memory",
            human(needed),
            human(available)
        )),
        _ => Ok(()),
    }
}

/// Bytes in a readable unit.
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
    fn sizes_read_well() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(3 * 1024 * 1024 * 1024 / 2), "1.5 GiB");
        assert!(ensure_memory(u64::MAX, "this")
            .unwrap_err()
            .to_string()
            .contains("only"));
        assert!(ensure_memory(1, "this").is_ok());
    }
}
