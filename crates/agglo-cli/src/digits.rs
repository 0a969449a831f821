//! `agglo digits`: scikit-learn's "Feature agglomeration" example on the
//! embedded digits, with its figure.

use std::time::Instant;

use agglo::{datasets::load_digits, grid_to_graph, FeatureAgglomeration};
use agglo_plot::AgglomerationFigure;
use anyhow::{Context, Result};
use ndarray::{s, Array2};

use crate::bad_input;
use crate::cli::DigitsArgs;
use crate::guard::write_file_atomically;

/// The example's figure shows the first four digits.
const SHOWN: usize = 4;

/// Runs the example: fit 64 pixels into `--n-clusters` super-pixels with
/// connectivity-constrained Ward, pool and restore the images, draw the
/// figure and print a summary.
///
/// # Errors
/// A number of clusters outside 1..=64, an output path that cannot be
/// written or an unknown figure format.
pub fn run(args: &DigitsArgs) -> Result<()> {
    let start = Instant::now();
    let svg = match args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(ext) if ext == "svg" => true,
        Some(ext) if ext == "png" => false,
        other => {
            return Err(bad_input(format!(
                "--output {}: the figure is written as .png or .svg, not {}",
                args.output.display(),
                other.map_or("a file without extension".to_string(), |e| format!(
                    "'.{e}'"
                ))
            )))
        }
    };
    if !(1..=64).contains(&args.n_clusters) {
        return Err(bad_input(format!(
            "--n-clusters must be between 1 and 64 (the pixels of an 8×8 digit), got {}",
            args.n_clusters
        )));
    }
    let digits = load_digits();
    let model = FeatureAgglomeration::new()
        .n_clusters(args.n_clusters)
        .connectivity(grid_to_graph(&[8, 8], None)?)
        .fit(digits.data.view())?;
    let reduced = model.transform(digits.data.view())?;
    let restored = model.inverse_transform(reduced.view())?;
    let fitted_in = start.elapsed();

    let error = mean_squared_error(&digits.data, &restored);
    let restored_images = restored
        .into_shape_with_order((digits.images.dim().0, 8, 8))
        .context("reshaping the restored images")?;
    let labels =
        Array2::from_shape_vec((8, 8), model.labels().to_vec()).context("reshaping the labels")?;
    let figure = AgglomerationFigure {
        originals: (0..SHOWN)
            .map(|i| digits.images.slice(s![i, .., ..]))
            .collect(),
        restored: (0..SHOWN)
            .map(|i| restored_images.slice(s![i, .., ..]))
            .collect(),
        labels: labels.view(),
        vmax: Some(16.0),
    };
    let bytes = if svg {
        figure.render_svg()?.into_bytes()
    } else {
        figure.render_png()?
    };
    write_file_atomically(&args.output, &bytes)?;
    if args.quiet {
        return Ok(());
    }
    println!(
        "digits: {} images, 64 features → {} clusters (Ward, 8×8 pixel grid)",
        digits.data.nrows(),
        model.n_clusters()
    );
    println!("reconstruction error (mean squared, pixel values 0..16): {error:.4}");
    println!(
        "fit + transform + inverse_transform: {:.1} ms; total {:.1} ms",
        fitted_in.as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64() * 1e3
    );
    println!("figure written to {}", args.output.display());
    Ok(())
}

fn mean_squared_error(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let n = a.len() as f64;
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        / n
}
