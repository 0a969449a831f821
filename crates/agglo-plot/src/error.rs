//! The error type of this crate.

use thiserror::Error;

/// Everything that can go wrong while building or rendering a figure.
///
/// Every variant carries the offending values, so that the message alone
/// says what to fix. Rendering never panics on user input.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PlotError {
    /// An overlay whose shape is not the panel image's.
    #[error("{panel}: the overlay is {overlay:?} but the image is {image:?}")]
    OverlayShape {
        /// The panel.
        panel: String,
        /// The image's `(rows, cols)`.
        image: (usize, usize),
        /// The overlay's.
        overlay: (usize, usize),
    },
    /// A tree a dendrogram cannot be drawn from.
    #[error("cannot draw the dendrogram: {0}")]
    InvalidTree(String),
    /// The agglomeration figure needs as many restored images as originals.
    #[error(
        "originals and restored counts differ (originals = {originals}, restored = {restored})"
    )]
    CountMismatch {
        /// Number of original images.
        originals: usize,
        /// Number of restored images.
        restored: usize,
    },
    /// The agglomeration figure shows between 1 and 4 columns of images.
    #[error("the figure shows 1 to 4 image columns (got {0} originals)")]
    ColumnCount(usize),
    /// An image with no pixels.
    #[error("empty image: {panel} has shape {rows}x{cols}")]
    EmptyImage {
        /// Which panel (e.g. `"original 2"`).
        panel: String,
        /// Number of rows of the image.
        rows: usize,
        /// Number of columns of the image.
        cols: usize,
    },
    /// An image whose values are all NaN or infinite, so no colour scale exists.
    #[error("image {panel} has no finite value to scale colours by")]
    NoFiniteValues {
        /// Which panel.
        panel: String,
    },
    /// A colour limit that is NaN or infinite.
    #[error("{name} must be finite (got {value}) for {panel}")]
    NonFiniteLimit {
        /// Which panel.
        panel: String,
        /// `"vmin"` or `"vmax"`.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// matplotlib's `Normalize` refuses `vmin > vmax` ("minvalue must be less
    /// than or equal to maxvalue").
    #[error("vmin ({vmin}) is greater than vmax ({vmax}) for {panel}")]
    InvertedLimits {
        /// Which panel.
        panel: String,
        /// The lower colour limit (given or the image minimum).
        vmin: f64,
        /// The upper colour limit (given or the image maximum).
        vmax: f64,
    },
    /// Figure width, height or dpi that is not positive and finite, or that
    /// gives an empty or absurdly large canvas.
    #[error("invalid figure size {width_in} x {height_in} in at {dpi} dpi ({width_px} x {height_px} px; each side must be 1 to {max} px)")]
    InvalidFigureSize {
        /// Width in inches.
        width_in: f64,
        /// Height in inches.
        height_in: f64,
        /// Dots per inch.
        dpi: f64,
        /// Resulting width in pixels (rounded).
        width_px: f64,
        /// Resulting height in pixels (rounded).
        height_px: f64,
        /// Largest accepted side.
        max: u32,
    },
    /// Subplot parameters that leave no room (matplotlib: "left cannot be >= right").
    #[error("invalid subplot parameters: {reason} (left = {left}, right = {right}, bottom = {bottom}, top = {top}, wspace = {wspace}, hspace = {hspace})")]
    InvalidSubplotParams {
        /// What is wrong.
        reason: &'static str,
        /// Left edge of the grid, as a fraction of the figure width.
        left: f64,
        /// Right edge.
        right: f64,
        /// Bottom edge, as a fraction of the figure height.
        bottom: f64,
        /// Top edge.
        top: f64,
        /// Horizontal gap, as a fraction of the average axes width.
        wspace: f64,
        /// Vertical gap, as a fraction of the average axes height.
        hspace: f64,
    },
    /// A grid with no rows or no columns.
    #[error("the subplot grid must have at least one row and one column (got {nrows}x{ncols})")]
    EmptyGrid {
        /// Rows requested.
        nrows: usize,
        /// Columns requested.
        ncols: usize,
    },
    /// A panel placed outside the subplot grid.
    #[error("panel at row {row}, column {col} is outside the {nrows}x{ncols} grid")]
    PanelOutsideGrid {
        /// Row of the panel.
        row: usize,
        /// Column of the panel.
        col: usize,
        /// Rows of the grid.
        nrows: usize,
        /// Columns of the grid.
        ncols: usize,
    },
    /// A title font size that is not positive and finite.
    #[error("invalid font size {0} pt for a title")]
    InvalidFontSize(f64),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}
