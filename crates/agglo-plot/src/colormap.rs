//! Colormaps exactly as matplotlib builds and applies them.
//!
//! matplotlib's `LinearSegmentedColormap` turns segment data into a lookup
//! table (LUT) of `N = 256` RGBA entries with `_create_lookup_table`; when it
//! rasterises an image it converts that table to bytes with
//! `(lut * 255).astype(uint8)` — a truncation, so `gray` maps index 255 to 255
//! but e.g. index 33 to 32 (`33 / 255 * 255` is just below 33). Both steps
//! are reproduced here with the same floating-point operations, and the tests
//! compare every entry with tables exported from matplotlib 3.11.
//!
//! A normalised value `x` (usually `(v - vmin) / (vmax - vmin)`) selects the
//! entry `floor(x * 256)`, with `x == 1` mapped to 255, values below 0 to the
//! first entry, values above 1 to the last, and NaN to transparent black, as
//! `Colormap.__call__` does.
//!
//! ```
//! use agglo_plot::colormap::{self, Colormap};
//!
//! assert_eq!(colormap::gray(0.0), [0, 0, 0, 255]);
//! assert_eq!(colormap::gray(1.0), [255, 255, 255, 255]);
//! assert_eq!(colormap::gray(33.0 / 256.0), [32, 32, 32, 255]); // matplotlib's truncation
//! assert_eq!(colormap::nipy_spectral(0.5), [0, 188, 0, 255]);
//! assert_eq!(Colormap::NipySpectral.lut_bytes()[255], [204, 204, 204, 255]);
//! ```

use std::sync::OnceLock;

/// Number of entries in matplotlib's default colormap lookup tables (`rcParams["image.lut"]`).
pub const LUT_SIZE: usize = 256;

/// One colour channel of a `LinearSegmentedColormap`: rows `(x, y0, y1)`.
type Segments = &'static [(f64, f64, f64)];

/// `_gray_data` from `matplotlib/_cm.py` (the same segments for red, green and blue).
const GRAY: Segments = &[(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)];

/// `_nipy_spectral_data['red']` from `matplotlib/_cm.py`.
const NIPY_SPECTRAL_RED: Segments = &[
    (0.0, 0.0, 0.0),
    (0.05, 0.4667, 0.4667),
    (0.10, 0.5333, 0.5333),
    (0.15, 0.0, 0.0),
    (0.20, 0.0, 0.0),
    (0.25, 0.0, 0.0),
    (0.30, 0.0, 0.0),
    (0.35, 0.0, 0.0),
    (0.40, 0.0, 0.0),
    (0.45, 0.0, 0.0),
    (0.50, 0.0, 0.0),
    (0.55, 0.0, 0.0),
    (0.60, 0.0, 0.0),
    (0.65, 0.7333, 0.7333),
    (0.70, 0.9333, 0.9333),
    (0.75, 1.0, 1.0),
    (0.80, 1.0, 1.0),
    (0.85, 1.0, 1.0),
    (0.90, 0.8667, 0.8667),
    (0.95, 0.80, 0.80),
    (1.0, 0.80, 0.80),
];

/// `_nipy_spectral_data['green']` from `matplotlib/_cm.py`.
const NIPY_SPECTRAL_GREEN: Segments = &[
    (0.0, 0.0, 0.0),
    (0.05, 0.0, 0.0),
    (0.10, 0.0, 0.0),
    (0.15, 0.0, 0.0),
    (0.20, 0.0, 0.0),
    (0.25, 0.4667, 0.4667),
    (0.30, 0.6000, 0.6000),
    (0.35, 0.6667, 0.6667),
    (0.40, 0.6667, 0.6667),
    (0.45, 0.6000, 0.6000),
    (0.50, 0.7333, 0.7333),
    (0.55, 0.8667, 0.8667),
    (0.60, 1.0, 1.0),
    (0.65, 1.0, 1.0),
    (0.70, 0.9333, 0.9333),
    (0.75, 0.8000, 0.8000),
    (0.80, 0.6000, 0.6000),
    (0.85, 0.0, 0.0),
    (0.90, 0.0, 0.0),
    (0.95, 0.0, 0.0),
    (1.0, 0.80, 0.80),
];

