//! `agglo fit --figure`: the digits figure generalised to any data on a
//! 2-D grid (the 3-D one is in `brain_figure`).

use std::path::Path;

use agglo_plot::{Align, Colormap, Figure, Panel, SubplotParams, MAX_ASPECT};
use anyhow::Result;
use ndarray::{Array2, ArrayView2};

use crate::bad_input;

/// The first rows of X shown in the figure.
const SHOWN: usize = 4;

/// Whether the figure is SVG (else PNG), from the file name.
///
/// # Errors
/// An extension other than `.png` and `.svg`.
pub fn is_svg(path: &Path) -> Result<bool> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Ok(true),
        Some("png") => Ok(false),
        other => Err(bad_input(format!(
            "{}: a figure is written as .png or .svg, not {}",
            path.display(),
            other.map_or("a file without extension".to_string(), |e| format!(
                "'.{e}'"
            ))
        ))),
    }
}

/// Places values given for the points inside `inside` (row-major indices
/// of the grid) back onto the grid, NaN elsewhere (drawn blank).
fn on_grid(
    values: impl Iterator<Item = f64>,
    grid_size: usize,
    inside: Option<&[usize]>,
) -> Vec<f64> {
    match inside {
        None => values.collect(),
        Some(idx) => {
            let mut out = vec![f64::NAN; grid_size];
            for (&i, v) in idx.iter().zip(values) {
                out[i] = v;
            }
            out
        }
    }
}

/// A figure for data on a 2-D grid: up to four samples, the same
/// agglomerated, on one grey scale with its colour bar, and the label map.
///
/// # Errors
/// A rendering failure.
pub fn grid_2d(
    shape: (usize, usize),
    x: ArrayView2<'_, f64>,
    restored: ArrayView2<'_, f64>,
    labels: &[usize],
    inside: Option<&[usize]>,
    svg: bool,
) -> Result<Vec<u8>> {
    let size = shape.0 * shape.1;
    let shown = x.nrows().min(SHOWN);
    let image = |row: ndarray::ArrayView1<'_, f64>| {
        Array2::from_shape_vec(shape, on_grid(row.iter().copied(), size, inside))
            .expect("grid-sized")
    };
    let label_map = Array2::from_shape_vec(
        shape,
        on_grid(labels.iter().map(|&l| l as f64), size, inside),
    )
    .expect("grid-sized");
    // One grey scale for the originals and their agglomerated versions.
    let (originals, agglomerated) = (
        x.slice(ndarray::s![..shown, ..]),
        restored.slice(ndarray::s![..shown, ..]),
    );
    let finite = originals
        .iter()
        .chain(agglomerated.iter())
        .copied()
        .filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let cols = shown.max(1);
    let bar_in = 0.9;
    // Columns wide enough for the row titles, rows as tall as the images
    // (thin grids as bands) plus a title's room.
    let col_in = (2.2 / cols as f64).max(1.0);
    let width_in = col_in * cols as f64 + bar_in;
    let (r, c) = (shape.0 as f64, shape.1 as f64);
    let aspect = r.max(c / MAX_ASPECT) / c.max(r / MAX_ASPECT);
    let title_in = 0.32;
    let row_in = (0.83 * col_in * aspect).clamp(0.25, 3.0);
    let height_in = 3.0 * (row_in + title_in) + 0.1;
    let params = SubplotParams {
        left: 0.02,
        right: 1.0 - bar_in / width_in,
        bottom: 0.05 / height_in,
        top: 1.0 - title_in / height_in,
        wspace: 0.2,
        hspace: title_in / row_in,
    };
    let dpi = dpi_for(shape.0.max(shape.1), cols);
    let mut figure = Figure::new(width_in, height_in, dpi)
        .grid(3, cols)
        .subplots_adjust(params);
    for i in 0..shown {
        figure = figure
            .panel(Panel::new(0, i, image(x.row(i)).view()).vmin(lo).vmax(hi))
            .panel(
                Panel::new(1, i, image(restored.row(i)).view())
                    .vmin(lo)
                    .vmax(hi),
            );
    }
    let n_labels = labels.iter().max().map_or(0, |&m| m + 1);
    let label_col = (cols - 1) / 2;
    figure =
        figure.panel(Panel::new(2, label_col, label_map.view()).colormap(label_colormap(n_labels)));
    // Row titles over the panels actually drawn, the colour bar beside the
    // first two rows.
    let boxes = panel_boxes(3, cols, &params, shape, width_in, height_in)?;
    let title_pt = 10.0;
    let pad = 4.0 / 72.0 / height_in;
    let used = |row: usize, n: usize| {
        let first = boxes[row * cols];
        let last = boxes[row * cols + n - 1];
        (f64::midpoint(first.x0, last.x1), first.y1 + pad)
    };
    let (x0, y0) = used(0, shown.max(1));
    let (x1, y1) = used(1, shown.max(1));
    let (x2, y2) = {
        let b = boxes[2 * cols + label_col];
        (f64::midpoint(b.x0, b.x1), b.y1 + pad)
    };
    figure = figure
        .text(x0, y0, "Original data", title_pt, Align::Center)
        .text(x1, y1, "Agglomerated data", title_pt, Align::Center)
        .text(
            x2,
            y2,
            format!("Labels ({n_labels} clusters)"),
            title_pt,
            Align::Center,
        );
    let top = boxes[0].y1;
    let bottom = boxes[cols].y0;
    let bar_x0 = params.right + 0.18 / width_in;
    let bar_x1 = bar_x0 + 0.12 / width_in;
    let gradient = Array2::from_shape_fn((256, 1), |(r, _)| hi - (hi - lo) * r as f64 / 255.0);
    figure = figure.panel(
        Panel::new(0, 0, gradient.view())
            .vmin(lo)
            .vmax(hi)
            .placed(bar_x0, bottom, bar_x1, top)
            .name("colour bar"),
    );
    let tick_pt = 7.0;
    let baseline = 0.35 * tick_pt / 72.0 / height_in;
    for (value, y) in [
        (hi, top),
        (f64::midpoint(lo, hi), f64::midpoint(top, bottom)),
        (lo, bottom),
    ] {
        figure = figure.text(
            bar_x1 + 0.05 / width_in,
            y - baseline,
            tick_label(value),
            tick_pt,
            Align::Left,
        );
    }
    render(&figure, svg)
}

