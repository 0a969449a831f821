//! Text with the embedded DejaVu Sans, laid out like matplotlib's Agg backend.
//!
//! matplotlib (3.11, `text.hinting: default`) asks FreeType for the font at
//! `size * dpi / 72` pixels per em. DejaVu Sans sets the TrueType flag "force
//! ppem to integer", so FreeType rounds that to whole pixels (12 pt at
//! 100 dpi: 16.67 → 17 px/em). Glyph advances are hinted, i.e. rounded to
//! whole pixels, kerning pairs from the `kern` table are added unrounded
//! (26.6 fixed point, scaled at the requested rather than the rounded size), and each glyph is rendered at its pen position rounded
//! to 1/64 px. This module repeats that arithmetic (layout with `ab_glyph`),
//! hints glyphs with `skrifa`'s emulation of FreeType's TrueType interpreter,
//! flattens curves as FreeType's smooth rasteriser does, and computes exact
//! area coverage with `ab_glyph_rasterizer`. SVG output uses the unhinted
//! outlines.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{
    DrawSettings, Engine, HintingInstance, HintingOptions, OutlinePen, SmoothMode, Target,
};
use skrifa::MetadataProvider;

use crate::PlotError;

/// The embedded font (DejaVu Sans 2.37, from the `dejavu` crate).
fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        // The bytes are a fixed, valid TrueType file shipped with the crate.
        FontRef::try_from_slice(dejavu::sans::regular()).expect("embedded DejaVu Sans parses")
    })
}

/// FreeType's `FT_MulFix`: `a * b / 65536`, rounded half away from zero.
fn mul_fix(a: i64, b: i64) -> i64 {
    let sign = if (a < 0) == (b < 0) { 1 } else { -1 };
    let product = a.abs() * b.abs();
    sign * ((product + 0x8000) >> 16)
}

/// FreeType's `FT_DivFix`: `a * 65536 / b`, rounded.
fn div_fix(a: i64, b: i64) -> i64 {
    let sign = if (a < 0) == (b < 0) { 1 } else { -1 };
    let (a, b) = (a.abs(), b.abs());
    sign * (((a << 16) + (b >> 1)) / b)
}

/// One positioned glyph of a laid-out string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlacedGlyph {
    pub(crate) id: GlyphId,
    /// Pen position from the start of the string, in 26.6 fixed point.
    pub(crate) x26: i64,
}

/// A single line of text laid out at one size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLayout {
    pub(crate) glyphs: Vec<PlacedGlyph>,
    /// Advance width of the whole string in pixels (`get_width_height()[0] / 64`).
    pub(crate) width: f64,
    /// Pixels per font unit.
    pub(crate) scale: f64,
    /// Pixels per em (FreeType's ppem after rounding).
    pub(crate) ppem: f64,
}

/// Lays out `text` at `size_pt` points and `dpi` as matplotlib's Agg backend
/// does with FreeType. Characters the font lacks use its `.notdef` glyph.
///
/// # Errors
/// [`PlotError::InvalidFontSize`] for a size that is not positive and finite.
pub(crate) fn layout(text: &str, size_pt: f64, dpi: f64) -> Result<TextLayout, PlotError> {
    if !(size_pt.is_finite() && size_pt > 0.0 && size_pt < 1.0e4) {
        return Err(PlotError::InvalidFontSize(size_pt));
    }
    let font = font();
    let units_per_em = font.units_per_em().unwrap_or(2048.0) as i64;
    // FT_Set_Char_Size(face, size * 64, 0, dpi, dpi) -> FT_Request_Size.
    let char_size = (size_pt * 64.0) as i64;
    let resolution = dpi as i64;
    let requested26 = (char_size * resolution + 36) / 72;
    let ppem26 = if force_integer_ppem() {
        (requested26 + 32) & !63
    } else {
        requested26
    };
    // Hinted glyphs (outlines, advances) use the rounded ppem; the size's
    // public metrics, which FT_Get_Kerning scales by, keep the requested one.
    let x_scale = div_fix(ppem26, units_per_em);
    let kern_scale = div_fix(requested26, units_per_em);
    let mut glyphs = Vec::new();
    let mut pen = 0i64;
    let mut previous: Option<GlyphId> = None;
    for ch in text.chars() {
        let id = font.glyph_id(ch);
        if let Some(prev) = previous {
            pen += mul_fix(font.kern_unscaled(prev, id) as i64, kern_scale);
        }
        glyphs.push(PlacedGlyph { id, x26: pen });
        let advance = mul_fix(font.h_advance_unscaled(id) as i64, x_scale);
        // Hinted advances are rounded to whole pixels.
        pen += (advance + 32) & !63;
        previous = Some(id);
    }
    let ppem = ppem26 as f64 / 64.0;
    Ok(TextLayout {
        glyphs,
        width: pen as f64 / 64.0,
        scale: ppem / units_per_em as f64,
        ppem,
    })
}