/// `_nipy_spectral_data['blue']` from `matplotlib/_cm.py`.
const NIPY_SPECTRAL_BLUE: Segments = &[
    (0.0, 0.0, 0.0),
    (0.05, 0.5333, 0.5333),
    (0.10, 0.6000, 0.6000),
    (0.15, 0.6667, 0.6667),
    (0.20, 0.8667, 0.8667),
    (0.25, 0.8667, 0.8667),
    (0.30, 0.8667, 0.8667),
    (0.35, 0.6667, 0.6667),
    (0.40, 0.5333, 0.5333),
    (0.45, 0.0, 0.0),
    (0.5, 0.0, 0.0),
    (0.55, 0.0, 0.0),
    (0.60, 0.0, 0.0),
    (0.65, 0.0, 0.0),
    (0.70, 0.0, 0.0),
    (0.75, 0.0, 0.0),
    (0.80, 0.0, 0.0),
    (0.85, 0.0, 0.0),
    (0.90, 0.0, 0.0),
    (0.95, 0.0, 0.0),
    (1.0, 0.80, 0.80),
];

/// A matplotlib colormap supported by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Colormap {
    /// `plt.cm.gray`: black to white.
    Gray,
    /// `plt.cm.nipy_spectral`: black, purple, blue, green, yellow, red, grey.
    NipySpectral,
    /// agglo's qualitative colours for many labels: label `k` takes entry
    /// `k mod 256` (not a normalised value), and consecutive entries step
    /// the hue by the golden ratio and cycle three saturations and
    /// brightnesses, so that parcels with close labels never look alike.
    Parcels,
}

impl Colormap {
    /// The colormap's name in matplotlib.
    pub fn name(self) -> &'static str {
        match self {
            Colormap::Gray => "gray",
            Colormap::NipySpectral => "nipy_spectral",
            Colormap::Parcels => "parcels",
        }
    }

    /// The 256-entry RGBA lookup table in floating point, bit for bit as
    /// matplotlib's `Colormap._lut[:256]`.
    pub fn lut(self) -> &'static [[f64; 4]; LUT_SIZE] {
        &self.tables().0
    }

    /// The lookup table as the bytes matplotlib uses when rasterising:
    /// `(lut * 255).astype(np.uint8)`, which truncates.
    pub fn lut_bytes(self) -> &'static [[u8; 4]; LUT_SIZE] {
        &self.tables().1
    }

    /// The RGBA bytes for a normalised value `x` (see [`lut_index`]), or
    /// transparent black for NaN, as `cmap(x, bytes=True)` in matplotlib.
    pub fn rgba_bytes(self, x: f64) -> [u8; 4] {
        match lut_index(x) {
            Some(i) => self.lut_bytes()[i],
            None => BAD_COLOR,
        }
    }

    fn tables(self) -> &'static Tables {
        static GRAY_TABLES: OnceLock<Tables> = OnceLock::new();
        static SPECTRAL_TABLES: OnceLock<Tables> = OnceLock::new();
        static PARCEL_TABLES: OnceLock<Tables> = OnceLock::new();
        match self {
            Colormap::Parcels => PARCEL_TABLES.get_or_init(parcel_tables),
            Colormap::Gray => GRAY_TABLES.get_or_init(|| build_tables([GRAY, GRAY, GRAY])),
            Colormap::NipySpectral => SPECTRAL_TABLES.get_or_init(|| {
                build_tables([NIPY_SPECTRAL_RED, NIPY_SPECTRAL_GREEN, NIPY_SPECTRAL_BLUE])
            }),
        }
    }
}

/// The [`Colormap::Parcels`] table: hue `k · φ` (mod 1, φ the golden
/// ratio's fractional part), saturation and value from two cycles of three.
fn parcel_tables() -> Tables {
    let mut lut = [[1.0f64; 4]; LUT_SIZE];
    for (k, entry) in lut.iter_mut().enumerate() {
        let hue = (k as f64 * 0.618_033_988_749_895).fract();
        let saturation = [0.85, 0.55, 0.95][k % 3];
        let value = [0.95, 0.8, 0.65][(k / 3) % 3];
        let [r, g, b] = hsv_to_rgb(hue, saturation, value);
        *entry = [r, g, b, 1.0];
    }
    let mut bytes = [[0u8; 4]; LUT_SIZE];
    for (b, l) in bytes.iter_mut().zip(lut.iter()) {
        for k in 0..4 {
            b[k] = (l[k] * 255.0).round() as u8;
        }
    }
    (lut, bytes)
}

/// `colorsys.hsv_to_rgb`.
fn hsv_to_rgb(h: f64, s: f64, v: f64) -> [f64; 3] {
    let i = (h * 6.0).floor();
    let f = h * 6.0 - i;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f)));
    match (i as i64).rem_euclid(6) {
        0 => [v, t, p],
        1 => [q, v, p],
        2 => [p, v, t],
        3 => [p, q, v],
        4 => [t, p, v],
        _ => [v, p, q],
    }
}

/// matplotlib's default "bad" colour (for NaN): transparent black.
pub const BAD_COLOR: [u8; 4] = [0, 0, 0, 0];

type Tables = ([[f64; 4]; LUT_SIZE], [[u8; 4]; LUT_SIZE]);

