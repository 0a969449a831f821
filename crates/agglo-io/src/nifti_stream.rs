//! NIfTI-1 images read a volume at a time, so that a 4-D series is never
//! held whole in its stored form: `.nii` straight from the file, `.nii.gz`
//! decompressed as it is read.
//!
//! The header is checked before anything is allocated from it (see
//! [`VolumeReader::open`]); the voxel data starts at `vox_offset`, as the
//! NIfTI-1 standard and nibabel have it, and every value is read as
//! `float64` with the header's scaling applied the way the `nifti` crate
//! and nibabel's `get_fdata` do (`value · slope + inter` in float64 when
//! the slope is not 0).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;
pub use nifti::NiftiHeader;
use nifti::NiftiType;

use crate::npy::cannot_read;
use crate::{invalid, MemoryLimit, Result};

/// The size of a NIfTI-1 header and of the extension flag that follows it.
pub(crate) const HEADER_BYTES: usize = 348 + 4;

/// A bound on deflate's expansion (the format's limit is about 1032:1).
const MAX_DEFLATE_RATIO: u64 = 1100;

/// Bytes read from the file (compressed or not) at a time.
const FILE_BUFFER: usize = 1 << 18;

/// The volumes of a NIfTI-1 image, read one after the other.
///
/// ```
/// # fn main() -> Result<(), agglo_io::Error> {
/// use agglo_io::nifti_stream::VolumeReader;
/// use agglo_io::MemoryLimit;
///
/// // A 2 × 1 × 1 float32 series of 3 volumes, as nibabel writes it.
/// let mut bytes = agglo_io::nifti_stream::test_header(&[4, 2, 1, 1, 3], 16, 32);
/// for v in 0..6 {
///     bytes.extend((v as f32).to_le_bytes());
/// }
/// let mut volumes = VolumeReader::from_bytes(&bytes, "x.nii", MemoryLimit::none())?;
/// assert_eq!(volumes.spatial_shape(), [2, 1, 1]);
/// assert_eq!(volumes.n_volumes(), 3);
/// let mut volume = vec![0.0; 2];
/// volumes.next_volume(&mut volume)?;
/// volumes.next_volume(&mut volume)?;
/// assert_eq!(volume, [2.0, 3.0]);
/// # Ok(())
/// # }
/// ```
pub struct VolumeReader<'a> {
    header: NiftiHeader,
    source: Box<dyn Read + 'a>,
    name: String,
    datatype: NiftiType,
    big_endian: bool,
    stored_shape: Vec<usize>,
    spatial: [usize; 3],
    n_volumes: usize,
    read: usize,
    compressed: bool,
    raw: Vec<u8>,
}

impl std::fmt::Debug for VolumeReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VolumeReader")
            .field("name", &self.name)
            .field("datatype", &self.datatype)
            .field("stored_shape", &self.stored_shape)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl VolumeReader<'static> {
    /// Opens the image at `path` and reads its header.
    ///
    /// # Errors
    /// A missing or unreadable file, or a header that [`Self::from_bytes`]
    /// would refuse; `limit` bounds the one volume's buffer.
    pub fn open(path: &Path, limit: MemoryLimit) -> Result<Self> {
        let name = path.display().to_string();
        let mut file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => invalid(format!("cannot read {name}: no such file")),
            _ => cannot_read(path, e),
        })?;
        let len = file.metadata().map_err(|e| cannot_read(path, e))?.len();
        let mut magic = [0u8; 2];
        let gz = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
        use std::io::Seek;
        file.rewind().map_err(|e| cannot_read(path, e))?;
        let file = BufReader::with_capacity(FILE_BUFFER, file);
        Self::from_source(file, gz, len, &name, limit)
    }
}

impl<'a> VolumeReader<'a> {
    /// Reads the header of a NIfTI-1 image held in memory (`.nii`, or
    /// `.nii.gz` when `bytes` start with the gzip magic); `name` is used in
    /// error messages.
    ///
    /// # Errors
    /// Not a NIfTI-1 image, a header-only `.hdr`/`.img` pair, a data type
    /// that is not real numeric, a header that contradicts itself or the
    /// file's length (an uncompressed file shorter than its data, a
    /// compressed one too small to hold it), an image of fewer than 3 or
    /// more than 4 meaningful dimensions; all as bad input naming `name`.
    pub fn from_bytes(bytes: &'a [u8], name: &str, limit: MemoryLimit) -> Result<Self> {
        let gz = bytes.starts_with(&[0x1f, 0x8b]);
        Self::from_source(bytes, gz, bytes.len() as u64, name, limit)
    }