/// Bit 3 of the `head` table flags: "force ppem to integer values".
fn force_integer_ppem() -> bool {
    let data = dejavu::sans::regular();
    head_flags(data).is_some_and(|flags| flags & 0x8 != 0)
}

/// The `flags` field of the `head` table of a TrueType file.
fn head_flags(data: &[u8]) -> Option<u16> {
    let read_u16 = |at: usize| {
        data.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let read_u32 = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let tables = usize::from(read_u16(4)?);
    (0..tables).find_map(|i| {
        let record = 12 + 16 * i;
        (data.get(record..record + 4)? == b"head")
            .then(|| read_u32(record + 8))
            .flatten()
            .and_then(|offset| read_u16(offset as usize + 16))
    })
}

/// Where glyph `glyph` lands when the string starts at `x` (pixels from the
/// left) with its baseline at `y_up` (pixels from the bottom): the origin,
/// still measured from the bottom, rounded to 1/64 px as matplotlib's
/// `round(0x40 * ...)` (ties to even) does.
pub(crate) fn glyph_origin(glyph: &PlacedGlyph, x: f64, y_up: f64) -> (f64, f64) {
    let ox = (64.0 * (x + glyph.x26 as f64 / 64.0)).round_ties_even() / 64.0;
    let oy = (64.0 * y_up).round_ties_even() / 64.0;
    (ox, oy)
}

/// Rasterises glyphs as matplotlib's FreeType does: the TrueType bytecode
/// hints (FreeType's v40 interpreter, emulated by `skrifa`) at the rounded
/// ppem, the hinted outline moved to the pen position, quadratic curves split
/// into `2^k` equal steps until the chord deviation is at most 1/4 px (points
/// floored to 1/256 px), and exact area coverage (`ab_glyph_rasterizer`).
pub(crate) struct GlyphRasterizer {
    hinter: Option<HintingInstance>,
    ppem: f32,
}

impl GlyphRasterizer {
    /// A rasteriser for glyphs of `layout`'s size.
    pub(crate) fn new(layout: &TextLayout) -> GlyphRasterizer {
        let ppem = layout.ppem as f32;
        let options = HintingOptions {
            engine: Engine::Interpreter,
            target: Target::Smooth {
                mode: SmoothMode::Normal,
                symmetric_rendering: true,
                preserve_linear_metrics: false,
            },
        };
        let outlines = skrifa_font().outline_glyphs();
        let hinter =
            HintingInstance::new(&outlines, Size::new(ppem), LocationRef::default(), options).ok();
        GlyphRasterizer { hinter, ppem }
    }

    /// Rasterises `glyph` with its origin at `(ox, oy)` (pixels from the left
    /// and from the bottom, multiples of 1/64) on a canvas `canvas_height`
    /// pixels high, calling `plot(x, y, coverage)` (y from the top) with
    /// 8-bit coverage `floor(area * 256)`, capped at 255.
    pub(crate) fn rasterize(
        &self,
        glyph: &PlacedGlyph,
        ox: f64,
        oy: f64,
        canvas_height: f64,
        mut plot: impl FnMut(i64, i64, u8),
    ) {
        let outlines = skrifa_font().outline_glyphs();
        let Some(outline) = outlines.get(skrifa::GlyphId::new(u32::from(glyph.id.0))) else {
            return;
        };
        let origin = ((ox * 256.0).round() as i64, (oy * 256.0).round() as i64);
        let mut pen = FlatteningPen::new(origin);
        let hinted = self.hinter.as_ref().is_some_and(|hinter| {
            outline
                .draw(DrawSettings::hinted(hinter, false), &mut pen)
                .is_ok()
        });
        if !hinted {
            pen = FlatteningPen::new(origin);
            let unhinted = DrawSettings::unhinted(Size::new(self.ppem), LocationRef::default());
            if outline.draw(unhinted, &mut pen).is_err() {
                return;
            }
        }
        pen.close();
        let lines = pen.lines;
        if lines.is_empty() {
            return;
        }
        // Bitmap box in whole pixels (y up).
        let (mut x0, mut y0, mut x1, mut y1) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for &[ax, ay, bx, by] in &lines {
            x0 = x0.min(ax).min(bx);
            x1 = x1.max(ax).max(bx);
            y0 = y0.min(ay).min(by);
            y1 = y1.max(ay).max(by);
        }
        let (left, right) = (x0.div_euclid(256), (x1 + 255).div_euclid(256));
        let (bottom, top) = (y0.div_euclid(256), (y1 + 255).div_euclid(256));
        let (w, h) = ((right - left) as usize, (top - bottom) as usize);
        if w == 0 || h == 0 || w > 4096 || h > 4096 {
            return;
        }
        let to_point = |x: i64, y: i64| {
            ab_glyph_rasterizer::point(
                (x - left * 256) as f32 / 256.0,
                (top * 256 - y) as f32 / 256.0,
            )
        };
        let mut raster = ab_glyph_rasterizer::Rasterizer::new(w, h);
        for &[ax, ay, bx, by] in &lines {
            raster.draw_line(to_point(ax, ay), to_point(bx, by));
        }
        // A pixel row [Y, Y + 1) from the bottom is canvas row height - Y - 1.
        let first_row = canvas_height as i64 - top;
        raster.for_each_pixel_2d(|x, y, coverage| {
            let cover = (f64::from(coverage) * 256.0).floor().clamp(0.0, 255.0) as u8;
            if cover > 0 {
                plot(left + i64::from(x), first_row + i64::from(y), cover);
            }
        });
    }
}

/// The embedded font for `skrifa` (hinting).
fn skrifa_font() -> &'static skrifa::FontRef<'static> {
    static FONT: OnceLock<skrifa::FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        // The bytes are a fixed, valid TrueType file shipped with the crate.
        skrifa::FontRef::new(dejavu::sans::regular()).expect("embedded DejaVu Sans parses")
    })
}

