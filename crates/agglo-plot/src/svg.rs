//! SVG output: the same scene as the PNG, as vector shapes.
//!
//! The document is `width_in` x `height_in` inches (in `pt`, as matplotlib's
//! SVG backend sizes it) with a `viewBox` in canvas pixels, so coordinates
//! match the PNG. Image cells are `<rect>`s on whole pixels — exactly the
//! pixels that show the cell in the PNG — with `shape-rendering="crispEdges"`,
//! axes frames are filled rectangles, and titles are glyph outlines
//! (`<path>`), so nothing depends on fonts installed where it is viewed.

use std::fmt::Write;

use crate::image::pixel_map;
use crate::scene::Scene;
use crate::text::{self, PathSegment};

/// Formats a coordinate with at most 4 decimals and no trailing zeros.
pub(crate) fn num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn hex(c: [u8; 4]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Escapes text for an XML attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// For each of `n` cells, the screen pixels `[first, last + 1)` that show it,
/// from the nearest-neighbour map `cells` starting at pixel `start`.
fn spans(start: i64, cells: &[usize], n: usize) -> Vec<Option<(i64, i64)>> {
    let mut out: Vec<Option<(i64, i64)>> = vec![None; n];
    for (k, &cell) in cells.iter().enumerate() {
        let p = start + k as i64;
        let span = out[cell].get_or_insert((p, p + 1));
        span.0 = span.0.min(p);
        span.1 = span.1.max(p + 1);
    }
    out
}

/// The XML declaration, the `<svg>` element (`width_in` x `height_in`
/// inches, a `viewBox` of `w` x `h` canvas pixels) and a white background.
pub(crate) fn document_start(width_in: f64, height_in: f64, w: f64, h: f64) -> String {
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        svg,
        r#"<?xml version="1.0" encoding="utf-8" standalone="no"?>"#
    );
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{}pt" height="{}pt" viewBox="0 0 {} {}">"#,
        num(width_in * 72.0),
        num(height_in * 72.0),
        num(w),
        num(h)
    );
    let _ = writeln!(
        svg,
        r##" <rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        num(w),
        num(h)
    );
    svg
}

pub(crate) fn render(scene: &Scene, width_in: f64, height_in: f64) -> String {
    let (w, h) = (scene.width as f64, scene.height as f64);
    let mut svg = document_start(width_in, height_in, w, h);
    for (i, panel) in scene.panels.iter().enumerate() {
        let (rows, cols) = panel.colors.dim();
        let map = pixel_map(panel.ax, rows, cols, scene.width, scene.height);
        // Each cell covers the whole screen pixels that show it in the PNG.
        let col_spans = spans(map.x_start, &map.cols, cols);
        let row_spans = spans(map.y_start, &map.rows, rows);
        let _ = writeln!(svg, r#" <g id="axes_{}">"#, i + 1);
        let _ = writeln!(svg, r#"  <g shape-rendering="crispEdges">"#);
        for ((r, c), color) in panel.colors.indexed_iter() {
            if let (Some(color), Some((y0, y1)), Some((x0, x1))) =
                (color, row_spans[r], col_spans[c])
            {
                let _ = writeln!(
                    svg,
                    r#"   <rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                    x0,
                    y0,
                    x1 - x0,
                    y1 - y0,
                    hex(*color)
                );
            }
        }
        let _ = writeln!(svg, "  </g>");
        let mut frame = String::new();
        for [x0, y0, x1, y1] in panel.spines {
            let _ = write!(
                frame,
                "M{} {}H{}V{}H{}Z",
                num(x0),
                num(y0),
                num(x1),
                num(y1),
                num(x0)
            );
        }
        let _ = writeln!(svg, r##"  <path d="{frame}" fill="#000000"/>"##);
        if let Some(title) = &panel.title {
            let d = text_path(&title.layout, title.x, title.y_up, h);
            let _ = writeln!(
                svg,
                r##"  <path d="{}" fill="#000000" role="img" aria-label="{}"><title>{}</title></path>"##,
                d,
                escape(&title.text),
                escape(&title.text)
            );
        }
        let _ = writeln!(svg, " </g>");
    }
    for text in &scene.texts {
        let d = text_path(&text.layout, text.x, text.y_up, h);
        let _ = writeln!(
            svg,
            r##" <path d="{}" fill="#000000" role="img" aria-label="{}"><title>{}</title></path>"##,
            d,
            escape(&text.text),
            escape(&text.text)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The glyph outlines of `layout` as one SVG path, the string starting at
/// `x` on the baseline `y_up` (pixels from the bottom of a canvas `h` high).
pub(crate) fn text_path(layout: &text::TextLayout, x: f64, y_up: f64, h: f64) -> String {
    let mut d = String::new();
    for glyph in &layout.glyphs {
        let (ox, oy) = text::glyph_origin(glyph, x, y_up);
        for seg in text::glyph_outline(layout, glyph, ox, h - oy) {
            match seg {
                PathSegment::MoveTo(x, y) => {
                    let _ = write!(d, "M{} {}", num(x), num(y));
                }
                PathSegment::LineTo(x, y) => {
                    let _ = write!(d, "L{} {}", num(x), num(y));
                }
                PathSegment::QuadTo(a, b, x, y) => {
                    let _ = write!(d, "Q{} {} {} {}", num(a), num(b), num(x), num(y));
                }
                PathSegment::CubicTo(a, b, c, e, x, y) => {
                    let _ = write!(
                        d,
                        "C{} {} {} {} {} {}",
                        num(a),
                        num(b),
                        num(c),
                        num(e),
                        num(x),
                        num(y)
                    );
                }
                PathSegment::Close => d.push('Z'),
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escapes() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.23456), "1.2346");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(escape("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}
