//! Image panels: scaling values to colours and nearest-neighbour placement,
//! as matplotlib's `AxesImage` does for `interpolation="nearest"`.
//!
//! matplotlib 3.11 resamples the *data* (not colours) onto the pixel grid of
//! the axes when an image is magnified by 3 or more, then normalises and
//! colour-maps each screen pixel. For nearest-neighbour resampling that is the
//! same as colouring each data cell and deciding, for every screen pixel,
//! which cell its centre falls in. The decision is made as Agg does it:
//! source coordinates in 1/256 px, truncated, with ties going to the cell on
//! the left (or above).

use ndarray::Array2;

use crate::colormap::{lut_index, lut_index_f32, Colormap};
use crate::layout::Bbox;
use crate::PlotError;

/// The values of an image panel.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// Floating-point pixels (`float64` in numpy), normalised in double precision.
    Float(Array2<f64>),
    /// Integer pixels such as cluster labels, stored as exact `f64` values.
    /// matplotlib resamples integer images as `float32` when their range is at
    /// most 1e8 and then normalises in single precision; so does this crate.
    Integer(Array2<f64>),
}

impl ImageData {
    /// The values, whatever their kind.
    pub fn values(&self) -> &Array2<f64> {
        match self {
            ImageData::Float(a) | ImageData::Integer(a) => a,
        }
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        self.values().dim()
    }
}

/// Colour limits resolved as matplotlib's `Normalize.autoscale_None` does:
/// the given limits, else the minimum / maximum of the finite values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Limits {
    pub(crate) vmin: f64,
    pub(crate) vmax: f64,
}

pub(crate) fn resolve_limits(
    data: &ImageData,
    vmin: Option<f64>,
    vmax: Option<f64>,
    panel: &str,
) -> Result<Limits, PlotError> {
    let (rows, cols) = data.shape();
    if rows == 0 || cols == 0 {
        return Err(PlotError::EmptyImage {
            panel: panel.to_string(),
            rows,
            cols,
        });
    }
    for (name, value) in [("vmin", vmin), ("vmax", vmax)] {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            return Err(PlotError::NonFiniteLimit {
                panel: panel.to_string(),
                name,
                value: v,
            });
        }
    }
    let finite = data.values().iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi && (vmin.is_none() || vmax.is_none()) {
        return Err(PlotError::NoFiniteValues {
            panel: panel.to_string(),
        });
    }
    let limits = Limits {
        vmin: vmin.unwrap_or(lo),
        vmax: vmax.unwrap_or(hi),
    };
    if limits.vmin > limits.vmax {
        return Err(PlotError::InvertedLimits {
            panel: panel.to_string(),
            vmin: limits.vmin,
            vmax: limits.vmax,
        });
    }
    Ok(limits)
}

/// The RGBA colour of every data cell (row-major), `None` for NaN or
/// infinite values, which matplotlib masks and leaves transparent.
pub(crate) fn cell_colors(
    data: &ImageData,
    limits: Limits,
    colormap: Colormap,
) -> Array2<Option<[u8; 4]>> {
    let Limits { vmin, vmax } = limits;
    let lut = colormap.lut_bytes();
    let single = match data {
        ImageData::Float(_) => false,
        ImageData::Integer(a) => {
            // `scaled_dtype = "f8" if da > 1e8 else "f4"` in `_make_image`.
            let (lo, hi) = a
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            hi - lo <= 1e8
        }
    };
    data.values().mapv(|v| {
        if !v.is_finite() {
            return None;
        }
        if colormap == Colormap::Parcels {
            // Labels pick their own entries; limits do not apply.
            return Some(lut[(v.round() as i64).rem_euclid(lut.len() as i64) as usize]);
        }
        let index = if vmin == vmax {
            // Normalize fills the result with 0.
            Some(0)
        } else if single {
            // float32 data minus / divided by float64 scalars: computed in
            // double precision, stored back in single (numpy's in-place ops).
            let v32 = v as f32;
            let shifted = (f64::from(v32) - vmin) as f32;
            let scaled = (f64::from(shifted) / (vmax - vmin)) as f32;
            lut_index_f32(scaled)
        } else {
            lut_index((v - vmin) / (vmax - vmin))
        };
        index.map(|i| lut[i])
    })
}

/// Which data cell each screen pixel of an image shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PixelMap {
    /// First canvas column drawn.
    pub(crate) x_start: i64,
    /// Data column for canvas columns `x_start..x_start + cols.len()`.
    pub(crate) cols: Vec<usize>,
    /// First canvas row drawn (from the top).
    pub(crate) y_start: i64,
    /// Data row for canvas rows `y_start..y_start + rows.len()`.
    pub(crate) rows: Vec<usize>,
}