/// Collects a glyph outline as straight lines in 1/256 px (y up), moved by
/// the origin, flattening curves the way FreeType's smooth rasteriser does.
struct FlatteningPen {
    origin: (i64, i64),
    start: (i64, i64),
    current: (i64, i64),
    open: bool,
    lines: Vec<[i64; 4]>,
}

impl FlatteningPen {
    fn new(origin: (i64, i64)) -> FlatteningPen {
        FlatteningPen {
            origin,
            start: (0, 0),
            current: (0, 0),
            open: false,
            lines: Vec::new(),
        }
    }

    fn point(&self, x: f32, y: f32) -> (i64, i64) {
        let scaled = |v: f32| (f64::from(v) * 256.0).round() as i64;
        (self.origin.0 + scaled(x), self.origin.1 + scaled(y))
    }

    fn line(&mut self, to: (i64, i64)) {
        if to != self.current {
            self.lines
                .push([self.current.0, self.current.1, to.0, to.1]);
        }
        self.current = to;
    }

    /// Number of equal parameter steps for a curve: `2^k`, `k` the number of
    /// quarterings that bring `deviation` (1/256 px) to at most 1/4 px.
    fn steps(mut deviation: i64) -> u32 {
        let mut k = 0;
        while deviation > 64 && k < 16 {
            deviation >>= 2;
            k += 1;
        }
        1 << k
    }
}

impl OutlinePen for FlatteningPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        let p = self.point(x, y);
        self.start = p;
        self.current = p;
        self.open = true;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.point(x, y);
        self.line(p);
    }

    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (self.current, self.point(cx, cy), self.point(x, y));
        let (ax, ay) = (p0.0 + p2.0 - 2 * p1.0, p0.1 + p2.1 - 2 * p1.1);
        let (bx, by) = (p1.0 - p0.0, p1.1 - p0.1);
        let n = Self::steps(ax.abs().max(ay.abs()));
        for i in 1..n {
            let t = f64::from(i) / f64::from(n);
            let px = p0.0 as f64 + 2.0 * bx as f64 * t + ax as f64 * t * t;
            let py = p0.1 as f64 + 2.0 * by as f64 * t + ay as f64 * t * t;
            self.line((px.floor() as i64, py.floor() as i64));
        }
        self.line(p2);
    }

    fn curve_to(&mut self, c1x: f32, c1y: f32, c2x: f32, c2y: f32, x: f32, y: f32) {
        // TrueType outlines have no cubic curves; other fonts get equal steps.
        let (p0, p1, p2, p3) = (
            self.current,
            self.point(c1x, c1y),
            self.point(c2x, c2y),
            self.point(x, y),
        );
        let dev = |a: i64, b: i64, c: i64, d: i64| (a - 2 * b + c).abs().max((b - 2 * c + d).abs());
        let n = Self::steps(dev(p0.0, p1.0, p2.0, p3.0).max(dev(p0.1, p1.1, p2.1, p3.1)));
        for i in 1..n {
            let t = f64::from(i) / f64::from(n);
            let mt = 1.0 - t;
            let bez = |a: i64, b: i64, c: i64, d: i64| {
                mt * mt * mt * a as f64
                    + 3.0 * mt * mt * t * b as f64
                    + 3.0 * mt * t * t * c as f64
                    + t * t * t * d as f64
            };
            let p = (
                bez(p0.0, p1.0, p2.0, p3.0).floor() as i64,
                bez(p0.1, p1.1, p2.1, p3.1).floor() as i64,
            );
            self.line(p);
        }
        self.line(p3);
    }

    fn close(&mut self) {
        if self.open {
            let start = self.start;
            self.line(start);
            self.open = false;
        }
    }
}

