//! NIfTI-1 series written a volume at a time: a 4-D float64 image as large
//! as the data is never held whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use nifti::NiftiHeader;

use crate::{Error, Result};

/// The NIfTI datatype code of float64.
const FLOAT64: i16 = 64;

/// The 348 bytes of `header`, little-endian, as the NIfTI-1 standard lays
/// them out.
pub(crate) fn header_bytes(header: &NiftiHeader) -> [u8; 348] {
    let mut out = Vec::with_capacity(348);
    let f32s = |out: &mut Vec<u8>, values: &[f32]| {
        for v in values {
            out.extend(v.to_le_bytes());
        }
    };
    let fixed = |out: &mut Vec<u8>, bytes: &[u8], len: usize| {
        let mut field = bytes.to_vec();
        field.resize(len, 0);
        out.extend(field);
    };
    out.extend(348i32.to_le_bytes());
    fixed(&mut out, &header.data_type, 10);
    fixed(&mut out, &header.db_name, 18);
    out.extend(header.extents.to_le_bytes());
    out.extend(header.session_error.to_le_bytes());
    out.push(header.regular);
    out.push(header.dim_info);
    for d in header.dim {
        out.extend(d.to_le_bytes());
    }
    f32s(
        &mut out,
        &[header.intent_p1, header.intent_p2, header.intent_p3],
    );
    for v in [
        header.intent_code,
        header.datatype,
        header.bitpix,
        header.slice_start,
    ] {
        out.extend(v.to_le_bytes());
    }
    f32s(&mut out, &header.pixdim);
    f32s(
        &mut out,
        &[header.vox_offset, header.scl_slope, header.scl_inter],
    );
    out.extend(header.slice_end.to_le_bytes());
    out.push(header.slice_code);
    out.push(header.xyzt_units);
    f32s(
        &mut out,
        &[
            header.cal_max,
            header.cal_min,
            header.slice_duration,
            header.toffset,
        ],
    );
    out.extend(header.glmax.to_le_bytes());
    out.extend(header.glmin.to_le_bytes());
    fixed(&mut out, &header.descrip, 80);
    fixed(&mut out, &header.aux_file, 24);
    out.extend(header.qform_code.to_le_bytes());
    out.extend(header.sform_code.to_le_bytes());
    f32s(
        &mut out,
        &[
            header.quatern_b,
            header.quatern_c,
            header.quatern_d,
            header.quatern_x,
            header.quatern_y,
            header.quatern_z,
        ],
    );
    f32s(&mut out, &header.srow_x);
    f32s(&mut out, &header.srow_y);
    f32s(&mut out, &header.srow_z);
    fixed(&mut out, &header.intent_name, 16);
    fixed(&mut out, &header.magic, 4);
    out.try_into().expect("the NIfTI-1 header is 348 bytes")
}

/// Where the bytes go: compressed or not.
enum Sink {
    Plain(BufWriter<File>),
    Gz(Box<GzEncoder<BufWriter<File>>>),
}

/// A float64 NIfTI-1 image written a volume at a time, gzip-compressed
/// or not (at the fast level, as nibabel and the `nifti` crate write).
pub struct VolumeWriter {
    sink: Sink,
    path: PathBuf,
    volume_len: usize,
    n_volumes: usize,
    written: usize,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for VolumeWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VolumeWriter")
            .field("path", &self.path)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl VolumeWriter {
    /// Creates `path` for an image of `shape` (`(x, y, z)` or
    /// `(x, y, z, t)`), with the geometry, voxel sizes, timing and units of
    /// `reference`, and writes its header; `gzip` compresses it (as a name
    /// ending in `.nii.gz` says).
    ///
    /// # Errors
    /// The file cannot be created or written, or `shape` is not 3-D or 4-D
    /// with dimensions that fit a NIfTI-1 header.
    pub fn create(
        path: &Path,
        shape: &[usize],
        reference: &NiftiHeader,
        gzip: bool,
    ) -> Result<Self> {
        let failed = |e: std::io::Error| Error::Write {
            path: path.to_path_buf(),
            source: Box::new(e),
        };
        let bad_shape = || Error::Write {
            path: path.to_path_buf(),
            source: format!(
                "a NIfTI-1 image is 3-D or 4-D of at most 32767 per axis, not {shape:?}"
            )
            .into(),
        };
        if !(3..=4).contains(&shape.len()) {
            return Err(bad_shape());
        }
        let mut dim = [1u16; 8];
        dim[0] = shape.len() as u16;
        for (d, &s) in dim[1..].iter_mut().zip(shape) {
            // dim[] is signed 16-bit in the standard.
            *d = i16::try_from(s)
                .ok()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(bad_shape)?;
        }
        let mut header = reference.clone();
        header.dim = dim;
        header.datatype = FLOAT64;
        header.bitpix = 64;
        header.vox_offset = 352.0;
        header.scl_slope = 1.0;
        header.scl_inter = 0.0;
        header.magic = *nifti::header::MAGIC_CODE_NIP1;
        let file = File::create(path).map_err(failed)?;
        let file = BufWriter::with_capacity(1 << 20, file);
        let mut sink = if gzip {
            Sink::Gz(Box::new(GzEncoder::new(file, Compression::fast())))
        } else {
            Sink::Plain(file)
        };
        let mut start = header_bytes(&header).to_vec();
        start.extend([0u8; 4]);
        sink.write_all(&start).map_err(failed)?;
        let volume_len = shape[..3].iter().product();
        Ok(VolumeWriter {
            sink,
            path: path.to_path_buf(),
            volume_len,
            n_volumes: shape.get(3).copied().unwrap_or(1),
            written: 0,
            bytes: Vec::with_capacity(volume_len * 8),
        })
    }

    /// The number of voxels of a volume.
    pub fn volume_len(&self) -> usize {
        self.volume_len
    }

    /// Writes the next volume (`x` varying fastest, as stored).
    ///
    /// # Errors
    /// The file cannot be written.
    ///
    /// # Panics
    /// When `volume` does not hold [`Self::volume_len`] values, or every
    /// volume was written already.
    pub fn write_volume(&mut self, volume: &[f64]) -> Result<()> {
        assert_eq!(volume.len(), self.volume_len, "one value per voxel");
        assert!(self.written < self.n_volumes, "every volume was written");
        self.bytes.clear();
        for v in volume {
            self.bytes.extend(v.to_le_bytes());
        }
        self.sink.write_all(&self.bytes).map_err(|e| Error::Write {
            path: self.path.clone(),
            source: Box::new(e),
        })?;
        self.written += 1;
        Ok(())
    }

    /// Finishes the file and flushes it to disk.
    ///
    /// # Errors
    /// The file cannot be written.
    ///
    /// # Panics
    /// When fewer volumes were written than the shape announced.
    pub fn finish(self) -> Result<()> {
        assert_eq!(self.written, self.n_volumes, "every volume written");
        let failed = |e: std::io::Error| Error::Write {
            path: self.path.clone(),
            source: Box::new(e),
        };
        let file = match self.sink {
            Sink::Plain(file) => file,
            Sink::Gz(encoder) => encoder.finish().map_err(failed)?,
        };
        let file = file.into_inner().map_err(|e| failed(e.into_error()))?;
        file.sync_all().map_err(failed)
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(bytes),
            Sink::Gz(w) => w.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gz(w) => w.flush(),
        }
    }
}
