//! NIfTI-1 images in and out (`.nii`, `.nii.gz`), through the `nifti` crate.
//!
//! A 4-D image `(x, y, z, t)` is `t` samples over its voxels; voxels are
//! flattened in row-major order of their `(x, y, z)` index, which is the
//! order of `data[mask]` in nibabel and nilearn. Values are read as
//! `float64` with the header's scaling applied, as nibabel's `get_fdata`.

use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use ndarray::{ArrayD, Axis, IxDyn};
pub use nifti::NiftiHeader;
use nifti::{InMemNiftiObject, IntoNdArray, NiftiObject, NiftiType};

use crate::npy::read_file;
use crate::{invalid, Error, MemoryLimit, Result};

/// Whether `path` names a NIfTI file.
pub fn is_nifti(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".nii") || name.ends_with(".nii.gz")
}

/// A NIfTI image as read.
#[derive(Debug, Clone)]
pub struct NiftiImage {
    /// The header, kept as a reference for images written back.
    pub header: NiftiHeader,
    /// The voxel values, shape `(x, y, z[, t])` as stored.
    pub data: ArrayD<f64>,
}

impl NiftiImage {
    /// The spatial shape `(x, y, z)` (trailing axes of size 1 beyond the
    /// fourth are dropped).
    pub fn spatial_shape(&self) -> Vec<usize> {
        self.data.shape().iter().take(3).copied().collect()
    }

    /// The data as samples first: `(t, x, y, z)` in C order, so that each
    /// sample's voxels are in row-major `(x, y, z)` order. A 3-D image is
    /// one sample.
    ///
    /// # Errors
    /// An image with more than 4 meaningful dimensions, or fewer than 3.
    pub fn samples_first(&self, name: &str) -> Result<ArrayD<f64>> {
        let mut data = self.data.clone();
        while data.ndim() > 4 && data.shape()[data.ndim() - 1] == 1 {
            let last = Axis(data.ndim() - 1);
            data = data.index_axis_move(last, 0);
        }
        match data.ndim() {
            3 => Ok(data.insert_axis(Axis(0)).as_standard_layout().into_owned()),
            4 => {
                let mut moved = data;
                moved = moved.permuted_axes(IxDyn(&[3, 0, 1, 2]));
                Ok(moved.as_standard_layout().into_owned())
            }
            n => Err(invalid(format!(
                "{name}: a NIfTI input must be a 3-D volume or a 4-D series, got {n} dimensions (shape {:?})",
                data.shape()
            ))),
        }
    }
}

/// Reads a NIfTI image.
///
/// # Errors
/// A missing, truncated or corrupt file, as bad input naming it; see
/// [`read_nifti_bytes`].
pub fn read_nifti(path: &Path, limit: MemoryLimit) -> Result<NiftiImage> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(invalid(format!("cannot read {name}: no such file")));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        limit.check(
            meta.len(),
            &format!("reading {name} ({})", crate::human(meta.len())),
        )?;
    }
    read_nifti_bytes(&read_file(path)?, &name, limit)
}

/// The size of a NIfTI-1 header and of the extension flag that follows it.
const HEADER_BYTES: usize = 348 + 4;

/// Reads a NIfTI-1 image (`.nii`, or `.nii.gz` when `bytes` start with the
/// gzip magic) held in memory; `name` is used in error messages.
///
/// The header is checked before anything is allocated from it: its shape
/// times the voxel size must fit in the file (after decompression, which
/// stops at what the header announces), every extension must fit in the
/// file, and the image must fit in the available memory.
///
/// # Errors
/// Not a NIfTI-1 image, a header-only `.hdr`/`.img` pair, a data type
/// that is not real numeric, a header that contradicts itself or the
/// file's length (truncated files), or an image too large for memory; all
/// as bad input naming `name`, except the last.
pub fn read_nifti_bytes(bytes: &[u8], name: &str, limit: MemoryLimit) -> Result<NiftiImage> {
    let decompressed;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        decompressed = gunzip(bytes, name, limit)?;
        &decompressed[..]
    } else {
        bytes
    };
    let layout = Layout::of(bytes, name)?;
    let extensions_end = layout.extensions_end(bytes, name)?;
    let available = bytes.len() - extensions_end;
    if available < layout.data_bytes {
        return Err(invalid(format!(
            "{name}: the header announces shape {:?} of {:?} ({} bytes of voxel data) but the file holds {available} bytes after the header (truncated?)",
            layout.shape, layout.datatype, layout.data_bytes
        )));
    }
    // The voxels are copied out of the file, then converted to f64.
    let needed =
        (layout.data_bytes as u64).saturating_add((layout.n_voxels as u64).saturating_mul(8));
    limit.check(needed, &format!("reading {name}"))?;
    let object = InMemNiftiObject::from_reader(bytes)
        .map_err(|e| invalid(format!("{name}: not a readable NIfTI image: {e}")))?;
    let header = object.header().clone();
    let data = object
        .into_volume()
        .into_ndarray::<f64>()
        .map_err(|e| invalid(format!("{name}: cannot read the voxel data: {e}")))?;
    Ok(NiftiImage { header, data })
}