    fn from_source<R: std::io::BufRead + 'a>(
        source: R,
        gz: bool,
        len: u64,
        name: &str,
        limit: MemoryLimit,
    ) -> Result<Self> {
        let mut source: Box<dyn Read + 'a> = if gz {
            Box::new(GzDecoder::new(source))
        } else {
            Box::new(source)
        };
        let mut head = Vec::with_capacity(HEADER_BYTES);
        (&mut source)
            .take(HEADER_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| invalid(format!("{name}: cannot decompress: {e}")))?;
        let layout = Layout::of(&head, name)?;
        let data_start = (layout.header.vox_offset.max(0.0) as u64).max(HEADER_BYTES as u64);
        let end = data_start.saturating_add(layout.data_bytes as u64);
        if gz {
            // Deflate expands at most about 1032-fold: a header announcing
            // more than that is corrupt, however much memory there is.
            if end > len.saturating_mul(MAX_DEFLATE_RATIO) {
                return Err(invalid(format!(
                    "{name}: the header announces {end} bytes (shape {:?} of {:?} from byte {data_start}), more than a {len}-byte gzip file can hold (corrupt header?)",
                    layout.shape, layout.datatype
                )));
            }
        } else if end > len {
            return Err(invalid(format!(
                "{name}: the header announces shape {:?} of {:?} ({} bytes of voxel data from byte {data_start}) but the file holds {} bytes after it (truncated?)",
                layout.shape,
                layout.datatype,
                layout.data_bytes,
                len.saturating_sub(data_start)
            )));
        }
        let skip = data_start - HEADER_BYTES as u64;
        let skipped = std::io::copy(&mut (&mut source).take(skip), &mut std::io::sink())
            .map_err(|e| invalid(format!("{name}: cannot decompress: {e}")))?;
        if skipped < skip {
            return Err(invalid(format!(
                "{name}: the file ends before the voxel data, which the header places at byte {data_start} (truncated?)"
            )));
        }
        let (spatial, n_volumes) = series_shape(&layout.shape, name)?;
        let volume_bytes = layout.data_bytes / n_volumes.max(1);
        limit.check(volume_bytes as u64, &format!("reading {name}"))?;
        Ok(VolumeReader {
            big_endian: layout.header.endianness == nifti::Endianness::Big,
            datatype: layout.datatype,
            stored_shape: layout.shape.iter().map(|&d| usize::from(d)).collect(),
            header: layout.header,
            source,
            name: name.to_string(),
            spatial,
            n_volumes,
            read: 0,
            compressed: gz,
            raw: vec![0; volume_bytes],
        })
    }

    /// The name errors give the file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header.
    pub fn header(&self) -> &NiftiHeader {
        &self.header
    }

    /// Consumes the reader, keeping its header.
    pub fn into_header(self) -> NiftiHeader {
        self.header
    }

    /// The shape as stored, `(x, y, z[, t, …])`.
    pub fn stored_shape(&self) -> &[usize] {
        &self.stored_shape
    }

    /// The spatial shape `(x, y, z)`.
    pub fn spatial_shape(&self) -> [usize; 3] {
        self.spatial
    }

    /// The number of voxels of a volume.
    pub fn volume_len(&self) -> usize {
        self.spatial.iter().product()
    }

    /// The number of volumes: the fourth dimension, 1 for a 3-D image.
    pub fn n_volumes(&self) -> usize {
        self.n_volumes
    }

    /// Reads the next volume into `out` (one value per voxel, `x` varying
    /// fastest, as stored), scaled as float64.
    ///
    /// # Errors
    /// No volume left, or a file that ends (or fails to decompress) inside
    /// the volume.
    ///
    /// # Panics
    /// When `out` does not hold [`Self::volume_len`] values.
    pub fn next_volume(&mut self, out: &mut [f64]) -> Result<()> {
        assert_eq!(out.len(), self.volume_len(), "one value per voxel");
        if self.read == self.n_volumes {
            return Err(invalid(format!(
                "{}: all {} volumes have been read",
                self.name, self.n_volumes
            )));
        }
        self.source.read_exact(&mut self.raw).map_err(|e| {
            let (volume, of) = (self.read + 1, self.n_volumes);
            let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                format!(
                    "the file ends inside it: the header announces shape {:?} of {:?}, {} bytes of voxel data (truncated?)",
                    self.stored_shape,
                    self.datatype,
                    self.raw.len() * of
                )
            } else {
                format!("{e}")
            };
            invalid(format!("{}: cannot read volume {volume} of {of}: {why}", self.name))
        })?;
        self.read += 1;
        decode(
            &self.raw,
            self.datatype,
            self.big_endian,
            (self.header.scl_slope, self.header.scl_inter),
            out,
        );
        if self.read == self.n_volumes && self.compressed {
            // Read to the end of the gzip stream, which checks its CRC.
            std::io::copy(&mut self.source, &mut std::io::sink()).map_err(|e| {
                invalid(format!(
                    "{}: corrupt compressed data after the last volume: {e}",
                    self.name
                ))
            })?;
        }
        Ok(())
    }
}

