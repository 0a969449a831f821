//! A figure of image panels on a subplot grid, and its scene.
//!
//! [`Figure`] is the general building block: a figure size, `subplots_adjust`
//! parameters, a grid, and [`Panel`]s (an image with a colormap, colour
//! limits and an optional title) placed in grid cells. Rendering first builds
//! a [`Scene`] of resolved geometry (pixel boxes, cell colours, snapped axes
//! frames, positioned glyphs) that the PNG and SVG back ends draw.

use ndarray::{Array2, ArrayView2};

use crate::colormap::Colormap;
use crate::image::{cell_colors, resolve_limits, ImageData};
use crate::layout::{grid_cells, image_axes_box, Bbox, SubplotParams};
use crate::scene::{blend, spine_rects, PanelScene, Scene, TitleText};
use crate::text;
use crate::PlotError;

/// Largest accepted canvas side in pixels.
pub const MAX_SIDE_PX: u32 = 16_384;

/// matplotlib's `rcParams["axes.titlesize"]`: `"large"`, 1.2 x 10 pt.
pub const DEFAULT_TITLE_SIZE_PT: f64 = 12.0;
/// matplotlib's `rcParams["axes.titlepad"]` in points.
pub const TITLE_PAD_PT: f64 = 6.0;
/// matplotlib's `rcParams["axes.linewidth"]` in points.
pub const AXES_LINEWIDTH_PT: f64 = 0.8;

/// One image axes: an image shown with `imshow(..., interpolation="nearest")`,
/// no ticks, and an optional title, in one cell of the figure's grid.
///
/// ```
/// use agglo_plot::{Colormap, Panel};
/// use ndarray::array;
///
/// let image = array![[0.0, 8.0], [12.0, 16.0]];
/// let panel = Panel::new(0, 1, image.view())
///     .colormap(Colormap::Gray)
///     .vmax(16.0)
///     .title("Original data");
/// assert_eq!(panel.shape(), (2, 2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    row: usize,
    col: usize,
    data: ImageData,
    colormap: Colormap,
    vmin: Option<f64>,
    vmax: Option<f64>,
    title: Option<String>,
    name: String,
    /// A box of its own (figure fractions), filled whatever the image's
    /// aspect, instead of a grid cell.
    placed: Option<Bbox>,
    /// An image drawn over this one with the given opacity where it is
    /// finite.
    overlay: Option<Overlay>,
}

/// An image drawn over a panel's (parcels over an anatomical image).
#[derive(Debug, Clone, PartialEq)]
struct Overlay {
    data: ImageData,
    colormap: Colormap,
    alpha: f64,
}

/// The largest ratio of an image's long side to its short side drawn true
/// to scale; thinner images (a 128 × 1 grid) are drawn as bands this thick.
pub const MAX_ASPECT: f64 = 8.0;

impl Panel {
    /// A panel showing floating-point `data` in grid cell (`row`, `col`)
    /// (counted from the top left), with the gray colormap and colour limits
    /// from the data's finite minimum and maximum.
    pub fn new(row: usize, col: usize, data: ArrayView2<'_, f64>) -> Panel {
        Panel::with_data(row, col, ImageData::Float(data.to_owned()))
    }

    /// A panel showing integer `labels` (e.g. cluster labels) with
    /// `nipy_spectral` scaled from the smallest to the largest label, as
    /// `imshow(labels, cmap=plt.cm.nipy_spectral)` does.
    pub fn labels(row: usize, col: usize, labels: ArrayView2<'_, usize>) -> Panel {
        let values: Array2<f64> = labels.mapv(|v| v as f64);
        Panel::with_data(row, col, ImageData::Integer(values)).colormap(Colormap::NipySpectral)
    }

    /// A panel from already-typed [`ImageData`].
    pub fn with_data(row: usize, col: usize, data: ImageData) -> Panel {
        Panel {
            row,
            col,
            data,
            colormap: Colormap::Gray,
            vmin: None,
            vmax: None,
            title: None,
            name: format!("panel ({row}, {col})"),
            placed: None,
            overlay: None,
        }
    }

