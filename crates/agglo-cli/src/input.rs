//! Turning the files a user names into data, masks and graphs.

use std::path::Path;

use agglo::Connectivity;
use agglo_io::nifti_io::NiftiHeader;
use agglo_io::MemoryLimit;
use anyhow::Result;
use ndarray::ArrayD;

use crate::bad_input;
use agglo_io::csv_io::{is_csv, read_csv_with, CsvOptions};
use agglo_io::images::{is_image, read_images};

use crate::cli::Reading;
use agglo_io::nifti_io::{is_nifti, read_nifti, read_nifti_mask};
use agglo_io::npy::{read_file, read_numeric, read_numeric_file, NpyHeader, NumericArray};
use agglo_io::npy_blocks::read_columns;
use agglo_io::npz::{read_members, read_sparse_connectivity};

/// Data read from a file, with where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The values, samples along the first axis.
    pub array: NumericArray,
    /// The data's shape, samples first: `(n_samples, *grid)`. It is also
    /// `array`'s shape, except from [`read_data_columns`], which returns
    /// the `(n_samples, n_features)` matrix.
    pub shape: Vec<usize>,
    /// The dtype as NumPy would name it (`<f8`, `<f4`, …); `csv` for text.
    pub dtype: String,
    /// The shape as stored in the file (for NIfTI, `(x, y, z[, t])`).
    pub stored_shape: Vec<usize>,
    /// The NIfTI header, for NIfTI input.
    pub nifti: Option<NiftiHeader>,
    /// A copy of the data, a sample per row, for the pooling to read
    /// instead of the input (see `nifti_input`).
    pub copy: Option<std::fs::File>,
}

impl Loaded {
    /// An array read from `.npy` bytes, as stored.
    fn npy(array: NumericArray, header: NpyHeader) -> Self {
        Loaded {
            stored_shape: header.shape.clone(),
            shape: array.shape().to_vec(),
            array,
            dtype: header.descr,
            nifti: None,
            copy: None,
        }
    }
}

/// [`read_data`] for clustering features: the same data, as the matrix of
/// its samples `(n_samples, n_features)` stored column-major, each
/// feature's values together. A C-ordered `.npy` file is transposed as it
/// is read, so the data is held only once; other files are read, then
/// rearranged.
///
/// # Errors
/// As [`read_data`].
pub fn read_data_columns(path: &Path, key: Option<&str>, how: Reading) -> Result<Loaded> {
    if key.is_none() && is_npy(path) {
        let name = path.display().to_string();
        ensure_room(path, &name, 1)?;
        let (array, header) = read_columns(path, &name)?;
        return Ok(Loaded {
            stored_shape: header.shape.clone(),
            shape: header.shape.clone(),
            array,
            dtype: header.descr,
            nifti: None,
            copy: None,
        });
    }
    let mut loaded = read_data(path, key, how)?;
    let shape = loaded.shape.clone();
    if shape.len() >= 2 {
        let m = shape[1..].iter().product();
        loaded.array = loaded.array.into_matrix(shape[0], m).into_column_major();
    }
    Ok(loaded)
}

/// Reads data from `.npy`, `.npz` (`key` names the array; default the only
/// one), `.csv`/`.tsv`/`.txt` or NIfTI (`.nii`, `.nii.gz`).
///
/// # Errors
/// A missing or unreadable file, an unknown format, an `.npz` whose array
/// is not named, any format error; all as bad input naming the file.
/// The dtype a NIfTI image stores its values in, as NumPy names it, and
/// `+scaled` when the header scales them (agglo reads them as float64
/// with the scaling, as nibabel's `get_fdata`).
pub(crate) fn nifti_dtype(header: &NiftiHeader) -> String {
    let descr = match header.datatype {
        2 => "|u1",
        4 => "<i2",
        8 => "<i4",
        16 => "<f4",
        64 => "<f8",
        256 => "|i1",
        512 => "<u2",
        768 => "<u4",
        1024 => "<i8",
        1280 => "<u8",
        code => return format!("nifti datatype {code}"),
    };
    let scaled = header.scl_slope != 0.0 && (header.scl_slope != 1.0 || header.scl_inter != 0.0);
    if scaled {
        format!("{descr}+scaled")
    } else {
        descr.to_string()
    }
}

