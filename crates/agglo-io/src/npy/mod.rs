//! Reading NumPy `.npy` data of any real numeric dtype, either byte order,
//! C or Fortran order, with the header checked before anything large is
//! allocated: whole ([`read_numeric`], [`read_numeric_file`]), transposed
//! for a fit ([`crate::npy_blocks::read_columns`]) or in blocks of rows
//! ([`crate::npy_blocks::RowBlocks`]).

mod decode;
mod header;
mod numeric;
mod read;
#[cfg(test)]
mod tests;

pub(crate) use decode::{Decoded, Decoder};
pub use header::{parse_header, Kind, NpyHeader};
pub use numeric::NumericArray;
pub(crate) use read::{cannot_read, open_npy, OpenNpy, READ_BLOCK};
pub use read::{read_file, read_header, read_numeric, read_numeric_file};
