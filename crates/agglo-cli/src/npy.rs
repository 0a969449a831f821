//! Reading NumPy `.npy` data of any real numeric dtype, either byte order,
//! C or Fortran order, with the header checked before anything large is
//! allocated.

use anyhow::Result;
use ndarray::ArrayD;
use ndarray_npy::{ReadNpyExt, ReadableElement};

use crate::bad_input;

/// What an `.npy` header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// The dtype descriptor, e.g. `<f8`.
    pub descr: String,
    /// Whether the data is stored in Fortran (column-major) order.
    pub fortran_order: bool,
    /// The array shape.
    pub shape: Vec<usize>,
}

/// The element types `agglo` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `f8`
    F64,
    /// `f4`
    F32,
    /// Signed integers of 1, 2, 4 or 8 bytes.
    Int(usize),
    /// Unsigned integers of 1, 2, 4 or 8 bytes.
    UInt(usize),
    /// `b1`
    Bool,
}

impl NpyHeader {
    /// The element type, or an error naming an unsupported dtype.
    pub fn kind(&self) -> Result<Kind, String> {
        let d = self.descr.as_str();
        let (order, code) = d.split_at(d.len().min(1));
        if !matches!(order, "<" | ">" | "|" | "=") {
            return Err(format!("unsupported dtype '{d}'"));
        }
        Ok(match code {
            "f8" => Kind::F64,
            "f4" => Kind::F32,
            "i1" | "i2" | "i4" | "i8" => Kind::Int(code[1..].parse().unwrap_or(8)),
            "u1" | "u2" | "u4" | "u8" => Kind::UInt(code[1..].parse().unwrap_or(8)),
            "b1" => Kind::Bool,
            _ if code.starts_with('c') => {
                return Err(format!(
                    "complex dtype '{d}' is not supported: agglo needs real numbers"
                ))
            }
            _ if code.starts_with('f') => {
                return Err(format!(
                    "float dtype '{d}' is not supported (use float32 or float64)"
                ))
            }
            _ => {
                return Err(format!(
                "unsupported dtype '{d}': agglo reads integer, float32, float64 and bool arrays"
            ))
            }
        })
    }

    fn item_size(&self) -> usize {
        match self.kind() {
            Ok(Kind::F64) => 8,
            Ok(Kind::F32) => 4,
            Ok(Kind::Int(n)) | Ok(Kind::UInt(n)) => n,
            Ok(Kind::Bool) => 1,
            Err(_) => 0,
        }
    }
}

/// Parses the header of an `.npy` file held in `bytes`; returns it and the
/// offset of the data.
///
/// # Errors
/// A message saying what is wrong: not an `.npy` file, a header that cannot
/// be read, a structured dtype.
pub fn parse_header(bytes: &[u8]) -> Result<(NpyHeader, usize), String> {
    const MAGIC: &[u8] = b"\x93NUMPY";
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err("not a NumPy .npy file (the magic string \\x93NUMPY is missing)".into());
    }
    let major = bytes[6];
    let (len, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10usize),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => return Err(format!("unsupported .npy format version {major}")),
    };
    let end = start
        .checked_add(len)
        .filter(|&end| end <= bytes.len())
        .ok_or("the file ends inside its header (truncated)")?;
    let text = std::str::from_utf8(&bytes[start..end]).map_err(|_| "the header is not text")?;
    let descr = dict_value(text, "descr").ok_or("the header has no 'descr'")?;
    let descr = descr
        .strip_prefix('\'')
        .and_then(|d| d.strip_suffix('\''))
        .ok_or_else(|| {
            format!("structured dtype {descr} is not supported: agglo needs a plain numeric array")
        })?
        .to_string();
    let fortran_order = match dict_value(text, "fortran_order") {
        Some("True") => true,
        Some("False") => false,
        other => return Err(format!("bad 'fortran_order' in header: {other:?}")),
    };
    let shape_text = dict_value(text, "shape").ok_or("the header has no 'shape'")?;
    let inner = shape_text
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("bad 'shape' in header: {shape_text}"))?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("bad 'shape' in header: {shape_text}"))?;
    Ok((
        NpyHeader {
            descr,
            fortran_order,
            shape,
        },
        end,
    ))
}

