//! Reading whole `.npy` files, from memory or streamed from disk.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use ndarray::ArrayD;
use ndarray_npy::{ReadNpyExt, ReadableElement};

use super::decode::Decoder;
use super::{parse_header, Kind, NpyHeader, NumericArray};
use crate::{invalid, Error, Result};

/// Reads an `.npy` held in memory; `name` is used in error messages.
///
/// The data is decoded in one pass (in parallel for large arrays) straight
/// into the array returned, in the file's own order (a Fortran-ordered file
/// gives a Fortran-ordered array).
///
/// # Errors
/// Every problem is an [`Error::Invalid`] naming `name`: not an `.npy`, a
/// dtype that is not real numeric, a header whose shape overflows or does
/// not match the data's length (truncated or padded files).
pub fn read_numeric(bytes: &[u8], name: &str) -> Result<(NumericArray, NpyHeader)> {
    let (header, offset) = parse_header(bytes).map_err(|e| invalid(format!("{name}: {e}")))?;
    let kind = check_length(&header, bytes.len() - offset, name)?;
    if let Some(decoder) = Decoder::of(&header) {
        let n_items = (bytes.len() - offset) / decoder.width;
        let mut array = decoder.allocate(n_items);
        if array.fill(&decoder, &bytes[offset..], 0) {
            return Ok((array.into_array(&header, name)?, header));
        }
    }
    // ndarray-npy parses headers with a backtracking parser that takes
    // exponential time on some junk (found by the npy fuzzer): it is given
    // the header as parsed here, rewritten plainly.
    let plain = plain_npy(&header, &bytes[offset..]);
    Ok((read_with_ndarray_npy(&plain, kind, name)?, header))
}

/// An `.npy` (version 1.0) holding `data` under a header that states only
/// what `header` says, as NumPy writes it.
fn plain_npy(header: &NpyHeader, data: &[u8]) -> Vec<u8> {
    let shape = header.shape.iter().fold(String::new(), |mut s, d| {
        let _ = write!(s, "{d}, ");
        s
    });
    let mut text = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': ({}), }}",
        header.descr,
        if header.fortran_order {
            "True"
        } else {
            "False"
        },
        shape.trim_end()
    );
    while (10 + text.len() + 1) % 64 != 0 {
        text.push(' ');
    }
    text.push('\n');
    let mut out = Vec::with_capacity(10 + text.len() + data.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(text.len() as u16).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(data);
    out
}

/// Reads an `.npy` file straight into its final array: the header first,
/// then the data in blocks decoded as they arrive, so the file's bytes are
/// never held in memory at once. Same checks and messages as
/// [`read_numeric`].
///
/// # Errors
/// A missing or unreadable file, and everything [`read_numeric`] refuses.
pub fn read_numeric_file(path: &Path, name: &str) -> Result<(NumericArray, NpyHeader)> {
    let OpenNpy {
        mut file,
        header,
        available,
    } = open_npy(path, name)?;
    if let Some(decoder) = Decoder::of(&header) {
        let n_items = available / decoder.width;
        let mut array = decoder.allocate(n_items);
        let mut block = vec![0u8; (READ_BLOCK / decoder.width).max(1) * decoder.width];
        let mut done = 0;
        let mut valid = true;
        while done < n_items {
            let items = (n_items - done).min(block.len() / decoder.width);
            let bytes = &mut block[..items * decoder.width];
            file.read_exact(bytes).map_err(|e| cannot_read(path, e))?;
            valid &= array.fill(&decoder, bytes, done);
            done += items;
        }
        if valid {
            return Ok((array.into_array(&header, name)?, header));
        }
    }
    // Other descriptors and invalid booleans: ndarray-npy reads (and words
    // the error), from the whole file.
    read_numeric(&read_file(path)?, name)
}

/// An `.npy` file opened at its data, the header checked against the
/// file's length.
pub(crate) struct OpenNpy {
    /// The file, positioned at the first byte of data.
    pub file: File,
    /// The parsed header.
    pub header: NpyHeader,
    /// Bytes of data (checked to be what the header announces).
    pub available: usize,
}

/// Opens an `.npy` file and checks its header, reading only the header.
///
/// # Errors
/// A missing or unreadable file, a bad header, a length that disagrees
/// with the header; as bad input naming `name`.
/// The header of the `.npy` file `path` alone (its shape and dtype),
/// checked against the file's size, without reading the data.
///
/// # Errors
/// A missing or unreadable file, a header that is not valid or announces
/// more data than the file holds.
pub fn read_header(path: &Path, name: &str) -> Result<NpyHeader> {
    Ok(open_npy(path, name)?.header)
}

