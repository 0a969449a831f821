//! The dendrogram of a merge tree, drawn as scipy's
//! `scipy.cluster.hierarchy.dendrogram` lays it out: leaves in the order of
//! a walk from the root (first child first), 10 units apart; each merge a
//! `⊓` from its two children up to its distance. With `truncate(p)` only
//! the last `p − 1` merges are drawn, over the `p` clusters they join
//! (scipy's `truncate_mode="lastp"`).
//!
//! Ward distances under a connectivity constraint need not grow with the
//! merges: a cluster can be joined at a smaller distance than one of its
//! parts was made at, and its `⊓` then points down. The figure draws what
//! the tree holds and says so in its caption.
//!
//! ```
//! use agglo_plot::Dendrogram;
//!
//! // Four points: (0, 1) at 1.0, (2, 3) at 2.0, then both at 5.0.
//! let tree = Dendrogram::new(4, &[[0, 1], [2, 3], [4, 5]], &[1.0, 2.0, 5.0])?
//!     .title("four points");
//! let png = tree.render_png()?;
//! assert_eq!(&png[1..4], b"PNG");
//! assert!(tree.render_svg()?.contains("<path"));
//! # Ok::<(), agglo_plot::PlotError>(())
//! ```

use std::fmt::Write;

use crate::raster::{Canvas, Rgba};
use crate::svg::{document_start, num, text_path};
use crate::text::{self, TextLayout};
use crate::PlotError;

const WIDTH_IN: f64 = 8.0;
const HEIGHT_IN: f64 = 4.5;
const DPI: f64 = 100.0;
/// matplotlib's first colour (`C0`), and black for the axes and text.
const LINE: Rgba = [31, 119, 180, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
/// Margins in pixels: left (tick labels), right, top (title), bottom.
const MARGINS: [f64; 4] = [72.0, 16.0, 40.0, 46.0];

/// A merge tree to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Dendrogram {
    n_leaves: usize,
    children: Vec<[usize; 2]>,
    distances: Vec<f64>,
    truncate: Option<usize>,
    title: String,
}

/// A text placed on the canvas: left end of its advance box and baseline,
/// pixels from the left and from the bottom.
struct Placed {
    layout: TextLayout,
    x: f64,
    y_up: f64,
}

/// Everything resolved: filled rectangles (pixels, y down) and texts.
struct Drawing {
    width: usize,
    height: usize,
    lines: Vec<[f64; 4]>,
    frame: Vec<[f64; 4]>,
    texts: Vec<Placed>,
}

impl Dendrogram {
    /// The tree of `n_leaves` leaves merged by `children` (scikit-learn's
    /// `children_`, node `n_leaves + k` made by merge `k`) at `distances`.
    ///
    /// # Errors
    /// [`PlotError::InvalidTree`] unless the tree is full (`n_leaves − 1`
    /// merges, at least one), every id refers to an earlier node, no node
    /// is merged twice, and the distances are finite and as many.
    pub fn new(
        n_leaves: usize,
        children: &[[usize; 2]],
        distances: &[f64],
    ) -> Result<Self, PlotError> {
        let invalid = |why: String| Err(PlotError::InvalidTree(why));
        if n_leaves < 2 || children.len() + 1 != n_leaves {
            return invalid(format!(
                "a dendrogram needs the whole tree: {} merges for {n_leaves} leaves",
                children.len()
            ));
        }
        if distances.len() != children.len() {
            return invalid(format!(
                "{} distances for {} merges",
                distances.len(),
                children.len()
            ));
        }
        if let Some(d) = distances.iter().find(|d| !d.is_finite()) {
            return invalid(format!("distance {d} is not finite"));
        }
        let mut used = vec![false; 2 * n_leaves - 1];
        for (k, &[a, b]) in children.iter().enumerate() {
            for c in [a, b] {
                if c >= n_leaves + k || used[c] || a == b {
                    return invalid(format!("merge {k} joins {a} and {b}"));
                }
                used[c] = true;
            }
        }
        Ok(Dendrogram {
            n_leaves,
            children: children.to_vec(),
            distances: distances.to_vec(),
            truncate: None,
            title: String::new(),
        })
    }

    /// Draws only the last `p − 1` merges, over the `p` clusters they join
    /// (all of the tree when `p` is at least the number of leaves).
    #[must_use]
    pub fn truncate(mut self, p: usize) -> Self {
        self.truncate = Some(p.max(2));
        self
    }

    /// The title above the plot.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The figure as PNG bytes (800 × 450 pixels).
    ///
    /// # Errors
    /// [`PlotError::Png`] if encoding fails; text the font cannot lay out.
    pub fn render_png(&self) -> Result<Vec<u8>, PlotError> {
        let drawing = self.drawing()?;
        let mut canvas = Canvas::new(drawing.width, drawing.height, WHITE);
        for &[x0, y0, x1, y1] in &drawing.lines {
            canvas.fill_rect_aa(x0, y0, x1, y1, LINE);
        }
        for &[x0, y0, x1, y1] in &drawing.frame {
            canvas.fill_rect_aa(x0, y0, x1, y1, BLACK);
        }
        for placed in &drawing.texts {
            let rasterizer = text::GlyphRasterizer::new(&placed.layout);
            for glyph in &placed.layout.glyphs {
                let (ox, oy) = text::glyph_origin(glyph, placed.x, placed.y_up);
                rasterizer.rasterize(glyph, ox, oy, drawing.height as f64, |x, y, cover| {
                    canvas.blend(x, y, BLACK, cover);
                });
            }
        }
        crate::png::encode(&canvas, DPI)
    }

