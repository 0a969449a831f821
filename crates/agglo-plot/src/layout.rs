//! Subplot geometry as matplotlib computes it.
//!
//! A figure is divided by a `GridSpec` whose outer edges come from
//! `subplots_adjust` ([`SubplotParams`]); each grid cell holds one axes. An
//! image axes has aspect `'equal'` with adjustable `'box'`, so when drawn it
//! shrinks to the image's height/width ratio and is centred in its cell
//! (anchor `'C'`). The functions here repeat matplotlib's floating-point
//! operations in the same order (`GridSpecBase.get_grid_positions`,
//! `Bbox.shrunk_to_aspect`, `Bbox.anchored`), so boxes agree to the last bit.
//!
//! ```
//! use agglo_plot::layout::{grid_cells, image_axes_box, SubplotParams};
//!
//! let cells = grid_cells(3, 4, &SubplotParams::FEATURE_AGGLOMERATION).unwrap();
//! // Column 1, row 0 of the example figure, 400 x 350 px, an 8 x 8 image:
//! let px = image_axes_box(cells[1], 8, 8, 400.0, 350.0).to_pixels(400.0, 350.0);
//! assert!((px.x0 - 106.2608695652174).abs() < 1e-9);
//! assert!((px.width() - 85.21739130434783).abs() < 1e-9);
//! ```

use crate::PlotError;

/// An axis-aligned box. In figure fractions or in pixels, always in
/// matplotlib's display convention: origin at the bottom left, y upwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    /// Left edge.
    pub x0: f64,
    /// Bottom edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Top edge.
    pub y1: f64,
}

impl Bbox {
    /// Width `x1 - x0`.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height `y1 - y0`.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// This box (in figure fractions) in pixels of a `width` x `height` figure,
    /// as `transSubfigure` maps it.
    pub fn to_pixels(&self, width: f64, height: f64) -> Bbox {
        Bbox {
            x0: self.x0 * width,
            y0: self.y0 * height,
            x1: self.x1 * width,
            y1: self.y1 * height,
        }
    }
}

/// The parameters of `Figure.subplots_adjust`: the grid's outer edges as
/// fractions of the figure, and the gaps between cells as fractions of the
/// average cell width (`wspace`) and height (`hspace`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubplotParams {
    /// Left edge of the grid (fraction of the figure width).
    pub left: f64,
    /// Right edge of the grid.
    pub right: f64,
    /// Bottom edge of the grid (fraction of the figure height).
    pub bottom: f64,
    /// Top edge of the grid.
    pub top: f64,
    /// Horizontal gap between cells, relative to the cell width.
    pub wspace: f64,
    /// Vertical gap between cells, relative to the cell height.
    pub hspace: f64,
}

impl SubplotParams {
    /// matplotlib's defaults (`rcParams["figure.subplot.*"]`).
    pub const MATPLOTLIB_DEFAULT: SubplotParams = SubplotParams {
        left: 0.125,
        right: 0.9,
        bottom: 0.11,
        top: 0.88,
        wspace: 0.2,
        hspace: 0.2,
    };

    /// The scikit-learn example's
    /// `subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.91)`.
    pub const FEATURE_AGGLOMERATION: SubplotParams = SubplotParams {
        left: 0.01,
        right: 0.99,
        bottom: 0.01,
        top: 0.91,
        wspace: 0.2,
        hspace: 0.2,
    };

    /// Checks the parameters as matplotlib does (left < right, bottom < top),
    /// and that every value is finite and the gaps are not negative.
    ///
    /// # Errors
    /// [`PlotError::InvalidSubplotParams`] naming the problem and all values.
    pub fn validate(&self) -> Result<(), PlotError> {
        let values = [
            self.left,
            self.right,
            self.bottom,
            self.top,
            self.wspace,
            self.hspace,
        ];
        let reason = if values.iter().any(|v| !v.is_finite()) {
            Some("every value must be finite")
        } else if self.left >= self.right {
            Some("left cannot be >= right")
        } else if self.bottom >= self.top {
            Some("bottom cannot be >= top")
        } else if self.wspace < 0.0 || self.hspace < 0.0 {
            Some("wspace and hspace cannot be negative")
        } else {
            None
        };
        match reason {
            None => Ok(()),
            Some(reason) => Err(self.invalid(reason)),
        }
    }

    #[cold]
    fn invalid(&self, reason: &'static str) -> PlotError {
        PlotError::InvalidSubplotParams {
            reason,
            left: self.left,
            right: self.right,
            bottom: self.bottom,
            top: self.top,
            wspace: self.wspace,
            hspace: self.hspace,
        }
    }
}

impl Default for SubplotParams {
    fn default() -> Self {
        SubplotParams::MATPLOTLIB_DEFAULT
    }
}

