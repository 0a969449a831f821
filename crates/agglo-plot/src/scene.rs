//! A figure's scene: every geometry and colour resolved, drawn by the PNG
//! back end here (as matplotlib's Agg backend) and by the SVG one.

use ndarray::Array2;

use crate::layout::Bbox;
use crate::raster::Canvas;
use crate::text::{self, TextLayout};

const BLACK: [u8; 4] = [0, 0, 0, 255];
const WHITE: [u8; 4] = [255, 255, 255, 255];

/// The four spines (left, right, bottom, top) of an axes box as the filled
/// rectangles Agg strokes: each line snapped to pixel centres (odd rounded
/// width) or edges (even), widened by half the line width on every side
/// (`capstyle="projecting"`). Pixels, y down.
pub(crate) fn spine_rects(ax: Bbox, canvas_h: f64, linewidth: f64) -> [[f64; 4]; 4] {
    let snap_value = if (linewidth.round() as i64) % 2 == 1 {
        0.5
    } else {
        0.0
    };
    let snap = |v: f64| (v + 0.5).floor() + snap_value;
    let (l, r) = (snap(ax.x0), snap(ax.x1));
    let (b, t) = (snap(canvas_h - ax.y0), snap(canvas_h - ax.y1));
    let hw = linewidth / 2.0;
    let rect = |xa: f64, ya: f64, xb: f64, yb: f64| {
        [
            xa.min(xb) - hw,
            ya.min(yb) - hw,
            xa.max(xb) + hw,
            ya.max(yb) + hw,
        ]
    };
    [
        rect(l, b, l, t),
        rect(r, b, r, t),
        rect(l, b, r, b),
        rect(l, t, r, t),
    ]
}

/// A title positioned on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TitleText {
    pub(crate) text: String,
    pub(crate) layout: TextLayout,
    /// Left end of the string's advance box, pixels from the left.
    pub(crate) x: f64,
    /// Baseline, pixels from the bottom.
    pub(crate) y_up: f64,
}

/// One panel with everything resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PanelScene {
    /// Axes box in pixels, y up.
    pub(crate) ax: Bbox,
    /// Colour per data cell; `None` is transparent.
    pub(crate) colors: Array2<Option<[u8; 4]>>,
    /// Spine rectangles `[x0, y0, x1, y1]`, pixels, y down.
    pub(crate) spines: [[f64; 4]; 4],
    pub(crate) title: Option<TitleText>,
}

/// A figure with all geometry resolved, ready for a back end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) panels: Vec<PanelScene>,
    /// Texts placed on the figure.
    pub(crate) texts: Vec<TitleText>,
}

/// `over` drawn with opacity `alpha` on `under`, as Agg blends.
pub(crate) fn blend(under: [u8; 4], over: [u8; 4], alpha: f64) -> [u8; 4] {
    let mix = |u: u8, o: u8| (f64::from(o) * alpha + f64::from(u) * (1.0 - alpha)).round() as u8;
    [
        mix(under[0], over[0]),
        mix(under[1], over[1]),
        mix(under[2], over[2]),
        255,
    ]
}

impl Scene {
    /// Draws the scene as matplotlib's Agg backend would.
    pub(crate) fn rasterize(&self) -> Canvas {
        let mut canvas = Canvas::new(self.width, self.height, WHITE);
        for panel in &self.panels {
            let (rows, cols) = panel.colors.dim();
            let map = crate::image::pixel_map(panel.ax, rows, cols, self.width, self.height);
            for (dy, &r) in map.rows.iter().enumerate() {
                for (dx, &c) in map.cols.iter().enumerate() {
                    if let Some(color) = panel.colors[[r, c]] {
                        canvas.blend(map.x_start + dx as i64, map.y_start + dy as i64, color, 255);
                    }
                }
            }
            for [x0, y0, x1, y1] in panel.spines {
                canvas.fill_rect_aa(x0, y0, x1, y1, BLACK);
            }
            if let Some(title) = &panel.title {
                self.draw_text(&mut canvas, title);
            }
        }
        for text in &self.texts {
            self.draw_text(&mut canvas, text);
        }
        canvas
    }

    fn draw_text(&self, canvas: &mut Canvas, title: &TitleText) {
        let rasterizer = text::GlyphRasterizer::new(&title.layout);
        for glyph in &title.layout.glyphs {
            let (ox, oy) = text::glyph_origin(glyph, title.x, title.y_up);
            rasterizer.rasterize(glyph, ox, oy, self.height as f64, |x, y, cover| {
                canvas.blend(x, y, BLACK, cover);
            });
        }
    }
}
