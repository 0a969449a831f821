//! The parts the command line's figures are built from: qualitative label
//! colours, overlays, panels in boxes of their own (colour bars), figure
//! texts kept inside the figure, and thin images drawn as bands.

use agglo_plot::{Align, Colormap, Figure, Panel, MAX_ASPECT};
use ndarray::Array2;

fn distance(a: [u8; 4], b: [u8; 4]) -> f64 {
    (0..3)
        .map(|k| (f64::from(a[k]) - f64::from(b[k])).powi(2))
        .sum::<f64>()
        .sqrt()
}

#[test]
fn consecutive_parcel_colours_are_far_apart() {
    let lut = Colormap::Parcels.lut_bytes();
    let closest = (0..255)
        .map(|k| distance(lut[k], lut[k + 1]))
        .fold(f64::INFINITY, f64::min);
    assert!(closest > 60.0, "consecutive labels look alike: {closest}");
    // nipy_spectral's neighbours are nearly the same colour.
    let spectral = Colormap::NipySpectral.lut_bytes();
    assert!(distance(spectral[100], spectral[101]) < 10.0);
}

/// The RGBA pixel at `(x, y)` of a rendered figure.
fn pixel(figure: &Figure, x: u32, y: u32) -> [u8; 4] {
    let (w, _, data) = figure.render_rgba().unwrap();
    let at = ((y * w + x) * 4) as usize;
    data[at..at + 4].try_into().unwrap()
}

#[test]
fn overlays_blend_over_the_image_and_boxes_are_filled() {
    let grey = Array2::from_elem((4, 4), 0.0);
    let labels = Array2::from_elem((4, 4), 3.0);
    // One panel filling the whole figure, black under a half-opaque parcel.
    let figure = Figure::new(1.0, 1.0, 40.0).panel(
        Panel::new(0, 0, grey.view())
            .vmin(0.0)
            .vmax(1.0)
            .overlay(labels.view(), Colormap::Parcels, 0.5)
            .placed(0.0, 0.0, 1.0, 1.0),
    );
    let colour = Colormap::Parcels.lut_bytes()[3];
    let got = pixel(&figure, 20, 20);
    for k in 0..3 {
        assert_eq!(got[k], (f64::from(colour[k]) * 0.5).round() as u8);
    }
    let mismatched = Array2::from_elem((3, 4), 1.0);
    let err = Figure::new(1.0, 1.0, 40.0)
        .panel(Panel::new(0, 0, grey.view()).overlay(mismatched.view(), Colormap::Gray, 0.5))
        .render_png()
        .unwrap_err();
    assert!(err.to_string().contains("overlay"), "{err}");
}

#[test]
fn texts_stay_inside_the_figure() {
    let image = Array2::from_elem((2, 2), 1.0);
    let (w, h, data) = Figure::new(1.0, 1.0, 100.0)
        .panel(Panel::new(0, 0, image.view()).placed(0.4, 0.4, 0.6, 0.6))
        .text(
            0.0,
            0.1,
            "a long title anchored at the edge",
            10.0,
            Align::Center,
        )
        .render_rgba()
        .unwrap();
    // Something dark is drawn in the first columns (the text was moved in),
    // nothing is lost past the left edge.
    let dark_left = (0..h).any(|y| {
        let at = ((y * w + 3) * 4) as usize;
        data[at] < 128
    });
    assert!(dark_left);
}

#[test]
fn thin_images_are_drawn_as_bands() {
    let thin = Array2::from_elem((1, 128), 0.5);
    let (_, h, data) = Figure::new(4.0, 4.0, 100.0)
        .panel(Panel::new(0, 0, thin.view()))
        .render_rgba()
        .unwrap();
    let w = 400;
    // Count the rows the band covers down the middle column.
    let rows = (0..h)
        .filter(|&y| {
            let at = ((y * w + 200) * 4) as usize;
            data[at] < 200
        })
        .count();
    let band = 4.0 * 100.0 * 0.775 / MAX_ASPECT;
    assert!(
        rows as f64 > 0.8 * band,
        "{rows} rows, not a band of ~{band}"
    );
}
