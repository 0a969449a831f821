//! # agglo-io — the file formats of agglo
//!
//! Readers and writers for what agglo's users keep their data in, each
//! checking a file's header against its length before allocating anything
//! from it, each naming the file in its errors:
//!
//! | format | read | write |
//! |---|---|---|
//! | NumPy `.npy`, any real dtype, either byte order, C or Fortran order | [`npy::read_numeric_file`], transposed for a fit [`npy_blocks::read_columns`], in blocks of rows [`npy_blocks::RowBlocks`] | (`ndarray-npy`), large files past the page cache [`direct_write::DirectFile`] |
//! | NumPy `.npz` archives, scipy.sparse graphs saved with `save_npz` | [`npz::read_members`], [`npz::read_sparse_connectivity`] | |
//! | NIfTI-1 `.nii`, `.nii.gz` (3-D volumes, 4-D series, masks) | [`nifti_io::read_nifti`], [`nifti_io::read_nifti_mask`], a volume at a time [`nifti_stream::VolumeReader`] | [`nifti_io::write_nifti_i32`], [`nifti_io::write_nifti_f64`], a volume at a time [`nifti_write::VolumeWriter`] |
//! | CSV / TSV tables, header optional | [`csv_io::read_csv`] | [`csv_io::to_csv`] |
//! | PNG, JPEG, multi-page TIFF, folders of images (samples over pixels) | [`images::read_images`] | |
//!
//! Memory is checked before it is taken: readers that may allocate much
//! more than the file's size (decompression) take a [`MemoryLimit`].
//!
//! ```
//! # fn main() -> Result<(), agglo_io::Error> {
//! use agglo_io::npy::{read_numeric, NumericArray};
//!
//! // A 2 × 3 float64 array, as NumPy writes it.
//! let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
//! let mut header =
//!     "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }".to_string();
//! while (10 + header.len() + 1) % 64 != 0 {
//!     header.push(' ');
//! }
//! header.push('\n');
//! bytes.extend((header.len() as u16).to_le_bytes());
//! bytes.extend(header.as_bytes());
//! for v in 0..6 {
//!     bytes.extend(f64::from(v).to_le_bytes());
//! }
//! let (array, header) = read_numeric(&bytes, "x.npy")?;
//! assert_eq!(header.shape, [2, 3]);
//! let NumericArray::F64(array) = array else { unreachable!() };
//! assert_eq!(array[[1, 2]], 5.0);
//!
//! // A truncated file is refused, naming it.
//! let err = read_numeric(&bytes[..bytes.len() - 1], "x.npy").unwrap_err();
//! assert!(err.to_string().starts_with("x.npy: the header announces shape [2, 3]"));
//! assert!(err.is_bad_input());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod affine;
pub mod csv_io;
pub mod direct_write;
mod error;
pub mod images;
mod limits;
pub mod nifti_io;
pub mod nifti_stream;
pub mod nifti_write;
pub mod npy;
pub mod npy_blocks;
pub mod npz;

pub(crate) use error::invalid;
pub use error::{Error, Result};
pub use limits::{human, MemoryLimit};
