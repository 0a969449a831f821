//! `.npy` bytes: the header parser and the numeric reader must refuse
#![no_main]

#[path = "../harness/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| readers::npy(bytes));
