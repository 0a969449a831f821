//! `.npz` bytes: the zip members, and the scipy.sparse connectivity reader.
#![no_main]

#[path = "../harness/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| readers::npz(bytes));