/// The raw text of `key`'s value in a Python dict literal (up to the next
/// top-level comma or the closing brace).
fn dict_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("'{key}':");
    let start = text.find(&pattern)? + pattern.len();
    let rest = text[start..].trim_start();
    let mut depth = 0i32;
    let mut in_quote = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            '(' | '[' | '{' if !in_quote => depth += 1,
            ')' | ']' if !in_quote => depth -= 1,
            '}' if !in_quote && depth == 0 => return Some(rest[..i].trim()),
            '}' if !in_quote => depth -= 1,
            ',' if !in_quote && depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
    }
    None
}

/// A numeric array as read: `f32` kept (scikit-learn treats it apart),
/// everything else converted to `f64` exactly (integers beyond 2⁵³ are
/// rounded, as NumPy rounds them).
#[derive(Debug, Clone, PartialEq)]
pub enum NumericArray {
    /// float64, integer or bool data.
    F64(ArrayD<f64>),
    /// float32 data.
    F32(ArrayD<f32>),
}

impl NumericArray {
    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        match self {
            NumericArray::F64(a) => a.shape(),
            NumericArray::F32(a) => a.shape(),
        }
    }

    /// The data as `f64` (a copy for `f32`).
    pub fn to_f64(&self) -> ArrayD<f64> {
        match self {
            NumericArray::F64(a) => a.clone(),
            NumericArray::F32(a) => a.mapv(f64::from),
        }
    }
}

/// Reads an `.npy` held in memory; `name` is used in error messages.
///
/// # Errors
/// Every problem is a [`crate::BadInput`] naming `name`: not an `.npy`, a
/// dtype that is not real numeric, a header whose shape overflows or does
/// not match the data's length (truncated or padded files).
pub fn read_numeric(bytes: &[u8], name: &str) -> Result<(NumericArray, NpyHeader)> {
    let (header, offset) = parse_header(bytes).map_err(|e| bad_input(format!("{name}: {e}")))?;
    let kind = header
        .kind()
        .map_err(|e| bad_input(format!("{name}: {e}")))?;
    let n_items = header
        .shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            bad_input(format!(
                "{name}: the shape {:?} in the header overflows",
                header.shape
            ))
        })?;
    let expected = n_items.checked_mul(header.item_size()).ok_or_else(|| {
        bad_input(format!(
            "{name}: the shape {:?} in the header overflows",
            header.shape
        ))
    })?;
    let available = bytes.len() - offset;
    if expected != available {
        return Err(bad_input(format!(
            "{name}: the header announces shape {:?} of '{}' ({expected} bytes of data) but the file holds {available} bytes{}",
            header.shape,
            header.descr,
            if available < expected { " (truncated?)" } else { "" }
        )));
    }
    let array = match kind {
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
    };
    Ok((array, header))
}

fn read_typed<T: ReadableElement>(bytes: &[u8], name: &str) -> Result<ArrayD<T>> {
    ArrayD::<T>::read_npy(bytes)
        .map_err(|e| bad_input(format!("{name}: cannot read the array: {e}")))
}

/// Reads a file fully, naming it in the error.
///
/// # Errors
/// A missing or unreadable file, as bad input.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| bad_input(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut h = header.to_string();
        while (10 + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_big_endian_fortran_int() {
        let mut data = Vec::new();
        for v in [1i32, 2, 3, 4, 5, 6] {
            data.extend_from_slice(&v.to_be_bytes());
        }
        let bytes = npy(
            "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }",
            &data,
        );
        let (a, h) = read_numeric(&bytes, "x.npy").unwrap();
        assert_eq!(h.shape, vec![2, 3]);
        let a = a.to_f64();
        // Fortran order: column-major storage of [[1, 3, 5], [2, 4, 6]]
        assert_eq!(a[[0, 1]], 3.0);
        assert_eq!(a[[1, 0]], 2.0);
    }

    #[test]
    fn refuses_truncated_and_odd_dtypes() {
        let bytes = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
            &[0; 16],
        );
        let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
        assert!(
            err.contains("shape [4]") && err.contains("truncated"),
            "{err}"
        );
        let bytes = npy(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
            &[0; 16],
        );
        let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
        assert!(err.contains("complex dtype '<c16'"), "{err}");
        let bytes = npy(
            "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
            &[0; 8],
        );
        let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
        assert!(err.contains("structured dtype"), "{err}");
        let bytes = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
            &[],
        );
        let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
        assert!(err.contains("overflows"), "{err}");
        let err = read_numeric(b"hello world", "x.npy")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a NumPy .npy file"), "{err}");
    }
}