pub fn read_data(path: &Path, key: Option<&str>, how: Reading) -> Result<Loaded> {
    let name = path.display().to_string();
    if how.csv != CsvOptions::default() && !is_csv(path) {
        return Err(bad_input(format!(
            "{name}: --delimiter and --index-col apply to CSV tables (.csv, .tsv, .txt)"
        )));
    }
    let image = is_image(path) || path.is_dir();
    if how.grey && !image {
        return Err(bad_input(format!(
            "{name}: --grey applies to images (.png, .jpg, .tif, or a folder of them)"
        )));
    }
    if image {
        if key.is_some() {
            return Err(bad_input(format!("{name}: --key applies to .npz archives")));
        }
        let images = read_images(path, how.grey, MemoryLimit::available())?;
        return Ok(Loaded {
            shape: images.data.shape().to_vec(),
            stored_shape: images.data.shape().to_vec(),
            array: NumericArray::F64(images.data.into_dyn()),
            dtype: images.dtype,
            nifti: None,
            copy: None,
        });
    }
    if is_nifti(path) {
        let image = read_nifti(path, MemoryLimit::available())?;
        let array = image.samples_first(&name)?;
        return Ok(Loaded {
            shape: array.shape().to_vec(),
            array: NumericArray::F64(array),
            dtype: nifti_dtype(&image.header),
            stored_shape: image.data.shape().to_vec(),
            nifti: Some(image.header),
            copy: None,
        });
    }
    if starts_with(path, b"\x93NUMPY") {
        if key.is_some() {
            return Err(bad_input(format!(
                "{name}: --key applies to .npz archives, not to .npy files"
            )));
        }
        // Read in blocks straight into the array: only the array is held.
        ensure_room(path, &name, 1)?;
        let (array, header) = read_numeric_file(path, &name)?;
        return Ok(Loaded::npy(array, header));
    }
    // The file's bytes and the array made from them are both held.
    ensure_room(path, &name, 2)?;
    let bytes = read_file(path)?;
    if bytes.starts_with(b"PK") {
        let members = read_members(&bytes, &name, MemoryLimit::available())?;
        let names: Vec<&String> = members.keys().collect();
        let chosen = match key {
            Some(k) => members.get(k).map(|b| (k.to_string(), b)).ok_or_else(|| {
                bad_input(format!(
                    "{name}: no array named '{k}' (the archive holds: {})",
                    join(&names)
                ))
            })?,
            None if members.len() == 1 => {
                let (k, b) = members.iter().next().expect("one member");
                (k.clone(), b)
            }
            None => {
                return Err(bad_input(format!(
                    "{name}: the archive holds {} arrays ({}); choose one with --key",
                    members.len(),
                    join(&names)
                )))
            }
        };
        let (array, header) = read_numeric(chosen.1, &format!("{name}:{}", chosen.0))?;
        return Ok(Loaded::npy(array, header));
    }
    if is_csv(path) {
        if key.is_some() {
            return Err(bad_input(format!(
                "{name}: --key applies to .npz archives, not to CSV files"
            )));
        }
        let table = read_csv_with(&bytes, path, how.csv)?.values;
        return Ok(Loaded {
            stored_shape: table.shape().to_vec(),
            shape: table.shape().to_vec(),
            array: NumericArray::F64(table.into_dyn()),
            dtype: "csv".into(),
            nifti: None,
            copy: None,
        });
    }
    Err(bad_input(format!(
        "{name}: not a NumPy .npy file, an .npz archive, a CSV table or a NIfTI image (.nii, .nii.gz)"
    )))
}

/// Whether the file at `path` begins with `magic` (false when unreadable:
/// the full read then reports why).
/// Refuses to read `path` when `copies` times its size is more memory than
/// is available.
fn ensure_room(path: &Path, name: &str, copies: u64) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(MemoryLimit::available().check(
            meta.len().saturating_mul(copies),
            &format!("reading {name} ({})", agglo_io::human(meta.len())),
        )?),
        Err(_) => Ok(()),
    }
}

