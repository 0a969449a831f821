//! Reading `.npz` archives: the arrays inside, and scipy.sparse matrices
//! saved with `scipy.sparse.save_npz` (csr, csc or coo).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::Result;
use agglo::Connectivity;

use crate::npy::{parse_header, read_numeric};
use crate::{invalid, MemoryLimit};

/// A bound on deflate's expansion (the format's limit is about 1032:1).
const MAX_DEFLATE_RATIO: u64 = 1100;

/// The members of an `.npz` archive: name (without `.npy`) → bytes.
///
/// The sizes the archive declares are checked before anything is
/// decompressed: each must be one the member's compressed bytes can expand
/// to, and together they must fit in the available memory; no member is
/// read beyond its declared size.
///
/// # Errors
/// Not a zip archive, a member that cannot be decompressed or whose
/// declared size is impossible or exceeded, or members too large for the
/// available memory.
pub fn read_members(
    bytes: &[u8],
    name: &str,
    limit: MemoryLimit,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| invalid(format!("{name}: not a valid .npz (zip) archive: {e}")))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| {
            invalid(format!(
                "{name}: cannot open member {i} of the archive: {e}"
            ))
        })?;
        let most = file
            .compressed_size()
            .saturating_mul(MAX_DEFLATE_RATIO)
            .saturating_add(1024);
        if file.size() > most {
            return Err(invalid(format!(
                "{name}: member '{}' declares {} bytes, more than its {} compressed bytes can hold (corrupt archive?)",
                file.name(),
                file.size(),
                file.compressed_size()
            )));
        }
        total = total.saturating_add(file.size());
    }
    limit.check(total, &format!("decompressing {name}"))?;
    let mut members = BTreeMap::new();
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(|e| {
            invalid(format!(
                "{name}: cannot open member {i} of the archive: {e}"
            ))
        })?;
        let member = file.name().trim_end_matches(".npy").to_string();
        let declared = file.size();
        let mut data = Vec::new();
        file.take(declared.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| invalid(format!("{name}: cannot decompress '{member}': {e}")))?;
        if data.len() as u64 > declared {
            return Err(invalid(format!(
                "{name}: member '{member}' holds more than the {declared} bytes it declares (corrupt archive?)"
            )));
        }
        members.insert(member, data);
    }
    Ok(members)
}

/// Reads a scipy sparse matrix saved by `save_npz` as a connectivity graph
/// over `n_points` points.
///
/// # Errors
/// A missing member, an unsupported format (bsr, dia), a shape other than
/// `(n_points, n_points)` (checked before the graph is built), indices that
/// are negative, not integers, inconsistent or out of range.
pub fn read_sparse_connectivity(
    bytes: &[u8],
    name: &str,
    n_points: usize,
    limit: MemoryLimit,
) -> Result<Connectivity> {
    let members = read_members(bytes, name, limit)?;
    let get = |key: &str| {
        members.get(key).ok_or_else(|| {
            invalid(format!(
                "{name}: not a scipy.sparse save_npz file: the member '{key}' is missing (found: {})",
                members.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    };
    let format = read_format(get("format")?, name)?;
    let shape = integers(get("shape")?, name, "shape")?;
    let [n_rows, n_cols] = shape[..] else {
        return Err(invalid(format!(
            "{name}: a 2-D sparse matrix is needed, got shape {shape:?}"
        )));
    };
    if n_rows != n_cols {
        return Err(invalid(format!(
            "{name}: connectivity matrix must be square, got shape ({n_rows}, {n_cols})"
        )));
    }
    if n_rows != n_points {
        return Err(invalid(format!(
            "{name}: the connectivity matrix has shape ({n_rows}, {n_rows}), but there are {n_points} points to cluster"
        )));
    }
    let data = read_numeric(get("data")?, &format!("{name}:data"))?
        .0
        .to_f64()
        .into_raw_vec_and_offset()
        .0;
    let (rows, cols) = match format.as_str() {
        "coo" => (
            integers(get("row")?, name, "row")?,
            integers(get("col")?, name, "col")?,
        ),
        "csr" | "csc" => {
            let indptr = integers(get("indptr")?, name, "indptr")?;
            let indices = integers(get("indices")?, name, "indices")?;
            let n_major = if format == "csr" { n_rows } else { n_cols };
            let major = expand_indptr(&indptr, n_major, indices.len())
                .map_err(|e| invalid(format!("{name}: {e}")))?;
            if format == "csr" {
                (major, indices)
            } else {
                (indices, major)
            }
        }
        other => {
            return Err(invalid(format!(
                "{name}: sparse format '{other}' is not supported (save it as csr, csc or coo)"
            )))
        }
    };
    if rows.len() != data.len() || cols.len() != data.len() {
        return Err(invalid(format!(
            "{name}: {} row indices, {} column indices and {} values do not match",
            rows.len(),
            cols.len(),
            data.len()
        )));
    }
    Connectivity::from_triplets((n_rows, n_cols), &rows, &cols, &data)
        .map_err(|e| invalid(format!("{name}: {e}")))
}

/// `format.npy`: a 0-d bytes (`|S3`) or unicode array holding the format name.
fn read_format(bytes: &[u8], name: &str) -> Result<String> {
    let (header, offset) =
        parse_header(bytes).map_err(|e| invalid(format!("{name}:format: {e}")))?;
    let raw = &bytes[offset..];
    let text = if header.descr.starts_with("|S") {
        raw.iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect()
    } else if header.descr.starts_with("<U") {
        raw.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .take_while(|&u| u != 0)
            .filter_map(char::from_u32)
            .collect()
    } else {
        return Err(invalid(format!(
            "{name}: unexpected dtype '{}' for 'format'",
            header.descr
        )));
    };
    Ok(text)
}

/// A 1-D array of non-negative integers (stored as any integer dtype).
fn integers(bytes: &[u8], name: &str, what: &str) -> Result<Vec<usize>> {
    let (array, _) = read_numeric(bytes, &format!("{name}:{what}"))?;
    array
        .to_f64()
        .iter()
        .map(|&v| {
            if v >= 0.0 && v.fract() == 0.0 && v <= usize::MAX as f64 {
                Ok(v as usize)
            } else {
                Err(invalid(format!(
                    "{name}: '{what}' holds {v}, not a non-negative integer index"
                )))
            }
        })
        .collect()
}

/// Turns a compressed index pointer into one major index per stored entry.
fn expand_indptr(indptr: &[usize], n_major: usize, nnz: usize) -> Result<Vec<usize>, String> {
    if indptr.len() != n_major + 1 {
        return Err(format!(
            "indptr has {} entries, expected {}",
            indptr.len(),
            n_major + 1
        ));
    }
    if indptr.first() != Some(&0)
        || indptr.last() != Some(&nnz)
        || indptr.windows(2).any(|w| w[0] > w[1])
    {
        return Err(format!(
            "indptr is not a valid index pointer for {nnz} entries"
        ));
    }
    let mut major = Vec::with_capacity(nnz);
    for (i, w) in indptr.windows(2).enumerate() {
        major.extend(std::iter::repeat_n(i, w[1] - w[0]));
    }
    Ok(major)
}
