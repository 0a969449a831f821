//! A NIfTI series read once for `agglo fit`: decompressed a volume at a
//! time, the voxels inside the mask kept as the matrix to fit, and the same
//! values copied, a sample per row, into a scratch file that the pooling
//! reads back instead of decompressing the image a second time.
//!
//! The scratch file is anonymous (it has no name, so no interruption can
//! leave it behind) and lives in the staging folder, beside the outputs.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};
use std::path::Path;

use agglo_io::nifti_stream::{stored_offsets, VolumeReader};
use agglo_io::npy::NumericArray;
use agglo_io::MemoryLimit;
use anyhow::{Context, Result};
use ndarray::{Array2, ShapeBuilder};

use crate::bad_input;
use crate::input::{nifti_dtype, Loaded, Mask};

/// Volumes gathered before they are spread into the features' columns: two
/// cache lines of float64 per feature.
const BLOCK_VOLUMES: usize = 16;

/// Reads the series at `path` for a fit: the voxels inside `mask` (every
/// voxel without one; read from the file `mask_path`), as the column-major
/// `(n_volumes, n_voxels)` matrix, their values also written to an
/// anonymous file in `scratch_dir` (the staging folder of the output
/// `shown`, which messages name).
///
/// # Errors
/// An unreadable or corrupt image, a mask of another shape or affine, not
/// enough memory, or a scratch file that cannot be written.
pub fn read_nifti_columns(
    path: &Path,
    mask: Option<(&Mask, &Path)>,
    (scratch_dir, shown): (&Path, &str),
) -> Result<Loaded> {
    let name = path.display().to_string();
    let limit = MemoryLimit::available();
    let mut volumes = VolumeReader::open(path, limit)?;
    let spatial = volumes.spatial_shape();
    let inside = match mask {
        Some((mask, mask_path)) => {
            let mask_name = mask_path.display().to_string();
            if let Some(header) = &mask.nifti {
                crate::apply::check_aligned(&name, volumes.header(), &mask_name, header)?;
            }
            if mask.inside.shape() != spatial {
                return Err(bad_input(format!(
                    "{mask_name}: mask shape {:?} does not match the grid {spatial:?} of {name}",
                    mask.inside.shape()
                )));
            }
            Some(crate::layout::positions(mask.inside.iter().copied()))
        }
        None => None,
    };
    let offsets = stored_offsets(spatial, inside.as_deref());
    let (t, n) = (volumes.n_volumes(), offsets.len());
    limit.check(
        (t as u64)
            .saturating_mul(n as u64)
            .saturating_mul(8)
            .saturating_add(volumes.volume_len() as u64 * 8),
        &format!("reading {name}"),
    )?;
    let scratch = crate::cleanup::creating(|| tempfile::tempfile_in(scratch_dir))
        .with_context(|| scratch_failed(shown))?;
    let mut copy = BufWriter::with_capacity(1 << 20, &scratch);
    let mut columns = vec![0.0; t * n];
    let mut volume = vec![0.0; volumes.volume_len()];
    // Volumes are gathered a block at a time, so that each feature's
    // column receives whole cache lines instead of one value per miss.
    let block = BLOCK_VOLUMES.min(t.max(1));
    let mut rows = vec![0.0; block * n];
    let mut bytes = Vec::with_capacity(n * 8);
    for first in (0..t).step_by(block) {
        let count = block.min(t - first);
        for row in rows.chunks_exact_mut(n.max(1)).take(count) {
            volumes.next_volume(&mut volume)?;
            bytes.clear();
            for (out, &at) in row.iter_mut().zip(&offsets) {
                *out = volume[at];
                bytes.extend(out.to_le_bytes());
            }
            copy.write_all(&bytes)
                .with_context(|| scratch_failed(shown))?;
        }
        for (j, column) in columns.chunks_exact_mut(t).enumerate() {
            for (r, out) in column[first..first + count].iter_mut().enumerate() {
                *out = rows[r * n + j];
            }
        }
    }
    copy.flush().with_context(|| scratch_failed(shown))?;
    drop(copy);
    let matrix = Array2::from_shape_vec((t, n).f(), columns).expect("sized for the shape");
    let [x, y, z] = spatial;
    Ok(Loaded {
        array: NumericArray::F64(matrix.into_dyn()),
        shape: vec![t, x, y, z],
        dtype: nifti_dtype(volumes.header()),
        stored_shape: volumes.stored_shape().to_vec(),
        nifti: Some(volumes.into_header()),
        copy: Some(scratch),
    })
}

