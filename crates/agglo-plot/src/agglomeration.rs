//! The figure of scikit-learn's "Feature agglomeration" example.

use ndarray::ArrayView2;

use crate::colormap::Colormap;
use crate::figure::{Figure, Panel};
use crate::layout::SubplotParams;
use crate::PlotError;

/// The example's `plt.figure(1, figsize=(4, 3.5))`, in inches.
pub const FIGSIZE_IN: (f64, f64) = (4.0, 3.5);
/// matplotlib's default `figure.dpi`.
pub const DPI: f64 = 100.0;

/// The figure of scikit-learn's "Feature agglomeration" example: originals in
/// row 1, their agglomerated reconstructions in row 2, and the label map in
/// row 3, column 2, on a 3 x n grid (n = number of originals, 1 to 4).
///
/// Row 1 and 2 use the gray colormap from each image's own minimum to
/// `vmax` (16 for the digits, or each image's maximum when `None`); the label
/// map uses `nipy_spectral` from the smallest to the largest label. Titles
/// "Original data" and "Agglomerated data" sit above column 2 (column 1 when
/// there is one column), "Labels" above the label map.
///
/// ```
/// use agglo_plot::AgglomerationFigure;
/// use ndarray::Array2;
///
/// let original = Array2::from_shape_fn((8, 8), |(r, c)| ((r * 8 + c) % 17) as f64);
/// let restored = original.mapv(|v| (v / 2.0).floor() * 2.0);
/// let labels = Array2::from_shape_fn((8, 8), |(r, c)| (r / 2) * 4 + c / 2);
/// let figure = AgglomerationFigure {
///     originals: vec![original.view()],
///     restored: vec![restored.view()],
///     labels: labels.view(),
///     vmax: Some(16.0),
/// };
/// let png = figure.render_png()?;
/// assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
/// assert!(figure.render_svg()?.starts_with("<?xml"));
/// # Ok::<(), agglo_plot::PlotError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AgglomerationFigure<'a> {
    /// Images shown in row 1 (1 to 4).
    pub originals: Vec<ArrayView2<'a, f64>>,
    /// The same images after agglomeration (`inverse_transform(transform(X))`),
    /// shown in row 2; as many as `originals`, each of any shape.
    pub restored: Vec<ArrayView2<'a, f64>>,
    /// Cluster label of every pixel, shown in row 3.
    pub labels: ArrayView2<'a, usize>,
    /// Upper colour limit of rows 1 and 2; `None` uses each image's maximum.
    pub vmax: Option<f64>,
}

impl AgglomerationFigure<'_> {
    /// The general [`Figure`] this figure is made of, panels in the order the
    /// example draws them (original 1, restored 1, original 2, ..., labels).
    ///
    /// # Errors
    /// [`PlotError::CountMismatch`] if `originals` and `restored` differ in
    /// length, [`PlotError::ColumnCount`] for 0 or more than 4 originals.
    pub fn figure(&self) -> Result<Figure, PlotError> {
        let n = self.originals.len();
        if n != self.restored.len() {
            return Err(PlotError::CountMismatch {
                originals: n,
                restored: self.restored.len(),
            });
        }
        if !(1..=4).contains(&n) {
            return Err(PlotError::ColumnCount(n));
        }
        let middle = 1.min(n - 1);
        let mut figure = Figure::new(FIGSIZE_IN.0, FIGSIZE_IN.1, DPI)
            .grid(3, n)
            .subplots_adjust(SubplotParams::FEATURE_AGGLOMERATION);
        let with_vmax = |p: Panel| match self.vmax {
            Some(v) => p.vmax(v),
            None => p,
        };
        for (i, (original, restored)) in self.originals.iter().zip(&self.restored).enumerate() {
            let mut top = with_vmax(Panel::new(0, i, original.view()))
                .colormap(Colormap::Gray)
                .name(format!("original {i}"));
            let mut bottom = with_vmax(Panel::new(1, i, restored.view()))
                .colormap(Colormap::Gray)
                .name(format!("restored {i}"));
            if i == middle {
                top = top.title("Original data");
                bottom = bottom.title("Agglomerated data");
            }
            figure = figure.panel(top).panel(bottom);
        }
        let labels = Panel::labels(2, middle, self.labels)
            .title("Labels")
            .name("labels");
        Ok(figure.panel(labels))
    }

    /// Renders the figure (400 x 350 px) to PNG bytes.
    ///
    /// # Errors
    /// The errors of [`AgglomerationFigure::figure`] and [`Figure::render_png`]:
    /// an empty image, an image without finite values, a `vmax` that is not
    /// finite or lies below an image's minimum.
    pub fn render_png(&self) -> Result<Vec<u8>, PlotError> {
        self.figure()?.render_png()
    }

    /// Renders the figure to an SVG document (4 x 3.5 in, viewBox in pixels).
    ///
    /// # Errors
    /// As [`AgglomerationFigure::render_png`].
    pub fn render_svg(&self) -> Result<String, PlotError> {
        self.figure()?.render_svg()
    }

    /// Renders the figure to RGBA pixels, `(width, height, bytes)`.
    ///
    /// # Errors
    /// As [`AgglomerationFigure::render_png`].
    pub fn render_rgba(&self) -> Result<(u32, u32, Vec<u8>), PlotError> {
        self.figure()?.render_rgba()
    }
}