    /// The figure as a standalone SVG document: the links and the frame as
    /// filled paths, the text as glyph outlines.
    ///
    /// # Errors
    /// Text the font cannot lay out.
    pub fn render_svg(&self) -> Result<String, PlotError> {
        let drawing = self.drawing()?;
        let (w, h) = (drawing.width as f64, drawing.height as f64);
        let mut svg = document_start(WIDTH_IN, HEIGHT_IN, w, h);
        let rects = |rects: &[[f64; 4]]| {
            let mut d = String::new();
            for &[x0, y0, x1, y1] in rects {
                let _ = write!(
                    d,
                    "M{} {}H{}V{}H{}Z",
                    num(x0),
                    num(y0),
                    num(x1),
                    num(y1),
                    num(x0)
                );
            }
            d
        };
        let _ = writeln!(
            svg,
            r##" <path d="{}" fill="#1f77b4"/>"##,
            rects(&drawing.lines)
        );
        let _ = writeln!(
            svg,
            r##" <path d="{}" fill="#000000"/>"##,
            rects(&drawing.frame)
        );
        for placed in &drawing.texts {
            let _ = writeln!(
                svg,
                r##" <path d="{}" fill="#000000"/>"##,
                text_path(&placed.layout, placed.x, placed.y_up, h)
            );
        }
        svg.push_str("</svg>\n");
        Ok(svg)
    }

    /// The leaves drawn, the merges drawn (indices into `children`) and each
    /// drawn node's x position in scipy's units (leaf `i` at `5 + 10 i`).
    fn layout(&self) -> (usize, usize, Vec<f64>) {
        let n = self.n_leaves;
        let p = self.truncate.unwrap_or(n).min(n);
        let first = n - p; // merges folded into the clusters shown as leaves
        let mut x = vec![f64::NAN; 2 * n - 1];
        // A walk from the root, first child first, stopping at shown leaves.
        let mut stack = vec![2 * n - 2];
        let mut next_leaf = 0usize;
        let mut order = Vec::new();
        while let Some(node) = stack.pop() {
            if node < n || node - n < first {
                x[node] = 5.0 + 10.0 * next_leaf as f64;
                next_leaf += 1;
            } else {
                let [a, b] = self.children[node - n];
                order.push(node);
                stack.push(b);
                stack.push(a);
            }
        }
        for &node in order.iter().rev() {
            let [a, b] = self.children[node - n];
            x[node] = f64::midpoint(x[a], x[b]);
        }
        (p, first, x)
    }

    fn drawing(&self) -> Result<Drawing, PlotError> {
        let (width, height) = (WIDTH_IN * DPI, HEIGHT_IN * DPI);
        let [left, right, top, bottom] = MARGINS;
        let n = self.n_leaves;
        let (p, first, x) = self.layout();
        let height_of = |node: usize| {
            if node < n || node - n < first {
                0.0
            } else {
                self.distances[node - n]
            }
        };
        let shown = &self.distances[first..];
        let low = shown.iter().copied().fold(0.0f64, f64::min);
        let high = shown.iter().copied().fold(0.0f64, f64::max);
        let (low, high) = if high > low {
            (low, high)
        } else {
            (low, low + 1.0)
        };
        let span = high - low;
        let (y_min, y_max) = (low - 0.02 * span, high + 0.05 * span);
        let x_max = 10.0 * p as f64;
        let px = |ux: f64| left + ux / x_max * (width - left - right);
        // y down on the canvas.
        let py = |uy: f64| top + (y_max - uy) / (y_max - y_min) * (height - top - bottom);
        let lw = 1.25;
        let hw = lw / 2.0;
        let mut lines = Vec::new();
        for node in (n + first)..(2 * n - 1) {
            let [a, b] = self.children[node - n];
            let (xa, xb, yn) = (px(x[a]), px(x[b]), py(height_of(node)));
            let (ya, yb) = (py(height_of(a)), py(height_of(b)));
            lines.push([xa - hw, ya.min(yn) - hw, xa + hw, ya.max(yn) + hw]);
            lines.push([xb - hw, yb.min(yn) - hw, xb + hw, yb.max(yn) + hw]);
            lines.push([xa.min(xb) - hw, yn - hw, xa.max(xb) + hw, yn + hw]);
        }
        let (x0, x1, y0, y1) = (left, width - right, top, height - bottom);
        let frame_w = 0.8;
        let mut frame = vec![
            [x0 - frame_w / 2.0, y0, x0 + frame_w / 2.0, y1],
            [x0, y1 - frame_w / 2.0, x1, y1 + frame_w / 2.0],
        ];
        let mut texts = Vec::new();
        for tick in nice_ticks(y_min, y_max) {
            let y = py(tick);
            frame.push([x0 - 4.0, y - frame_w / 2.0, x0, y + frame_w / 2.0]);
            let layout = text::layout(&format_tick(tick), 9.0, DPI)?;
            texts.push(Placed {
                x: x0 - 7.0 - layout.width,
                y_up: height - y - 3.0,
                layout,
            });
        }
        if !self.title.is_empty() {
            let layout = text::layout(&self.title, 12.0, DPI)?;
            texts.push(Placed {
                x: f64::midpoint(x0, x1) - layout.width / 2.0,
                y_up: height - top + 14.0,
                layout,
            });
        }
        let caption = if p < n {
            format!(
                "the last {} merges, over {p} clusters; height: merge distance",
                p - 1
            )
        } else {
            format!("{n} leaves; height: merge distance")
        };
        let decreasing = self.children[first..]
            .iter()
            .enumerate()
            .any(|(k, &[a, b])| {
                let d = self.distances[first + k];
                height_of(a) > d || height_of(b) > d
            });
        let caption = if decreasing {
            format!("{caption} (not monotone: some merges are lower than their parts)")
        } else {
            caption
        };
        let layout = text::layout(&caption, 9.0, DPI)?;
        texts.push(Placed {
            x: f64::midpoint(x0, x1) - layout.width / 2.0,
            y_up: bottom - 28.0,
            layout,
        });
        Ok(Drawing {
            width: width as usize,
            height: height as usize,
            lines,
            frame,
            texts,
        })
    }
}

