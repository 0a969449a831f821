//! A figure other than the example's — default subplot parameters, a 2 x 2
//! grid, non-square images, a non-integer colour limit, 40 labels, a kerned
//! title — against matplotlib 3.11's rendering (`tests/data/general_*`).

mod common;

use agglo_plot::{Figure, Panel};
use common::{data_dir, decode_png};
use ndarray::Array2;
use ndarray_npy::read_npy;

#[test]
fn general_figure_matches_matplotlib() {
    let dir = data_dir();
    let wide: Array2<f64> = read_npy(dir.join("general_wide.npy")).unwrap();
    let square: Array2<f64> = read_npy(dir.join("general_square.npy")).unwrap();
    let labels: Array2<i64> = read_npy(dir.join("general_labels.npy")).unwrap();
    let labels = labels.mapv(|v| usize::try_from(v).unwrap());
    let figure = Figure::new(3.0, 2.5, 100.0)
        .grid(2, 2)
        .panel(Panel::new(0, 0, wide.view()).title("Wide"))
        .panel(Panel::new(0, 1, square.view()).vmax(2.0))
        .panel(Panel::labels(1, 1, labels.view()).title("Tall AV"));
    let (w, h, got) = decode_png(&figure.render_png().unwrap());
    let (rw, rh, expected) = decode_png(&std::fs::read(dir.join("general_reference.png")).unwrap());
    assert_eq!((w, h), (300, 250));
    assert_eq!((w, h), (rw, rh));
    let mut differing = 0;
    for (i, (a, b)) in got.chunks(4).zip(expected.chunks(4)).enumerate() {
        let d = a
            .iter()
            .zip(b)
            .map(|(p, q)| p.abs_diff(*q))
            .max()
            .unwrap_or(0);
        let (x, y) = (i % 300, i / 300);
        assert!(d <= 4, "pixel ({x}, {y}): {a:?} vs matplotlib {b:?}");
        differing += usize::from(d > 0);
    }
    // Only title glyph edges differ, by rounding (90 pixels when written).
    assert!(differing <= 300, "{differing} pixels differ");
}
