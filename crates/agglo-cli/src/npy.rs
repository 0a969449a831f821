//! Reading NumPy `.npy` data of any real numeric dtype, either byte order,
//! C or Fortran order, with the header checked before anything large is
//! allocated.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::Result;
use ndarray::{ArrayD, IxDyn, ShapeBuilder};
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
        let (order, code) = d.split_at(d.chars().next().map_or(0, char::len_utf8));
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

    /// A 2-D array stored column-major (unchanged if it already is, or is
    /// not 2-D): the layout `FeatureAgglomeration` reads in place, so the
    /// data is held once during a fit instead of twice. The row-major copy
    /// is freed before returning.
    #[must_use]
    pub fn into_column_major(self) -> Self {
        fn go<A: agglo::Element>(a: ArrayD<A>) -> ArrayD<A> {
            let m = a
                .into_dimensionality::<ndarray::Ix2>()
                .expect("checked to be 2-D");
            if m.t().is_standard_layout() {
                m.into_dyn()
            } else {
                agglo::column_major(m.view()).into_dyn()
            }
        }
        match self {
            _ if self.shape().len() != 2 => self,
            NumericArray::F64(a) => NumericArray::F64(go(a)),
            NumericArray::F32(a) => NumericArray::F32(go(a)),
        }
    }

    /// The array as the `(n, m)` matrix of its elements in row-major
    /// order, `n·m` being its size: a reshape, which copies only arrays not
    /// already in row-major order, and nothing for an `(n, m)` array in any
    /// order.
    #[must_use]
    pub fn into_matrix(self, n: usize, m: usize) -> Self {
        fn go<A: Clone>(a: ArrayD<A>, n: usize, m: usize) -> ArrayD<A> {
            if a.shape() == [n, m] {
                return a;
            }
            let flat = if a.is_standard_layout() {
                a
            } else {
                a.as_standard_layout().into_owned()
            };
            flat.into_shape_with_order(IxDyn(&[n, m]))
                .expect("sizes agree")
        }
        match self {
            NumericArray::F64(a) => NumericArray::F64(go(a, n, m)),
            NumericArray::F32(a) => NumericArray::F32(go(a, n, m)),
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
/// The data is decoded in one pass (in parallel for large arrays) straight
/// into the array returned, in the file's own order (a Fortran-ordered file
/// gives a Fortran-ordered array).
///
/// # Errors
/// Every problem is a [`crate::BadInput`] naming `name`: not an `.npy`, a
/// dtype that is not real numeric, a header whose shape overflows or does
/// not match the data's length (truncated or padded files).
pub fn read_numeric(bytes: &[u8], name: &str) -> Result<(NumericArray, NpyHeader)> {
    let (header, offset) = parse_header(bytes).map_err(|e| bad_input(format!("{name}: {e}")))?;
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
    let shape: String = header.shape.iter().map(|d| format!("{d}, ")).collect();
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
    let (header, offset) = parse_header(&head).map_err(|e| bad_input(format!("{name}: {e}")))?;
    let available = usize::try_from(file_len - offset as u64).unwrap_or(usize::MAX);
    check_length(&header, available, name)?;
    Ok(OpenNpy {
        file,
        header,
        available,
    })
}

/// A read error naming the file.
pub(crate) fn cannot_read(path: &Path, e: std::io::Error) -> anyhow::Error {
    bad_input(format!("cannot read {}: {e}", path.display()))
}

/// Bytes read from a file per block by [`read_numeric_file`].
pub(crate) const READ_BLOCK: usize = 1 << 22;

/// Checks the dtype and that the data has exactly the header's length;
/// returns the element kind.
fn check_length(header: &NpyHeader, available: usize, name: &str) -> Result<Kind> {
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
    if expected != available {
        return Err(bad_input(format!(
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
fn read_with_ndarray_npy(bytes: &[u8], kind: Kind, name: &str) -> Result<NumericArray> {
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

/// The descriptors decoded here, without ndarray-npy: exactly those it
/// accepts for each type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Descr {
    F8(Endian),
    F4(Endian),
    I1,
    U1,
    B1,
    I2(Endian),
    U2(Endian),
    I4(Endian),
    U4(Endian),
    I8(Endian),
    U8(Endian),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// How one element's bytes are decoded.
#[derive(Clone, Copy)]
pub(crate) struct Decoder {
    descr: Descr,
    pub(crate) width: usize,
}

impl Decoder {
    pub(crate) fn of(header: &NpyHeader) -> Option<Self> {
        use Endian::{Big, Little};
        let (descr, width) = match header.descr.as_str() {
            "<f8" => (Descr::F8(Little), 8),
            ">f8" => (Descr::F8(Big), 8),
            "<f4" => (Descr::F4(Little), 4),
            ">f4" => (Descr::F4(Big), 4),
            "|i1" => (Descr::I1, 1),
            "|u1" => (Descr::U1, 1),
            "|b1" => (Descr::B1, 1),
            "<i2" => (Descr::I2(Little), 2),
            ">i2" => (Descr::I2(Big), 2),
            "<u2" => (Descr::U2(Little), 2),
            ">u2" => (Descr::U2(Big), 2),
            "<i4" => (Descr::I4(Little), 4),
            ">i4" => (Descr::I4(Big), 4),
            "<u4" => (Descr::U4(Little), 4),
            ">u4" => (Descr::U4(Big), 4),
            "<i8" => (Descr::I8(Little), 8),
            ">i8" => (Descr::I8(Big), 8),
            "<u8" => (Descr::U8(Little), 8),
            ">u8" => (Descr::U8(Big), 8),
            _ => return None,
        };
        Some(Decoder { descr, width })
    }

    pub(crate) fn allocate(&self, n_items: usize) -> Decoded {
        match self.descr {
            Descr::F4(_) => Decoded::F32(vec![0.0; n_items]),
            _ => Decoded::F64(vec![0.0; n_items]),
        }
    }
}

/// The values decoded so far, in file order.
pub(crate) enum Decoded {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Decoded {
    /// Decodes `bytes` into the values from position `at` on; `false` when
    /// a boolean is neither 0 nor 1.
    pub(crate) fn fill(&mut self, decoder: &Decoder, bytes: &[u8], at: usize) -> bool {
        use Endian::{Big, Little};
        let items = bytes.len() / decoder.width;
        macro_rules! decode {
            ($out:expr, $n:literal, $convert:expr) => {
                decode_parallel::<_, $n>(bytes, &mut $out[at..at + items], $convert)
            };
        }
        match (self, decoder.descr) {
            (Decoded::F32(out), Descr::F4(Little)) => decode!(out, 4, f32::from_le_bytes),
            (Decoded::F32(out), _) => decode!(out, 4, f32::from_be_bytes),
            (Decoded::F64(out), descr) => match descr {
                Descr::F8(Little) => decode!(out, 8, f64::from_le_bytes),
                Descr::F8(Big) => decode!(out, 8, f64::from_be_bytes),
                Descr::I1 => decode!(out, 1, |b: [u8; 1]| f64::from(b[0] as i8)),
                Descr::U1 | Descr::B1 => decode!(out, 1, |b: [u8; 1]| f64::from(b[0])),
                Descr::I2(Little) => decode!(out, 2, |b| f64::from(i16::from_le_bytes(b))),
                Descr::I2(Big) => decode!(out, 2, |b| f64::from(i16::from_be_bytes(b))),
                Descr::U2(Little) => decode!(out, 2, |b| f64::from(u16::from_le_bytes(b))),
                Descr::U2(Big) => decode!(out, 2, |b| f64::from(u16::from_be_bytes(b))),
                Descr::I4(Little) => decode!(out, 4, |b| f64::from(i32::from_le_bytes(b))),
                Descr::I4(Big) => decode!(out, 4, |b| f64::from(i32::from_be_bytes(b))),
                Descr::U4(Little) => decode!(out, 4, |b| f64::from(u32::from_le_bytes(b))),
                Descr::U4(Big) => decode!(out, 4, |b| f64::from(u32::from_be_bytes(b))),
                Descr::I8(Little) => decode!(out, 8, |b| i64::from_le_bytes(b) as f64),
                Descr::I8(Big) => decode!(out, 8, |b| i64::from_be_bytes(b) as f64),
                Descr::U8(Little) => decode!(out, 8, |b| u64::from_le_bytes(b) as f64),
                Descr::U8(Big) => decode!(out, 8, |b| u64::from_be_bytes(b) as f64),
                Descr::F4(_) => {}
            },
        }
        decoder.descr != Descr::B1 || bytes.iter().all(|&b| b <= 1)
    }

    /// The array of the header's shape and order.
    fn into_array(self, header: &NpyHeader, name: &str) -> Result<NumericArray> {
        let shape = IxDyn(&header.shape).set_f(header.fortran_order);
        let failed = |e| bad_input(format!("{name}: cannot read the array: {e}"));
        Ok(match self {
            Decoded::F64(values) => {
                NumericArray::F64(ArrayD::from_shape_vec(shape, values).map_err(failed)?)
            }
            Decoded::F32(values) => {
                NumericArray::F32(ArrayD::from_shape_vec(shape, values).map_err(failed)?)
            }
        })
    }
}

/// `out[i] = convert(bytes of element i)`, split over the available cores
/// when there is enough to do; each value is independent, so the split
/// changes nothing.
fn decode_parallel<T: Send, const W: usize>(
    bytes: &[u8],
    out: &mut [T],
    convert: impl Fn([u8; W]) -> T + Copy + Send,
) {
    const PER_THREAD: usize = 1 << 20;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(out.len() / PER_THREAD)
        .max(1);
    if threads == 1 {
        decode_serial(bytes, out, convert);
        return;
    }
    let per = out.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (out, bytes) in out.chunks_mut(per).zip(bytes.chunks(per * W)) {
            scope.spawn(move || decode_serial(bytes, out, convert));
        }
    });
}

#[inline(always)]
fn decode_serial<T, const W: usize>(bytes: &[u8], out: &mut [T], convert: impl Fn([u8; W]) -> T) {
    for (o, b) in out.iter_mut().zip(bytes.chunks_exact(W)) {
        let mut raw = [0u8; W];
        raw.copy_from_slice(b);
        *o = convert(raw);
    }
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
        // Found by the npy fuzzer: junk brackets after the dict's entries
        // (and booleans that are neither 0 nor 1, which go to ndarray-npy)
        // took ndarray-npy's header parser exponentially long.
        let junk = format!(
            "{{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2),{}f5',{} }}",
            "[".repeat(60),
            "[".repeat(20)
        );
        let bytes = npy(&junk, &[0, 1, 0x41, 2]);
        let err = read_numeric(&bytes, "x.npy").unwrap_err().to_string();
        assert!(err.contains("cannot read the array"), "{err}");
    }

    /// Every decoded descriptor against ndarray-npy's reading, in memory and
    /// streamed from a file (one file spans several read blocks).
    #[test]
    fn fast_decoding_matches_ndarray_npy() {
        let dir = tempfile::tempdir().unwrap();
        let cases: Vec<(&str, usize, Vec<u8>)> = vec![
            (
                "<f8",
                8,
                (0..48u64)
                    .flat_map(|v| (v as f64 * -0.5).to_le_bytes())
                    .collect(),
            ),
            (
                ">f8",
                8,
                (0..48u64)
                    .flat_map(|v| (v as f64 * 1.5).to_be_bytes())
                    .collect(),
            ),
            (
                "<f4",
                4,
                (0..48u32)
                    .flat_map(|v| (v as f32 * 0.25).to_le_bytes())
                    .collect(),
            ),
            (
                ">f4",
                4,
                (0..48u32)
                    .flat_map(|v| (v as f32 * 0.75).to_be_bytes())
                    .collect(),
            ),
            ("|i1", 1, (0..48u8).map(|v| v.wrapping_mul(37)).collect()),
            ("|u1", 1, (0..48u8).map(|v| v.wrapping_mul(91)).collect()),
            ("|b1", 1, (0..48u8).map(|v| v % 2).collect()),
            (
                "<i2",
                2,
                (0..48i16)
                    .flat_map(|v| v.wrapping_mul(-999).to_le_bytes())
                    .collect(),
            ),
            (
                ">u2",
                2,
                (0..48u16).flat_map(|v| (v * 1234).to_be_bytes()).collect(),
            ),
            (
                "<i4",
                4,
                (0..48i32)
                    .flat_map(|v| (v * -99_999).to_le_bytes())
                    .collect(),
            ),
            (
                ">u4",
                4,
                (0..48u32)
                    .flat_map(|v| (v * 77_777).to_be_bytes())
                    .collect(),
            ),
            (
                ">i8",
                8,
                (0..48i64)
                    .flat_map(|v| (v.wrapping_mul(-(1 << 60)) / 7).to_be_bytes())
                    .collect(),
            ),
            (
                "<u8",
                8,
                (0..48u64)
                    .flat_map(|v| v.wrapping_mul(1 << 59).to_le_bytes())
                    .collect(),
            ),
        ];
        for (descr, width, data) in cases {
            for fortran in [false, true] {
                let header = format!(
                    "{{'descr': '{descr}', 'fortran_order': {}, 'shape': (6, 8), }}",
                    if fortran { "True" } else { "False" }
                );
                let bytes = npy(&header, &data);
                let kind = Decoder::of(&parse_header(&bytes).unwrap().0).map(|d| d.width);
                assert_eq!(kind, Some(width), "{descr}");
                let (fast, _) = read_numeric(&bytes, "x.npy").unwrap();
                let reference = read_with_ndarray_npy(
                    &bytes,
                    parse_header(&bytes).unwrap().0.kind().unwrap(),
                    "x.npy",
                )
                .unwrap();
                assert_eq!(fast, reference, "{descr} fortran={fortran}");
                let path = dir.path().join("x.npy");
                std::fs::write(&path, &bytes).unwrap();
                let (streamed, _) = read_numeric_file(&path, "x.npy").unwrap();
                assert_eq!(streamed, reference, "{descr} fortran={fortran}");
            }
        }
        // Several read blocks.
        let n = READ_BLOCK / 8 * 2 + 3;
        let data: Vec<u8> = (0..n)
            .flat_map(|v| (v as f64).sqrt().to_le_bytes())
            .collect();
        let bytes = npy(
            &format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({n},), }}"),
            &data,
        );
        let path = dir.path().join("long.npy");
        std::fs::write(&path, &bytes).unwrap();
        let (streamed, header) = read_numeric_file(&path, "long.npy").unwrap();
        assert_eq!(header.shape, vec![n]);
        assert_eq!(streamed, read_numeric(&bytes, "long.npy").unwrap().0);
    }

    #[test]
    fn streamed_reading_refuses_what_reading_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let bad: Vec<Vec<u8>> = vec![
            npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                &[0; 16],
            ),
            npy(
                "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                &[0; 16],
            ),
            npy(
                "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                &[0, 2, 1],
            ),
            npy(
                "{'descr': '=f8', 'fortran_order': False, 'shape': (1,), }",
                &[0; 8],
            ),
            b"hello world".to_vec(),
            b"\x93NUMPY\x01\x00\xff\x00{'descr'".to_vec(),
        ];
        for bytes in bad {
            let path = dir.path().join("bad.npy");
            std::fs::write(&path, &bytes).unwrap();
            let expected = read_numeric(&bytes, "bad.npy").unwrap_err().to_string();
            let got = read_numeric_file(&path, "bad.npy").unwrap_err().to_string();
            assert_eq!(got, expected);
        }
        let missing = read_numeric_file(&dir.path().join("none.npy"), "none.npy")
            .unwrap_err()
            .to_string();
        assert!(missing.starts_with("cannot read"), "{missing}");
    }
}
