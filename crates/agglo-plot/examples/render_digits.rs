//! Renders the digits figure from the reference data in `tests/data` to
//! `digits.png` and `digits.svg` in the directory given as the first argument
//! (default: the current directory).

use std::path::PathBuf;

use agglo_plot::AgglomerationFigure;
use ndarray::{Array2, Array3, Axis};
use ndarray_npy::read_npy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_string()));
    let originals: Array3<f64> = read_npy(data.join("originals.npy"))?;
    let restored: Array3<f64> = read_npy(data.join("restored.npy"))?;
    let labels: Array2<i64> = read_npy(data.join("labels.npy"))?;
    let labels = labels.mapv(|v| usize::try_from(v).unwrap_or(0));
    let figure = AgglomerationFigure {
        originals: originals.axis_iter(Axis(0)).collect(),
        restored: restored.axis_iter(Axis(0)).collect(),
        labels: labels.view(),
        vmax: Some(16.0),
    };
    std::fs::write(out.join("digits.png"), figure.render_png()?)?;
    std::fs::write(out.join("digits.svg"), figure.render_svg()?)?;
    Ok(())
}