/// The spatial shape and the number of volumes of a stored shape, trailing
/// axes of size 1 beyond the fourth dropped.
fn series_shape(shape: &[u16], name: &str) -> Result<([usize; 3], usize)> {
    let mut dims: Vec<usize> = shape.iter().map(|&d| usize::from(d)).collect();
    while dims.len() > 4 && dims.last() == Some(&1) {
        dims.pop();
    }
    match *dims.as_slice() {
        [x, y, z] => Ok(([x, y, z], 1)),
        [x, y, z, t] => Ok(([x, y, z], t)),
        _ => Err(invalid(format!(
            "{name}: a NIfTI input must be a 3-D volume or a 4-D series, got {} dimensions (shape {shape:?})",
            dims.len()
        ))),
    }
}

/// Decodes stored values into scaled float64 (64-bit integers rounded to
/// the nearest float64, as NumPy and the `nifti` crate convert them; one
/// `as` cast serves every type).
#[allow(clippy::cast_lossless)]
fn decode(raw: &[u8], datatype: NiftiType, big: bool, (slope, inter): (f32, f32), out: &mut [f64]) {
    macro_rules! each {
        ($t:ty) => {{
            const N: usize = std::mem::size_of::<$t>();
            for (o, c) in out.iter_mut().zip(raw.chunks_exact(N)) {
                let b: [u8; N] = c.try_into().expect("chunks of N bytes");
                *o = if big {
                    <$t>::from_be_bytes(b)
                } else {
                    <$t>::from_le_bytes(b)
                } as f64;
            }
        }};
    }
    match datatype {
        NiftiType::Uint8 => each!(u8),
        NiftiType::Int8 => each!(i8),
        NiftiType::Uint16 => each!(u16),
        NiftiType::Int16 => each!(i16),
        NiftiType::Uint32 => each!(u32),
        NiftiType::Int32 => each!(i32),
        NiftiType::Uint64 => each!(u64),
        NiftiType::Int64 => each!(i64),
        NiftiType::Float32 => each!(f32),
        NiftiType::Float64 => each!(f64),
        _ => unreachable!("refused by Layout::of"),
    }
    if slope != 0.0 {
        let (slope, inter) = (f64::from(slope), f64::from(inter));
        for o in out {
            *o = *o * slope + inter;
        }
    }
}

/// What a NIfTI-1 header says about the voxel data, checked for
/// consistency.
pub(crate) struct Layout {
    pub(crate) header: NiftiHeader,
    pub(crate) shape: Vec<u16>,
    pub(crate) datatype: NiftiType,
    pub(crate) data_bytes: usize,
}

impl Layout {
    /// Parses and checks the header at the start of `bytes`.
    pub(crate) fn of(bytes: &[u8], name: &str) -> Result<Self> {
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
            data_bytes,
        })
    }
}

/// A little-endian NIfTI-1 header (`n+1`, data from byte 352, no
/// extensions) of `dim` (`dim[0]` the number of dimensions) for `datatype`
/// (the NIfTI code) of `bitpix` bits, identity affine and unit voxels: for
/// examples and tests.
#[doc(hidden)]
pub fn test_header(dim: &[u16], datatype: i16, bitpix: i16) -> Vec<u8> {
    let mut header = NiftiHeader {
        datatype,
        bitpix,
        vox_offset: 352.0,
        magic: *nifti::header::MAGIC_CODE_NIP1,
        ..NiftiHeader::default()
    };
    header.dim = [1; 8];
    header.dim[..dim.len()].copy_from_slice(dim);
    let mut bytes = crate::nifti_write::header_bytes(&header).to_vec();
    bytes.extend([0u8; 4]);
    bytes
}

/// Where the voxels at the row-major `(x, y, z)` indices `voxels` (all of
/// them when `None`) lie in a volume as NIfTI stores it (`x` fastest).
///
/// ```
/// // On a 2 × 3 × 4 grid, voxel (1, 2, 3) is the last in either order.
/// let at = agglo_io::nifti_stream::stored_offsets([2, 3, 4], Some(&[0, 1, 23]));
/// assert_eq!(at, [0, 6, 23]);
/// ```
pub fn stored_offsets(spatial: [usize; 3], voxels: Option<&[usize]>) -> Vec<usize> {
    let [nx, ny, nz] = spatial;
    let offset = |f: usize| {
        let (x, y, z) = (f / (ny * nz), (f / nz) % ny, f % nz);
        x + nx * (y + ny * z)
    };
    match voxels {
        Some(voxels) => voxels.iter().map(|&f| offset(f)).collect(),
        None => (0..nx * ny * nz).map(offset).collect(),
    }
}
