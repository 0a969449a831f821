//! Images as samples over their pixels: a PNG or JPEG file, a TIFF file of
//! one or more pages, or a folder of same-sized images.
//!
//! Each image gives one sample per colour channel (red, green, blue; an
//! alpha channel is left out), or one grey sample with `grey`
//! (`0.299 R + 0.587 G + 0.114 B`, ITU-R 601-2 as PIL's `convert("L")`, in
//! float64 without rounding). Pixels are the features, in row-major order
//! of `(row, column)`, as `np.asarray(image)` lays them out; values are the
//! stored ones (0–255 for 8 bits, 0–65535 for 16, floats as they are). A
//! folder's images are taken in the order of their names; every image (and
//! every page of a TIFF) must have the same size.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader};
use ndarray::Array3;

use crate::{invalid, MemoryLimit, Result};

/// The file name extensions read as images.
const EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "tif", "tiff"];

/// Whether `path` names an image file (by its extension).
pub fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Images read as samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    /// The samples, shape `(n_samples, height, width)`.
    pub data: Array3<f64>,
    /// What each sample is (`"photo.png: red"`, `"stack.tif page 3"`).
    pub samples: Vec<String>,
    /// The stored sample type as NumPy names it (`|u1`, `<u2`, `<f4`, …).
    pub dtype: String,
}

/// One decoded image or page: its channels, each `height × width` values.
struct Planes {
    width: u32,
    height: u32,
    channels: Vec<(String, Vec<f64>)>,
    dtype: &'static str,
}

/// Reads an image file (every page of a TIFF) or every image in a folder.
///
/// ```no_run
/// # fn main() -> Result<(), agglo_io::Error> {
/// use agglo_io::images::read_images;
/// use agglo_io::MemoryLimit;
///
/// let photo = read_images("photo.png".as_ref(), false, MemoryLimit::available())?;
/// assert_eq!(photo.samples.len(), 3); // red, green, blue
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// A missing or undecodable file, images of different sizes, a folder
/// without images, or more data than `limit` allows; all name the file.
pub fn read_images(path: &Path, grey: bool, limit: MemoryLimit) -> Result<Images> {
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| invalid(format!("cannot read the folder {}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                is_image(p)
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(invalid(format!(
                "{}: a folder given as input must hold images ({})",
                path.display(),
                EXTENSIONS.join(", ")
            )));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut samples = Vec::new();
    let mut values = Vec::new();
    let mut size: Option<(u32, u32, String)> = None;
    let mut dtype = None;
    for file in &files {
        for (page, planes) in decode(file, limit)?.into_iter().enumerate() {
            let name = file.display().to_string();
            let shown = if page > 0 || is_tiff(file) {
                format!("{name} page {}", page + 1)
            } else {
                name.clone()
            };
            match &size {
                Some((w, h, first)) if (*w, *h) != (planes.width, planes.height) => {
                    return Err(invalid(format!(
                        "{shown} is {}×{} pixels, but {first} is {w}×{h}: the images of one input must have the same size",
                        planes.width, planes.height
                    )));
                }
                None => size = Some((planes.width, planes.height, shown.clone())),
                _ => {}
            }
            dtype.get_or_insert(planes.dtype);
            let pixels = planes.width as usize * planes.height as usize;
            let n_new = if grey { 1 } else { planes.channels.len() };
            limit.check(
                ((values.len() + n_new * pixels) as u64).saturating_mul(8),
                &format!("reading {}", path.display()),
            )?;
            if let (true, [(_, r), (_, g), (_, b), ..]) = (grey, planes.channels.as_slice()) {
                values.extend(
                    r.iter()
                        .zip(g)
                        .zip(b)
                        .map(|((r, g), b)| 0.299 * r + 0.587 * g + 0.114 * b),
                );
                samples.push(format!("{shown}: grey"));
            } else {
                for (channel, plane) in planes.channels {
                    values.extend(plane);
                    samples.push(if channel.is_empty() {
                        shown.clone()
                    } else {
                        format!("{shown}: {channel}")
                    });
                }
            }
        }
    }
    let Some((width, height, _)) = size else {
        return Err(invalid(format!("{}: no image in it", path.display())));
    };
    let data = Array3::from_shape_vec((samples.len(), height as usize, width as usize), values)
        .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
    Ok(Images {
        data,
        samples,
        dtype: dtype.unwrap_or("|u1").to_string(),
    })
}

fn is_tiff(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "tif" | "tiff"))
}

/// Refuses a `width × height` image of `channels` stored values per pixel
/// when its float64 planes would not fit in `limit`: checked from the
/// header, before anything is decoded (a few bytes of JPEG can announce
/// gigapixels).
fn check_room(
    name: &str,
    (width, height): (u32, u32),
    channels: u64,
    limit: MemoryLimit,
) -> Result<()> {
    let values = u64::from(width)
        .saturating_mul(u64::from(height))
        .saturating_mul(channels);
    // The decoded pixels, then their float64 planes.
    limit.check(
        values.saturating_mul(8 + 8),
        &format!("reading {name} ({width}×{height} pixels of {channels} channels)"),
    )
}

