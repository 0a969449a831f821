//! `agglo fit --figure`: the digits figure generalised to any data on a
//! 2-D grid, and label maps in slices for a 3-D grid.

use std::path::Path;

use agglo_plot::{Colormap, Figure, Panel, SubplotParams};
use anyhow::Result;
use ndarray::{Array2, ArrayView2, Axis};

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

/// A figure for data on a 2-D grid: up to four samples, the same restored,
/// and the label map, laid out as scikit-learn's example.
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
    let cols = shown.max(2);
    let mut figure = Figure::new(4.0, 3.5, dpi_for(shape.0.max(shape.1), cols))
        .grid(3, cols)
        .subplots_adjust(SubplotParams::FEATURE_AGGLOMERATION);
    let title_col = usize::from(cols > 1);
    for i in 0..shown {
        let mut original = Panel::new(0, i, image(x.row(i)).view());
        let mut agglomerated = Panel::new(1, i, image(restored.row(i)).view());
        if i == title_col {
            original = original.title("Original data");
            agglomerated = agglomerated.title("Agglomerated data");
        }
        figure = figure.panel(original).panel(agglomerated);
    }
    figure = figure.panel(
        Panel::new(2, title_col, label_map.view())
            .colormap(Colormap::NipySpectral)
            .title("Labels"),
    );
    render(&figure, svg)
}

/// Label maps of a 3-D grid in up to four slices along the last axis.
///
/// # Errors
/// A rendering failure.
pub fn grid_3d_labels(
    shape: &[usize],
    labels: &[usize],
    inside: Option<&[usize]>,
    svg: bool,
) -> Result<Vec<u8>> {
    let size: usize = shape.iter().product();
    let volume = ndarray::Array3::from_shape_vec(
        (shape[0], shape[1], shape[2]),
        on_grid(labels.iter().map(|&l| l as f64), size, inside),
    )
    .expect("grid-sized");
    let depth = shape[2];
    let n_slices = depth.min(SHOWN);
    let slices: Vec<usize> = (0..n_slices)
        .map(|i| (2 * i + 1) * depth / (2 * n_slices))
        .collect();
    // One colour scale for all slices: the overall label range.
    let (lo, hi) = labels
        .iter()
        .fold((usize::MAX, 0), |(lo, hi), &l| (lo.min(l), hi.max(l)));
    let mut figure = Figure::new(
        2.0 * n_slices as f64,
        2.3,
        dpi_for(shape[0].max(shape[1]), n_slices),
    )
    .grid(1, n_slices)
    .subplots_adjust(SubplotParams::FEATURE_AGGLOMERATION);
    for (col, &z) in slices.iter().enumerate() {
        let slice = volume.index_axis(Axis(2), z).to_owned();
        figure = figure.panel(
            Panel::new(0, col, slice.view())
                .colormap(Colormap::NipySpectral)
                .vmin(lo as f64)
                .vmax(hi.max(lo) as f64)
                .title(format!("labels, z = {z}")),
        );
    }
    render(&figure, svg)
}

/// Enough pixels per panel to show every grid point of large images.
fn dpi_for(side: usize, cols: usize) -> f64 {
    let panel_px_at_100 = 88.0 * 4.0 / cols.max(4) as f64;
    (100.0 * (side as f64 / panel_px_at_100).ceil()).clamp(100.0, 600.0)
}

fn render(figure: &Figure, svg: bool) -> Result<Vec<u8>> {
    Ok(if svg {
        figure.render_svg()?.into_bytes()
    } else {
        figure.render_png()?
    })
}
