//! The `.npy` header: its dtype, order and shape, parsed by hand so that
//! nothing large is allocated before the header was checked.

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
#[non_exhaustive]
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
    /// The element type.
    ///
    /// # Errors
    /// A message naming the dtype when it is not one agglo reads.
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

    pub(crate) fn item_size(&self) -> usize {
        match self.kind() {
            Ok(Kind::F64) => 8,
            Ok(Kind::F32) => 4,
            Ok(Kind::Int(n) | Kind::UInt(n)) => n,
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
            '}' | ',' if !in_quote && depth == 0 => return Some(rest[..i].trim()),
            ')' | ']' | '}' if !in_quote => depth -= 1,
            _ => {}
        }
    }
    None
}
