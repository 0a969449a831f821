//! NIfTI-1 images in and out (`.nii`, `.nii.gz`), through the `nifti` crate.
//!
//! A 4-D image `(x, y, z, t)` is `t` samples over its voxels; voxels are
//! flattened in row-major order of their `(x, y, z)` index, which is the
//! order of `data[mask]` in nibabel and nilearn. Values are read as
//! `float64` with the header's scaling applied, as nibabel's `get_fdata`.

use std::path::Path;

use ndarray::{ArrayD, Axis, IxDyn, ShapeBuilder};
pub use nifti::NiftiHeader;

use crate::nifti_stream::VolumeReader;
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
/// [`VolumeReader::from_bytes`].
pub fn read_nifti(path: &Path, limit: MemoryLimit) -> Result<NiftiImage> {
    read_volumes(VolumeReader::open(path, limit)?, limit)
}

/// Reads a NIfTI-1 image (`.nii`, or `.nii.gz` when `bytes` start with the
/// gzip magic) held in memory; `name` is used in error messages.
///
/// # Errors
/// As [`VolumeReader::from_bytes`], a file that ends inside its data, or
/// an image too large for memory.
pub fn read_nifti_bytes(bytes: &[u8], name: &str, limit: MemoryLimit) -> Result<NiftiImage> {
    read_volumes(VolumeReader::from_bytes(bytes, name, limit)?, limit)
}

/// Every volume of `volumes`, as one array.
fn read_volumes(mut volumes: VolumeReader<'_>, limit: MemoryLimit) -> Result<NiftiImage> {
    let n = volumes.volume_len();
    let total = n.saturating_mul(volumes.n_volumes());
    limit.check(
        (total as u64).saturating_mul(8),
        &format!("reading {}", volumes.name()),
    )?;
    let mut data = vec![0.0; total];
    for volume in data.chunks_exact_mut(n.max(1)) {
        volumes.next_volume(volume)?;
    }
    let shape = volumes.stored_shape().to_vec();
    let data = ArrayD::from_shape_vec(IxDyn(&shape).f(), data).expect("sized for the shape");
    Ok(NiftiImage {
        header: volumes.into_header(),
        data,
    })
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