pub(crate) fn open_npy(path: &Path, name: &str) -> Result<OpenNpy> {
    let mut file = File::open(path).map_err(|e| cannot_read(path, e))?;
    let file_len = file.metadata().map_err(|e| cannot_read(path, e))?.len();
    // The header: its length is in the first 12 bytes.
    let mut head = vec![0u8; file_len.min(12) as usize];
    file.read_exact(&mut head)
        .map_err(|e| cannot_read(path, e))?;
    let header_end = match (head.get(6), head.len()) {
        (Some(1), 12) => 10 + u64::from(u16::from_le_bytes([head[8], head[9]])),
        (Some(2 | 3), 12) => {
            12 + u64::from(u32::from_le_bytes([head[8], head[9], head[10], head[11]]))
        }
        _ => 0,
    };
    if header_end > 12 {
        let more = header_end.min(file_len) - 12;
        head.resize(12 + more as usize, 0);
        file.read_exact(&mut head[12..])
            .map_err(|e| cannot_read(path, e))?;
    }
    let (header, offset) = parse_header(&head).map_err(|e| invalid(format!("{name}: {e}")))?;
    let available = usize::try_from(file_len - offset as u64).unwrap_or(usize::MAX);
    check_length(&header, available, name)?;
    Ok(OpenNpy {
        file,
        header,
        available,
    })
}

/// A read error naming the file.
pub(crate) fn cannot_read(path: &Path, error: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        error,
    }
}

/// Bytes read from a file per block by [`read_numeric_file`].
pub(crate) const READ_BLOCK: usize = 1 << 22;

/// Checks the dtype and that the data has exactly the header's length;
/// returns the element kind.
fn check_length(header: &NpyHeader, available: usize, name: &str) -> Result<Kind> {
    let kind = header.kind().map_err(|e| invalid(format!("{name}: {e}")))?;
    let n_items = header
        .shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            invalid(format!(
                "{name}: the shape {:?} in the header overflows",
                header.shape
            ))
        })?;
    let expected = n_items.checked_mul(header.item_size()).ok_or_else(|| {
        invalid(format!(
            "{name}: the shape {:?} in the header overflows",
            header.shape
        ))
    })?;
    if expected != available {
        return Err(invalid(format!(
            "{name}: the header announces shape {:?} of '{}' ({expected} bytes of data) but the file holds {available} bytes{}",
            header.shape,
            header.descr,
            if available < expected { " (truncated?)" } else { "" }
        )));
    }
    Ok(kind)
}

/// The general reader (ndarray-npy), for the descriptors [`Decoder`] does
/// not take and to word the errors of invalid data.
pub(super) fn read_with_ndarray_npy(bytes: &[u8], kind: Kind, name: &str) -> Result<NumericArray> {
    Ok(match kind {
        Kind::F64 => NumericArray::F64(read_typed::<f64>(bytes, name)?),
        Kind::F32 => NumericArray::F32(read_typed::<f32>(bytes, name)?),
        Kind::Int(1) => NumericArray::F64(read_typed::<i8>(bytes, name)?.mapv(f64::from)),
        Kind::Int(2) => NumericArray::F64(read_typed::<i16>(bytes, name)?.mapv(f64::from)),
        Kind::Int(4) => NumericArray::F64(read_typed::<i32>(bytes, name)?.mapv(f64::from)),
        Kind::Int(_) => NumericArray::F64(read_typed::<i64>(bytes, name)?.mapv(|v| v as f64)),
        Kind::UInt(1) => NumericArray::F64(read_typed::<u8>(bytes, name)?.mapv(f64::from)),
        Kind::UInt(2) => NumericArray::F64(read_typed::<u16>(bytes, name)?.mapv(f64::from)),
        Kind::UInt(4) => NumericArray::F64(read_typed::<u32>(bytes, name)?.mapv(f64::from)),
        Kind::UInt(_) => NumericArray::F64(read_typed::<u64>(bytes, name)?.mapv(|v| v as f64)),
        Kind::Bool => {
            NumericArray::F64(read_typed::<bool>(bytes, name)?.mapv(|b| f64::from(u8::from(b))))
        }
    })
}

fn read_typed<T: ReadableElement>(bytes: &[u8], name: &str) -> Result<ArrayD<T>> {
    ArrayD::<T>::read_npy(bytes).map_err(|e| invalid(format!("{name}: cannot read the array: {e}")))
}

/// Reads a file fully, naming it in the error.
///
/// # Errors
/// A missing or unreadable file, as bad input.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| cannot_read(path, e))
}
