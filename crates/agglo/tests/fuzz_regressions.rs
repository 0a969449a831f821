//! Every input the `fit` fuzzer (`fuzz/`) ever crashed on, kept in
//! `fuzz/regressions/fit/` and replayed through the same code the fuzz
//! target runs (the bytes decode to data, a graph and parameters): each
//! must now fit or be refused, never panic.

use std::path::Path;

#[path = "../../../fuzz/harness/fit.rs"]
mod fit;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

#[test]
fn fit_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    replay::replay(&root, "fit", fit::run_bytes);
}