/// What a NIfTI-1 header says about the voxel data, checked for
/// consistency.
struct Layout {
    header: NiftiHeader,
    shape: Vec<u16>,
    datatype: NiftiType,
    n_voxels: usize,
    data_bytes: usize,
}

impl Layout {
    /// Parses and checks the header at the start of `bytes`.
    fn of(bytes: &[u8], name: &str) -> Result<Self> {
        if bytes.len() < HEADER_BYTES {
            return Err(invalid(format!(
                "{name}: not a NIfTI-1 image: {} bytes, shorter than a header ({HEADER_BYTES} bytes)",
                bytes.len()
            )));
        }
        let header = NiftiHeader::from_reader(bytes)
            .map_err(|e| invalid(format!("{name}: not a readable NIfTI image: {e}")))?;
        if &header.magic == nifti::header::MAGIC_CODE_NI1 {
            return Err(invalid(format!(
                "{name}: a header-only NIfTI file (.hdr/.img pair) is not supported; save it as a single .nii or .nii.gz"
            )));
        }
        let shape = header
            .dim()
            .map_err(|e| {
                invalid(format!(
                    "{name}: bad dimensions {:?} in the header: {e}",
                    header.dim
                ))
            })?
            .to_vec();
        let datatype = header.data_type().map_err(|_| {
            invalid(format!(
                "{name}: unknown NIfTI datatype code {}",
                header.datatype
            ))
        })?;
        if !matches!(
            datatype,
            NiftiType::Uint8
                | NiftiType::Int8
                | NiftiType::Uint16
                | NiftiType::Int16
                | NiftiType::Uint32
                | NiftiType::Int32
                | NiftiType::Uint64
                | NiftiType::Int64
                | NiftiType::Float32
                | NiftiType::Float64
        ) {
            return Err(invalid(format!(
                "{name}: NIfTI datatype {datatype:?} is not supported: agglo reads integer, float32 and float64 images"
            )));
        }
        let item_size = datatype.size_of();
        if i64::from(header.bitpix) != 8 * item_size as i64 {
            return Err(invalid(format!(
                "{name}: the header is inconsistent: bitpix is {} for datatype {datatype:?} ({} bits)",
                header.bitpix,
                8 * item_size
            )));
        }
        let overflow = || {
            invalid(format!(
                "{name}: the shape {shape:?} in the header overflows"
            ))
        };
        let n_voxels = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(usize::from(d)))
            .ok_or_else(overflow)?;
        let data_bytes = n_voxels.checked_mul(item_size).ok_or_else(overflow)?;
        Ok(Layout {
            header,
            shape,
            datatype,
            n_voxels,
            data_bytes,
        })
    }

    /// Where the voxel data starts: after the header, the extension flag
    /// and the extensions the `nifti` crate reads (while their sizes sum to
    /// less than `vox_offset − 352`), each checked to fit in `bytes`.
    fn extensions_end(&self, bytes: &[u8], name: &str) -> Result<usize> {
        let mut position = HEADER_BYTES;
        if bytes[348] == 0 {
            return Ok(position);
        }
        let announced = (self.header.vox_offset as usize).saturating_sub(HEADER_BYTES);
        let mut read = 0usize;
        while read < announced {
            let field = |at: usize| -> Option<i32> {
                let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
                Some(match self.header.endianness {
                    nifti::Endianness::Little => i32::from_le_bytes(raw),
                    nifti::Endianness::Big => i32::from_be_bytes(raw),
                })
            };
            let esize = field(position)
                .filter(|_| field(position + 4).is_some())
                .ok_or_else(|| {
                    invalid(format!(
                        "{name}: the file ends inside a header extension (truncated?)"
                    ))
                })?;
            let data_size = usize::try_from(esize)
                .unwrap_or(usize::MAX)
                .saturating_sub(8);
            if data_size > bytes.len() - position - 8 {
                return Err(invalid(format!(
                    "{name}: a header extension announces {esize} bytes but the file holds {} after it (truncated or corrupt)",
                    bytes.len() - position
                )));
            }
            position += 8 + data_size;
            read = read.saturating_add(usize::try_from(esize).unwrap_or(usize::MAX));
        }
        Ok(position)
    }
}