/// Whether `path` is read as an `.npy` file (by its first bytes, as
/// [`read_data`] decides).
pub fn is_npy(path: &Path) -> bool {
    !is_nifti(path) && starts_with(path, b"\x93NUMPY")
}

fn starts_with(path: &Path, magic: &[u8]) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; magic.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == magic
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A mask read from a file, and the NIfTI header when it was an image.
#[derive(Debug, Clone)]
pub struct Mask {
    /// Inside (`true`) or outside, on the grid.
    pub inside: ArrayD<bool>,
    /// The header of a NIfTI mask (its affine is kept for label images).
    pub nifti: Option<NiftiHeader>,
}

/// Reads a mask: a boolean `.npy`, numbers that are all 0 or 1, or a NIfTI
/// image with zero outside.
///
/// # Errors
/// An unreadable file, or values that do not make a mask.
pub fn read_mask(path: &Path) -> Result<Mask> {
    if is_nifti(path) {
        let (inside, header) = read_nifti_mask(path, MemoryLimit::available())?;
        return Ok(Mask {
            inside: row_major(inside),
            nifti: Some(header),
        });
    }
    let name = path.display().to_string();
    let (array, _) = read_numeric(&read_file(path)?, &name)?;
    let values = array.to_f64();
    let not_boolean = |&&v: &&f64| v != 0.0 && v != 1.0;
    let bad = match values.as_slice_memory_order() {
        Some(flat) => flat.iter().find(not_boolean),
        None => values.iter().find(not_boolean),
    };
    if let Some(bad) = bad {
        return Err(bad_input(format!(
            "{name}: a mask must hold booleans or 0/1, found the value {bad}"
        )));
    }
    Ok(Mask {
        inside: row_major(values.mapv(|v| v == 1.0)),
        nifti: None,
    })
}

/// A mask laid out in row-major order (a Fortran-ordered file's is not),
/// so that every later pass over it runs along memory.
fn row_major(mask: ArrayD<bool>) -> ArrayD<bool> {
    if mask.is_standard_layout() {
        mask
    } else {
        mask.as_standard_layout().into_owned()
    }
}

/// Reads a connectivity graph over `n_points` points: a scipy.sparse
/// `save_npz` file, or an `.npy` edge list of shape (E, 2).
///
/// # Errors
/// An unreadable file, a matrix of the wrong size, edges out of range.
pub fn read_connectivity(path: &Path, n_points: usize) -> Result<Connectivity> {
    let name = path.display().to_string();
    let bytes = read_file(path)?;
    let graph = if bytes.starts_with(b"PK") {
        read_sparse_connectivity(&bytes, &name, n_points, MemoryLimit::available())?
    } else {
        let (array, _) = read_numeric(&bytes, &name)?;
        let edges = array.to_f64();
        if edges.ndim() != 2 || edges.shape()[1] != 2 {
            return Err(bad_input(format!(
                "{name}: an edge list must have shape (E, 2), got {:?}",
                edges.shape()
            )));
        }
        let mut pairs = Vec::with_capacity(edges.shape()[0]);
        for row in edges.rows() {
            let (a, b) = (row[0], row[1]);
            for v in [a, b] {
                if v < 0.0 || v.fract() != 0.0 {
                    return Err(bad_input(format!(
                        "{name}: edge ({a}, {b}) has a node id that is not a non-negative integer"
                    )));
                }
            }
            pairs.push((a as usize, b as usize));
        }
        Connectivity::from_edges(n_points, &pairs).map_err(|e| bad_input(format!("{name}: {e}")))?
    };
    if graph.n_nodes() != n_points {
        return Err(bad_input(format!(
            "{name}: the connectivity matrix has shape ({0}, {0}), but there are {n_points} points to cluster",
            graph.n_nodes()
        )));
    }
    Ok(graph)
}
