//! PNG, JPEG and TIFF bytes: the image reader must refuse or read them,
//! never panic or allocate what the file does not hold.
#![no_main]

#[path = "../harness/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| readers::image(bytes));