    /// Places the panel in its own box, `[x0, y0, x1, y1]` as fractions of
    /// the figure (y from the bottom), which the image fills (a colour bar).
    pub fn placed(mut self, x0: f64, y0: f64, x1: f64, y1: f64) -> Panel {
        self.placed = Some(Bbox { x0, y0, x1, y1 });
        self
    }

    /// Draws `data` over the panel's image with opacity `alpha` (0 to 1)
    /// wherever it is finite, in `colormap` scaled to its own range (or,
    /// for [`Colormap::Parcels`], by label).
    pub fn overlay(mut self, data: ArrayView2<'_, f64>, colormap: Colormap, alpha: f64) -> Panel {
        self.overlay = Some(Overlay {
            data: ImageData::Float(data.to_owned()),
            colormap,
            alpha: alpha.clamp(0.0, 1.0),
        });
        self
    }

    /// Sets the colormap.
    pub fn colormap(mut self, colormap: Colormap) -> Panel {
        self.colormap = colormap;
        self
    }

    /// Fixes the lower colour limit (default: the image's minimum).
    pub fn vmin(mut self, vmin: f64) -> Panel {
        self.vmin = Some(vmin);
        self
    }

    /// Fixes the upper colour limit (default: the image's maximum).
    pub fn vmax(mut self, vmax: f64) -> Panel {
        self.vmax = Some(vmax);
        self
    }

    /// Sets the title shown centred above the axes.
    pub fn title(mut self, title: impl Into<String>) -> Panel {
        self.title = Some(title.into());
        self
    }

    /// Names the panel in error messages (default: `"panel (row, col)"`).
    pub fn name(mut self, name: impl Into<String>) -> Panel {
        self.name = name.into();
        self
    }

    /// `(rows, cols)` of the image.
    pub fn shape(&self) -> (usize, usize) {
        self.data.shape()
    }
}

/// A figure of image panels on a grid, rendered like matplotlib's Agg backend.
///
/// ```
/// use agglo_plot::{Figure, Panel, SubplotParams};
/// use ndarray::array;
///
/// let image = array![[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]];
/// let figure = Figure::new(2.0, 1.5, 100.0)
///     .grid(1, 2)
///     .subplots_adjust(SubplotParams::FEATURE_AGGLOMERATION)
///     .panel(Panel::new(0, 0, image.view()).title("wide"))
///     .panel(Panel::new(0, 1, image.t()));
/// let png = figure.render_png()?;
/// assert_eq!(&png[1..4], b"PNG");
/// let svg = figure.render_svg()?;
/// assert!(svg.contains("<svg"));
/// # Ok::<(), agglo_plot::PlotError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    width_in: f64,
    height_in: f64,
    dpi: f64,
    params: SubplotParams,
    nrows: usize,
    ncols: usize,
    title_size_pt: f64,
    panels: Vec<Panel>,
    texts: Vec<FigureText>,
}

/// A text placed on the figure.
#[derive(Debug, Clone, PartialEq)]
struct FigureText {
    x: f64,
    y: f64,
    text: String,
    size_pt: f64,
    align: Align,
}

/// Where a figure text's anchor lies along the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The text starts at the anchor.
    Left,
    /// The text is centred on the anchor.
    Center,
    /// The text ends at the anchor.
    Right,
}

impl Figure {
    /// An empty figure of `width_in` x `height_in` inches at `dpi`, with a
    /// 1 x 1 grid and matplotlib's default subplot parameters.
    pub fn new(width_in: f64, height_in: f64, dpi: f64) -> Figure {
        Figure {
            width_in,
            height_in,
            dpi,
            params: SubplotParams::default(),
            nrows: 1,
            ncols: 1,
            title_size_pt: DEFAULT_TITLE_SIZE_PT,
            panels: Vec::new(),
            texts: Vec::new(),
        }
    }