/// One step of a glyph outline, in pixels (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PathSegment {
    /// Start a new contour at the point.
    MoveTo(f64, f64),
    /// Straight line to the point.
    LineTo(f64, f64),
    /// Quadratic Bézier: control point, end point.
    QuadTo(f64, f64, f64, f64),
    /// Cubic Bézier: two control points, end point.
    CubicTo(f64, f64, f64, f64, f64, f64),
    /// Close the current contour.
    Close,
}

/// The outline of one glyph with its origin at `(ox, oy)` (pixels, y down).
pub(crate) fn glyph_outline(
    layout: &TextLayout,
    glyph: &PlacedGlyph,
    ox: f64,
    oy: f64,
) -> Vec<PathSegment> {
    let font = font();
    let s = layout.scale;
    let map = |p: ab_glyph::Point| (ox + f64::from(p.x) * s, oy - f64::from(p.y) * s);
    let mut path = Vec::new();
    let Some(outline) = font.outline(glyph.id) else {
        return path;
    };
    let mut current: Option<ab_glyph::Point> = None;
    let mut start: Option<ab_glyph::Point> = None;
    for curve in &outline.curves {
        if let OutlineCurve::Line(a, b) = *curve {
            if a == b {
                continue; // ab_glyph closes contours with a zero-length line
            }
        }
        let (first, last) = match *curve {
            OutlineCurve::Line(a, b) => (a, b),
            OutlineCurve::Quad(a, _, c) => (a, c),
            OutlineCurve::Cubic(a, _, _, d) => (a, d),
        };
        if current != Some(first) {
            if current.is_some() {
                path.push(PathSegment::Close);
            }
            let (x, y) = map(first);
            path.push(PathSegment::MoveTo(x, y));
            start = Some(first);
        }
        match *curve {
            OutlineCurve::Line(_, b) => {
                let (x, y) = map(b);
                path.push(PathSegment::LineTo(x, y));
            }
            OutlineCurve::Quad(_, b, c) => {
                let ((bx, by), (cx, cy)) = (map(b), map(c));
                path.push(PathSegment::QuadTo(bx, by, cx, cy));
            }
            OutlineCurve::Cubic(_, b, c, d) => {
                let ((bx, by), (cx, cy), (dx, dy)) = (map(b), map(c), map(d));
                path.push(PathSegment::CubicTo(bx, by, cx, cy, dx, dy));
            }
        }
        current = Some(last);
        if current == start {
            path.push(PathSegment::Close);
            current = None;
            start = None;
        }
    }
    if current.is_some() {
        path.push(PathSegment::Close);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_matplotlib_layout() {
        // FT2Font._layout positions from matplotlib 3.11 at 12 pt, 100 dpi.
        let l = layout("Agglomerated data", 12.0, 100.0).unwrap();
        assert_eq!(l.ppem, 17.0);
        let xs: Vec<f64> = l.glyphs.iter().map(|g| g.x26 as f64 / 64.0).collect();
        assert_eq!(xs[..7], [0.0, 12.0, 23.0, 34.0, 39.0, 49.0, 66.0]);
        assert_eq!(l.width, 164.0);
        assert_eq!(layout("Original data", 12.0, 100.0).unwrap().width, 110.0);
        assert_eq!(layout("Labels", 12.0, 100.0).unwrap().width, 54.0);
    }

    #[test]
    fn kerning_is_unfitted() {
        let l = layout("AVATo", 12.0, 100.0).unwrap();
        let xs: Vec<f64> = l.glyphs.iter().map(|g| g.x26 as f64 / 64.0).collect();
        assert_eq!(xs, [0.0, 10.9375, 21.875, 32.578125, 39.75]);
        assert_eq!(l.width, 49.75);
    }

    #[test]
    fn bad_sizes() {
        assert!(layout("x", f64::NAN, 100.0).is_err());
        assert!(layout("x", 0.0, 100.0).is_err());
    }

    #[test]
    fn outline_is_closed() {
        let l = layout("O", 12.0, 100.0).unwrap();
        let path = glyph_outline(&l, &l.glyphs[0], 0.0, 20.0);
        assert!(matches!(path[0], PathSegment::MoveTo(..)));
        assert_eq!(
            path.iter()
                .filter(|s| matches!(s, PathSegment::Close))
                .count(),
            2
        );
    }
}