fn scratch_failed(shown: &str) -> String {
    format!(
        "cannot write the scratch copy of the data beside {shown} (it is as large as restored.npy)"
    )
}

/// The rows of the scratch copy, a block at a time.
pub struct ScratchRows<'a> {
    file: &'a File,
    n: usize,
    left: usize,
    bytes: Vec<u8>,
}

impl<'a> ScratchRows<'a> {
    /// Reads `file`, written by [`read_nifti_columns`], from its start:
    /// `rows` rows of `n` values.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn new(file: &'a File, rows: usize, n: usize) -> Result<Self> {
        let mut start = file;
        start
            .rewind()
            .context("cannot read the scratch copy back")?;
        Ok(ScratchRows {
            file,
            n,
            left: rows,
            bytes: Vec::new(),
        })
    }

    /// The next block of at most `max_rows` rows, `None` at the end.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn next_block(&mut self, max_rows: usize) -> Result<Option<Array2<f64>>> {
        let rows = self.left.min(max_rows.max(1));
        if rows == 0 {
            return Ok(None);
        }
        self.bytes.resize(rows * self.n * 8, 0);
        let mut file = self.file;
        file.read_exact(&mut self.bytes)
            .context("cannot read the scratch copy back")?;
        let values = self
            .bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        self.left -= rows;
        Ok(Some(
            Array2::from_shape_vec((rows, self.n), values).expect("sized for the block"),
        ))
    }
}

/// Reads the series at `path` for `transform`: the voxels inside the
/// model's mask (`inside`, row-major indices on the model's `grid`) as the
/// `(n_volumes, n_voxels)` matrix, a volume at a time, with the header;
/// the image must line up with the model's `labels.nii.gz` at `reference`
/// (checked before the data is read).
///
/// # Errors
/// An unreadable or corrupt image, or one on another grid than the model's
/// or with another affine.
pub fn read_nifti_rows(
    path: &Path,
    grid: [usize; 3],
    inside: Option<&[usize]>,
    reference: &Path,
) -> Result<(Array2<f64>, agglo_io::nifti_io::NiftiHeader)> {
    let name = path.display().to_string();
    let limit = MemoryLimit::available();
    let mut volumes = VolumeReader::open(path, limit)?;
    if reference.is_file() {
        let model = VolumeReader::open(reference, limit)?.into_header();
        crate::apply::check_aligned(
            &name,
            volumes.header(),
            &reference.display().to_string(),
            &model,
        )?;
    }
    if volumes.spatial_shape() != grid {
        return Err(bad_input(format!(
            "{name}: its grid {:?} is not the model's {grid:?}",
            volumes.spatial_shape()
        )));
    }
    let offsets = stored_offsets(grid, inside);
    let (t, n) = (volumes.n_volumes(), offsets.len());
    limit.check(
        (t as u64).saturating_mul(n as u64).saturating_mul(8),
        &format!("reading {name}"),
    )?;
    let mut rows = Array2::zeros((t, n));
    let mut volume = vec![0.0; volumes.volume_len()];
    for mut row in rows.rows_mut() {
        volumes.next_volume(&mut volume)?;
        for (out, &at) in row.iter_mut().zip(&offsets) {
            *out = volume[at];
        }
    }
    Ok((rows, volumes.into_header()))
}