fn build_tables(channels: [Segments; 3]) -> Tables {
    let mut lut = [[1.0f64; 4]; LUT_SIZE];
    for (channel, segments) in channels.iter().enumerate() {
        for (entry, value) in lut.iter_mut().zip(create_lookup_table(LUT_SIZE, segments)) {
            entry[channel] = value;
        }
    }
    let mut bytes = [[0u8; 4]; LUT_SIZE];
    for (b, l) in bytes.iter_mut().zip(lut.iter()) {
        for k in 0..4 {
            // numpy's float -> uint8 cast truncates toward zero.
            b[k] = (l[k] * 255.0) as u8;
        }
    }
    (lut, bytes)
}

/// `matplotlib.colors._create_lookup_table(N, data, gamma=1.0)` for segment
/// data, with numpy's `linspace` and `searchsorted(side="left")` spelled out
/// so that every floating-point operation happens in the same order.
fn create_lookup_table(n: usize, segments: &[(f64, f64, f64)]) -> Vec<f64> {
    let last = n - 1;
    let scale = last as f64;
    // x = x * (N - 1)
    let x: Vec<f64> = segments.iter().map(|s| s.0 * scale).collect();
    // np.linspace(0, 1, N): arange(N) * step + 0 with step = 1 / (N - 1).
    let step = 1.0 / scale;
    let mut lut = Vec::with_capacity(n);
    lut.push(segments[0].2);
    for i in 1..last {
        // xind = (N - 1) * linspace(0, 1, N) ** 1.0
        let xind = scale * ((i as f64) * step + 0.0);
        let ind = x.partition_point(|&v| v < xind).clamp(1, x.len() - 1);
        let distance = (xind - x[ind - 1]) / (x[ind] - x[ind - 1]);
        lut.push(distance * (segments[ind].1 - segments[ind - 1].2) + segments[ind - 1].2);
    }
    lut.push(segments[segments.len() - 1].1);
    lut.iter().map(|v| v.clamp(0.0, 1.0)).collect()
}

/// The LUT entry matplotlib's `Colormap.__call__` picks for a normalised
/// value: `floor(x * 256)`, `x == 1` → 255, below 0 → 0 (the "under" colour
/// is the first entry), at or above 1 → 255 (the "over" colour is the last
/// entry). `None` for NaN (the "bad" colour).
pub fn lut_index(x: f64) -> Option<usize> {
    let n = LUT_SIZE as f64;
    let xa = x * n;
    index_from_scaled(xa, xa.is_nan())
}

/// [`lut_index`] for data that matplotlib normalises in single precision
/// (integer images with a small range): the multiplication by 256 happens in
/// `f32`.
pub fn lut_index_f32(x: f32) -> Option<usize> {
    let xa = x * LUT_SIZE as f32;
    index_from_scaled(f64::from(xa), xa.is_nan())
}

fn index_from_scaled(xa: f64, is_nan: bool) -> Option<usize> {
    let n = LUT_SIZE as f64;
    if is_nan {
        None
    } else if xa < 0.0 {
        Some(0)
    } else if xa >= n {
        // Includes x == 1 exactly (N - 1) and the "over" colour (also N - 1).
        Some(LUT_SIZE - 1)
    } else {
        Some(xa as usize)
    }
}

/// `plt.cm.gray(x, bytes=True)` for a normalised value `x`.
pub fn gray(x: f64) -> [u8; 4] {
    Colormap::Gray.rgba_bytes(x)
}

/// `plt.cm.nipy_spectral(x, bytes=True)` for a normalised value `x`.
pub fn nipy_spectral(x: f64) -> [u8; 4] {
    Colormap::NipySpectral.rgba_bytes(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_truncates_like_numpy() {
        let bytes = Colormap::Gray.lut_bytes();
        assert_eq!(bytes[0], [0, 0, 0, 255]);
        assert_eq!(bytes[255], [255, 255, 255, 255]);
        // i / 255 * 255 falls just short of i for some i.
        assert!(bytes
            .iter()
            .enumerate()
            .any(|(i, b)| usize::from(b[0]) + 1 == i));
    }

    #[test]
    fn index_edges() {
        assert_eq!(lut_index(-0.1), Some(0));
        assert_eq!(lut_index(0.0), Some(0));
        assert_eq!(lut_index(1.0), Some(255));
        assert_eq!(lut_index(1.5), Some(255));
        assert_eq!(lut_index(0.5), Some(128));
        assert_eq!(lut_index(f64::NAN), None);
        assert_eq!(lut_index(f64::INFINITY), Some(255));
        assert_eq!(lut_index(f64::NEG_INFINITY), Some(0));
        assert_eq!(lut_index_f32(1.0), Some(255));
    }
}
