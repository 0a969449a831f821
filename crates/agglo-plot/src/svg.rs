//! SVG output: the same scene as the PNG, as vector shapes.
//!
//! The document is `width_in` x `height_in` inches (in `pt`, as matplotlib's
//! SVG backend sizes it) with a `viewBox` in canvas pixels, so coordinates
//! match the PNG. Image cells are `<rect>`s with `shape-rendering="crispEdges"`,
//! axes frames are filled rectangles, and titles are glyph outlines
//! (`<path>`), so nothing depends on fonts installed where it is viewed.

use std::fmt::Write;

use crate::figure::Scene;
use crate::text::{self, PathSegment};

/// Formats a coordinate with at most 4 decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{:.4}", v);
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

pub(crate) fn render(scene: &Scene, width_in: f64, height_in: f64) -> String {
    let (w, h) = (scene.width as f64, scene.height as f64);
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        svg,
        r##"<?xml version="1.0" encoding="utf-8" standalone="no"?>"##
    );
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{}pt" height="{}pt" viewBox="0 0 {} {}">"##,
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
    for (i, panel) in scene.panels.iter().enumerate() {
        let ax = panel.ax;
        let (top, left) = (h - ax.y1, ax.x0);
        let (rows, cols) = panel.colors.dim();
        let (cw, ch) = (ax.width() / cols as f64, ax.height() / rows as f64);
        let _ = writeln!(svg, r##" <g id="axes_{}">"##, i + 1);
        let _ = writeln!(
            svg,
            r##"  <clipPath id="clip_{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"##,
            i + 1,
            num(left),
            num(top),
            num(ax.width()),
            num(ax.height())
        );
        let _ = writeln!(
            svg,
            r##"  <g clip-path="url(#clip_{})" shape-rendering="crispEdges">"##,
            i + 1
        );
        for ((r, c), color) in panel.colors.indexed_iter() {
            if let Some(color) = color {
                let _ = writeln!(
                    svg,
                    r##"   <rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"##,
                    num(left + c as f64 * cw),
                    num(top + r as f64 * ch),
                    num(cw),
                    num(ch),
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
        let _ = writeln!(svg, r##"  <path d="{}" fill="#000000"/>"##, frame);
        if let Some(title) = &panel.title {
            let mut d = String::new();
            for glyph in &title.layout.glyphs {
                let (ox, oy) = text::glyph_origin(glyph, title.x, title.y_up, h);
                for seg in text::glyph_outline(&title.layout, glyph, ox, oy) {
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
    svg.push_str("</svg>\n");
    svg
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