/// The cells of an `nrows` x `ncols` grid in figure fractions, row-major
/// (cell `r * ncols + c` is row `r` from the top, column `c` from the left),
/// as `GridSpec.get_grid_positions` computes them with equal height and
/// width ratios.
///
/// # Errors
/// [`PlotError::EmptyGrid`] for zero rows or columns, and the errors of
/// [`SubplotParams::validate`].
pub fn grid_cells(
    nrows: usize,
    ncols: usize,
    params: &SubplotParams,
) -> Result<Vec<Bbox>, PlotError> {
    if nrows == 0 || ncols == 0 {
        return Err(PlotError::EmptyGrid { nrows, ncols });
    }
    params.validate()?;
    // Cumulative [sep, cell, sep, cell, ...] offsets from the top / left.
    let heights = cumulative_extents(nrows, params.top - params.bottom, params.hspace);
    let widths = cumulative_extents(ncols, params.right - params.left, params.wspace);
    let mut cells = Vec::with_capacity(nrows * ncols);
    for r in 0..nrows {
        let top = params.top - heights[2 * r];
        let bottom = params.top - heights[2 * r + 1];
        for c in 0..ncols {
            let left = params.left + widths[2 * c];
            let right = params.left + widths[2 * c + 1];
            cells.push(Bbox {
                x0: left,
                y0: bottom,
                x1: right,
                y1: top,
            });
        }
    }
    Ok(cells)
}

/// `np.cumsum(np.column_stack([seps, cells]).flat)` of `get_grid_positions`.
fn cumulative_extents(n: usize, total: f64, space: f64) -> Vec<f64> {
    let count = n as f64;
    let cell = total / (count + space * (count - 1.0));
    let sep = space * cell;
    // norm = cell * n / sum(ratios), with all ratios 1 (an integer sum).
    let norm = cell * count / count;
    let size = 1.0 * norm;
    let mut acc = 0.0;
    let mut out = Vec::with_capacity(2 * n);
    for i in 0..n {
        acc += if i == 0 { 0.0 } else { sep };
        out.push(acc);
        acc += size;
        out.push(acc);
    }
    out
}

/// The box an image axes occupies inside its grid `cell` (figure fractions)
/// once `apply_aspect` has run: aspect `'equal'` for an image of `rows` x
/// `cols` pixels (data ratio `rows / cols`), adjustable `'box'`, anchor `'C'`,
/// on a figure of `fig_width` x `fig_height` (any unit: only the ratio counts).
pub fn image_axes_box(
    cell: Bbox,
    rows: usize,
    cols: usize,
    fig_width: f64,
    fig_height: f64,
) -> Bbox {
    // get_data_ratio: limits -0.5 .. n - 0.5 on both axes.
    let xsize = ((cols as f64 - 0.5) - (-0.5)).abs().max(1e-30);
    let ysize = ((rows as f64 - 0.5) - (-0.5)).abs().max(1e-30);
    let box_aspect = 1.0 * (ysize / xsize);
    let fig_aspect = fig_height / fig_width;
    anchored_center(shrunk_to_aspect(cell, box_aspect, fig_aspect), cell)
}

/// `Bbox.shrunk_to_aspect(box_aspect, container=self, fig_aspect)`.
fn shrunk_to_aspect(b: Bbox, box_aspect: f64, fig_aspect: f64) -> Bbox {
    let (w, h) = (b.width(), b.height());
    let mut big_h = w * box_aspect / fig_aspect;
    let big_w;
    if big_h <= h {
        big_w = w;
    } else {
        big_w = h * fig_aspect / box_aspect;
        big_h = h;
    }
    Bbox {
        x0: b.x0,
        y0: b.y0,
        x1: b.x0 + big_w,
        y1: b.y0 + big_h,
    }
}

/// `Bbox.anchored('C', container)`.
fn anchored_center(b: Bbox, container: Bbox) -> Bbox {
    let (l, bottom, w, h) = (
        container.x0,
        container.y0,
        container.width(),
        container.height(),
    );
    let (big_l, big_b, big_w, big_h) = (b.x0, b.y0, b.width(), b.height());
    let dx = (l + 0.5 * (w - big_w)) - big_l;
    let dy = (bottom + 0.5 * (h - big_h)) - big_b;
    Bbox {
        x0: b.x0 + dx,
        y0: b.y0 + dy,
        x1: b.x1 + dx,
        y1: b.y1 + dy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_grid_matches_matplotlib() {
        let cells = grid_cells(3, 4, &SubplotParams::FEATURE_AGGLOMERATION).unwrap();
        assert_eq!(cells.len(), 12);
        let px = image_axes_box(cells[0], 8, 8, 400.0, 350.0).to_pixels(400.0, 350.0);
        // Values printed by matplotlib 3.11 (ax.bbox after drawing).
        assert!((px.x0 - 4.0).abs() < 1e-12);
        assert!((px.x1 - 89.21739130434784).abs() < 1e-12);
        assert!((350.0 - px.y1 - 35.21483375959076).abs() < 1e-9);
    }

    #[test]
    fn rejects_bad_params() {
        let mut p = SubplotParams::FEATURE_AGGLOMERATION;
        p.left = 0.995;
        assert!(matches!(
            grid_cells(1, 1, &p),
            Err(PlotError::InvalidSubplotParams { .. })
        ));
        assert!(matches!(
            grid_cells(0, 1, &SubplotParams::default()),
            Err(PlotError::EmptyGrid { .. })
        ));
    }
}