/// `nipy_spectral` for a few labels (as scikit-learn's example), agglo's
/// qualitative colours when neighbouring parcels would look alike.
pub(crate) fn label_colormap(n_labels: usize) -> Colormap {
    if n_labels <= 24 {
        Colormap::NipySpectral
    } else {
        Colormap::Parcels
    }
}

/// The boxes the image panels of a `nrows × ncols` grid take, for images
/// of `shape` (figure fractions).
fn panel_boxes(
    nrows: usize,
    ncols: usize,
    params: &SubplotParams,
    shape: (usize, usize),
    width_in: f64,
    height_in: f64,
) -> Result<Vec<agglo_plot::layout::Bbox>> {
    let (r, c) = (shape.0 as f64, shape.1 as f64);
    let (r, c) = (r.max(c / MAX_ASPECT), c.max(r / MAX_ASPECT));
    Ok(agglo_plot::layout::grid_cells(nrows, ncols, params)?
        .into_iter()
        .map(|cell| {
            agglo_plot::layout::image_axes_box(
                cell,
                r.round() as usize,
                c.round() as usize,
                width_in,
                height_in,
            )
        })
        .collect())
}

/// A colour-bar value in at most four significant digits, as `%.4g`.
fn tick_label(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs().log10().floor();
    if !(-4.0..4.0).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let decimals = (3.0 - magnitude).max(0.0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Enough pixels per panel to show every grid point of large images.
pub(crate) fn dpi_for(side: usize, cols: usize) -> f64 {
    let panel_px_at_100 = 88.0 * 4.0 / cols.max(4) as f64;
    (100.0 * (side as f64 / panel_px_at_100).ceil()).clamp(100.0, 600.0)
}

pub(crate) fn render(figure: &Figure, svg: bool) -> Result<Vec<u8>> {
    Ok(if svg {
        figure.render_svg()?.into_bytes()
    } else {
        figure.render_png()?
    })
}
