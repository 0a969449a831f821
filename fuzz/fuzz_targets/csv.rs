//! CSV and TSV text: the table reader.
#![no_main]

#[path = "../harness/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| readers::csv(bytes));
