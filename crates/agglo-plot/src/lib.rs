//! Renders the figure of scikit-learn's [Feature agglomeration] example —
//! original images, their agglomerated reconstructions, and the cluster
//! label map — pixel-faithful to matplotlib 3.11's Agg output, as PNG bytes
//! or an SVG string.
//!
//! No system fonts and no network: titles use DejaVu Sans (matplotlib's
//! default font), embedded through the [`dejavu`] crate, laid out with
//! [`ab_glyph`], hinted with [`skrifa`] (an emulation of FreeType's TrueType
//! interpreter, which matplotlib uses) and rasterised with exact area coverage
//! by `ab_glyph_rasterizer`; in SVG they become glyph outlines. Output is
//! deterministic: the same input gives the same bytes.
//!
//! What is reproduced exactly: the `gray` and `nipy_spectral` lookup tables
//! and matplotlib's value → colour mapping ([`colormap`]); the subplot grid,
//! `subplots_adjust` and aspect-`'equal'` placement ([`layout`]); which data
//! cell every screen pixel shows (nearest-neighbour, ties included); the
//! snapped, antialiased 0.8 pt axes frames and Agg's blending; the titles'
//! positions and glyph advances. On the digits figure every pixel outside the
//! titles equals matplotlib 3.11's; inside them about 300 edge pixels differ,
//! by at most 4 of 255 (rounding inside the rasteriser).
//!
//! # Example
//!
//! ```
//! use agglo_plot::AgglomerationFigure;
//! use ndarray::Array2;
//!
//! // Four 8 x 8 images, their reconstructions, and a label map.
//! let originals: Vec<Array2<f64>> = (0..4)
//!     .map(|k| Array2::from_shape_fn((8, 8), |(r, c)| ((r * c + k) % 17) as f64))
//!     .collect();
//! let restored: Vec<Array2<f64>> = originals.iter().map(|a| a.mapv(|v| v.min(12.0))).collect();
//! let labels = Array2::from_shape_fn((8, 8), |(r, c)| (r / 2) * 4 + c / 2);
//!
//! let figure = AgglomerationFigure {
//!     originals: originals.iter().map(|a| a.view()).collect(),
//!     restored: restored.iter().map(|a| a.view()).collect(),
//!     labels: labels.view(),
//!     vmax: Some(16.0),
//! };
//! let png: Vec<u8> = figure.render_png()?;
//! let svg: String = figure.render_svg()?;
//! assert!(png.starts_with(b"\x89PNG"));
//! assert!(svg.contains("viewBox=\"0 0 400 350\""));
//! # Ok::<(), agglo_plot::PlotError>(())
//! ```
//!
//! For other layouts, build a [`Figure`] of [`Panel`]s directly.
//!
//! [Feature agglomeration]: https://scikit-learn.org/stable/auto_examples/cluster/plot_digits_agglomeration.html

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod agglomeration;
pub mod colormap;
mod dendrogram;
mod error;
mod figure;
mod image;
pub mod layout;
mod png;
mod raster;
mod scene;
mod svg;
mod text;

pub use agglomeration::{AgglomerationFigure, DPI, FIGSIZE_IN};
pub use colormap::Colormap;
pub use dendrogram::Dendrogram;
pub use error::PlotError;
pub use figure::{
    Align, Figure, Panel, AXES_LINEWIDTH_PT, DEFAULT_TITLE_SIZE_PT, MAX_ASPECT, MAX_SIDE_PX,
    TITLE_PAD_PT,
};
pub use image::ImageData;
pub use layout::SubplotParams;