    /// Adds a text of `size_pt` points with its baseline at `(x, y)`
    /// (fractions of the figure, y from the bottom), aligned there as
    /// `align` says.
    pub fn text(
        mut self,
        x: f64,
        y: f64,
        text: impl Into<String>,
        size_pt: f64,
        align: Align,
    ) -> Figure {
        self.texts.push(FigureText {
            x,
            y,
            text: text.into(),
            size_pt,
            align,
        });
        self
    }

    /// Sets the grid that `plt.subplot(nrows, ncols, ...)` would use.
    pub fn grid(mut self, nrows: usize, ncols: usize) -> Figure {
        self.nrows = nrows;
        self.ncols = ncols;
        self
    }

    /// Sets the subplot parameters (`plt.subplots_adjust`).
    pub fn subplots_adjust(mut self, params: SubplotParams) -> Figure {
        self.params = params;
        self
    }

    /// Sets the title font size in points (default 12).
    pub fn title_size(mut self, size_pt: f64) -> Figure {
        self.title_size_pt = size_pt;
        self
    }

    /// Adds a panel. Panels are drawn in the order they are added.
    pub fn panel(mut self, panel: Panel) -> Figure {
        self.panels.push(panel);
        self
    }

    /// The panels, in drawing order.
    pub fn panels(&self) -> &[Panel] {
        &self.panels
    }

    /// Canvas size in pixels, `(width, height)`: `int(inches * dpi)` as
    /// matplotlib's Agg canvas truncates it.
    ///
    /// # Errors
    /// [`PlotError::InvalidFigureSize`] unless both sides are 1 to
    /// [`MAX_SIDE_PX`] pixels.
    pub fn size_px(&self) -> Result<(u32, u32), PlotError> {
        let (w, h) = (self.width_in * self.dpi, self.height_in * self.dpi);
        let ok = |v: f64, inches: f64| {
            inches.is_finite()
                && inches > 0.0
                && v.is_finite()
                && v >= 1.0
                && v < f64::from(MAX_SIDE_PX) + 1.0
        };
        if !(self.dpi.is_finite()
            && self.dpi > 0.0
            && ok(w, self.width_in)
            && ok(h, self.height_in))
        {
            return Err(PlotError::InvalidFigureSize {
                width_in: self.width_in,
                height_in: self.height_in,
                dpi: self.dpi,
                width_px: w.round(),
                height_px: h.round(),
                max: MAX_SIDE_PX,
            });
        }
        Ok((w as u32, h as u32))
    }

    /// Renders the figure to RGBA bytes, `(width, height, pixels)`, rows from the top.
    ///
    /// # Errors
    /// Any invalid size, grid, panel position, image or colour limit (see [`PlotError`]).
    pub fn render_rgba(&self) -> Result<(u32, u32, Vec<u8>), PlotError> {
        let scene = self.scene()?;
        let canvas = scene.rasterize();
        Ok((
            canvas.width() as u32,
            canvas.height() as u32,
            canvas.data().to_vec(),
        ))
    }

    /// Renders the figure to a PNG file's bytes (8-bit RGBA).
    ///
    /// # Errors
    /// As [`Figure::render_rgba`], plus [`PlotError::Png`] if encoding fails.
    pub fn render_png(&self) -> Result<Vec<u8>, PlotError> {
        let scene = self.scene()?;
        let canvas = scene.rasterize();
        crate::png::encode(&canvas, self.dpi)
    }

    /// Renders the figure to a standalone SVG document. Text is drawn as glyph
    /// outlines and images as one `<rect>` per data cell, so the result looks
    /// the same on any machine and stays crisp when zoomed.
    ///
    /// # Errors
    /// As [`Figure::render_rgba`].
    pub fn render_svg(&self) -> Result<String, PlotError> {
        Ok(crate::svg::render(
            &self.scene()?,
            self.width_in,
            self.height_in,
        ))
    }