/// The pages of one file.
fn decode(path: &Path, limit: MemoryLimit) -> Result<Vec<Planes>> {
    use image::ImageDecoder;
    if is_tiff(path) {
        return decode_tiff(path, limit);
    }
    let name = path.display().to_string();
    let decoder = ImageReader::open(path)
        .map_err(|e| invalid(format!("cannot read {name}: {e}")))?
        .with_guessed_format()
        .map_err(|e| invalid(format!("cannot read {name}: {e}")))?
        .into_decoder()
        .map_err(|e| invalid(format!("{name}: not a readable image: {e}")))?;
    let channels = u64::from(decoder.color_type().channel_count());
    check_room(&name, decoder.dimensions(), channels, limit)?;
    let image = DynamicImage::from_decoder(decoder)
        .map_err(|e| invalid(format!("{name}: not a readable image: {e}")))?;
    Ok(vec![planes_of(image)])
}

/// The planes of interleaved `values` of `n` channels named `names` (the
/// channels past them, alpha, are left out), as float64.
fn split<T: Copy + Into<f64>>(values: &[T], n: usize, names: &[&str]) -> Vec<(String, Vec<f64>)> {
    names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            (
                (*name).to_string(),
                values
                    .iter()
                    .skip(c)
                    .step_by(n)
                    .map(|&v| v.into())
                    .collect(),
            )
        })
        .collect()
}

/// The channels of a decoded PNG or JPEG, alpha left out.
fn planes_of(image: DynamicImage) -> Planes {
    let (width, height) = (image.width(), image.height());
    let rgb = ["red", "green", "blue"];
    let (channels, dtype) = match image {
        DynamicImage::ImageLuma8(i) => (split(i.as_raw(), 1, &[""]), "|u1"),
        DynamicImage::ImageLumaA8(i) => (split(i.as_raw(), 2, &[""]), "|u1"),
        DynamicImage::ImageRgb8(i) => (split(i.as_raw(), 3, &rgb), "|u1"),
        DynamicImage::ImageRgba8(i) => (split(i.as_raw(), 4, &rgb), "|u1"),
        DynamicImage::ImageLuma16(i) => (split(i.as_raw(), 1, &[""]), "<u2"),
        DynamicImage::ImageLumaA16(i) => (split(i.as_raw(), 2, &[""]), "<u2"),
        DynamicImage::ImageRgb16(i) => (split(i.as_raw(), 3, &rgb), "<u2"),
        DynamicImage::ImageRgba16(i) => (split(i.as_raw(), 4, &rgb), "<u2"),
        DynamicImage::ImageRgb32F(i) => (split(i.as_raw(), 3, &rgb), "<f4"),
        DynamicImage::ImageRgba32F(i) => (split(i.as_raw(), 4, &rgb), "<f4"),
        other => (split(other.to_rgb32f().as_raw(), 3, &rgb), "<f4"),
    };
    Planes {
        width,
        height,
        channels,
        dtype,
    }
}

/// Every page of a TIFF file.
fn decode_tiff(path: &Path, limit: MemoryLimit) -> Result<Vec<Planes>> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::ColorType;
    let name = path.display();
    let bad = |e: tiff::TiffError| invalid(format!("{name}: not a readable TIFF image: {e}"));
    let file = File::open(path).map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
    let mut decoder = Decoder::new(BufReader::new(file)).map_err(bad)?;
    let mut pages = Vec::new();
    loop {
        let (width, height) = decoder.dimensions().map_err(bad)?;
        let (n, names): (usize, &[&str]) = match decoder.colortype().map_err(bad)? {
            ColorType::Gray(_) => (1, &[""]),
            ColorType::GrayA(_) => (2, &[""]),
            ColorType::RGB(_) => (3, &["red", "green", "blue"]),
            ColorType::RGBA(_) => (4, &["red", "green", "blue"]),
            other => {
                return Err(invalid(format!(
                    "{name}: TIFF pages of colour type {other:?} are not supported (grey or RGB)"
                )))
            }
        };
        check_room(&name.to_string(), (width, height), n as u64, limit)?;
        let (values, dtype): (Vec<f64>, &'static str) = match decoder.read_image().map_err(bad)? {
            DecodingResult::U8(v) => (v.into_iter().map(f64::from).collect(), "|u1"),
            DecodingResult::U16(v) => (v.into_iter().map(f64::from).collect(), "<u2"),
            DecodingResult::U32(v) => (v.into_iter().map(f64::from).collect(), "<u4"),
            DecodingResult::I8(v) => (v.into_iter().map(f64::from).collect(), "|i1"),
            DecodingResult::I16(v) => (v.into_iter().map(f64::from).collect(), "<i2"),
            DecodingResult::I32(v) => (v.into_iter().map(f64::from).collect(), "<i4"),
            DecodingResult::F32(v) => (v.into_iter().map(f64::from).collect(), "<f4"),
            DecodingResult::F64(v) => (v, "<f8"),
            _ => {
                return Err(invalid(format!(
                    "{name}: TIFF samples of 64-bit integers or 16-bit floats are not supported"
                )))
            }
        };
        let pixels = width as usize * height as usize;
        if values.len() != pixels * n {
            return Err(invalid(format!(
                "{name}: a {width}×{height} page of {n} channels holds {} values",
                values.len()
            )));
        }
        let channels = names
            .iter()
            .enumerate()
            .map(|(c, channel)| {
                (
                    (*channel).to_string(),
                    values.iter().skip(c).step_by(n).copied().collect(),
                )
            })
            .collect();
        pages.push(Planes {
            width,
            height,
            channels,
            dtype,
        });
        if !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(bad)?;
    }
    Ok(pages)
}
