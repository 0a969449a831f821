//! PNG encoding of a rendered canvas.

use crate::raster::Canvas;
use crate::PlotError;

/// Encodes the canvas as an 8-bit RGBA PNG with its resolution (`pHYs`) set
/// from `dpi`, as matplotlib's `savefig` does. The output depends only on the
/// pixels and `dpi`.
pub(crate) fn encode(canvas: &Canvas, dpi: f64) -> Result<Vec<u8>, PlotError> {
    let mut out = Vec::new();
    {
        let mut encoder =
            png::Encoder::new(&mut out, canvas.width() as u32, canvas.height() as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        // Pixels per metre, as matplotlib writes it: round(dpi / 0.0254).
        let ppm = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        encoder.add_text_chunk(
            "Software".to_string(),
            concat!("agglo-plot ", env!("CARGO_PKG_VERSION")).to_string(),
        )?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(canvas.data())?;
        writer.finish()?;
    }
    Ok(out)
}