    /// Resolves all geometry and colours.
    pub(crate) fn scene(&self) -> Result<Scene, PlotError> {
        let (width, height) = self.size_px()?;
        let cells = grid_cells(self.nrows, self.ncols, &self.params)?;
        let fig_w = self.width_in * self.dpi;
        let fig_h = self.height_in * self.dpi;
        let canvas_h = f64::from(height);
        let linewidth = AXES_LINEWIDTH_PT * self.dpi / 72.0;
        let mut items = Vec::with_capacity(self.panels.len());
        for panel in &self.panels {
            if panel.row >= self.nrows || panel.col >= self.ncols {
                return Err(PlotError::PanelOutsideGrid {
                    row: panel.row,
                    col: panel.col,
                    nrows: self.nrows,
                    ncols: self.ncols,
                });
            }
            let limits = resolve_limits(&panel.data, panel.vmin, panel.vmax, &panel.name)?;
            let mut colors = cell_colors(&panel.data, limits, panel.colormap);
            if let Some(overlay) = &panel.overlay {
                if overlay.data.shape() != panel.shape() {
                    return Err(PlotError::OverlayShape {
                        panel: panel.name.clone(),
                        image: panel.shape(),
                        overlay: overlay.data.shape(),
                    });
                }
                let over_limits = resolve_limits(&overlay.data, None, None, &panel.name).unwrap_or(
                    crate::image::Limits {
                        vmin: 0.0,
                        vmax: 1.0,
                    },
                );
                let over = cell_colors(&overlay.data, over_limits, overlay.colormap);
                for (under, over) in colors.iter_mut().zip(over.iter()) {
                    if let Some(over) = over {
                        *under = Some(match under {
                            Some(u) => blend(*u, *over, overlay.alpha),
                            None => *over,
                        });
                    }
                }
            }
            let (rows, cols) = panel.shape();
            let ax = if let Some(placed) = panel.placed {
                placed.to_pixels(fig_w, fig_h)
            } else {
                let cell = cells[panel.row * self.ncols + panel.col];
                // Thin images are drawn as bands at most MAX_ASPECT long.
                let (r, c) = (rows as f64, cols as f64);
                let (r, c) = (r.max(c / MAX_ASPECT), c.max(r / MAX_ASPECT));
                image_axes_box(cell, r.round() as usize, c.round() as usize, fig_w, fig_h)
                    .to_pixels(fig_w, fig_h)
            };
            let spines = spine_rects(ax, canvas_h, linewidth);
            let title = match &panel.title {
                Some(t) if !t.is_empty() => {
                    let layout = text::layout(t, self.title_size_pt, self.dpi)?;
                    // Title anchor: (0.5, 1.0) in axes coordinates, raised by the pad.
                    let x = ax.width() * 0.5 + ax.x0;
                    let y_up = ax.height() * 1.0 + (ax.y0 + TITLE_PAD_PT / 72.0 * self.dpi);
                    // ha="center": the string starts half its advance width left.
                    Some(TitleText {
                        text: t.clone(),
                        layout: layout.clone(),
                        x: x - layout.width / 2.0,
                        y_up,
                    })
                }
                _ => None,
            };
            items.push(PanelScene {
                ax,
                colors,
                spines,
                title,
            });
        }
        let mut texts = Vec::with_capacity(self.texts.len());
        for t in &self.texts {
            let layout = text::layout(&t.text, t.size_pt, self.dpi)?;
            let shift = match t.align {
                Align::Left => 0.0,
                Align::Center => layout.width / 2.0,
                Align::Right => layout.width,
            };
            // Kept inside the figure, whatever the anchor.
            let x = (t.x * fig_w - shift)
                .min(fig_w - layout.width - 2.0)
                .max(2.0);
            texts.push(TitleText {
                text: t.text.clone(),
                x,
                y_up: t.y * fig_h,
                layout,
            });
        }
        Ok(Scene {
            width: width as usize,
            height: height as usize,
            panels: items,
            texts,
        })
    }
}
