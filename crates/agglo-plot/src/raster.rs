//! An RGBA canvas that blends like matplotlib's Agg renderer.
//!
//! Rows run top to bottom. Blending uses Agg's 8-bit arithmetic with
//! matplotlib's `fixed_blender_rgba_plain` (non-premultiplied RGBA), and
//! antialiased rectangles get the coverage Agg's scanline rasteriser computes
//! for them: vertices rounded to 1/256 px, coverage `ceil(area * 256)`
//! capped at 255.

/// One pixel: red, green, blue, alpha.
pub(crate) type Rgba = [u8; 4];

/// Agg's `poly_subpixel_scale`: vertices are rounded to 1/256 px.
const SUBPIXEL: f64 = 256.0;

/// A `width` x `height` RGBA image, rows from the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Canvas {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub(crate) fn new(width: usize, height: usize, background: Rgba) -> Canvas {
        let mut data = Vec::with_capacity(width * height * 4);
        for _ in 0..width * height {
            data.extend_from_slice(&background);
        }
        Canvas {
            width,
            height,
            data,
        }
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn height(&self) -> usize {
        self.height
    }

    /// The RGBA bytes, row after row from the top.
    pub(crate) fn data(&self) -> &[u8] {
        &self.data
    }

    /// The pixel at column `x`, row `y` (from the top), if inside.
    #[cfg(test)]
    pub(crate) fn pixel(&self, x: usize, y: usize) -> Option<Rgba> {
        (x < self.width && y < self.height).then(|| {
            let i = (y * self.width + x) * 4;
            [
                self.data[i],
                self.data[i + 1],
                self.data[i + 2],
                self.data[i + 3],
            ]
        })
    }

    fn offset(&self, x: i64, y: i64) -> Option<usize> {
        let inside = x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height;
        inside.then(|| (y as usize * self.width + x as usize) * 4)
    }

    /// Blends `color` with coverage `cover` (0..=255) onto a pixel, as Agg's
    /// `blend_solid_hspan` does: an opaque colour at full coverage replaces the
    /// pixel, anything else goes through the fixed plain-RGBA blender.
    pub(crate) fn blend(&mut self, x: i64, y: i64, color: Rgba, cover: u8) {
        if color[3] == 0 || cover == 0 {
            return;
        }
        let Some(i) = self.offset(x, y) else { return };
        if color[3] == 255 && cover == 255 {
            self.data[i..i + 4].copy_from_slice(&color);
            return;
        }
        let alpha = mult_cover(color[3], cover);
        blend_plain(&mut self.data[i..i + 4], color, alpha);
    }

    /// Fills the rectangle `[x0, x1] x [y0, y1]` (pixels, y down) with
    /// antialiasing, as Agg rasterises such a polygon.
    pub(crate) fn fill_rect_aa(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgba) {
        let (ax, bx) = (upscale(x0.min(x1)), upscale(x0.max(x1)));
        let (ay, by) = (upscale(y0.min(y1)), upscale(y0.max(y1)));
        if ax == bx || ay == by {
            return;
        }
        let sub = SUBPIXEL as i64;
        let (px0, px1) = (ax.div_euclid(sub), (bx - 1).div_euclid(sub));
        let (py0, py1) = (ay.div_euclid(sub), (by - 1).div_euclid(sub));
        let px0 = px0.max(0);
        let py0 = py0.max(0);
        let px1 = px1.min(self.width as i64 - 1);
        let py1 = py1.min(self.height as i64 - 1);
        for py in py0..=py1 {
            let oy = overlap(ay, by, py * sub, sub);
            for px in px0..=px1 {
                let ox = overlap(ax, bx, px * sub, sub);
                // Agg traverses these rectangles clockwise: the negative area is
                // shifted (a floor) and negated, i.e. the coverage is rounded up.
                let cover = ((ox * oy + 255) >> 8).min(255) as u8;
                self.blend(px, py, color, cover);
            }
        }
    }
}

/// Agg's `iround(v * poly_subpixel_scale)`: round half away from zero.
fn upscale(v: f64) -> i64 {
    let s = v * SUBPIXEL;
    if s < 0.0 {
        (s - 0.5) as i64
    } else {
        (s + 0.5) as i64
    }
}

/// Length of `[a, b) ∩ [start, start + len)`.
fn overlap(a: i64, b: i64, start: i64, len: i64) -> i64 {
    (b.min(start + len) - a.max(start)).max(0)
}

/// Agg's `rgba8::multiply`: `a * b / 255`, rounded.
fn mult_cover(a: u8, b: u8) -> u8 {
    let t = u32::from(a) * u32::from(b) + 128;
    (((t >> 8) + t) >> 8) as u8
}

/// matplotlib's `fixed_blender_rgba_plain::blend_pix` (agg_workaround.h).
fn blend_plain(p: &mut [u8], color: Rgba, alpha: u8) {
    if alpha == 0 {
        return;
    }
    let alpha = i64::from(alpha);
    let a = i64::from(p[3]);
    let denom = ((alpha + a) << 8) - alpha * a;
    for k in 0..3 {
        let premul = i64::from(p[k]) * a;
        let c = i64::from(color[k]);
        p[k] = ((((c << 8) - premul) * alpha + (premul << 8)) / denom) as u8;
    }
    p[3] = (denom >> 8) as u8;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_full_cover_replaces() {
        let mut c = Canvas::new(2, 1, [255, 255, 255, 255]);
        c.blend(0, 0, [1, 2, 3, 255], 255);
        assert_eq!(c.pixel(0, 0), Some([1, 2, 3, 255]));
        assert_eq!(c.pixel(1, 0), Some([255, 255, 255, 255]));
    }

    #[test]
    fn partial_cover_on_white() {
        let mut c = Canvas::new(1, 1, [255, 255, 255, 255]);
        c.blend(0, 0, [0, 0, 0, 255], 14);
        // 65025 * (256 - 14) / (65280 + 14) = 241.0004 (integer division).
        assert_eq!(c.pixel(0, 0), Some([241, 241, 241, 255]));
    }

    #[test]
    fn rect_coverage() {
        let mut c = Canvas::new(4, 4, [255, 255, 255, 255]);
        c.fill_rect_aa(0.5, 1.0, 3.0, 2.0, [0, 0, 0, 255]);
        assert_eq!(c.pixel(1, 1), Some([0, 0, 0, 255]));
        assert_eq!(c.pixel(0, 1).map(|p| p[0]), Some(127));
        // A sliver of 14/256 x 14/256 px still gets coverage 1.
        c.fill_rect_aa(
            3.0 - 14.0 / 256.0,
            3.0 - 14.0 / 256.0,
            3.5,
            3.5,
            [0, 0, 0, 255],
        );
        assert_eq!(c.pixel(2, 2).map(|p| p[0]), Some(254));
        assert_eq!(c.pixel(3, 1), Some([255, 255, 255, 255]));
        assert_eq!(c.pixel(1, 0), Some([255, 255, 255, 255]));
        // Outside rectangles are ignored without panicking.
        c.fill_rect_aa(-10.0, -10.0, -5.0, 100.0, [0, 0, 0, 255]);
    }
}
