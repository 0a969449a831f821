//! `FeatureAgglomeration` and `AgglomerativeClustering` on arbitrary small
//! arrays, graphs and parameters: see `harness/fit.rs`.
#![no_main]

#[path = "../harness/fit.rs"]
mod fit;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| fit::run_bytes(bytes));
