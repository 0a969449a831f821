//! NIfTI-1 bytes (`.nii`, or `.nii.gz` when gzipped): the reader must
#![no_main]

#[path = "../harness/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| readers::nifti(bytes));