/// A bound on deflate's expansion (the format's limit is about 1032:1).
const MAX_DEFLATE_RATIO: usize = 1100;

/// Decompresses a `.nii.gz`, never more than its header announces, after
/// checking that this fits in memory.
fn gunzip(bytes: &[u8], name: &str, limit: MemoryLimit) -> Result<Vec<u8>> {
    let corrupt = |e: std::io::Error| invalid(format!("{name}: cannot decompress: {e}"));
    let mut decoder = GzDecoder::new(bytes);
    let mut out = Vec::new();
    (&mut decoder)
        .take(HEADER_BYTES as u64)
        .read_to_end(&mut out)
        .map_err(corrupt)?;
    let layout = Layout::of(&out, name)?;
    let announced = (layout.header.vox_offset as usize)
        .max(HEADER_BYTES)
        .saturating_add(layout.data_bytes);
    // Deflate expands at most about 1032-fold: a header announcing more
    // than that is corrupt, however much memory there is.
    let most = bytes.len().saturating_mul(MAX_DEFLATE_RATIO);
    if announced > most {
        return Err(invalid(format!(
            "{name}: the header announces {announced} bytes (shape {:?} of {:?} from byte {}), more than a {}-byte gzip file can hold (corrupt header?)",
            layout.shape,
            layout.datatype,
            layout.header.vox_offset,
            bytes.len()
        )));
    }
    limit.check(announced as u64, &format!("decompressing {name}"))?;
    (&mut decoder)
        .take((announced - HEADER_BYTES) as u64)
        .read_to_end(&mut out)
        .map_err(corrupt)?;
    Ok(out)
}

/// Reads a NIfTI mask: voxels that are not zero are inside. Like nilearn, a
/// mask must hold at most two distinct values, one of them zero.
///
/// # Errors
/// An unreadable image, or one with more than two values.
pub fn read_nifti_mask(path: &Path, limit: MemoryLimit) -> Result<(ArrayD<bool>, NiftiHeader)> {
    let image = read_nifti(path, limit)?;
    let mut data = image.data;
    while data.ndim() > 3 && data.shape()[data.ndim() - 1] == 1 {
        let last = Axis(data.ndim() - 1);
        data = data.index_axis_move(last, 0);
    }
    let mut values: Vec<f64> = Vec::new();
    for &v in &data {
        if !values.contains(&v) {
            values.push(v);
            if values.len() > 2 {
                break;
            }
        }
    }
    if values.len() > 2 || (values.len() == 2 && !values.contains(&0.0)) {
        return Err(invalid(format!(
            "{}: a mask must hold two values, 0 outside and one value inside; found {:?} and more",
            path.display(),
            &values[..values.len().min(3)]
        )));
    }
    Ok((data.mapv(|v| v != 0.0), image.header))
}

/// Writes `volume` as a NIfTI image at `path` (gzip-compressed when the name
/// ends in `.gz`), copying the affine and voxel sizes of `reference`.
///
/// # Errors
/// The file cannot be written.
pub fn write_nifti_i32(path: &Path, volume: &ArrayD<i32>, reference: &NiftiHeader) -> Result<()> {
    let options = nifti::writer::WriterOptions::new(path).reference_header(reference);
    written(path, options.write_nifti(volume))
}

/// Writes a float64 volume or series, like [`write_nifti_i32`].
///
/// # Errors
/// The file cannot be written.
pub fn write_nifti_f64(path: &Path, volume: &ArrayD<f64>, reference: &NiftiHeader) -> Result<()> {
    let options = nifti::writer::WriterOptions::new(path).reference_header(reference);
    written(path, options.write_nifti(volume))
}

/// The writer's outcome, its error naming `path`.
fn written(path: &Path, result: nifti::Result<()>) -> Result<()> {
    result.map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: Box::new(e),
    })
}