/// Round tick values (1, 2 or 5 times a power of ten apart) inside
/// `[low, high]`, about five of them.
fn nice_ticks(low: f64, high: f64) -> Vec<f64> {
    let raw = (high - low) / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power);
    let mut ticks = Vec::new();
    let mut t = (low / step).ceil() * step;
    while t <= high + step * 1e-9 {
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    ticks
}

fn format_tick(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if v.abs() >= 1e6 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Dendrogram {
        let children: Vec<[usize; 2]> = (0..n - 1)
            .map(|k| if k == 0 { [0, 1] } else { [n + k - 1, k + 1] })
            .collect();
        let distances: Vec<f64> = (0..n - 1).map(|k| k as f64 + 1.0).collect();
        Dendrogram::new(n, &children, &distances).unwrap()
    }

    #[test]
    fn leaves_are_placed_in_walk_order_and_merges_above_their_children() {
        let tree = Dendrogram::new(4, &[[2, 3], [0, 4], [1, 5]], &[1.0, 2.0, 3.0]).unwrap();
        let (p, first, x) = tree.layout();
        assert_eq!((p, first), (4, 0));
        // Root 6 = (1, 5); 5 = (0, 4); 4 = (2, 3): leaves 1, 0, 2, 3.
        assert_eq!(&x[..4], &[15.0, 5.0, 25.0, 35.0]);
        assert_eq!(x[4], 30.0);
        assert_eq!(x[5], 22.5);
        assert_eq!(x[6], 13.75);
    }

    #[test]
    fn truncation_draws_the_last_merges_over_clusters() {
        let tree = chain(1000).truncate(10);
        let (p, first, x) = tree.layout();
        assert_eq!((p, first), (10, 990));
        let drawing = tree.drawing().unwrap();
        assert_eq!(drawing.lines.len(), 3 * 9);
        assert!(x[..1000].iter().filter(|v| !v.is_nan()).count() == 9);
    }

    #[test]
    fn partial_and_broken_trees_are_refused() {
        assert!(Dendrogram::new(4, &[[0, 1], [2, 3]], &[1.0, 2.0]).is_err());
        assert!(Dendrogram::new(3, &[[0, 1], [0, 2]], &[1.0, 2.0]).is_err());
        assert!(Dendrogram::new(3, &[[0, 1], [3, 2]], &[1.0, f64::NAN]).is_err());
        assert!(Dendrogram::new(3, &[[0, 4], [3, 2]], &[1.0, 2.0]).is_err());
    }

    #[test]
    fn ticks_are_round_numbers_inside_the_range() {
        assert_eq!(nice_ticks(0.0, 10.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(-0.1, 1.05), [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(0.0, 1.2).len(), 3);
        assert_eq!(format_tick(0.6000000000000001), "0.6");
        assert_eq!(format_tick(2.5e7), "2.50e7");
    }

    #[test]
    fn both_formats_render_and_a_decreasing_merge_is_noted() {
        let tree = Dendrogram::new(3, &[[0, 1], [3, 2]], &[2.0, 1.0])
            .unwrap()
            .title("t");
        let png = tree.render_png().unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg = tree.render_svg().unwrap();
        assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
        let drawing = tree.drawing().unwrap();
        let caption = drawing.texts.last().unwrap();
        assert!(caption.layout.width > 0.0);
    }
}