/// Agg's nearest-neighbour source index along one axis: `z` is the distance
/// from the far edge in data pixels (the data is flipped so that ties go to
/// the near cell), truncated to 1/256 with matplotlib's 1e-8 fudge, then
/// reflected into range like Agg's `wrap_mode_reflect`.
fn nearest_index(z: f64, n: usize) -> usize {
    let sub = (256.0 * z + 1e-8) as i64; // C++ int(): truncation
    let flipped = sub >> 8; // Agg's image_subpixel_shift: floor
    let n = n as i64;
    let m = flipped.rem_euclid(2 * n);
    let flipped = if m >= n { 2 * n - 1 - m } else { m };
    (n - 1 - flipped) as usize
}

/// The screen pixels of an image of `rows` x `cols` cells filling the axes
/// box `ax` (pixels, y up) on a canvas `width` x `height` pixels, and the
/// cell each shows. Follows `_ImageBase._make_image` (output box rounded to
/// whole pixels), Agg's nearest-neighbour span generator, and the axes clip
/// box (`floor(edge + 0.5)`, inclusive).
pub(crate) fn pixel_map(
    ax: Bbox,
    rows: usize,
    cols: usize,
    width: usize,
    height: usize,
) -> PixelMap {
    let canvas_h = height as f64;
    // Output box rounded as in _make_image (display coordinates, y up).
    let x0 = (ax.x0 + 0.5).floor();
    let x1 = (ax.x1 + 0.5 + 1e-8).floor();
    let y0 = (ax.y0 - 0.5 - 1e-8).ceil();
    let y1 = (ax.y1 - 0.5).ceil();
    // Clip box of the axes, in canvas pixels (top-down rows), inclusive.
    let clip_x0 = (ax.x0 + 0.5).floor().max(0.0);
    let clip_x1 = (ax.x1 + 0.5).floor().min(width as f64 - 1.0);
    let clip_y0 = (canvas_h - ax.y1 + 0.5).floor().max(0.0);
    let clip_y1 = (canvas_h - ax.y0 + 0.5).floor().min(canvas_h - 1.0);

    let px_per_col = ax.width() / cols as f64;
    let px_per_row = ax.height() / rows as f64;

    let first_x = x0.max(clip_x0);
    let last_x = (x1 - 1.0).min(clip_x1);
    let mut col_map = Vec::new();
    let mut x = first_x;
    while x <= last_x {
        let u = (x + 0.5 - ax.x0) / px_per_col;
        col_map.push(nearest_index(cols as f64 - u, cols));
        x += 1.0;
    }
    // Canvas rows of the output box: from canvas_h - y1 to canvas_h - y0 - 1.
    let first_y = (canvas_h - y1).max(clip_y0);
    let last_y = (canvas_h - y0 - 1.0).min(clip_y1);
    let mut row_map = Vec::new();
    let mut y = first_y;
    while y <= last_y {
        let centre = canvas_h - y - 0.5; // display y of the pixel centre
        let v = (ax.y1 - centre) / px_per_row; // rows from the top edge
        row_map.push(nearest_index(rows as f64 - v, rows));
        y += 1.0;
    }
    PixelMap {
        x_start: first_x as i64,
        cols: col_map,
        y_start: first_y as i64,
        rows: row_map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ties_go_left() {
        // Exactly on the boundary between cells 2 and 3 of 8: cell 2.
        assert_eq!(nearest_index(8.0 - 3.0, 8), 2);
        assert_eq!(nearest_index(8.0 - 3.01, 8), 3);
        assert_eq!(nearest_index(8.0 - 0.5, 8), 0);
        // Out of range reflects instead of panicking.
        assert_eq!(nearest_index(8.5, 8), 0);
        assert_eq!(nearest_index(-0.5, 8), 7);
    }

    #[test]
    fn limits() {
        let data = ImageData::Float(array![[1.0, f64::NAN], [3.0, 2.0]]);
        let l = resolve_limits(&data, None, Some(16.0), "p").unwrap();
        assert_eq!(
            l,
            Limits {
                vmin: 1.0,
                vmax: 16.0
            }
        );
        assert!(matches!(
            resolve_limits(&data, Some(5.0), Some(4.0), "p"),
            Err(PlotError::InvertedLimits { .. })
        ));
        let nan = ImageData::Float(array![[f64::NAN]]);
        assert!(matches!(
            resolve_limits(&nan, None, None, "p"),
            Err(PlotError::NoFiniteValues { .. })
        ));
        let empty = ImageData::Float(Array2::zeros((0, 3)));
        assert!(matches!(
            resolve_limits(&empty, None, None, "p"),
            Err(PlotError::EmptyImage { .. })
        ));
    }

    #[test]
    fn constant_image_uses_first_colour() {
        let data = ImageData::Float(array![[5.0, 5.0]]);
        let l = resolve_limits(&data, None, None, "p").unwrap();
        let c = cell_colors(&data, l, Colormap::Gray);
        assert_eq!(c[[0, 0]], Some([0, 0, 0, 255]));
    }
}
