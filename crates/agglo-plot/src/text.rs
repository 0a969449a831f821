//! Text with the embedded DejaVu Sans, laid out like matplotlib's Agg backend.
//!
//! matplotlib (3.11, `text.hinting: default`) asks FreeType for the font at
//! `size * dpi / 72` pixels per em. DejaVu Sans sets the TrueType flag "force
//! ppem to integer", so FreeType rounds that to whole pixels (12 pt at
//! 100 dpi: 16.67 → 17 px/em). Glyph advances are hinted, i.e. rounded to
//! whole pixels, kerning pairs from the `kern` table are added unrounded
//! (26.6 fixed point, scaled at the requested rather than the rounded size), and each glyph is rendered at its pen position rounded
//! to 1/64 px. This module repeats that arithmetic; the glyph shapes come
//! unhinted from `ab_glyph`, so edges can differ slightly from FreeType's
//! hinted rendering.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, GlyphId, OutlineCurve, PxScale};

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
    let sign = if (a < 0) != (b < 0) { -1 } else { 1 };
    let product = a.abs() * b.abs();
    sign * ((product + 0x8000) >> 16)
}

/// FreeType's `FT_DivFix`: `a * 65536 / b`, rounded.
fn div_fix(a: i64, b: i64) -> i64 {
    let sign = if (a < 0) != (b < 0) { -1 } else { 1 };
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

/// Where glyph `glyph` of `layout` lands when the string starts at `x`
/// (pixels from the left) with its baseline at `y_up` (pixels from the
/// bottom) on a canvas `canvas_height` pixels high: the origin in pixels
/// from the top left, rounded to 1/64 px as matplotlib's
/// `round(0x40 * ...)` (ties to even) does.
pub(crate) fn glyph_origin(
    glyph: &PlacedGlyph,
    x: f64,
    y_up: f64,
    canvas_height: f64,
) -> (f64, f64) {
    let ox = (64.0 * (x + glyph.x26 as f64 / 64.0)).round_ties_even() / 64.0;
    let oy = (64.0 * y_up).round_ties_even() / 64.0;
    (ox, canvas_height - oy)
}

/// Rasterises one glyph with its origin at `(ox, oy)` (pixels, y down),
/// calling `plot(x, y, coverage)` with 8-bit coverage as FreeType's smooth
/// rasteriser reports it (`floor(area * 256)`, capped at 255).
pub(crate) fn rasterize_glyph(
    layout: &TextLayout,
    glyph: &PlacedGlyph,
    ox: f64,
    oy: f64,
    mut plot: impl FnMut(i64, i64, u8),
) {
    let font = font();
    let scale = px_scale(layout);
    let positioned = glyph
        .id
        .with_scale_and_position(scale, point(ox as f32, oy as f32));
    if let Some(outlined) = font.outline_glyph(positioned) {
        let bounds = outlined.px_bounds();
        let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
        outlined.draw(|x, y, coverage| {
            let cover = (f64::from(coverage) * 256.0).floor().clamp(0.0, 255.0) as u8;
            if cover > 0 {
                plot(left + i64::from(x), top + i64::from(y), cover);
            }
        });
    }
}

fn px_scale(layout: &TextLayout) -> PxScale {
    let font = font();
    let per_unit = layout.scale as f32;
    PxScale::from(per_unit * font.height_unscaled())
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
