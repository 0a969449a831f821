//! What a command tells when it is done: a line for people, or with
//! `--json` one JSON object on stdout (and nothing else there) for scripts.

use anyhow::Result;
use serde_json::{json, Value};

/// Prints `text` (unless `quiet`), or with `as_json` the object `value`
/// with the run's `seconds` and the seconds of each stage.
///
/// # Errors
/// Standard output cannot be written.
pub fn report(
    as_json: bool,
    quiet: bool,
    text: &str,
    mut value: Value,
    seconds: f64,
    stages: &[(String, f64)],
) -> Result<()> {
    if as_json {
        value["seconds"] = json!(seconds);
        value["timings"] = stages
            .iter()
            .map(|(stage, s)| json!({ "stage": stage, "seconds": s }))
            .collect();
        println!("{}", serde_json::to_string(&value)?);
    } else if !quiet {
        println!("{text}");
    }
    Ok(())
}
